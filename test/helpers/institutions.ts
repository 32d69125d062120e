import type { Db } from '../../db/knex';
import type { AppDeps } from '../../app/deps';
import { startPlatformWorkflow } from '../../web/workflows';
import { applicationWorkflowId } from '../../workflows/messages/institutionApplication';
import { bureauFor } from '../../db/institutions';
import type { InstitutionApplicationInput } from '../../workflows/messages/institutionApplication';
import type { institutionApplication } from '../../workflows/institutionApplication';
import { createUser, makeCreditCode, makePhone, uniq, type TestUser } from './fixtures';
import { waitFor } from './waitFor';

/** An applicant with a pending institution linked to them, as 确认提交 leaves it. */
export async function pendingApplication(db: Db, regionCode = '350100'): Promise<{ institutionId: number; name: string; applicant: TestUser; orgId: number }> {
  const applicant = await createUser(db, { role: 'applicant', name: '申请人' });
  const name = `申请机构${uniq('')}`;
  const [row] = await db('institutions')
    .insert({
      name,
      credit_code: makeCreditCode(),
      type: '社会培训机构',
      region_code: regionCode,
      address: '测试地址1号',
      head_name: '张负责',
      contact_name: '李联系',
      contact_phone: makePhone(),
      email: 'apply@example.com',
      training_scope: JSON.stringify({ subjects: ['public'], specialties: [] }),
      status: 'pending',
      applicant_user_id: applicant.id,
    })
    .returning('id');
  await db('users').where({ id: applicant.id }).update({ institution_id: row.id });
  const bureau = (await bureauFor(db, regionCode))!;
  return { institutionId: row.id, name, applicant: { ...applicant, institutionId: row.id }, orgId: bureau.id };
}

export async function startApplication(deps: AppDeps, a: { institutionId: number; name: string; orgId: number }, over: Partial<InstitutionApplicationInput> = {}) {
  const workflowId = applicationWorkflowId(a.institutionId);
  await startPlatformWorkflow<typeof institutionApplication>(deps, {
    type: 'institution_application',
    workflow: 'institutionApplication',
    workflowId,
    args: [{ institutionId: a.institutionId, orgId: a.orgId, title: a.name, overdueAfterMs: 3600_000, ...over }],
    institutionId: a.institutionId,
    businessKey: String(a.institutionId),
  });
  return workflowId;
}

/** The review item of a round once the workflow has opened it. */
export const roundOpened = (db: Db, workflowId: string, round: number) =>
  waitFor(`round ${round} of ${workflowId}`, () => db('review_items').where({ workflow_id: workflowId, round }).first());

/** 1x1 PNG and a minimal PDF: real magic bytes for the upload checks. */
export const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c626001000000050001a5f645400000000049454e44ae426082', 'hex');
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
