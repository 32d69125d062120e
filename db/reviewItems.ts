import type { Knex } from 'knex';
import type { Db } from './knex';

/**
 * 审核事项 (review_items): one row per review round of a workflow, written by the review
 * step's activities and read by queues, detail pages and the consistency check. Keyed by
 * (workflow_id, round), so a retried activity writes nothing twice.
 */
export type ReviewItemStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

export interface OpenRound {
  workflowId: string;
  round: number;
  kind: string;
  subjectId: number;
  institutionId: number;
  orgId: number;
  title: string;
  submittedAt: Date;
}

/** Opens a round in the reviewer's queue; a retry of the same round is ignored. */
export async function openRound(db: Db, r: OpenRound): Promise<void> {
  await db('review_items')
    .insert({
      kind: r.kind,
      workflow_id: r.workflowId,
      round: r.round,
      subject_id: r.subjectId,
      institution_id: r.institutionId,
      org_id: r.orgId,
      title: r.title,
      status: 'pending',
      submitted_at: r.submittedAt,
    })
    .onConflict(['workflow_id', 'round'])
    .ignore();
}

export async function markOverdue(db: Db, workflowId: string, round: number): Promise<void> {
  await db('review_items').where({ workflow_id: workflowId, round, status: 'pending' }).update({ overdue: true });
}

/** Closes a pending round; returns false when it was closed already (a retry). */
export async function closeRound(
  trx: Knex | Knex.Transaction,
  r: { workflowId: string; round: number; status: Exclude<ReviewItemStatus, 'pending'>; decidedAt: Date; decidedBy: number; reason: string | null },
): Promise<boolean> {
  const updated = await trx('review_items')
    .where({ workflow_id: r.workflowId, round: r.round, status: 'pending' })
    .update({ status: r.status, decided_at: r.decidedAt, decided_by: r.decidedBy, reason: r.reason })
    .returning('id');
  return updated.length > 0;
}

/** A revoked base's pending annual reviews leave the reviewer's queue with the revocation. */
export async function withdrawPendingAnnualReviews(trx: Knex.Transaction, institutionId: number, r: { at: Date; by: number; reason: string }) {
  await trx('review_items')
    .where({ kind: 'annual_review', institution_id: institutionId, status: 'pending' })
    .update({ status: 'withdrawn', decided_at: r.at, decided_by: r.by, reason: r.reason });
}

export const findById = (db: Db, id: number) => db('review_items').where({ id }).first();

export const findRound = (db: Db, workflowId: string, round: number) => db('review_items').where({ workflow_id: workflowId, round }).first();

/** The newest round of a workflow (its number and overdue flag), or undefined before the first. */
export const latestRound = (db: Db, workflowId: string): Promise<{ round: number; overdue: boolean } | undefined> =>
  db('review_items').where({ workflow_id: workflowId }).orderBy('round', 'desc').first('round', 'overdue');

/** The round of a workflow waiting for this reviewer organisation, if any. */
export const pendingRoundFor = (db: Db, workflowId: string, orgId: number) =>
  db('review_items')
    .where({ workflow_id: workflowId, org_id: orgId, status: 'pending' })
    .orderBy('round', 'desc')
    .first('id', 'workflow_id', 'round', 'institution_id', 'overdue');

/** Every round of a workflow, newest first, with who decided it. */
export const roundsWithDecider = (db: Db, workflowId: string, limit = 20) =>
  db('review_items as r')
    .leftJoin('users as u', 'u.id', 'r.decided_by')
    .where({ 'r.workflow_id': workflowId })
    .orderBy('r.round', 'desc')
    .limit(limit)
    .select('r.round', 'r.status', 'r.submitted_at', 'r.decided_at', 'r.reason', 'u.name as decided_by_name');

/** What the reviewer saw when deciding, kept once (the first decision's view wins). */
export async function keepSnapshot(db: Db, id: number, snapshot: unknown): Promise<void> {
  await db('review_items').where({ id }).whereNull('snapshot').update({ snapshot: JSON.stringify(snapshot) });
}
