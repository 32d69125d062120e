import { startPlatform, type TestPlatform } from '../../helpers/platform';
import { createInstitution, createUser, makeCreditCode, makePhone, uniq } from '../../helpers/fixtures';
import { PNG } from '../../helpers/institutions';
import { formData } from '../../helpers/bases';
import { toFormData } from '../../helpers/classes';
import { type TestInstitution } from '../../helpers/baseData';
import type { Agent } from '../../helpers/agent';
import { createFileStore } from '../../../db/files';
import { addAttachment } from '../../../db/institutions';
import { applicationWorkflowId } from '../../../workflows/messages/institutionApplication';
import { fieldError, esc, SCRIPT, expectEscaped, countRows, signedInAgent } from '../../helpers/badInput';

/** Bad input on the institutions forms: see test/helpers/badInput.ts for the bar every case meets. */
let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

const count = (table: string, where: Record<string, unknown>) => countRows(p, table, where);
const signedIn = (user: { loginName: string; password: string }) => signedInAgent(p, user);

describe('机构申请修改后重新提交 (POST /apply/edit)', () => {
  async function returnedApplication() {
    const applicant = await createUser(p.db, { role: 'applicant', name: '申请人' });
    const [inst] = await p.db('institutions')
      .insert({
        name: `退回机构${uniq('')}`, credit_code: makeCreditCode(), type: '社会培训机构', region_code: '350100', address: '福州市鼓楼区退回路1号',
        head_name: '王校长', contact_name: '陈老师', contact_phone: makePhone(), email: 'back@example.com',
        training_scope: JSON.stringify({ subjects: ['public'], specialties: [] }), status: 'rejected', applicant_user_id: applicant.id,
      })
      .returning('*');
    await p.db('users').where({ id: applicant.id }).update({ institution_id: inst.id });
    const fileId = await createFileStore(p.db).put({ name: '营业执照.png', mime: 'image/png', data: PNG, institutionId: inst.id });
    await addAttachment(p.db, inst.id, fileId, applicant.id);
    const a = await signedIn(applicant);
    await a.get('/apply/edit');
    return { inst, a };
  }

  const formOf = (inst: Record<string, string>, over: Record<string, string | string[]>) => ({
    name: inst.name, creditCode: inst.credit_code, type: inst.type, regionCode: inst.region_code, address: inst.address,
    headName: inst.head_name, contactName: inst.contact_name, contactPhone: inst.contact_phone, email: inst.email,
    subjects: ['public'], specialties: '', ...over,
  });

  it.each([
    ['an empty name', { name: '' }, 'name', '请填写机构名称'],
    ['an over-long name', { name: '机'.repeat(101) }, 'name', '机构名称不能超过100个字'],
    ['a credit code with a letter outside its alphabet', { creditCode: `${makeCreditCode().slice(0, 17)}I` }, 'creditCode', '统一社会信用代码含有无效字符'],
    ['a type outside the list', { type: '外星机构' }, 'type', '请选择机构类型'],
    ['a region outside Fujian', { regionCode: '110000' }, 'regionCode', '请选择所属地区'],
    ['a wrong phone', { contactPhone: '12345' }, 'contactPhone', '联系电话应为11位手机号或带区号的固定电话(如0591-87654321)'],
    ['a wrong email', { email: 'back@example' }, 'email', '电子邮箱格式不正确'],
    ['a scope outside the list', { subjects: ['magic'] }, 'subjects', '培训范围只能是公需科目或专业科目'],
  ])('refuses %s beside the field, keeps the typed values, leaves the application as it was', async (_l, over, field, message) => {
    const { inst, a } = await returnedApplication();
    const form = formOf(inst, { address: SCRIPT, ...over });
    const res = await a.upload('/apply/edit', toFormData(form));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    expect(res.text).toContain(`value="${esc(SCRIPT)}"`);
    expectEscaped(res.text);
    if (field !== 'headName') expect(res.text).toContain(`value="${esc(inst.head_name)}"`);
    expect(await p.db('institutions').where({ id: inst.id }).first()).toEqual(inst);
    expect(await count('review_items', { workflow_id: applicationWorkflowId(inst.id) })).toBe(0);
    expect(await count('institution_attachments', { institution_id: inst.id })).toBe(1);
  });

  it('a correct check character is accepted where a wrong one is refused', async () => {
    const { inst, a } = await returnedApplication();
    const good = makeCreditCode();
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    const wrong = good.slice(0, 17) + alphabet[(alphabet.indexOf(good[17]) + 1) % alphabet.length];
    const res = await a.upload('/apply/edit', toFormData(formOf(inst, { creditCode: wrong })));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'creditCode')).toBe('统一社会信用代码校验位不正确');
    expect(res.text).toContain(`value="${wrong}"`);
    expect(await p.db('institutions').where({ id: inst.id }).first()).toEqual(inst);
  });
});

describe('机构信息管理 (POST /profile)', () => {
  let inst: TestInstitution;
  let a: Agent;
  beforeAll(async () => {
    inst = await createInstitution(p.db);
    a = await signedIn(inst.admin);
    await a.get('/profile');
  });
  const valid = { headName: '王负责', contactName: SCRIPT, contactPhone: '0591-87654321', email: 'ok@example.com', address: '福州市鼓楼区新址1号' };

  it.each([
    ['an empty head', { headName: '' }, 'headName', '请填写机构负责人'],
    ['an over-long head', { headName: '王'.repeat(51) }, 'headName', '机构负责人不能超过50个字'],
    ['a landline without its area code', { contactPhone: '87654321' }, 'contactPhone', '联系电话应为11位手机号或带区号的固定电话(如0591-87654321)'],
    ['an email without a domain', { email: 'ok@example' }, 'email', '电子邮箱格式不正确'],
    ['an over-long address', { address: '址'.repeat(201) }, 'address', '机构地址不能超过200个字'],
  ])('refuses %s beside the field, keeps the typed values, saves nothing', async (_l, over, field, message) => {
    const before = await p.db('institutions').where({ id: inst.id }).first();
    const res = await a.post('/profile', { ...valid, ...over });
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    expect(res.text).toContain(`value="${esc(SCRIPT)}"`);
    expectEscaped(res.text);
    if (field !== 'address') expect(res.text).toContain(`value="${valid.address}"`);
    expect(await p.db('institutions').where({ id: inst.id }).first()).toEqual(before);
  });
});

describe('机构附件 (POST /profile/attachments)', () => {
  it.each([
    ['no file', []],
    ['a file that is not a scan, next to one that is', [{ name: '资质.png', data: PNG }, { name: '执照.pdf', data: Buffer.from('MZ not a pdf') }]],
  ])('refuses %s beside the field and stores none of them', async (_l, files) => {
    const inst = await createInstitution(p.db);
    const a = await signedIn(inst.admin);
    await a.get('/profile');
    const res = await a.upload('/profile/attachments', formData({}, files));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, 'attachments')).toBe(files.length ? '附件“执照.pdf”不是PDF、JPG或PNG文件' : '请选择要上传的附件');
    expect(await count('institution_attachments', { institution_id: inst.id })).toBe(0);
    expect(await count('files', { institution_id: inst.id })).toBe(0);
  });
});
