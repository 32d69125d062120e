import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createInstitution, createReviewer, createUser, login, makeCreditCode, makePhone, uniq, type TestUser } from '../helpers/fixtures';
import { PDF, PNG, roundOpened } from '../helpers/institutions';
import type { Agent } from '../helpers/agent';
import { createSubAdmin } from '../helpers/admins';
import { applicationWorkflowId } from '../../workflows/messages/institutionApplication';

let p: TestPlatform;
let reviewer: TestUser;
const MAX = 200_000;
beforeAll(async () => {
  p = await startPlatform({ env: { UPLOAD_MAX_BYTES: String(MAX) } });
  reviewer = await createReviewer(p.db, '350100');
});
afterAll(() => p.close());

function validForm(over: Record<string, string | string[]> = {}) {
  return {
    name: `福州测试培训学校${uniq('')}`,
    creditCode: makeCreditCode(),
    type: '社会培训机构',
    regionCode: '350100',
    address: '福州市鼓楼区五四路1号',
    headName: '王校长',
    contactName: '陈老师',
    contactPhone: makePhone(),
    email: 'school@example.com',
    subjects: ['public', 'professional'],
    specialties: '会计、建筑工程',
    ...over,
  };
}

function multipart(fields: Record<string, string | string[]>, files: Array<{ name: string; data: Buffer; type?: string }> = [{ name: '营业执照.png', data: PNG }]) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x);
  for (const f of files) fd.append('attachments', new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.name);
  return fd;
}

async function applicant(): Promise<{ a: Agent; user: TestUser }> {
  const user = await createUser(p.db, { role: 'applicant', name: '申请人' });
  const a = p.agent();
  await login(a, user);
  return { a, user };
}

async function apply(a: Agent, over: Record<string, string | string[]> = {}, files?: Array<{ name: string; data: Buffer }>) {
  await a.get('/apply');
  const form = validForm(over);
  const res = await a.upload('/apply', multipart(form, files));
  return { res, form };
}

async function reviewerAgent(u: TestUser = reviewer) {
  const a = p.agent();
  await login(a, u);
  return a;
}

