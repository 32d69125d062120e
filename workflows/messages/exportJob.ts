/** Contract of `export:<jobId>`: no messages; it streams its rows, keeps the file, then deletes it. */
export const exportWorkflowId = (jobId: string) => `export:${jobId}`;

/**
 * `export:<jobId>`: stream the rows into an xlsx, keep it for the retention time, then
 * remove it. The timer is the workflow's, so the file goes even if nobody looks again.
 */
export interface ExportJobInput {
  jobId: string;
  retentionMs: number;
}
