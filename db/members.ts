import type { Db } from './knex';
import { likePrefix } from './classes';

/**
 * 报名人员 of a class with their outcome, if any. Classes can hold thousands of members
 * (imports), so the list is paged and searched by name or ID-number prefix.
 */
export function membersQuery(db: Db, classId: number, f: { q?: string; outcome?: 'with' | 'without' }) {
  const q = db('class_members as m')
    .leftJoin('outcomes as o', function () {
      this.on('o.class_id', '=', 'm.class_id').andOn('o.id_number', '=', 'm.id_number');
    })
    .leftJoin('outcome_reports as r', 'r.id', 'o.report_id')
    .where('m.class_id', classId)
    .select(
      'm.id', 'm.name', 'm.id_number', 'm.phone', 'm.employer', 'm.created_at',
      'o.id as outcome_id', 'o.hours', 'o.result', 'o.report_id', 'o.source', 'r.status as report_status',
    )
    .orderBy('m.id');
  if (f.q) {
    const s = f.q.trim();
    if (/^[\dXx]+$/.test(s)) q.where('m.id_number', 'like', likePrefix(s.toUpperCase()));
    else q.where('m.name', 'like', likePrefix(s));
  }
  if (f.outcome === 'with') q.whereNotNull('o.id');
  if (f.outcome === 'without') q.whereNull('o.id');
  return q;
}

export async function memberCounts(db: Db, classId: number) {
  const [m] = await db('class_members').where({ class_id: classId }).count<{ n: string }[]>('* as n');
  const [o] = await db('outcomes').where({ class_id: classId }).count<{ n: string }[]>('* as n');
  const [r] = await db('training_records').where({ class_id: classId }).count<{ n: string }[]>('* as n');
  return { members: Number(m.n), outcomes: Number(o.n), records: Number(r.n) };
}

/** Reports whose rows have not reached 培训档案 yet (the workflow was unreachable). */
export async function pendingReports(db: Db, classId: number) {
  return db('outcome_reports').where({ class_id: classId, status: 'pending' }).orderBy('created_at').select('id', 'rows', 'created_at');
}
