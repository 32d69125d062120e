import type { Knex } from 'knex';

/** 培训档案 key of a class outcome: one record per person per class, however often written. */
export const classRecordKey = (classId: number, idNumber: string) => `class:${classId}:${idNumber}`;

/**
 * Copies a class's outcomes into training_records: those attached to the declaration
 * (reportId null) or those of one report. ON CONFLICT on source_key makes a retry, or
 * a record an import already wrote, a no-op. Returns how many rows were new.
 */
export async function copyOutcomesToRecords(trx: Knex | Knex.Transaction, classId: number, reportId: string | null, now: Date): Promise<number> {
  const res = await trx.raw(
    `INSERT INTO training_records
       (institution_id, id_number, name, delivery, class_id, course_name, training_year, subject_type, hours, result, source_key, recorded_at)
     SELECT o.institution_id, o.id_number, o.name, 'onsite', c.id, c.name, c.training_year, c.subject_type, o.hours, o.result,
            'class:' || c.id || ':' || o.id_number, ?
       FROM outcomes o JOIN training_classes c ON c.id = o.class_id
      WHERE o.class_id = ? AND ${reportId === null ? 'o.report_id IS NULL' : 'o.report_id = ?'}
     ON CONFLICT (source_key) DO NOTHING`,
    reportId === null ? [now, classId] : [now, classId, reportId],
  );
  return res.rowCount ?? 0;
}
