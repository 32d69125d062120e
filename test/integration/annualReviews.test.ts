import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createInstitution, createReviewer, login, makeIdNumber, type TestUser } from '../helpers/fixtures';
import type { Agent } from '../helpers/agent';
import { PDF, formData } from '../helpers/bases';
import { annualReviewWorkflowId } from '../../workflows/messages/annualReview';

/**
 * 年审报告 form and grading form over HTTP, on rows made directly (no workflow needed for
 * what is judged before a message is sent): the figures come from the platform's own
 * records; bad input is named beside the field; another base's year is not found.
 */
let p: TestPlatform;
let reviewer: TestUser;
let ra: Agent;
const YEAR = 2024;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
  reviewer = await createReviewer(p.db, '350100');
  ra = p.agent();
  await login(ra, reviewer);
});
afterAll(() => p.close());

async function baseWithOpenYear() {
  const inst = await createInstitution(p.db, { isBase: true });
  const org = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350100' }).first();
  const [app] = await p.db('base_applications')
    .insert({ workflow_id: `base-application:${inst.id}`, institution_id: inst.id, org_id: org.id, name: `${inst.name}基地`, base_type: '综合类', field: '工程', facilities: '教室', full_time_teachers: 1, part_time_teachers: 1, annual_capacity: 100, recent_training: '有', status: 'approved', applied_by: inst.admin.id, submitted_at: new Date(), approved_at: new Date() })
    .returning('id');
  const [row] = await p.db('annual_reviews')
    .insert({ institution_id: inst.id, application_id: app.id, org_id: org.id, year: YEAR, status: 'open', opened_at: new Date(), deadline_at: new Date(Date.now() + 86400_000) })
    .returning('id');
  const agent = p.agent();
  await login(agent, inst.admin);
  return { inst, agent, appId: app.id as number, rowId: row.id as number };
}

/** One approved public class with two trainees' records and one online professional record. */
async function trainingOf(institutionId: number, year: number) {
  const [cls] = await p.db('training_classes')
    .insert({ institution_id: institutionId, name: '年审统计班', training_year: year, subject_type: 'public', start_date: `${year}-03-01`, end_date: `${year}-03-05`, planned_count: 30, contact_name: '王', contact_phone: '13800000000', outcome_mode: 'after_approval', status: 'approved', total_hours: 24, outcomes_reported: true })
    .returning('id');
  const a = makeIdNumber();
  const b = makeIdNumber();
  await p.db('training_records').insert([
    { institution_id: institutionId, id_number: a, name: '甲', delivery: 'onsite', class_id: cls.id, training_year: year, subject_type: 'public', hours: 24, result: 'pass', source_key: `test:${cls.id}:${a}` },
    { institution_id: institutionId, id_number: b, name: '乙', delivery: 'onsite', class_id: cls.id, training_year: year, subject_type: 'public', hours: 24, result: 'pass', source_key: `test:${cls.id}:${b}` },
    { institution_id: institutionId, id_number: a, name: '甲', delivery: 'online', course_name: '网课', training_year: year, subject_type: 'professional', hours: 6.5, result: 'pass', source_key: `test:online:${cls.id}:${a}` },
  ]);
}

