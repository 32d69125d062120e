import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createReviewer, login, makeIdNumber, type TestUser } from '../helpers/fixtures';
import { decide, declarationForm, institutionWithCatalogue, thisYear, toFormData, type Catalogue } from '../helpers/classes';
import { waitFor } from '../helpers/waitFor';
import type { Agent } from '../helpers/agent';

let p: TestPlatform;
let c: Catalogue;
let a: Agent;
let reviewer: TestUser;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

beforeAll(async () => {
  p = await startPlatform();
  c = await institutionWithCatalogue(p.db);
  a = p.agent();
  await login(a, c.admin);
  reviewer = await createReviewer(p.db, '350100');
});
afterAll(() => p.close());

const idFrom = (location: string | null) => Number(/\/(\d+)\?/.exec(location ?? '')![1]);
const classRow = (id: number) => p.db('training_classes').where({ id }).first();

async function draft(over: Record<string, string | string[]> = {}, files: Array<{ name: string; data: Buffer }> = []) {
  const res = await a.upload('/declarations/new', toFormData(declarationForm(c, over), files));
  expect(res.status).toBe(303);
  return idFrom(res.location);
}

async function addMember(base: string, id: number, over: Record<string, string> = {}) {
  const idNumber = makeIdNumber();
  const res = await a.post(`${base}/${id}/members`, { name: '陈学员', idNumber, phone: '', employer: '福州某单位', ...over });
  return { res, idNumber };
}
const memberId = async (classId: number, idNumber: string) => (await p.db('class_members').where({ class_id: classId, id_number: idNumber }).first('id')).id;