describe('申请继续教育机构', () => {
  it('shows the menu entry and the form with the red * fields', async () => {
    const { a } = await applicant();
    const page = await a.get('/apply');
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/apply"');
    for (const label of ['机构名称', '统一社会信用代码', '机构类型', '所属地区', '机构地址', '机构负责人', '联系人', '联系电话', '电子邮箱', '培训范围']) {
      expect(page.text).toMatch(new RegExp(`<span class="req" aria-hidden="true">\\*</span>${label}`));
    }
    expect(page.text).toContain('确认提交');
  });

  it('确认提交 creates a pending institution linked to the applicant and starts its workflow', async () => {
    const { a, user } = await applicant();
    const { res, form } = await apply(a, {}, [{ name: '营业执照.png', data: PNG }, { name: '法人证书.pdf', data: PDF }]);
    expect(res.status).toBe(303);
    expect(res.location).toBe('/apply/status?done=submitted');
    const inst = await p.db('institutions').where({ credit_code: form.creditCode }).first();
    expect(inst).toMatchObject({ name: form.name, status: 'pending', applicant_user_id: user.id, region_code: '350100', contact_phone: form.contactPhone });
    expect(inst.training_scope).toEqual({ subjects: ['public', 'professional'], specialties: ['会计', '建筑工程'] });
    const u = await p.db('users').where({ id: user.id }).first();
    expect(u).toMatchObject({ role: 'applicant', institution_id: inst.id });
    const files = await p.db('institution_attachments as a').join('files as f', 'f.id', 'a.file_id').where('a.institution_id', inst.id).select('f.name', 'f.mime');
    expect(files).toEqual(expect.arrayContaining([{ name: '营业执照.png', mime: 'image/png' }, { name: '法人证书.pdf', mime: 'application/pdf' }]));
    expect(await p.db('workflow_runs').where({ workflow_id: applicationWorkflowId(inst.id) }).first()).toMatchObject({ type: 'institution_application', institution_id: inst.id });
    // Already in the reviewer's queue when the applicant's page comes back: no waiting.
    const item = await p.db('review_items').where({ workflow_id: applicationWorkflowId(inst.id), round: 1 }).first();
    expect(item).toMatchObject({ kind: 'institution', status: 'pending', title: form.name });
    const status = await a.get('/apply/status?done=submitted');
    expect(status.text).toContain('申请已提交');
    expect(status.text).toContain('福州市人力资源和社会保障局');
    expect(status.text).toContain('撤回申请');
    // A second application by the same person goes to the status page instead.
    expect((await a.get('/apply')).location).toBe('/apply/status');
  });

  const BAD: Array<[string, Record<string, string | string[]>, string, string]> = [
    ['name', { name: '' }, 'name', '请填写机构名称'],
    ['name too long', { name: '长'.repeat(101) }, 'name', '机构名称不能超过100个字'],
    ['creditCode empty', { creditCode: '' }, 'creditCode', '请填写统一社会信用代码'],
    ['creditCode length', { creditCode: '91350100ABC' }, 'creditCode', '统一社会信用代码应为18位'],
    ['creditCode check', { creditCode: '91350100M000100Y40' }, 'creditCode', '统一社会信用代码'],
    ['type', { type: '外星机构' }, 'type', '请选择机构类型'],
    ['regionCode', { regionCode: '110000' }, 'regionCode', '请选择所属地区'],
    ['address', { address: '  ' }, 'address', '请填写机构地址'],
    ['headName', { headName: '' }, 'headName', '请填写机构负责人'],
    ['contactName', { contactName: '' }, 'contactName', '请填写联系人'],
    ['contactPhone', { contactPhone: '12345' }, 'contactPhone', '联系电话应为11位手机号或带区号的固定电话'],
    ['email', { email: 'not-an-email' }, 'email', '电子邮箱格式不正确'],
    ['subjects', { subjects: [] }, 'subjects', '请选择培训范围'],
    ['subjects value', { subjects: ['magic'] }, 'subjects', '培训范围只能是公需科目或专业科目'],
    ['specialties', { subjects: ['professional'], specialties: '' }, 'specialties', '培训范围含专业科目时,请填写专业'],
  ];

  it.each(BAD)('refuses a bad %s beside the field, keeps the typed values, saves nothing', async (_case, over, field, message) => {
    const { a, user } = await applicant();
    const { res, form } = await apply(a, over);
    expect(res.status).toBe(422);
    expect(res.text).toMatch(new RegExp(`<p class="error" id="e-${field}" role="alert">[^<]*${message}`));
    if (field !== 'address') expect(res.text).toContain(`value="${form.address}"`);
    if (field !== 'headName') expect(res.text).toContain(`value="${form.headName}"`);
    expect(res.text).toContain('请重新选择附件');
    expect((await p.db('users').where({ id: user.id }).first()).institution_id).toBeNull();
    expect(await p.db('institutions').where({ applicant_user_id: user.id }).first()).toBeUndefined();
  });

  it('judges attachments by content and size, and requires one', async () => {
    const { a, user } = await applicant();
    const none = await apply(a, {}, []);
    expect(none.res.status).toBe(422);
    expect(none.res.text).toContain('请上传附件');
    const fake = await apply(a, {}, [{ name: '营业执照.pdf', data: Buffer.from('MZ this is an executable, not a PDF') }]);
    expect(fake.res.status).toBe(422);
    expect(fake.res.text).toContain('附件“营业执照.pdf”不是PDF、JPG或PNG文件');
    const big = await apply(a, {}, [{ name: 'big.pdf', data: Buffer.concat([PDF, Buffer.alloc(MAX + 10)]) }]);
    expect(big.res.status).toBe(422);
    expect(big.res.text).toMatch(/附件不能超过\d+MB/);
    expect(big.res.text).toContain(`value="${big.form.name}"`);
    expect(await p.db('institutions').where({ applicant_user_id: user.id }).first()).toBeUndefined();
  });

  it('refuses a credit code another institution holds', async () => {
    const other = await createInstitution(p.db);
    const code = (await p.db('institutions').where({ id: other.id }).first()).credit_code;
    const { a } = await applicant();
    const { res } = await apply(a, { creditCode: code });
    expect(res.status).toBe(422);
    expect(res.text).toContain('该统一社会信用代码已有机构申请或注册');
  });

  it('withdraw, amend and resubmit; a rejection reason reaches the applicant; approval opens the menus', async () => {
    const { a, user } = await applicant();
    const { form } = await apply(a);
    const inst = await p.db('institutions').where({ credit_code: form.creditCode }).first();
    const wf = applicationWorkflowId(inst.id);
    await roundOpened(p.db, wf, 1);

    const w = await a.post('/apply/withdraw');
    expect(w.status).toBe(303);
    const afterWithdraw = await a.get('/apply/status');
    expect(afterWithdraw.text).toContain('已撤回');
    expect(afterWithdraw.text).toContain('修改后重新提交');
    expect((await a.post('/apply/withdraw')).status).toBe(409);

    // Amend: a new name and region (the 厦门 bureau now reviews), keep the attachment.
    const edit = await a.get('/apply/edit');
    expect(edit.text).toContain(`value="${form.name}"`);
    const bad = await a.upload('/apply/edit', multipart({ ...form, email: 'x' }, []));
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('电子邮箱格式不正确');
    const newName = `${form.name}(更名)`;
    const resub = await a.upload('/apply/edit', multipart({ ...form, name: newName, regionCode: '350200' }, []));
    expect(resub.status).toBe(303);
    // The resubmission is answered once round 2 is queued, with the institution pending.
    const round2 = await p.db('review_items').where({ workflow_id: wf, round: 2 }).first();
    expect((await p.db('institutions').where({ id: inst.id }).first()).status).toBe('pending');
    const xiamenBureau = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350200' }).first();
    expect(round2).toMatchObject({ title: newName, org_id: xiamenBureau.id, status: 'pending' });

    // The 厦门 reviewer rejects with a reason; the applicant reads it.
    const xm = await reviewerAgent(await createReviewer(p.db, '350200'));
    await xm.get(`/review/items/${round2.id}`);
    const rej = await xm.post(`/review/items/${round2.id}/decide`, { decision: 'reject', reason: '请补充办学许可证' });
    expect(rej.status).toBe(303);
    const status = await a.get('/apply/status');
    expect(status.text).toContain('请补充办学许可证');
    expect(status.text).toContain('已退回');
    // Right after a resubmit the page can render before the workflow sets 待审核: it must keep polling, or it stays 已退回.
    expect((await a.get('/apply/status?done=resubmitted')).text).toContain('hx-get="/apply/poll');
    expect(status.text).not.toContain('hx-get="/apply/poll');

    // Back to 福州, resubmitted with one more file; the 福州 reviewer approves.
    const again = await a.upload('/apply/edit', multipart({ ...form, name: newName }, [{ name: '办学许可证.pdf', data: PDF }]));
    expect(again.status).toBe(303);
    const round3 = await p.db('review_items').where({ workflow_id: wf, round: 3 }).first();
    expect((await p.db('institutions').where({ id: inst.id }).first()).status).toBe('pending');
    const poll = await a.get('/apply/poll?seen=pending:3:0', { 'HX-Request': 'true' });
    expect(poll.status).toBe(204);
    expect(poll.headers.get('hx-refresh')).toBeNull();
    const r = await reviewerAgent();
    await r.get(`/review/items/${round3.id}`);
    expect((await r.post(`/review/items/${round3.id}/decide`, { decision: 'approve' })).status).toBe(303);
    expect((await p.db('users').where({ id: user.id }).first()).role).toBe('institution_admin');
    const done = await a.get('/apply/poll?seen=pending:3:0', { 'HX-Request': 'true' });
    expect(done.headers.get('hx-redirect')).toBe('/profile?approved=1');
    const profile = await a.get('/profile?approved=1');
    expect(profile.status).toBe(200);
    expect(profile.text).toContain('审核通过');
    for (const menu of ['培训课程', '机构信息管理', '我申报的']) expect(profile.text).toContain(menu);
    expect(profile.text).not.toContain('href="/apply"');
    expect((await a.get('/apply')).status).toBe(403);
    // All three rounds stay on record.
    expect(profile.text).toContain('请补充办学许可证');
  });
});

