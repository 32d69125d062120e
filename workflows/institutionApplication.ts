import { allHandlersFinished, condition, proxyActivities } from '@temporalio/workflow';
import type { InstitutionActivities } from '../activities/institutions';
import { Review } from './review';

/**
 * `institution-application:<institutionId>` (manual 三): the region's HR bureau reviews
 * the application; a rejected or withdrawn one waits for the amended resubmission and
 * goes on in the same workflow. Approval makes the institution active and its applicant
 * the institution admin, before the reviewer's decision is answered, so both sides see
 * the result on their next page.
 */
export interface InstitutionApplicationInput {
  institutionId: number;
  /** The HR bureau of the institution's region. */
  orgId: number;
  /** The institution's name, for the reviewer's queue. */
  title: string;
  overdueAfterMs: number;
}

const acts = proxyActivities<InstitutionActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function institutionApplication(input: InstitutionApplicationInput): Promise<'approved' | 'abandoned'> {
  const { institutionId } = input;
  const review = new Review({
    kind: 'institution',
    subjectId: institutionId,
    institutionId,
    orgId: input.orgId,
    title: input.title,
    overdueAfterMs: input.overdueAfterMs,
    onTransition: async (status, round) => {
      if (status === 'approved') await acts.activateInstitution({ institutionId, round });
      else await acts.setApplicationStatus({ institutionId, status, round });
    },
  });
  const outcome = await review.run();
  await condition(allHandlersFinished);
  return outcome;
}
