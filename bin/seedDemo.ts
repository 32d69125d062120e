import { parseArgs } from 'node:util';
import { randomInt } from 'node:crypto';
import type { Db } from '../db/knex';
import { audit } from '../db/audit';
import { hashPassword } from '../domain/password';
import { creditCodeCheckChar, passwordProblem } from '../domain/validation';
import { CliError, withPlatformDb } from './cli';

/**
 * `npm run seed:demo [-- --password <pw>]`: a demo to click through. Safe to run again:
 * every demo row is found by its login name or code and brought back to the demo state.
 * Passwords are new random ones on every run (or the one given), printed at the end, so
 * no password is written in the code.
 */

export const DEMO_AUTHORITY = { name: '福建省卫生健康委员会', industry: '卫生健康' };
export const DEMO_INSTITUTION = { name: '福州示范继续教育培训中心', creditBody: '91350100MA2DEMY01' };

type Org = { region?: string; authority?: boolean };
interface DemoAccount {
  login: string;
  name: string;
  role: 'platform_admin' | 'reviewer' | 'auditor' | 'institution_admin' | 'applicant';
  label: string;
  org?: Org;
  institution?: boolean;
  seq: number;
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  { login: 'demo_admin', name: '平台管理员', role: 'platform_admin', label: '平台管理员', seq: 1 },
  { login: 'demo_fz_reviewer', name: '福州审核员', role: 'reviewer', label: '审核员 · 福州市人社局', org: { region: '350100' }, seq: 2 },
  { login: 'demo_xm_reviewer', name: '厦门审核员', role: 'reviewer', label: '审核员 · 厦门市人社局', org: { region: '350200' }, seq: 3 },
  { login: 'demo_wjw_reviewer', name: '卫健委审核员', role: 'reviewer', label: `审核员 · ${DEMO_AUTHORITY.name}`, org: { authority: true }, seq: 4 },
  { login: 'demo_auditor', name: '审计员', role: 'auditor', label: '审计员', seq: 5 },
  { login: 'demo_inst_admin', name: '机构管理员', role: 'institution_admin', label: `机构管理员 · ${DEMO_INSTITUTION.name}`, institution: true, seq: 6 },
  { login: 'demo_applicant', name: '注册用户', role: 'applicant', label: '注册用户(尚未申请机构)', seq: 7 },
];

/** A valid ID number (GB 11643) for demo person n: born 1985-01-01, sequence n. */
export function demoIdNumber(n: number): string {
  const body = `35010219850101${String(n).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return body + '10X98765432'[[...body].reduce((s, c, i) => s + Number(c) * w[i], 0) % 11];
}

export function randomDemoPassword(): string {
  const lower = 'abcdefghjkmnpqrstuvwxyz';
  const letters = Array.from({ length: 4 }, () => lower[randomInt(lower.length)]).join('');
  return `Demo#${randomInt(1000, 10000)}${letters}`;
}

export interface DemoLogin {
  login: string;
  password: string;
  label: string;
}

export async function seedDemo(db: Db, opts: { password?: string } = {}): Promise<DemoLogin[]> {
  if (opts.password !== undefined) {
    const problem = passwordProblem(opts.password);
    if (problem) throw new CliError(`--password: ${problem}`);
  }
  const passwords = DEMO_ACCOUNTS.map(() => opts.password ?? randomDemoPassword());
  const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));

  await db.transaction(async (trx) => {
    // One seed at a time: two at once would race on the same demo rows.
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', ['seed:demo']);
    await trx('reviewer_orgs').insert({ name: DEMO_AUTHORITY.name, kind: 'industry_authority', industry: DEMO_AUTHORITY.industry }).onConflict('name').ignore();
    const authority = await trx('reviewer_orgs').where({ name: DEMO_AUTHORITY.name }).first('id');
    const orgId = async (o?: Org) => {
      if (!o) return null;
      if (o.authority) return authority.id as number;
      const bureau = await trx('reviewer_orgs').where({ kind: 'hr_bureau', region_code: o.region }).first('id');
      return bureau.id as number;
    };

    const creditCode = DEMO_INSTITUTION.creditBody + creditCodeCheckChar(DEMO_INSTITUTION.creditBody);
    const [inst] = await trx('institutions')
      .insert({
        name: DEMO_INSTITUTION.name,
        credit_code: creditCode,
        type: '社会培训机构',
        region_code: '350100',
        address: '福州市鼓楼区五四路100号',
        head_name: '陈主任',
        contact_name: '林老师',
        contact_phone: '0591-87654321',
        email: 'demo@example.com',
        training_scope: JSON.stringify({ subjects: ['public', 'professional'], specialties: ['护理', '临床医学'] }),
        status: 'active',
        approved_at: new Date(),
      })
      .onConflict('credit_code')
      .merge({ status: 'active', needs_completion: false })
      .returning('id');

    for (const [i, a] of DEMO_ACCOUNTS.entries()) {
      const row = {
        login_name: a.login,
        name: a.name,
        id_number: demoIdNumber(a.seq),
        phone: `1350000${String(a.seq).padStart(4, '0')}`,
        password_hash: hashes[i],
        role: a.role,
        org_id: await orgId(a.org),
        institution_id: a.institution ? inst.id : null,
        status: 'active',
        must_change_password: false,
        failed_logins: 0,
        locked_until: null,
      };
      const [user] = await trx('users')
        .insert(row)
        .onConflict('login_name')
        .merge(['password_hash', 'role', 'org_id', 'institution_id', 'status', 'must_change_password', 'failed_logins', 'locked_until'])
        .returning('id');
      if (a.institution) {
        await trx('institutions').where({ id: inst.id }).whereNull('applicant_user_id').update({ applicant_user_id: user.id });
      }
    }
    await seedBaseData(trx, inst.id);
    await audit(trx, { event: 'platform.seed_demo', result: 'success', detail: { accounts: DEMO_ACCOUNTS.map((a) => a.login) } });
  }).catch((e) => {
    // A registered person already holds a demo ID number or phone: say so instead of a stack.
    if ((e as { code?: string }).code === '23505') throw new CliError(`演示数据与已有数据冲突: ${(e as { detail?: string }).detail ?? (e as Error).message}`);
    throw e;
  });
  return DEMO_ACCOUNTS.map((a, i) => ({ login: a.login, password: passwords[i], label: a.label }));
}

