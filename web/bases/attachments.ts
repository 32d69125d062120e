import type { Request, Response } from 'express';
import type { FieldErrors } from '../forms';
import { DOCUMENT_KINDS } from '../uploads';
import { type CheckedFile, judgeFiles } from '../attachments';

/**
 * 申请材料 and 年审报告 attachments: PDF, Office documents or images. The uploaded files,
 * or a message on the attachments field naming the first bad one.
 */
export function checkFiles(req: Request, res: Response, errors: FieldErrors): CheckedFile[] {
  if (res.locals.uploadError) {
    errors.attachments = res.locals.uploadError;
    return [];
  }
  const { files, problem } = judgeFiles(req, DOCUMENT_KINDS, (name) => `附件“${name}”不是PDF、Office文档或图片`);
  if (problem) errors.attachments ??= problem;
  // Files cannot be kept across a failed form; the page says to choose them again.
  if (files.length && Object.keys(errors).length && !errors.attachments) errors.attachments = '表单有误未保存,请重新选择要上传的附件';
  return files;
}
