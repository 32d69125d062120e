import type { AppDeps } from '../app/deps';
import { audit } from '../db/audit';

/**
 * The institution application's own bookkeeping: the institution's status for each
 * round, and on approval the institution's activation with its applicant made its
 * admin. Both are plain updates to a target state, so a retry changes nothing twice.
 */
export function createInstitutionActivities(deps: AppDeps) {
  const { db } = deps;
  return {
    async setApplicationStatus(i: { institutionId: number; status: 'pending' | 'rejected' | 'withdrawn'; round: number }): Promise<void> {
      // An active institution is never sent back by a late retry.
      await db('institutions')
        .where({ id: i.institutionId })
        .whereNot({ status: 'active' })
        .update({ status: i.status, updated_at: deps.clock.now() });
    },

    async activateInstitution(i: { institutionId: number; round: number }): Promise<void> {
      await db.transaction(async (trx) => {
        const inst = await trx('institutions').where({ id: i.institutionId }).forUpdate().first('status', 'applicant_user_id');
        if (!inst) throw new Error(`institution ${i.institutionId} not found`);
        if (inst.status === 'active') return;
        await trx('institutions')
          .where({ id: i.institutionId })
          .update({ status: 'active', approved_at: deps.clock.now(), updated_at: deps.clock.now() });
        if (inst.applicant_user_id) {
          await trx('users')
            .where({ id: inst.applicant_user_id, role: 'applicant' })
            .update({ role: 'institution_admin', institution_id: i.institutionId, updated_at: deps.clock.now() });
        }
        await audit(trx, {
          event: 'institution_activated',
          result: 'success',
          userId: inst.applicant_user_id,
          institutionId: i.institutionId,
          detail: { round: i.round },
        });
      });
    },
  };
}

export type InstitutionActivities = ReturnType<typeof createInstitutionActivities>;
