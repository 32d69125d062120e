/**
 * Contract of `institution-application:<institutionId>` (manual 三). Its messages are the
 * shared review step's (./review): decide, withdraw, resubmit, roundOpen, reviewState.
 */
export const applicationWorkflowId = (institutionId: number) => `institution-application:${institutionId}`;

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
