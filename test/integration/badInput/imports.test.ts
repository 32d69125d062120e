import { startPlatform, type TestPlatform } from '../../helpers/platform';
import { PDF } from '../../helpers/institutions';
import { insertClass, institutionWithCatalogue, type Catalogue } from '../../helpers/classes';
import { xlsx } from '../../helpers/imports';
import type { Agent } from '../../helpers/agent';
import { fieldError, SCRIPT, countRows, signedInAgent } from '../../helpers/badInput';

/** Bad input on the imports forms: see test/helpers/badInput.ts for the bar every case meets. */
let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

const count = (table: string, where: Record<string, unknown>) => countRows(p, table, where);
const signedIn = (user: { loginName: string; password: string }) => signedInAgent(p, user);

describe('导入 upload (POST /imports/new)', () => {
  let c: Catalogue;
  let a: Agent;
  let draftId: number;
  let pendingId: number;
  beforeAll(async () => {
    c = await institutionWithCatalogue(p.db);
    a = await signedIn(c.admin);
    draftId = await insertClass(p.db, c, { status: 'draft' });
    pendingId = await insertClass(p.db, c, { status: 'pending' });
  });

  async function send(fields: Record<string, string>, file: Buffer | null, key?: string) {
    const page = await a.get('/imports/new?type=class_members');
    const fd = new FormData();
    fd.append('type', 'class_members');
    fd.append('uploadKey', key ?? /name="uploadKey" value="([^"]+)"/.exec(page.text)![1]);
    for (const [k, v] of Object.entries(fields)) fd.append(k, v);
    if (file) fd.append('file', new Blob([new Uint8Array(file)]), '人员.xlsx');
    return a.upload('/imports/new', fd);
  }

  it.each([
    ['no class', () => ({ classId: '' }), 'sheet', 'classId', '请选择培训班'],
    ['a class id that is no id', () => ({ classId: 'abc' }), 'sheet', 'classId', '请选择培训班'],
    ['a class under review', () => ({ classId: String(pendingId) }), 'sheet', 'classId', '培训班在待审核或已结班状态,不能导入班级人员'],
    ['no file', () => ({ classId: String(draftId) }), 'none', 'file', '请选择要上传的Excel文件'],
    ['a PDF', () => ({ classId: String(draftId) }), 'pdf', 'file', '文件不是Excel(xlsx)格式,请下载导入模板填写后上传'],
  ])('refuses %s beside the field, keeps the chosen class, starts no job', async (_l, fields, kind, field, message) => {
    const sheet = await xlsx([['*姓名', '*身份证号码', '*手机号', '工作单位']]);
    const file = kind === 'sheet' ? sheet : kind === 'pdf' ? PDF : null;
    const before = await count('files', { institution_id: c.inst.id });
    const res = await send(fields(), file);
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    if (field === 'file') expect(res.text).toMatch(new RegExp(`<option value="${draftId}" selected>`));
    expect(await count('import_jobs', { institution_id: c.inst.id })).toBe(0);
    expect(await count('files', { institution_id: c.inst.id })).toBe(before);
  });

  it('refuses a page whose upload key is not one it made, saying to reload', async () => {
    const res = await send({ classId: String(draftId) }, await xlsx([['*姓名', '*身份证号码', '*手机号', '工作单位']]), SCRIPT);
    expect(res.status).toBe(422);
    expect(res.text).toContain('页面已过期,请刷新后重新上传');
    expect(res.text).toMatch(new RegExp(`<option value="${draftId}" selected>`));
    expect(res.text).not.toContain(SCRIPT);
    expect(await count('import_jobs', { institution_id: c.inst.id })).toBe(0);
  });
});
