import { randomInt } from 'node:crypto';
import type { Db } from '../../db/knex';
import { hashPassword } from '../../domain/password';
import { creditCodeCheckChar } from '../../domain/validation';
import type { Agent } from './agent';

export const PASSWORD = 'Passw0rd!';
let passwordHash: Promise<string> | null = null;
/** Hashing is deliberately slow; fixtures share one hash of the default password. */
const defaultHash = () => (passwordHash ??= hashPassword(PASSWORD));

let seq = 0;
export const uniq = (prefix = 'u') => `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${(seq++).toString(36)}${randomInt(1000)}`;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A valid 18-character ID number (GB 11643) with a random birth date and sequence. */
export function makeIdNumber(region = '350102'): string {
  const y = 1960 + randomInt(40);
  const m = String(1 + randomInt(12)).padStart(2, '0');
  const d = String(1 + randomInt(28)).padStart(2, '0');
  const body = `${region}${y}${m}${d}${String(randomInt(1000)).padStart(3, '0')}`;
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}

export function makeCreditCode(): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let body = '91350100';
  while (body.length < 17) body += alphabet[randomInt(alphabet.length)];
  return body + creditCodeCheckChar(body);
}

export const makePhone = () => `1${3 + randomInt(7)}${String(randomInt(1e9)).padStart(9, '0')}`;

export interface TestUser {
  id: number;
  loginName: string;
  idNumber: string;
  phone: string;
  password: string;
  institutionId: number | null;
  orgId: number | null;
}

export async function createUser(
  db: Db,
  o: { role?: string; institutionId?: number | null; orgId?: number | null; name?: string; mustChangePassword?: boolean } = {},
): Promise<TestUser> {
  const loginName = uniq('user');
  const idNumber = makeIdNumber();
  const phone = makePhone();
  const [row] = await db('users')
    .insert({
      login_name: loginName,
      id_number: idNumber,
      phone,
      name: o.name ?? '测试用户',
      password_hash: await defaultHash(),
      role: o.role ?? 'applicant',
      institution_id: o.institutionId ?? null,
      org_id: o.orgId ?? null,
      must_change_password: o.mustChangePassword ?? false,
    })
    .returning('id');
  return { id: row.id, loginName, idNumber, phone, password: PASSWORD, institutionId: o.institutionId ?? null, orgId: o.orgId ?? null };
}

/** An active institution with its admin, made directly in the database. */
export async function createInstitution(
  db: Db,
  o: { regionCode?: string; status?: string; isBase?: boolean; needsCompletion?: boolean; name?: string } = {},
): Promise<{ id: number; name: string; admin: TestUser }> {
  const name = o.name ?? `测试培训机构${uniq('')}`;
  const [inst] = await db('institutions')
    .insert({
      name,
      credit_code: makeCreditCode(),
      type: '培训机构',
      region_code: o.regionCode ?? '350100',
      address: '福州市鼓楼区测试路1号',
      head_name: '张三',
      contact_name: '李四',
      contact_phone: makePhone(),
      email: 'test@example.com',
      status: o.status ?? 'active',
      is_base: o.isBase ?? false,
      needs_completion: o.needsCompletion ?? false,
    })
    .returning('id');
  const admin = await createUser(db, { role: 'institution_admin', institutionId: inst.id, name: '机构管理员' });
  await db('institutions').where({ id: inst.id }).update({ applicant_user_id: admin.id });
  return { id: inst.id, name, admin };
}

export async function bureauOf(db: Db, regionCode: string): Promise<{ id: number; name: string }> {
  return db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: regionCode }).first('id', 'name');
}

export async function createReviewer(db: Db, regionCode = '350100'): Promise<TestUser> {
  const org = await bureauOf(db, regionCode);
  return createUser(db, { role: 'reviewer', orgId: org.id, name: '审核员' });
}

export const createAuditor = (db: Db) => createUser(db, { role: 'auditor', name: '审计员' });

/** Logs the agent in (tests run with AUTH_CAPTCHA=off). */
export async function login(agent: Agent, user: { loginName: string; password: string }) {
  await agent.get('/login');
  const res = await agent.post('/login', { login: user.loginName, password: user.password });
  if (res.status !== 303) throw new Error(`login failed for ${user.loginName}: ${res.status} ${res.text.slice(0, 500)}`);
  return res;
}
