import { startPlatform, type TestPlatform } from '../../helpers/platform';
import { createInstitution } from '../../helpers/fixtures';
import { PDF } from '../../helpers/institutions';
import { BASE_FORM, formData } from '../../helpers/bases';
import { createFileStore } from '../../../db/files';
import { baseWorkflowId } from '../../../workflows/messages/baseApplication';
import { fieldError, esc, SCRIPT, expectEscaped, countRows, signedInAgent } from '../../helpers/badInput';

/** Bad input on the bases forms: see test/helpers/badInput.ts for the bar every case meets. */
let p: TestPlatform;
beforeAll(async () => {
  p = await startPlatform({ worker: false });
});
afterAll(() => p.close());

const count = (table: string, where: Record<string, unknown>) => countRows(p, table, where);
const signedIn = (user: { loginName: string; password: string }) => signedInAgent(p, user);

describe('继续教育基地: amend after a return (POST /bases/apply)', () => {
  async function returnedBase() {
    const inst = await createInstitution(p.db);
    const org = await p.db('reviewer_orgs').where({ kind: 'hr_bureau', region_code: '350100' }).first();
    const [app] = await p.db('base_applications')
      .insert({
        workflow_id: `base-application:${inst.id}`, institution_id: inst.id, org_id: org.id, name: BASE_FORM.name, base_type: BASE_FORM.baseType, field: BASE_FORM.field, facilities: BASE_FORM.facilities,
        full_time_teachers: 12, part_time_teachers: 30, annual_capacity: 5000, recent_training: BASE_FORM.recentTraining, status: 'rejected',
        applied_by: inst.admin.id, submitted_at: new Date(),
      })
      .returning('*');
    const fileId = await createFileStore(p.db).put({ name: '申请书.pdf', mime: 'application/pdf', data: PDF, institutionId: inst.id });
    await p.db('base_application_files').insert({ application_id: app.id, file_id: fileId });
    const a = await signedIn(inst.admin);
    await a.get('/bases/apply');
    return { inst, a, app };
  }

  it.each([
    ['an empty name', { name: '' }, 'name', '请填写基地名称'],
    ['a base type outside the list', { baseType: '其他类' }, 'baseType', '请选择基地类型'],
    ['a negative teacher count', { fullTimeTeachers: '-1' }, 'fullTimeTeachers', '专职师资数量应为整数'],
    ['zero annual capacity', { annualCapacity: '0' }, 'annualCapacity', '年培训能力(人次)应在1到10000000之间'],
    ['no teachers at all', { fullTimeTeachers: '0', partTimeTeachers: '0' }, 'fullTimeTeachers', '专兼职师资数量合计至少为1人'],
    ['an over-long history', { recentTraining: '训'.repeat(4001) }, 'recentTraining', '近三年培训情况不能超过4000个字'],
  ])('refuses %s beside the field, keeps the typed values, leaves the application and its files as they were', async (_l, over, field, message) => {
    const { inst, a, app } = await returnedBase();
    const form = { ...BASE_FORM, facilities: SCRIPT, partTimeTeachers: '35', ...over };
    const res = await a.upload('/bases/apply', formData(form, [{ name: '补充.pdf', data: PDF }]));
    expect(res.status).toBe(422);
    expect(fieldError(res.text, field)).toBe(message);
    expect(res.text).toContain(`>${esc(SCRIPT)}</textarea>`);
    expectEscaped(res.text);
    if (field !== 'partTimeTeachers' && !('partTimeTeachers' in over)) expect(res.text).toContain('value="35"');
    expect(await p.db('base_applications').where({ id: app.id }).first()).toEqual(app);
    expect(await count('base_application_files', { application_id: app.id })).toBe(1);
    expect(await count('files', { institution_id: inst.id })).toBe(1);
    expect(await count('review_items', { workflow_id: baseWorkflowId(inst.id) })).toBe(0);
  });
});
