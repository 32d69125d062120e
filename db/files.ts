import { randomUUID } from 'node:crypto';
import type { Db } from './knex';

/**
 * The file store: uploads and generated files in PostgreSQL, so every web and worker
 * process on every machine sees the same files. Small interface, so another backend
 * (object storage) can replace it in one module.
 */
export interface StoredFile {
  id: string;
  institutionId: number | null;
  name: string;
  mime: string;
  size: number;
  createdAt: Date;
  expiresAt: Date | null;
}

export interface FileStore {
  put(f: { name: string; mime: string; data: Buffer; institutionId: number | null; ownerUserId?: number | null; expiresAt?: Date | null; id?: string }): Promise<string>;
  /** Metadata only. Scoped by institution when one is given: another institution's file is not found. */
  info(id: string, institutionId?: number | null): Promise<StoredFile | null>;
  read(id: string, institutionId?: number | null): Promise<(StoredFile & { data: Buffer }) | null>;
  remove(id: string): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COLS = ['id', 'institution_id', 'name', 'mime', 'size', 'created_at', 'expires_at'];
const toFile = (r: Record<string, unknown>): StoredFile => ({
  id: r.id as string,
  institutionId: (r.institution_id as number) ?? null,
  name: r.name as string,
  mime: r.mime as string,
  size: Number(r.size),
  createdAt: r.created_at as Date,
  expiresAt: (r.expires_at as Date) ?? null,
});

export function createFileStore(db: Db): FileStore {
  const scoped = (id: string, institutionId?: number | null) => {
    const q = db('files').where({ id });
    if (institutionId !== undefined) q.andWhere({ institution_id: institutionId });
    return q;
  };
  return {
    async put(f) {
      const id = f.id ?? randomUUID();
      await db('files')
        .insert({
          id,
          institution_id: f.institutionId,
          owner_user_id: f.ownerUserId ?? null,
          name: f.name,
          mime: f.mime,
          size: f.data.length,
          data: f.data,
          expires_at: f.expiresAt ?? null,
        })
        .onConflict('id')
        .ignore();
      return id;
    },
    async info(id, institutionId) {
      if (!UUID.test(id)) return null;
      const r = await scoped(id, institutionId).first(COLS);
      return r ? toFile(r) : null;
    },
    async read(id, institutionId) {
      if (!UUID.test(id)) return null;
      const r = await scoped(id, institutionId).first([...COLS, 'data']);
      return r ? { ...toFile(r), data: r.data as Buffer } : null;
    },
    async remove(id) {
      await db('files').where({ id }).delete();
    },
  };
}

/**
 * Deletes the institution's files an applicant took off a subject, except those a decided
 * review round shows (review_items.snapshot): what was decided stays viewable to reviewers
 * and auditors. Only the link to the subject goes for those.
 */
export async function deleteRemovedFiles(trx: Db, institutionId: number, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const kept = await trx
    .select(trx.raw("distinct a->>'fileId' as id"))
    .from(trx.raw("review_items r, jsonb_array_elements(r.snapshot->'attachments') a"))
    .where('r.institution_id', institutionId)
    .whereNotNull('r.snapshot')
    .whereRaw("a->>'fileId' = any(?)", [ids]);
  const keep = new Set(kept.map((k: { id: string }) => k.id));
  const gone = ids.filter((id) => !keep.has(id));
  if (gone.length) await trx('files').whereIn('id', gone).andWhere({ institution_id: institutionId }).delete();
}
