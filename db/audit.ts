import type { Db } from './knex';

export interface AuditEvent {
  event: string;
  result: 'success' | 'failure' | 'refused' | string;
  userId?: number | null;
  login?: string | null;
  ip?: string | null;
  institutionId?: number | null;
  orgId?: number | null;
  detail?: Record<string, unknown>;
  at?: Date;
}

/** Appends to the audit log. Rows are never updated or deleted (a trigger refuses it). */
export async function audit(db: Db, e: AuditEvent): Promise<void> {
  await db('audit_log').insert({
    event: e.event,
    result: e.result,
    user_id: e.userId ?? null,
    login: e.login ?? null,
    ip: e.ip ?? null,
    institution_id: e.institutionId ?? null,
    org_id: e.orgId ?? null,
    detail: JSON.stringify(e.detail ?? {}),
    ...(e.at ? { at: e.at } : {}),
  });
}
