import { z } from 'zod';
import { zOptionalText, zText } from '../../domain/validation';
import { GRADES } from '../../domain/grades';

/** 年审报告: the figures come from the platform; the base writes the rest. */
export const reportSchema = z.object({
  trainingComment: zOptionalText('年度培训开展情况说明', 4000),
  conditionsChange: zText('师资与条件变化', 4000),
  problems: zText('存在问题与整改', 4000),
});

export type ReportForm = z.infer<typeof reportSchema>;

/** 评定: 优秀 / 合格 / 不合格 (不合格 needs a reason). */
export const gradeSchema = z
  .object({
    grade: z.enum(GRADES, { error: '请选择评定等级' }),
    reason: z.string().trim().max(500, '评定意见不能超过500个字').optional().transform((v) => v ?? ''),
  })
  .refine((v) => v.grade !== 'fail' || v.reason.length > 0, { path: ['reason'], message: '评定为不合格时请填写不合格原因' });

/** 退回修改: always with a reason. */
export const returnSchema = z.object({
  returnReason: z.string({ error: '请填写退回原因' }).trim().min(1, '请填写退回原因').max(500, '退回原因不能超过500个字'),
});