describe('机构信息管理', () => {
  it('edits head, phone, address and attachments; name and credit code stay', async () => {
    const inst = await createInstitution(p.db);
    const a = p.agent();
    await login(a, inst.admin);
    const page = await a.get('/profile');
    expect(page.status).toBe(200);
    expect(page.text).toContain(inst.name);
    const bad = await a.post('/profile', { headName: '', contactName: '李', contactPhone: '123', email: 'a@b.cn', address: '新地址' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('请填写机构负责人');
    expect(bad.text).toContain('联系电话应为11位手机号或带区号的固定电话');
    expect(bad.text).toContain('value="新地址"');
    const ok = await a.post('/profile', { headName: '新负责人', contactName: '新联系人', contactPhone: '0591-87654321', email: 'new@example.com', address: '新地址 2 号', name: '改名企图', creditCode: 'X' });
    expect(ok.status).toBe(303);
    const row = await p.db('institutions').where({ id: inst.id }).first();
    expect(row).toMatchObject({ head_name: '新负责人', contact_phone: '0591-87654321', address: '新地址 2 号', name: inst.name });

    await a.get('/profile');
    const up = await a.upload('/profile/attachments', multipart({}, [{ name: '资质.png', data: PNG }]));
    expect(up.status).toBe(303);
    const bogus = await a.upload('/profile/attachments', multipart({}, [{ name: 'x.png', data: Buffer.from('GIF89a') }]));
    expect(bogus.status).toBe(422);
    expect(bogus.text).toContain('不是PDF、JPG或PNG文件');
    const [att] = await p.db('institution_attachments').where({ institution_id: inst.id });
    const dl = await a.get(`/profile/attachments/${att.file_id}`);
    expect(dl.status).toBe(200);
    expect(dl.headers.get('content-type')).toBe('image/png');

    // Another institution's admin reaches none of it.
    const other = await createInstitution(p.db);
    const b = p.agent();
    await login(b, other.admin);
    expect((await b.get(`/profile/attachments/${att.file_id}`)).status).toBe(404);
    await b.get('/profile');
    expect((await b.post(`/profile/attachments/${att.file_id}/delete`)).status).toBe(404);
    expect((await b.get(`/apply/files/${att.file_id}`)).status).toBe(403);

    // The last licence scan stays: a new one first, then the old one may go.
    await a.get('/profile');
    const last = await a.post(`/profile/attachments/${att.file_id}/delete`);
    expect(last.status).toBe(422);
    expect(last.text).toContain('至少保留一个附件');
    expect(await p.db('files').where({ id: att.file_id }).first('id')).toBeTruthy();
    expect((await a.upload('/profile/attachments', multipart({}, [{ name: '新资质.pdf', data: PDF }]))).status).toBe(303);
    expect((await a.post(`/profile/attachments/${att.file_id}/delete`)).status).toBe(303);
    expect(await p.db('files').where({ id: att.file_id }).first()).toBeUndefined();
    expect(await p.db('institution_attachments').where({ institution_id: inst.id }).count('* as n').first()).toEqual({ n: 1 });
  });

  it('forces completion of the missing fields before anything else', async () => {
    const inst = await createInstitution(p.db, { needsCompletion: true });
    await p.db('institutions').where({ id: inst.id }).update({ head_name: '', contact_phone: '', email: '' });
    const a = p.agent();
    await login(a, inst.admin);
    for (const path of ['/dashboard', '/profile', '/courses']) {
      const r = await a.get(path);
      expect(r.status).toBe(303);
      expect(r.location).toBe('/profile/complete');
    }
    const page = await a.get('/profile/complete');
    expect(page.status).toBe(200);
    for (const label of ['机构负责人', '联系电话', '电子邮箱']) expect(page.text).toContain(label);
    expect(page.text).not.toContain('id="f-address"');
    const bad = await a.post('/profile/complete', { headName: '赵主任', contactPhone: '', email: 'bad' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('请填写联系电话');
    expect(bad.text).toContain('电子邮箱格式不正确');
    expect(bad.text).toContain('value="赵主任"');
    expect((await p.db('institutions').where({ id: inst.id }).first()).needs_completion).toBe(true);
    const ok = await a.post('/profile/complete', { headName: '赵主任', contactPhone: '13800001111', email: 'zhao@example.com' });
    expect(ok.status).toBe(303);
    expect(ok.location).toBe('/dashboard');
    expect(await p.db('institutions').where({ id: inst.id }).first()).toMatchObject({ needs_completion: false, head_name: '赵主任' });
    expect((await a.get('/dashboard')).status).toBe(200);
    expect((await a.get('/profile/complete')).location).toBe('/profile');
  });

  it('sends a sub-admin with 机构信息管理 to complete it too; others work on with a notice', async () => {
    const inst = await createInstitution(p.db, { needsCompletion: true });
    await p.db('institutions').where({ id: inst.id }).update({ head_name: '' });
    const editor = p.agent();
    await login(editor, await createSubAdmin(p.db, inst.id, { permissions: ['profile.view', 'profile.edit'] }));
    expect((await editor.get('/dashboard')).location).toBe('/profile/complete');
    const other = p.agent();
    await login(other, await createSubAdmin(p.db, inst.id, { permissions: ['courses.view'] }));
    const courses = await other.get('/courses');
    expect(courses.status).toBe(200);
    expect(courses.text).toContain('本机构需完善机构信息,请联系机构管理员登录后完善。');
    expect((await editor.post('/profile/complete', { headName: '孙主任' })).location).toBe('/dashboard');
    expect((await other.get('/courses')).text).not.toContain('id="completion-notice"');
  });
});
