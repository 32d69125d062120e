/** Contract of `import:<jobId>`: no messages; it runs from upload to result files by itself. */
export const importWorkflowId = (jobId: string) => `import:${jobId}`;

/**
 * `import:<jobId>`: parse, check and commit one uploaded file, then write its success and
 * failure files; after the retention time the files go. Only ids travel through the
 * history; the rows stay in PostgreSQL.
 */
export interface ImportJobInput {
  jobId: string;
  type: string;
  /** The class an onsite_outcomes import reports to (its workflow is told when rows land). */
  classId: number | null;
  /** How long the job's files are kept once it has ended; absent on jobs started before files expired. */
  retentionMs?: number;
}
