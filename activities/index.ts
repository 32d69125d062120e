import type { AppDeps } from '../app/deps';
import { createReviewActivities } from './review';
import { createClassActivities } from './classes';
import { createInstitutionActivities } from './institutions';
import { createBaseActivities } from './bases';
import { createAnnualReviewActivities } from './annualReviews';
import { createImportActivities } from './imports';
import { createExportActivities } from './exports';

/**
 * All activities, made over injected dependencies so tests bind them to their own
 * database. Each area adds its factory's result here (one line).
 */
export function createActivities(deps: AppDeps) {
  return {
    ...createImportActivities(deps),
    ...createExportActivities(deps),
    ...createReviewActivities(deps),
    ...createClassActivities(deps),
    ...createInstitutionActivities(deps),
    ...createBaseActivities(deps),
    ...createAnnualReviewActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
