import type { Knex } from 'knex';
import type { ImportType } from './spec';

/**
 * What an import is attached to and whether it may take rows now. Checked at upload (a
 * message beside the form) and again when the job runs (the class may have moved on).
 */
export interface ClassTarget {
  id: number;
  name: string;
  status: string;
  outcome_mode: 'with_declaration' | 'after_approval';
  training_year: number;
  subject_type: 'public' | 'professional';
  total_hours: number;
}

export async function findClassTarget(db: Knex, institutionId: number, classId: unknown): Promise<ClassTarget | null> {
  const id = Number(classId);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  return (
    (await db('training_classes')
      .where({ id, institution_id: institutionId })
      .first('id', 'name', 'status', 'outcome_mode', 'training_year', 'subject_type', 'total_hours')) ?? null
  );
}

export async function findPlatformTarget(db: Knex, institutionId: number, platformId: unknown) {
  const id = Number(platformId);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const row = await db('online_platforms').where({ id, institution_id: institutionId }).first('id', 'name', 'enabled', 'access_key_hash');
  return row ? { id: row.id as number, name: row.name as string, enabled: row.enabled as boolean, hasKey: row.access_key_hash !== null } : null;
}

/** Why this class cannot take this import now, or null. Manual 2.1/2.2 decide the rules. */
export function classProblem(type: ImportType, c: ClassTarget): string | null {
  switch (type) {
    case 'class_members':
      // As on the class page: members change before submitting, after a return, or once approved.
      return ['draft', 'rejected', 'withdrawn', 'approved'].includes(c.status) ? null : '培训班在待审核或已结班状态,不能导入班级人员';
    case 'onsite_outcomes':
      return c.status === 'approved' && c.outcome_mode === 'after_approval'
        ? null
        : '只有审核通过、选择“暂不上报”培训成果且未结班的培训班可以导入面授班培训成果';
    case 'declaration_outcomes':
      return c.outcome_mode === 'with_declaration' && ['draft', 'rejected', 'withdrawn'].includes(c.status)
        ? null
        : '只有选择“同步上报”、且在草稿、已退回或已撤回状态的培训班申报可以导入成果';
    default:
      return '该导入类型不属于培训班';
  }
}

/**
 * A platform takes outcomes once it is enabled and has its access key: the key is what
 * identifies the platform (manual 3.3, 培训对接管理), so one without is not connected yet.
 */
export const platformProblem = (p: { enabled: boolean; hasKey: boolean }) =>
  !p.enabled ? '该网授平台已停用,不能导入培训成果' : !p.hasKey ? '该网授平台尚未生成接入密钥,请先在“网授平台”中生成接入密钥后再导入' : null;
