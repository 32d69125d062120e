import type { Request } from 'express';
import type { AppDeps } from '../../app/deps';
import { sendUpdate, startPlatformWorkflow } from '../workflows';
import { HttpError } from '../errors';
import { resubmitUpdate, withdrawUpdate, type Actor } from '../../workflows/messages/review';
import type { AnnualSchedule } from '../../workflows/messages/calendar';
import type { baseApplication } from '../../workflows/baseApplication';
import type { BaseApplicationInput } from '../../workflows/messages/baseApplication';

export const actorOf = (req: Request): Actor => ({ userId: req.user!.id, orgId: null, institutionId: req.user!.institutionId });

/** The schedule of annual reviews from configuration, fixed into the workflow at its start. */
export function scheduleOf(deps: AppDeps): AnnualSchedule {
  const c = deps.config;
  return {
    opensOn: c.ANNUAL_REVIEW_OPENS_ON,
    ...(c.ANNUAL_REVIEW_YEAR_SECONDS ? { yearMs: c.ANNUAL_REVIEW_YEAR_SECONDS * 1000 } : {}),
    windowMs: c.ANNUAL_REVIEW_WINDOW_SECONDS * 1000,
    remindBeforeMs: c.ANNUAL_REVIEW_REMIND_SECONDS * 1000,
    gradeOverdueAfterMs: c.REVIEW_OVERDUE_SECONDS * 1000,
  };
}

/** The HR bureau of the institution's region: the reviewer of its base application. */
export async function bureauFor(deps: AppDeps, institutionId: number): Promise<number> {
  const row = await deps.db('institutions as i')
    .join('reviewer_orgs as o', function () {
      this.on('o.region_code', 'i.region_code').andOnVal('o.kind', 'hr_bureau');
    })
    .where('i.id', institutionId)
    .first('o.id');
  if (!row) throw new HttpError(500, `no HR bureau for institution ${institutionId}`);
  return row.id;
}

/** The first submission starts `base-application:<institutionId>`. */
export async function startBaseApplication(deps: AppDeps, a: { id: number; institutionId: number; orgId: number; name: string; workflowId: string }) {
  // A base revoked earlier reviews on from the year after the last one it had.
  const last = await deps.db('annual_reviews').where({ institution_id: a.institutionId }).max<{ year: number | null }>('year as year').first();
  const input: BaseApplicationInput = {
    applicationId: a.id,
    institutionId: a.institutionId,
    orgId: a.orgId,
    title: a.name,
    overdueAfterMs: deps.config.REVIEW_OVERDUE_SECONDS * 1000,
    schedule: scheduleOf(deps),
    ...(last?.year ? { firstYearFrom: last.year + 1 } : {}),
  };
  return startPlatformWorkflow<typeof baseApplication>(deps, {
    type: 'base_application',
    workflow: 'baseApplication',
    workflowId: a.workflowId,
    args: [input],
    institutionId: a.institutionId,
    businessKey: String(a.institutionId),
    review: true,
  });
}

export const resubmitBaseApplication = (deps: AppDeps, req: Request, workflowId: string, name: string) =>
  sendUpdate(deps, workflowId, resubmitUpdate, { actor: actorOf(req), title: name });

export const withdrawBaseApplication = (deps: AppDeps, req: Request, workflowId: string) =>
  sendUpdate(deps, workflowId, withdrawUpdate, { actor: actorOf(req) });