describe('年审报告 (base side)', () => {
  it('submitted in the moment between the year opening and its workflow starting: saved, and told to submit again shortly', async () => {
    const { agent, rowId } = await baseWithOpenYear(); // a row whose workflow never starts
    const res = await agent.upload(`/annual-reviews/${YEAR}`, formData({ trainingComment: '按计划开展', conditionsChange: '无变化', problems: '无', action: 'submit' }));
    expect(res.status).toBe(303);
    const page = await agent.get(res.location!);
    expect(page.text).toContain('该年度年审刚刚开放,系统仍在准备中,报告内容已保存,请稍后再提交');
    expect(await p.db('annual_reviews').where({ id: rowId }).first()).toMatchObject({ status: 'open', conditions_change: '无变化', submitted_at: null });
  });

  it('shows the platform figures of the year and saves them with the report', async () => {
    const { inst, agent, rowId } = await baseWithOpenYear();
    await trainingOf(inst.id, YEAR);
    await trainingOf(inst.id, YEAR + 1); // another year: not counted
    const list = await agent.get('/annual-reviews');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`/annual-reviews/${YEAR}`);
    const page = await agent.get(`/annual-reviews/${YEAR}`);
    expect(page.text).toMatch(/培训班数<\/dt><dd>1</);
    expect(page.text).toMatch(/培训人数<\/dt><dd>2</);
    expect(page.text).toMatch(/培训人次<\/dt><dd>3</);
    expect(page.text).toMatch(/培训学时<\/dt><dd>54.5</);

    const saved = await agent.upload(`/annual-reviews/${YEAR}`, formData({ trainingComment: '按计划完成', conditionsChange: '无变化', problems: '无', action: 'save' }, [{ name: '年审附件.pdf', data: PDF }]));
    expect(saved.location).toBe(`/annual-reviews/${YEAR}?done=saved`);
    const row = await p.db('annual_reviews').where({ id: rowId }).first();
    expect(row).toMatchObject({ status: 'open', classes_count: 1, trainees_count: 2, person_times: 3, hours_total: 54.5, training_comment: '按计划完成' });
    const file = await p.db('annual_review_files').where({ annual_review_id: rowId }).first();
    expect((await agent.get(`/annual-reviews/${YEAR}/files/${file.file_id}`)).status).toBe(200);
  });

  it('names the missing fields, keeps the typed text, refuses a non-document file, saves nothing', async () => {
    const { agent, rowId } = await baseWithOpenYear();
    const bad = await agent.upload(`/annual-reviews/${YEAR}`, formData({ trainingComment: '已写的说明', conditionsChange: '', problems: ' ', action: 'submit' }));
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('请填写师资与条件变化');
    expect(bad.text).toContain('请填写存在问题与整改');
    expect(bad.text).toContain('已写的说明');
    const exe = await agent.upload(`/annual-reviews/${YEAR}`, formData({ conditionsChange: '有', problems: '有', action: 'save' }, [{ name: 'x.exe', data: Buffer.from('MZ\x90\x00') }]));
    expect(exe.status).toBe(422);
    expect(exe.text).toContain('附件“x.exe”不是PDF、Office文档或图片');
    const row = await p.db('annual_reviews').where({ id: rowId }).first();
    expect(row.conditions_change).toBeNull();
    expect(await p.db('annual_review_files').where({ annual_review_id: rowId }).first()).toBeUndefined();
  });

  it("another base's year and files are not found", async () => {
    const a = await baseWithOpenYear();
    await a.agent.upload(`/annual-reviews/${YEAR}`, formData({ conditionsChange: '有', problems: '有', action: 'save' }, [{ name: 'a.pdf', data: PDF }]));
    const file = await p.db('annual_review_files').where({ annual_review_id: a.rowId }).first();
    const b = await baseWithOpenYear();
    expect((await b.agent.get(`/annual-reviews/${YEAR}/files/${file.file_id}`)).status).toBe(404);
    expect((await b.agent.get(`/annual-reviews/${YEAR - 1}`)).status).toBe(404);
    expect((await b.agent.get('/annual-reviews/abc')).status).toBe(404);
  });
});

describe('年审报告审核 (reviewer side)', () => {
  it('lists its bureau only; grading needs a grade, 不合格 a reason, a return a reason', async () => {
    const { rowId, inst } = await baseWithOpenYear();
    await p.db('annual_reviews').where({ id: rowId }).update({ status: 'pending', overdue: true });
    const list = await ra.get(`/annual-reviews/review?year=${YEAR}&status=pending`);
    expect(list.text).toContain(`/annual-reviews/review/${rowId}"`);
    expect(list.text).toContain(inst.name);
    const overdue = await ra.get('/annual-reviews/review?overdue=1', { 'HX-Request': 'true' });
    expect(overdue.text).not.toContain('<html');
    expect(overdue.text).toContain(`/annual-reviews/review/${rowId}"`);

    const none = await ra.post(`/annual-reviews/review/${rowId}/grade`, { grade: 'pass' });
    expect(none.status).toBe(409);
    expect(none.text).toContain('没有待评定的事项');
    // A pending round as the workflow opens it: the form judges its input before any message.
    await p.db('review_items').insert({ kind: 'annual_review', workflow_id: annualReviewWorkflowId(inst.id, YEAR), round: 1, subject_id: rowId, institution_id: inst.id, org_id: reviewer.orgId, title: 't', status: 'pending', submitted_at: new Date() });
    for (const [body, msg] of [
      [{ grade: '' }, '请选择评定等级'],
      [{ grade: 'great' }, '请选择评定等级'],
      [{ grade: 'fail', reason: '' }, '评定为不合格时请填写不合格原因'],
    ] as const) {
      const res = await ra.post(`/annual-reviews/review/${rowId}/grade`, body);
      expect(res.status).toBe(422);
      expect(res.text).toContain(msg);
    }
    const ret = await ra.post(`/annual-reviews/review/${rowId}/return`, { returnReason: '' });
    expect(ret.status).toBe(422);
    expect(ret.text).toContain('请填写退回原因');

    const xiamen = p.agent();
    await login(xiamen, await createReviewer(p.db, '350200'));
    expect((await xiamen.get(`/annual-reviews/review/${rowId}`)).status).toBe(404);
    expect((await xiamen.post(`/annual-reviews/review/${rowId}/grade`, { grade: 'pass' })).status).toBe(404);
    expect((await xiamen.get(`/annual-reviews/review?year=${YEAR}`)).text).not.toContain(`/annual-reviews/review/${rowId}"`);
  });
});
