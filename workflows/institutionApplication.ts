import { allHandlersFinished, condition, proxyActivities } from '@temporalio/workflow';
import type { InstitutionActivities } from '../activities/institutions';
import { Review } from './review';
import { QUICK_ACTIVITY } from './activityOptions';
import type { InstitutionApplicationInput } from './messages/institutionApplication';


const acts = proxyActivities<InstitutionActivities>(QUICK_ACTIVITY);

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
