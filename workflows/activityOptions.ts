import type { ActivityOptions } from '@temporalio/workflow';

/**
 * Options every workflow proxies its activities with. Quick activities are single
 * database writes or notifications: retried without end, since each is idempotent and a
 * database or worker outage must delay a transition, never drop it.
 */
const RETRY = { initialInterval: '1 second', maximumInterval: '30 seconds' } as const;

export const QUICK_ACTIVITY: ActivityOptions = { startToCloseTimeout: '30 seconds', retry: RETRY };

/**
 * Long activities (an import's or export's run) heartbeat: a dead worker is noticed
 * within the heartbeat timeout and the retry resumes from the last checkpoint.
 */
export const longActivity = (startToCloseTimeout: ActivityOptions['startToCloseTimeout'], nonRetryableErrorTypes: string[] = []): ActivityOptions => ({
  startToCloseTimeout,
  heartbeatTimeout: '20 seconds',
  retry: { ...RETRY, maximumAttempts: 5, nonRetryableErrorTypes },
});