/**
 * The demo institution's 培训基础信息 (teachers, onsite and online courses, a training
 * site, an online platform), so 培训班申报 can be tried at once. Rows are found by name
 * (ID number for teachers) and only added when missing: changes made while trying the
 * demo stay.
 */
async function seedBaseData(trx: Db, institutionId: number) {
  const teacherIds: number[] = [];
  for (const [n, t] of [
    [101, { name: '王丽华', gender: 'female', title: '副教授', employer: '福建医科大学', field: '护理学', phone: '13500001101' }],
    [102, { name: '陈建国', gender: 'male', title: '高级讲师', employer: '福建省委党校', field: '公共管理', phone: '13500001102' }],
  ] as const) {
    const idNumber = demoIdNumber(n);
    const found = await trx('teachers').where({ institution_id: institutionId, id_number: idNumber }).first('id');
    const id = found?.id ?? (await trx('teachers').insert({ ...t, institution_id: institutionId, id_number: idNumber }).returning('id'))[0].id;
    teacherIds.push(Number(id));
  }
  const courses = [
    { name: '专业技术人员职业道德与法律法规', subject_type: 'public', specialty: '', hours: 6, delivery: 'onsite', teacher: teacherIds[1] },
    { name: '专业技术人员创新能力建设', subject_type: 'public', specialty: '', hours: 6.5, delivery: 'onsite', teacher: teacherIds[1] },
    { name: '临床护理新进展', subject_type: 'professional', specialty: '护理', hours: 8, delivery: 'onsite', teacher: teacherIds[0] },
    { name: '护理安全与风险管理(网授)', subject_type: 'professional', specialty: '护理', hours: 4, delivery: 'online', teacher: teacherIds[0] },
  ];
  for (const { teacher, ...c } of courses) {
    const [row] = await trx('courses').insert({ ...c, institution_id: institutionId, intro: '演示课程' }).onConflict(['institution_id', 'name']).ignore().returning('id');
    if (row) await trx('course_teachers').insert({ course_id: row.id, teacher_id: teacher });
  }
  await trx('training_sites')
    .insert({ institution_id: institutionId, name: '福州示范培训中心第一教室', region_code: '350100', address: '福州市鼓楼区五四路100号三楼', capacity: 80, contact_name: '林老师', contact_phone: '0591-87654321' })
    .onConflict(['institution_id', 'name'])
    .ignore();
  await trx('online_platforms')
    .insert({ institution_id: institutionId, name: '福州示范网络学院', url: 'https://learn.example.com', operator: '福州示范继续教育培训中心', contact_name: '林老师', contact_phone: '0591-87654321' })
    .onConflict(['institution_id', 'name'])
    .ignore();
}

async function main() {
  const { values } = parseArgs({ options: { password: { type: 'string' } }, strict: true });
  await withPlatformDb(async (db) => {
    const logins = await seedDemo(db, { password: values.password });
    const width = Math.max(...logins.map((l) => l.login.length));
    console.log('\n演示数据已就绪。登录账号与密码(每次运行都会重设这些演示账号的密码):\n');
    for (const l of logins) console.log(`  ${l.login.padEnd(width)}  ${l.password}  ${l.label}`);
    console.log('');
  });
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof CliError ? e.message : e);
    process.exitCode = 1;
  });
}
