import { proxyActivities, sleep } from '@temporalio/workflow';
import type { AnnualReviewActivities } from '../../../activities/annualReviews';
import { baseApplication as current } from '../../../workflows/baseApplication';
import { type BaseApplicationInput } from '../../../workflows/messages/baseApplication';
import { annualReview as currentReview } from '../../../workflows/annualReview';
import { type AnnualReviewInput } from '../../../workflows/messages/annualReview';

/**
 * Deliberately changed copies of the base workflows, for basesReplay.test.ts: each does
 * one extra step first, as a careless edit would. Replaying a recorded history on them
 * must fail, which proves the replay test can fail.
 */
const acts = proxyActivities<AnnualReviewActivities>({ startToCloseTimeout: '30 seconds' });

export async function baseApplication(input: BaseApplicationInput) {
  await acts.markAnnualReviewOverdue({ annualReviewId: 0 });
  return current(input);
}

export async function annualReview(input: AnnualReviewInput) {
  await sleep(1);
  await acts.markAnnualReviewOverdue({ annualReviewId: 0 });
  return currentReview(input);
}