describe('培训班申报 form', () => {
  it('says online training needs no declaration, and sends an institution without courses or teachers to add them', async () => {
    const page = await a.get('/declarations/new');
    expect(page.status).toBe(200);
    expect(page.text).toContain('网授培训不需要');
    expect(page.text).toContain('培训班名称');

    const bare = await (await import('../helpers/fixtures')).createInstitution(p.db);
    const b = p.agent();
    await login(b, bare.admin);
    const empty = await b.get('/classes/new');
    expect(empty.text).toContain('href="/courses"');
    expect(empty.text).toContain('href="/teachers"');
    expect(empty.text).not.toContain('name="courseIds"');
  });

  it('saves a draft with its courses, total 学时 and attachments', async () => {
    const id = await draft({}, [{ name: '培训方案.pdf', data: PDF }, { name: '日程.pdf', data: PDF }]);
    const row = await classRow(id);
    expect(row).toMatchObject({ status: 'draft', total_hours: 12.5, institution_id: c.inst.id, outcome_mode: 'after_approval' });
    expect(await p.db('class_courses').where({ class_id: id })).toHaveLength(2);
    const files = await p.db('class_attachments as a').join('files as f', 'f.id', 'a.file_id').where('a.class_id', id).select('f.name', 'f.id');
    expect(files.map((f) => f.name).sort()).toEqual(['日程.pdf', '培训方案.pdf'].sort());
    const detail = await a.get(`/declarations/${id}`);
    expect(detail.text).toContain('培训方案.pdf');
    const dl = await a.get(`/declarations/${id}/attachments/${files[0].id}`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('application/pdf');
  });

  it('computes the total 学时 of the picked courses for htmx', async () => {
    const res = await a.post('/declarations/course-total', { courseIds: [String(c.courses.pub1.id), String(c.courses.pub2.id)] }, { headers: { 'HX-Request': 'true' } });
    expect(res.text).toContain('12.5');
    expect(res.text).toContain('2 门');
  });

  it.each([
    [{ startDate: '2020-01-01' }, 'startDate', '培训开始日期应在培训年度'],
    [{ startDate: `${new Date().getFullYear()}-06-10`, endDate: `${new Date().getFullYear()}-06-01` }, 'endDate', '培训结束日期不能早于培训开始日期'],
    [{ courseIds: [] }, 'courseIds', '请至少添加一门培训课程'],
    [{ plannedCount: '61' }, 'plannedCount', '计划人数不能超过面授点可容纳人数 60 人'],
    [{ subjectType: 'professional' }, 'specialty', '专业科目请填写专业'],
    [{ contactPhone: '12345' }, 'contactPhone', '联系电话应为11位手机号或带区号的固定电话'],
    [{ name: '' }, 'name', '请填写培训班名称'],
    [{ trainingYear: String(new Date().getFullYear() - 2), startDate: `${new Date().getFullYear() - 2}-04-01`, endDate: `${new Date().getFullYear() - 2}-04-03` }, 'trainingYear', '年度的培训成果上报期限已过'],
    [{ trainingYear: String(new Date().getFullYear() + 5), startDate: `${new Date().getFullYear() + 5}-04-01`, endDate: `${new Date().getFullYear() + 5}-04-03` }, 'trainingYear', '请选择可申报的培训年度'],
    [{ outcomeMode: '' }, 'outcomeMode', '请选择培训成果上报方式'],
  ])('refuses %j with a message beside %s and keeps the typed values', async (over, _field, message) => {
    const form = declarationForm(c, over as Record<string, string>);
    const before = await p.db('training_classes').where({ institution_id: c.inst.id }).count('* as n');
    const res = await a.upload('/declarations/new', toFormData(form));
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    if (form.name) expect(res.text).toContain(`value="${form.name}"`);
    expect(await p.db('training_classes').where({ institution_id: c.inst.id }).count('* as n')).toEqual(before);
  });

  it('refuses another region’s bureau, another institution’s site, courses of the other subject type, and files that are not documents', async () => {
    const xiamen = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350200' }).first('id');
    const r1 = await a.upload('/declarations/new', toFormData(declarationForm(c, { reviewerOrgId: String(xiamen.id) })));
    expect(r1.text).toContain('请选择属地人社局或行业主管部门');
    const other = await institutionWithCatalogue(p.db);
    const r2 = await a.upload('/declarations/new', toFormData(declarationForm(c, { siteId: String(other.site.id) })));
    expect(r2.text).toContain('请选择本机构已启用的面授点');
    const r3 = await a.upload('/declarations/new', toFormData(declarationForm(c, { courseIds: [String(c.courses.pro.id)] })));
    expect(r3.text).toContain('的科目类型与培训班不一致');
    const r4 = await a.upload('/declarations/new', toFormData(declarationForm(c), [{ name: 'evil.pdf', data: Buffer.from('MZ not a pdf') }]));
    expect(r4.status).toBe(422);
    expect(r4.text).toContain('附件「evil.pdf」不是PDF、Office文档或图片');
  });

  it('offers last year only until its outcome period ends (180 days after 31 December by default)', async () => {
    const y = new Date().getFullYear();
    // Sessions live 30 minutes, so each moved clock gets its own sign-in (and `a` keeps its own).
    const signedInAt = async (iso: string) => {
      p.clock.offsetMs = new Date(iso).getTime() - Date.now();
      const b = p.agent();
      await login(b, c.admin);
      return b;
    };
    try {
      const june = await signedInAt(`${y}-06-20T12:00:00+08:00`);
      expect((await june.get('/declarations/new')).text).toContain(`>${y - 1}年</option>`);
      const july = await signedInAt(`${y}-07-05T12:00:00+08:00`);
      const page = await july.get('/declarations/new');
      expect(page.text).not.toContain(`>${y - 1}年</option>`);
      expect(page.text).toContain(`>${y}年</option>`);
      const res = await july.upload('/declarations/new', toFormData(declarationForm(c, { trainingYear: String(y - 1), startDate: `${y - 1}-04-01`, endDate: `${y - 1}-04-03` })));
      expect(res.status).toBe(422);
      expect(res.text).toContain(`${y - 1}年度的培训成果上报期限已过`);
    } finally {
      p.clock.offsetMs = 0;
    }
  });

  it('offers an industry authority as 审核单位', async () => {
    const [org] = await p.db('reviewer_orgs').insert({ name: `住建行业主管部门${Date.now()}`, kind: 'industry_authority', industry: '建筑' }).returning('id');
    const page = await a.get('/declarations/new');
    expect(page.text).toContain('(行业主管部门)');
    const id = await draft({ reviewerOrgId: String(org.id) });
    expect((await classRow(id)).reviewer_org_id).toBe(org.id);
  });
});

describe('同步上报 declaration: members, outcomes, review, records', () => {
  it('runs from draft to 培训档案, refusing bad members and outcomes on the way', async () => {
    const id = await draft({ outcomeMode: 'with_declaration' });
    const noOutcomes = await a.post(`/declarations/${id}/submit`);
    expect(noOutcomes.status).toBe(409);
    expect(noOutcomes.text).toContain('须先录入报名人员的培训成果');

    const bad = await addMember('/declarations', id, { idNumber: '350102199001011234' });
    expect(bad.res.status).toBe(422);
    expect(bad.res.text).toMatch(/身份证号码(校验位不正确|中的出生日期无效)/);
    const m1 = await addMember('/declarations', id, { name: '林一' });
    expect(m1.res.status).toBe(303);
    const dup = await addMember('/declarations', id, { idNumber: m1.idNumber });
    expect(dup.res.status).toBe(422);
    expect(dup.res.text).toContain('该身份证号码已在本班报名人员中');
    const m2 = await addMember('/declarations', id, { name: '林二' });
    const k1 = `m${await memberId(id, m1.idNumber)}`;
    const k2 = `m${await memberId(id, m2.idNumber)}`;

    const tooMany = await a.post(`/declarations/${id}/outcomes`, { [`hours[${k1}]`]: '13', [`result[${k1}]`]: 'pass' });
    expect(tooMany.status).toBe(422);
    expect(tooMany.text).toContain('学时不能超过培训班总学时 12.5');
    const stranger = await a.post(`/declarations/${id}/outcomes`, { 'hours[m999999999]': '5', 'result[m999999999]': 'pass' });
    expect(stranger.status).toBe(422);
    expect(stranger.text).toContain('所填人员不在本班报名人员中');
    const noResult = await a.post(`/declarations/${id}/outcomes`, { [`hours[${k1}]`]: '5' });
    expect(noResult.text).toContain('请选择考核结果');
    expect(await p.db('outcomes').where({ class_id: id })).toHaveLength(0);

    const ok = await a.post(`/declarations/${id}/outcomes`, { [`hours[${k1}]`]: '12.5', [`result[${k1}]`]: 'pass', [`hours[${k2}]`]: '6', [`result[${k2}]`]: 'fail' });
    expect(ok.status).toBe(303);
    expect(await p.db('outcomes').where({ class_id: id }).whereNull('report_id')).toHaveLength(2);

    const submitted = await a.post(`/declarations/${id}/submit`);
    expect(submitted.status).toBe(303);
    expect(submitted.location).toContain('done=submitted');
    expect((await classRow(id)).status).toBe('pending');
    // Locked while the reviewer has it.
    expect((await a.get(`/declarations/${id}/edit`)).status).toBe(409);
    const lockedMember = await addMember('/declarations', id);
    expect(lockedMember.res.status).toBe(409);
    expect(lockedMember.res.text).toContain('正在审核中');

    expect((await decide(p.deps, id, reviewer, 'approve')).ok).toBe(true);
    await waitFor('records', async () => (await classRow(id)).outcomes_reported, 20000);
    const recs = await p.db('training_records').where({ class_id: id }).orderBy('hours', 'desc');
    expect(recs.map((r) => [r.id_number, r.hours, r.result])).toEqual([
      [m1.idNumber, 12.5, 'pass'],
      [m2.idNumber, 6, 'fail'],
    ]);

    // Approved: the declaration refuses changes, members and outcomes may still be added.
    const edit = await a.get(`/classes/${id}/edit`);
    expect(edit.status).toBe(409);
    expect(edit.text).toContain('审核通过后不可修改');
    const post = await a.upload(`/classes/${id}/edit`, toFormData(declarationForm(c, { name: '改名' })));
    expect(post.status).toBe(409);
    expect((await classRow(id)).name).not.toBe('改名');
    const late = await addMember('/classes', id, { name: '林三' });
    expect(late.res.status).toBe(303);
    const k3 = `m${await memberId(id, late.idNumber)}`;
    const rep = await a.post(`/classes/${id}/outcomes`, { [`hours[${k3}]`]: '8', [`result[${k3}]`]: 'pass' });
    expect(rep.status).toBe(303);
    expect(rep.location).toContain('done=reported&n=1');
    expect(await p.db('training_records').where({ class_id: id })).toHaveLength(3);
    // A member with an outcome stays.
    const rm = await a.post(`/classes/${id}/members/${await memberId(id, m1.idNumber)}/delete`, { confirm: '1' });
    expect(rm.status).toBe(409);
    expect(rm.text).toContain('已有培训成果,不能移除');
  });
});

describe('暂不上报 declaration', () => {
  it('takes outcomes only after approval, several times, then 结班', async () => {
    const id = await draft({}, []);
    const m1 = await addMember('/declarations', id);
    const k1 = `m${await memberId(id, m1.idNumber)}`;
    const early = await a.post(`/declarations/${id}/outcomes`, { [`hours[${k1}]`]: '4', [`result[${k1}]`]: 'pass' });
    expect(early.status).toBe(409);
    expect(early.text).toContain('审核通过后再上报培训成果');
    expect((await a.post(`/declarations/${id}/submit`)).status).toBe(303);
    expect((await decide(p.deps, id, reviewer, 'approve')).ok).toBe(true);
    await waitFor('approved', async () => (await classRow(id)).status === 'approved', 20000);

    expect((await a.post(`/classes/${id}/outcomes`, { [`hours[${k1}]`]: '4', [`result[${k1}]`]: 'pass' })).location).toContain('n=1');
    const again = await a.post(`/classes/${id}/outcomes`, { [`hours[${k1}]`]: '4', [`result[${k1}]`]: 'pass' });
    expect(again.status).toBe(422);
    expect(again.text).toContain('已有培训成果,不能重复录入');
    const m2 = await addMember('/classes', id);
    const k2 = `m${await memberId(id, m2.idNumber)}`;
    const button = '>上报培训成果</button>';
    expect((await a.get(`/classes/${id}`)).text).toContain(button);
    expect((await a.post(`/classes/${id}/outcomes`, { [`hours[${k2}]`]: '12.5', [`result[${k2}]`]: 'pass' })).location).toContain('n=1');
    // Everyone has an outcome now: no button that would post an empty report.
    expect((await a.get(`/classes/${id}`)).text).not.toContain(button);
    expect(await p.db('outcome_reports').where({ class_id: id, status: 'written' })).toHaveLength(2);

    const list = await a.get('/classes?reported=yes');
    expect(list.text).toContain((await classRow(id)).name);
    expect((await a.get('/classes?reported=no')).text).not.toContain((await classRow(id)).name);

    const ask = await a.post(`/classes/${id}/close`);
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('确定对培训班');
    expect((await a.post(`/classes/${id}/close`, { confirm: '1' })).status).toBe(303);
    expect((await classRow(id)).status).toBe('closed');
    const closedAdd = await addMember('/classes', id);
    expect(closedAdd.res.status).toBe(409);
  });

  it('withdraws before a decision, amends, resubmits; the rejection reason shows in 我申报的', async () => {
    const id = await draft();
    expect((await a.post(`/declarations/${id}/submit`)).status).toBe(303);
    const w = await a.post(`/declarations/${id}/withdraw`);
    expect(w.status).toBe(303);
    expect((await classRow(id)).status).toBe('withdrawn');
    const amended = await a.upload(`/declarations/${id}/edit`, toFormData(declarationForm(c, { name: `已修改${id}`, action: 'submit' })));
    expect(amended.status).toBe(303);
    expect(amended.location).toContain('done=resubmitted');
    await waitFor('round 2', async () => (await p.db('review_items').where({ workflow_id: `class-declaration:${id}`, round: 2 }).first()), 20000);
    expect((await decide(p.deps, id, reviewer, 'reject', '附件缺少培训日程')).ok).toBe(true);
    const list = await a.get('/declarations');
    expect(list.text).toContain(`已修改${id}`);
    expect(list.text).toContain('附件缺少培训日程');
    const row = await a.get(`/declarations/${id}/row`, { 'HX-Request': 'true' });
    expect(row.text).toContain('已退回');
    expect(row.text).not.toContain('every 5s');
    const detail = await a.get(`/declarations/${id}`);
    expect(detail.text).toContain('第 2 次');
    expect(detail.text).toContain('附件缺少培训日程');
    // A late withdrawal is refused with the decision's news.
    const lateWithdraw = await a.post(`/declarations/${id}/withdraw`);
    expect(lateWithdraw.status).toBe(409);
  });

  it('lists pending rows that poll themselves, and other kinds of review items on their own tab', async () => {
    const id = await draft();
    await a.post(`/declarations/${id}/submit`);
    const list = await a.get('/declarations?status=pending');
    expect(list.text).toMatch(new RegExp(`id="decl-${id}"[^>]*hx-trigger="every 5s"`));
    await p.db('review_items').insert({ kind: 'institution', workflow_id: `institution-application:${c.inst.id}:t`, round: 1, subject_id: c.inst.id, institution_id: c.inst.id, org_id: c.bureau.id, title: '机构申请标题', status: 'approved', submitted_at: new Date() });
    const other = await a.get('/declarations?tab=other');
    expect(other.text).toContain('继续教育机构申请');
    expect(other.text).toContain('机构申请标题');
  });

  it('deletes a draft only after confirmation', async () => {
    const id = await draft();
    const ask = await a.post(`/declarations/${id}/delete`);
    expect(ask.status).toBe(200);
    expect(await classRow(id)).toBeDefined();
    expect((await a.post(`/declarations/${id}/delete`, { confirm: '1' })).status).toBe(303);
    expect(await classRow(id)).toBeUndefined();
  });
});

describe('after the first submission', () => {
  const y = thisYear();

  async function rejected(over: Record<string, string | string[]> = {}) {
    const id = await draft(over);
    expect((await a.post(`/declarations/${id}/submit`)).status).toBe(303);
    expect((await decide(p.deps, id, reviewer, 'reject', '请补充培训日程')).ok).toBe(true);
    await waitFor('rejected', async () => (await classRow(id)).status === 'rejected', 20000);
    return id;
  }

  it('shows 培训年度 and 成果上报方式 read-only on a returned declaration, editable on a draft', async () => {
    const id = await rejected();
    const page = await a.get(`/declarations/${id}/edit`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('已提交过的申报不能更改培训年度和成果上报方式;如需更改,请新建申报');
    expect(page.text).toMatch(/<select id="f-trainingYear" name="trainingYear"[^>]*disabled>/);
    expect(page.text.match(/<input type="radio" name="outcomeMode"[^>]*>/g)).toEqual([
      expect.stringMatching(/value="with_declaration" disabled/),
      expect.stringMatching(/value="after_approval" checked disabled/),
    ]);

    const d = await a.get(`/declarations/${await draft()}/edit`);
    expect(d.text).not.toContain('已提交过的申报不能更改');
    expect(d.text).not.toMatch(/name="(trainingYear|outcomeMode)"[^>]*disabled/);
  });

  it.each([
    [{ outcomeMode: 'with_declaration' }, 'outcomeMode', '已提交过的申报不能更改培训成果上报方式'],
    [{ trainingYear: String(y + 1), startDate: `${y + 1}-03-01`, endDate: `${y + 1}-03-05` }, 'trainingYear', '已提交过的申报不能更改培训年度'],
  ])('refuses a posted change %j to a returned declaration, keeping the typed values and saving nothing', async (over, field, message) => {
    const id = await rejected();
    const before = await classRow(id);
    const name = `改名${id}`;
    const res = await a.upload(`/declarations/${id}/edit`, toFormData(declarationForm(c, { ...over, name, courseIds: [String(c.courses.pub1.id)] })));
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    expect(res.text).toContain(`id="e-${field}"`);
    expect(res.text).toContain(`value="${name}"`);
    expect(await classRow(id)).toEqual(before);
    expect(await p.db('class_courses').where({ class_id: id })).toHaveLength(2);
  });

  it('saves an amendment without the disabled fields, keeping the stored ones, and resubmits', async () => {
    const id = await rejected({ outcomeMode: 'after_approval' });
    const form = declarationForm(c, { name: `已修改${id}`, action: 'submit' });
    delete form.trainingYear;
    delete form.outcomeMode;
    const res = await a.upload(`/declarations/${id}/edit`, toFormData(form));
    expect(res.status).toBe(303);
    expect(res.location).toContain('done=resubmitted');
    expect(await classRow(id)).toMatchObject({ name: `已修改${id}`, outcome_mode: 'after_approval', training_year: thisYear(), status: 'pending' });
  });

  it('still lets a draft change both', async () => {
    const id = await draft();
    const res = await a.upload(`/declarations/${id}/edit`, toFormData(declarationForm(c, { outcomeMode: 'with_declaration', trainingYear: String(y + 1), startDate: `${y + 1}-03-01`, endDate: `${y + 1}-03-05` })));
    expect(res.status).toBe(303);
    expect(await classRow(id)).toMatchObject({ outcome_mode: 'with_declaration', training_year: y + 1 });
  });
});

describe('合计学时 on submission', () => {
  it('is taken from the courses as they are when submitted from the detail page, first time and again', async () => {
    // A course of its own: changing 学时 of the shared catalogue would move other tests' totals.
    const [course] = await p.db('courses').insert({ institution_id: c.inst.id, name: `学时会变的课程${Date.now()}`, subject_type: 'public', hours: 6, delivery: 'onsite' }).returning('id');
    const id = await draft({ courseIds: [String(course.id)] });
    expect((await classRow(id)).total_hours).toBe(6);

    await p.db('courses').where({ id: course.id }).update({ hours: 7 });
    const first = await a.post(`/declarations/${id}/submit`);
    expect(first.status).toBe(303);
    expect(await classRow(id)).toMatchObject({ status: 'pending', total_hours: 7 });

    expect((await a.post(`/declarations/${id}/withdraw`)).status).toBe(303);
    await p.db('courses').where({ id: course.id }).update({ hours: 9.5 });
    const again = await a.post(`/declarations/${id}/submit`);
    expect(again.status).toBe(303);
    expect(again.location).toContain('done=resubmitted');
    expect(await classRow(id)).toMatchObject({ status: 'pending', total_hours: 9.5 });
    expect((await a.get(`/declarations/${id}`)).text).toMatch(/合计学时<\/th><th class="num">9\.5</);
  });

  it('refuses a 同步上报 submission whose outcomes no longer fit after a course lost 学时', async () => {
    const [course] = await p.db('courses').insert({ institution_id: c.inst.id, name: `学时减少的课程${Date.now()}`, subject_type: 'public', hours: 8, delivery: 'onsite' }).returning('id');
    const id = await draft({ outcomeMode: 'with_declaration', courseIds: [String(course.id)] });
    const m = await addMember('/declarations', id, { name: '王超时' });
    const k = `m${await memberId(id, m.idNumber)}`;
    expect((await a.post(`/declarations/${id}/outcomes`, { [`hours[${k}]`]: '8', [`result[${k}]`]: 'pass' })).status).toBe(303);

    await p.db('courses').where({ id: course.id }).update({ hours: 6 });
    const refused = await a.post(`/declarations/${id}/submit`);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('王超时的学时超过培训班总学时 6');
    expect(await classRow(id)).toMatchObject({ status: 'draft' });

    // The user deletes the outcome and enters it again within the new total.
    const outcome = await p.db('outcomes').where({ class_id: id, id_number: m.idNumber }).first('id');
    expect((await a.post(`/declarations/${id}/outcomes/${outcome.id}/delete`, { confirm: '1' })).status).toBe(303);
    expect((await a.post(`/declarations/${id}/outcomes`, { [`hours[${k}]`]: '6', [`result[${k}]`]: 'pass' })).status).toBe(303);
    expect((await a.post(`/declarations/${id}/submit`)).status).toBe(303);
    expect(await classRow(id)).toMatchObject({ status: 'pending', total_hours: 6 });
  });

  it('a resubmission whose answer is lost after the workflow took it stays pending', async () => {
    const id = await draft();
    expect((await a.post(`/declarations/${id}/submit`)).status).toBe(303);
    expect((await a.post(`/declarations/${id}/withdraw`)).status).toBe(303);
    await waitFor('withdrawn', async () => (await classRow(id)).status === 'withdrawn' || undefined, 10000);

    // The update reaches the workflow, then the answer is lost (as a timeout would lose it).
    const wf = p.deps.temporal!.workflow;
    const real = wf.getHandle.bind(wf);
    const spy = jest.spyOn(wf, 'getHandle').mockImplementation((...args: Parameters<typeof wf.getHandle>) => {
      const h = real(...args);
      return { ...h, executeUpdate: async (...u: Parameters<typeof h.executeUpdate>) => {
        await h.executeUpdate(...u);
        throw new Error('deadline exceeded');
      } } as typeof h;
    });
    try {
      expect((await a.post(`/declarations/${id}/submit`)).status).toBe(500);
    } finally {
      spy.mockRestore();
    }
    expect((await classRow(id)).status).toBe('pending');
    expect(await p.db('review_items').where({ workflow_id: `class-declaration:${id}`, status: 'pending' }).first()).toBeTruthy();
  });

  it('waits for a course edit in flight and counts its 学时, on the first submission and on a resubmission', async () => {
    const [course] = await p.db('courses').insert({ institution_id: c.inst.id, name: `正在修改的课程${Date.now()}`, subject_type: 'public', hours: 4, delivery: 'onsite' }).returning('id');
    const id = await draft({ courseIds: [String(course.id)] });

    /** Submits while another user's course edit holds the course row, then lets the edit commit. */
    async function submitDuringEdit(hours: number, statusMeanwhile: string) {
      const edit = await p.db.transaction();
      await edit('courses').where({ id: course.id }).forUpdate().first('id');
      const submitting = a.post(`/declarations/${id}/submit`);
      await new Promise((r) => setTimeout(r, 500));
      expect((await classRow(id)).status).toBe(statusMeanwhile);
      await edit('courses').where({ id: course.id }).update({ hours });
      await edit.commit();
      expect((await submitting).status).toBe(303);
      expect(await classRow(id)).toMatchObject({ status: 'pending', total_hours: hours });
    }
    await submitDuringEdit(8, 'draft');
    expect((await a.post(`/declarations/${id}/withdraw`)).status).toBe(303);
    await waitFor('withdrawn', async () => (await classRow(id)).status === 'withdrawn' || undefined, 10000);
    await submitDuringEdit(10, 'withdrawn');
  });
});
