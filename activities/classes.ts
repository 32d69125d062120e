import type { AppDeps } from '../app/deps';
import type { ReviewStatus } from '../workflows/messages/review';
import { audit } from '../db/audit';
import { copyOutcomesToRecords } from '../db/outcomes';

/**
 * Side effects of the class-declaration workflow. Every one is safe to run twice: status
 * updates are plain assignments, and 培训档案 rows are keyed by source_key
 * `class:<classId>:<ID_NUMBER>`, so a retried write lands once.
 */
export function createClassActivities(deps: AppDeps) {
  const { db } = deps;
  return {
    async setClassStatus(i: { classId: number; status: ReviewStatus; round: number }): Promise<void> {
      const now = deps.clock.now();
      const patch: Record<string, unknown> = { status: i.status, updated_at: now };
      if (i.status === 'pending') patch.submitted_at = now;
      if (i.status === 'approved') patch.approved_at = now;
      await db('training_classes').where({ id: i.classId }).whereNot({ status: 'closed' }).update(patch);
    },

    /** 同步上报: the outcomes reviewed with the declaration become records, exactly once. */
    async copyDeclarationOutcomes(i: { classId: number }): Promise<{ written: number }> {
      return db.transaction(async (trx) => {
        const written = await copyOutcomesToRecords(trx, i.classId, null, deps.clock.now());
        const cls = await trx('training_classes').where({ id: i.classId }).first('institution_id');
        const any = await trx('outcomes').where({ class_id: i.classId }).first('id');
        if (any) await trx('training_classes').where({ id: i.classId }).update({ outcomes_reported: true });
        if (written > 0) {
          await audit(trx, {
            event: 'outcomes_recorded',
            result: 'success',
            institutionId: cls?.institution_id ?? null,
            detail: { classId: i.classId, source: 'with_declaration', written },
          });
        }
        return { written };
      });
    },

    /** 培训成果申报 (manual 2.2): a report's rows go to 培训档案 at once, without review. */
    async writeOutcomeReport(i: { classId: number; reportId: string; actorUserId: number }): Promise<{ written: number }> {
      return db.transaction(async (trx) => {
        const report = await trx('outcome_reports').where({ id: i.reportId, class_id: i.classId }).forUpdate().first();
        if (!report) return { written: 0 };
        if (report.status === 'written') return { written: report.written };
        const now = deps.clock.now();
        const written = await copyOutcomesToRecords(trx, i.classId, i.reportId, now);
        await trx('outcome_reports').where({ id: i.reportId }).update({ status: 'written', written, written_at: now });
        await trx('training_classes').where({ id: i.classId }).update({ outcomes_reported: true, updated_at: now });
        await audit(trx, {
          event: 'outcomes_recorded',
          result: 'success',
          userId: i.actorUserId,
          institutionId: report.institution_id,
          detail: { classId: i.classId, reportId: i.reportId, source: 'report', written },
        });
        return { written };
      });
    },

    /** An import wrote records itself; the class now counts as having reported outcomes. */
    async markOutcomesReported(i: { classId: number }): Promise<void> {
      const any = await db('training_records').where({ class_id: i.classId }).first('id');
      if (any) await db('training_classes').where({ id: i.classId }).update({ outcomes_reported: true });
    },

    /** 结班, by the institution (userId) or when the year's reporting time is over. */
    async closeClass(i: { classId: number; userId: number | null; automatic: boolean }): Promise<void> {
      await db.transaction(async (trx) => {
        const now = deps.clock.now();
        const closed = await trx('training_classes')
          .where({ id: i.classId, status: 'approved' })
          .update({ status: 'closed', closed_at: now, updated_at: now })
          .returning('institution_id');
        if (closed.length === 0) return;
        await audit(trx, {
          event: 'class_closed',
          result: 'success',
          userId: i.userId,
          institutionId: closed[0].institution_id,
          detail: { classId: i.classId, automatic: i.automatic },
        });
      });
    },
  };
}

export type ClassActivities = ReturnType<typeof createClassActivities>;
