import type { Knex } from 'knex';
import type { Request } from 'express';
import { SCAN_KINDS } from '../uploads';
import { type CheckedFile, judgeFiles, storeFiles } from '../attachments';
import { addAttachment } from '../../db/institutions';

/** Licence scans and other attachments of an institution: PDF, JPG or PNG by content. */
export function checkAttachments(req: Request): { ok: true; files: CheckedFile[] } | { ok: false; message: string } {
  const { files, problem } = judgeFiles(req, SCAN_KINDS, (name) => `附件“${name}”不是PDF、JPG或PNG文件`);
  return problem ? { ok: false, message: problem } : { ok: true, files };
}

export function storeAttachments(trx: Knex.Transaction, institutionId: number, userId: number, files: CheckedFile[]): Promise<void> {
  return storeFiles(trx, institutionId, userId, files, (id) => addAttachment(trx, institutionId, id, userId));
}
