/** 评定等级 of an annual review report. */
export const GRADES = ['excellent', 'pass', 'fail'] as const;
export type Grade = (typeof GRADES)[number];
export const GRADE_LABELS: Record<Grade, string> = { excellent: '优秀', pass: '合格', fail: '不合格' };
