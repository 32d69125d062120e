import { randomUUID } from 'node:crypto';
import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createInstitution, createReviewer, createUser, login, makeIdNumber, uniq } from '../helpers/fixtures';
import { beijingToday } from '../../web/dashboard/institution';

/** 工作桌面 of each role: the numbers are the database's, scoped to the user. */
let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

const count = (html: string, key: string) => Number(html.match(new RegExp(`data-count="${key}">(\\d+)<`))?.[1]);

async function insertClass(institutionId: number, over: Record<string, unknown>) {
  const [row] = await p.db('training_classes')
    .insert({ institution_id: institutionId, name: uniq('班'), training_year: 2025, subject_type: 'public', start_date: '2025-03-01', end_date: '2025-03-05', planned_count: 30, contact_name: '王', contact_phone: '13800000000', outcome_mode: 'after_approval', status: 'approved', ...over })
    .returning('id');
  return row.id as number;
}

describe('institution dashboard', () => {
  it('counts and lists what needs doing, by institution', async () => {
    const inst = await createInstitution(p.db);
    const other = await createInstitution(p.db);
    const today = beijingToday(new Date());
    await insertClass(inst.id, { status: 'pending', name: '待审核班A' });
    const rejected = await insertClass(inst.id, { status: 'rejected', name: '被退回班B' });
    await insertClass(inst.id, { status: 'approved', end_date: '2000-01-02', start_date: '2000-01-01', training_year: 2000, name: '已结束未报班C' });
    const d = await insertClass(inst.id, { status: 'approved', end_date: '2999-01-02', outcomes_reported: false, name: '已通过班D', approved_at: new Date() });
    const draft = await insertClass(inst.id, { status: 'draft', name: '草稿班E' });
    await insertClass(inst.id, { status: 'withdrawn', name: '已撤回班F' });
    await insertClass(other.id, { status: 'pending', name: '别家的班' });
    await insertClass(other.id, { status: 'draft', name: '别家的草稿班' });
    await insertClass(other.id, { status: 'approved', name: '别家的通过班' });
    const org = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350100' }).first();
    await p.db('review_items').insert({ kind: 'class_declaration', workflow_id: `class-declaration:${rejected}`, round: 1, subject_id: rejected, institution_id: inst.id, org_id: org.id, title: '被退回班B', status: 'rejected', reason: '课程安排不合理', submitted_at: new Date(), decided_at: new Date() });
    const [file] = await p.db('files').insert({ id: randomUUID(), institution_id: inst.id, name: 'x.xlsx', mime: 'application/zip', size: 1, data: Buffer.from('x') }).returning('id');
    await p.db('import_jobs').insert({ id: randomUUID(), institution_id: inst.id, type: 'teachers', file_id: file.id, file_name: '教师.xlsx', status: 'running', created_by: inst.admin.id });
    await p.db('export_jobs').insert({ id: randomUUID(), institution_id: inst.id, type: 'class_members', status: 'queued', created_by: inst.admin.id });
    await p.db('export_jobs').insert({ id: randomUUID(), institution_id: inst.id, type: 'class_members', status: 'succeeded', created_by: inst.admin.id });

    const a = p.agent();
    await login(a, inst.admin);
    const res = await a.get('/dashboard');
    expect(res.status).toBe(200);
    expect(count(res.text, 'toDeclare')).toBe(2);
    const toDeclare = /<h2>待申报的培训班<\/h2>([\s\S]*?)<\/section>/.exec(res.text)![1];
    expect(toDeclare).toContain(`<a href="/declarations/${draft}">草稿班E</a>`);
    expect(toDeclare).toMatch(/已撤回班F<\/a> <span class="muted">\d{4}年度 · 已撤回/);
    expect(toDeclare).not.toContain('别家的草稿班');
    expect({ pending: count(res.text, 'pending'), rejected: count(res.text, 'rejected'), approved: count(res.text, 'approved'), pastEnd: count(res.text, 'pastEnd'), jobs: count(res.text, 'jobs') }).toEqual({ pending: 1, rejected: 1, approved: 2, pastEnd: 1, jobs: 2 });
    expect(res.text).toContain('待审核班A');
    expect(res.text).toContain('课程安排不合理');
    expect(res.text).toContain('已结束未报班C');
    const approvedCard = /<h2>已审核通过的培训班<\/h2>([\s\S]*?)<\/section>/.exec(res.text)![1];
    expect(approvedCard).toContain(`<a href="/classes/${d}">已通过班D</a>`);
    expect(approvedCard).toContain('已结束未报班C');
    expect(approvedCard).not.toContain('别家的通过班');
    expect(res.text).toContain('教师导入');
    expect(res.text).not.toContain('别家的班');
    expect(res.text).toContain('申请继续教育基地');
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('各年度培训数据: table and chart per year, split 公需/专业; the year picker swaps the section', async () => {
    const inst = await createInstitution(p.db);
    const cls = await insertClass(inst.id, { training_year: 2023, subject_type: 'professional' });
    const people = [makeIdNumber(), makeIdNumber()];
    await p.db('training_records').insert([
      ...people.map((id) => ({ institution_id: inst.id, id_number: id, name: '甲', delivery: 'onsite', class_id: cls, training_year: 2023, subject_type: 'professional', hours: 12, result: 'pass', source_key: `dash:${cls}:${id}` })),
      { institution_id: inst.id, id_number: people[0], name: '甲', delivery: 'online', course_name: '公需网课', training_year: 2023, subject_type: 'public', hours: 3.5, result: 'pass', source_key: `dash:online:${cls}` },
      // Trained but 不合格: a trainee and a person-time, no 学时.
      { institution_id: inst.id, id_number: people[1], name: '乙', delivery: 'online', course_name: '公需网课', training_year: 2023, subject_type: 'public', hours: 3.5, result: 'fail', source_key: `dash:online-fail:${cls}` },
    ]);
    const a = p.agent();
    await login(a, inst.admin);
    const page = await a.get('/dashboard?year=2023');
    expect(page.text).toContain('<option value="2023" selected>');
    expect(page.text).toMatch(/专业科目<\/th><td class="num">1<\/td><td class="num">2<\/td><td class="num">2<\/td><td class="num">24<\/td>/);
    expect(page.text).toMatch(/公需科目<\/th><td class="num">0<\/td><td class="num">2<\/td><td class="num">2<\/td><td class="num">3.5<\/td>/);
    expect(page.text).toMatch(/合计<\/th><td class="num">1<\/td><td class="num">2<\/td><td class="num">4<\/td><td class="num">27.5<\/td>/);
    expect(page.text).toContain('<svg');
    expect(page.text).toContain('data-type="professional" data-value="24"');
    expect(page.text).toContain('公需 3.5 · 专业 24 · 合计 27.5');

    const fragment = await a.get('/dashboard?year=2024', { 'HX-Request': 'true' });
    expect(fragment.text).not.toContain('<html');
    expect(fragment.text).toContain('<option value="2024" selected>');
    expect(fragment.text).toMatch(/合计<\/th><td class="num">0<\/td>/);
    // A year outside the picker falls back to this year.
    expect((await a.get('/dashboard?year=1900')).text).toContain(`<option value="${new Date().getFullYear()}" selected>`);
  });

  it("shows the base's status and this year's annual review", async () => {
    const inst = await createInstitution(p.db, { isBase: true });
    const org = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350100' }).first();
    const [app] = await p.db('base_applications')
      .insert({ workflow_id: `base-application:${inst.id}`, institution_id: inst.id, org_id: org.id, name: '仪表盘基地', base_type: '综合类', field: '工程', facilities: '教室', full_time_teachers: 1, part_time_teachers: 1, annual_capacity: 100, recent_training: '有', status: 'approved', applied_by: inst.admin.id, submitted_at: new Date() })
      .returning('id');
    await p.db('annual_reviews').insert({ institution_id: inst.id, application_id: app.id, org_id: org.id, year: 2025, status: 'open', overdue: true, opened_at: new Date(), deadline_at: new Date() });
    const a = p.agent();
    await login(a, inst.admin);
    const res = await a.get('/dashboard');
    expect(res.text).toContain('data-base-status="approved"');
    expect(res.text).toContain('2025年度年审');
    expect(res.text).toContain('data-annual-status="open"');
    expect(res.text).toContain('已逾期');
    expect(res.text).toContain('href="/annual-reviews/2025"');
  });

  it('a sub-admin without 工作桌面 sees a welcome only', async () => {
    const inst = await createInstitution(p.db);
    const sub = await createUser(p.db, { role: 'sub_admin', institutionId: inst.id, name: '子管理员' });
    const a = p.agent();
    await login(a, sub);
    const res = await a.get('/dashboard');
    expect(res.status).toBe(200);
    expect(res.text).toContain('请从左侧菜单进入');
    expect(res.text).not.toContain('data-count=');
  });
});

describe('other roles', () => {
  it("an applicant sees the application's status and the latest reason", async () => {
    const applicant = await createUser(p.db, { role: 'applicant', name: '申请人' });
    const a = p.agent();
    await login(a, applicant);
    expect((await a.get('/dashboard')).text).toContain('href="/apply"');
    const inst = await createInstitution(p.db, { status: 'rejected' });
    await p.db('institutions').where({ id: inst.id }).update({ applicant_user_id: null });
    await p.db('institutions').where({ id: inst.id }).update({ applicant_user_id: applicant.id });
    await p.db('users').where({ id: applicant.id }).update({ institution_id: inst.id });
    const org = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350100' }).first();
    await p.db('review_items').insert({ kind: 'institution', workflow_id: `institution-application:${inst.id}`, round: 1, subject_id: inst.id, institution_id: inst.id, org_id: org.id, title: inst.name, status: 'rejected', reason: '营业执照不清晰', submitted_at: new Date(), decided_at: new Date() });
    const res = await a.get('/dashboard');
    expect(res.text).toContain('data-institution-status="rejected"');
    expect(res.text).toContain('营业执照不清晰');
    expect(res.text).toContain(org.name);
    expect(res.text).toContain('href="/apply/status"');
  });

  it("a reviewer sees their bureau's queue by kind and its overdue items only", async () => {
    const reviewer = await createReviewer(p.db, '350900');
    const inst = await createInstitution(p.db, { regionCode: '350900' });
    const mine = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350900' }).first();
    const theirs = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350800' }).first();
    const item = (o: Record<string, unknown>) => ({ kind: 'class_declaration', round: 1, subject_id: 1, institution_id: inst.id, status: 'pending', submitted_at: new Date(), workflow_id: uniq('wf'), title: uniq('事项'), org_id: mine.id, ...o });
    await p.db('review_items').insert([item({ overdue: true, title: '超期的申报X' }), item({}), item({ kind: 'base' }), item({ org_id: theirs.id, title: '别局的事项', overdue: true })]);
    const a = p.agent();
    await login(a, reviewer);
    const res = await a.get('/dashboard');
    const n = (kind: string) => Number(res.text.match(new RegExp(`data-kind="${kind}">(\\d+)<`))?.[1]);
    expect(n('class_declaration')).toBeGreaterThanOrEqual(2);
    expect(n('base')).toBeGreaterThanOrEqual(1);
    expect(res.text).toContain('超期的申报X');
    expect(res.text).not.toContain('别局的事项');
  });

  it('an auditor sees workflow counts by type and status', async () => {
    const type = uniq('test_type_');
    await p.db('workflow_runs').insert([
      { workflow_id: uniq('w'), type, business_key: '1', status: 'running' },
      { workflow_id: uniq('w'), type, business_key: '2', status: 'running' },
      { workflow_id: uniq('w'), type, business_key: '3', status: 'completed' },
    ]);
    const a = p.agent();
    await login(a, await createUser(p.db, { role: 'auditor' }));
    const res = await a.get('/dashboard');
    expect(res.text).toMatch(new RegExp(`data-type="${type}" data-status="running"><a [^>]+>2<`));
    expect(res.text).toMatch(new RegExp(`data-type="${type}" data-status="completed"><a [^>]+>1<`));
  });

  it('the platform admin sees the totals', async () => {
    const a = p.agent();
    await login(a, await createUser(p.db, { role: 'platform_admin' }));
    const res = await a.get('/dashboard');
    const active = Number((await p.db('institutions').where({ status: 'active' }).count({ n: '*' }).first())!.n);
    expect(Number(res.text.match(/data-institutions="active">(\d+)</)?.[1])).toBeGreaterThanOrEqual(Math.min(active, 1));
    expect(res.text).toContain('属地人社局:');
  });
});
