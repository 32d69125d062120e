import multer from 'multer';
import type { Response } from 'express';
import type { StoredFile } from '../db/files';

export { type FileKind, sniff, checkKind, SCAN_KINDS, DOCUMENT_KINDS } from '../domain/fileKinds';

/**
 * Multer in memory with a size limit; an oversized file becomes a 413 through the
 * error page. maxFiles bounds how many files one form may carry.
 */
export function uploader(maxBytes: number, maxFiles = 10) {
  return multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: maxFiles, fields: 200 } });
}

/** multer's limit errors carry codes; map them to HTTP statuses for the error handler. */
export function isTooLarge(err: unknown): boolean {
  return (err as { code?: string })?.code === 'LIMIT_FILE_SIZE';
}

/** Multer decodes names as latin1; browsers send UTF-8. */
export const fileName = (original: string) => Buffer.from(original, 'latin1').toString('utf8');

export function sendFile(res: Response, f: StoredFile & { data: Buffer }, inline = false) {
  res.set('Content-Type', f.mime);
  res.set('Content-Length', String(f.data.length));
  res.set('X-Content-Type-Options', 'nosniff');
  // The pages' policy (object-src 'none') would blank the browser's own PDF viewer; stored
  // files are only PDF, Office and images (checked by content), which run no script.
  res.removeHeader('Content-Security-Policy');
  res.set('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(f.name)}`);
  res.send(f.data);
}
