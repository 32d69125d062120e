import { allHandlersFinished, condition, proxyActivities } from '@temporalio/workflow';
import type { InstitutionActivities } from '../../../activities/institutions';
import { Review } from '../../../workflows/review';
import type { InstitutionApplicationInput } from '../../../workflows/messages/institutionApplication';

/**
 * A deliberately reordered copy of workflows/institutionApplication.ts: it marks the
 * institution pending before the review opens its first round, so its first command
 * differs from every recorded history. The replay test must fail on it.
 */
const acts = proxyActivities<InstitutionActivities>({ startToCloseTimeout: '30 seconds' });

export async function institutionApplication(input: InstitutionApplicationInput): Promise<'approved' | 'abandoned'> {
  const { institutionId } = input;
  await acts.setApplicationStatus({ institutionId, status: 'pending', round: 1 });
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
