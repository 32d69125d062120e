import type { Knex } from 'knex';
import type { Request, RequestHandler, Response } from 'express';
import type { AppDeps } from '../app/deps';
import { type FileKind, checkKind, fileName, sendFile, uploader } from './uploads';
import { createFileStore } from '../db/files';
import { notFound } from './errors';

/**
 * The `attachments` file field shared by the forms that carry documents (申请材料, 年审报告,
 * licence scans). Each area decides which kinds it accepts and how a problem is shown.
 */
export const MAX_ATTACHMENTS = 10;

export interface CheckedFile {
  name: string;
  mime: string;
  data: Buffer;
}

/**
 * Multer for the attachments field. A file over the limit becomes a message beside the
 * field (res.locals.uploadError) instead of the error page, so the typed values survive:
 * text fields come before the file input in the form and are parsed already.
 */
export function receiveAttachments(deps: AppDeps): RequestHandler {
  const upload = uploader(deps.config.UPLOAD_MAX_BYTES, MAX_ATTACHMENTS).array('attachments', MAX_ATTACHMENTS);
  const limitMb = Math.round(deps.config.UPLOAD_MAX_BYTES / 1024 / 1024);
  return (req, res, next) => {
    upload(req, res, (err: unknown) => {
      if (!err) return next();
      const code = (err as { code?: string }).code;
      if (code === 'LIMIT_FILE_SIZE') res.locals.uploadError = `附件不能超过${limitMb}MB`;
      else if (code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_UNEXPECTED_FILE') res.locals.uploadError = `附件最多${MAX_ATTACHMENTS}个`;
      else return next(err);
      req.body ??= {};
      req.files = [];
      next();
    });
  };
}

/**
 * The uploaded files judged by their bytes: the good ones, and a message naming the first
 * bad one (empty, or not of `kinds`; `kindProblem` words the latter). An empty file input
 * (no name, no bytes) is no file.
 */
export function judgeFiles(req: Request, kinds: FileKind[], kindProblem: (name: string) => string): { files: CheckedFile[]; problem?: string } {
  const files: CheckedFile[] = [];
  let problem: string | undefined;
  for (const f of (req.files as Express.Multer.File[] | undefined) ?? []) {
    if (f.size === 0 && !f.originalname) continue;
    const name = fileName(f.originalname || '附件');
    if (f.size === 0) {
      problem ??= `附件“${name}”是空文件`;
      continue;
    }
    const kind = checkKind(f.buffer, kinds);
    if (!kind) problem ??= kindProblem(name);
    else files.push({ name, mime: kind.mime, data: f.buffer });
  }
  return { files, problem };
}

/** Stores the files and links them with `link(fileId)` inside the caller's transaction. */
export async function storeFiles(trx: Knex.Transaction, institutionId: number, userId: number, files: CheckedFile[], link: (fileId: string) => Promise<unknown>) {
  const store = createFileStore(trx);
  for (const f of files) await link(await store.put({ ...f, institutionId, ownerUserId: userId }));
}

/** Sends one of `allowed` (the files listed for the record), read within the institution. */
export async function sendListed(deps: AppDeps, res: Response, allowed: Array<{ id: string }>, fileId: string, institutionId: number, inline: boolean) {
  if (!allowed.some((f) => f.id === fileId)) throw notFound();
  const f = await createFileStore(deps.db).read(fileId, institutionId);
  if (!f) throw notFound();
  sendFile(res, f, inline && (f.mime === 'application/pdf' || f.mime.startsWith('image/')));
}

export const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
