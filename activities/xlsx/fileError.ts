/** A file the job refuses as a whole; the message is shown to the user as the job's reason. */
export class ImportFileError extends Error {
  readonly type = 'ImportFileError';
}
