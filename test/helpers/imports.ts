import ExcelJS from 'exceljs';
import type { Db } from '../../db/knex';
import type { Agent } from './agent';
import { createInstitution, makePhone, uniq } from './fixtures';
import { rotateAccessKey } from '../../db/connections';

/** Test data for the imports/exports area, inserted directly (other areas' pages are not under test). */

export const thisYear = () => Number(new Date().toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 4));

export { idFor, nthId } from '../../bin/fixtures/ids';
export const badCheckDigit = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');

export async function institutionWithClasses(db: Db) {
  const inst = await createInstitution(db);
  const y = thisYear();
  const mk = async (o: { status: string; outcome_mode: string; total_hours?: number }) => {
    const [c] = await db('training_classes')
      .insert({
        institution_id: inst.id,
        name: `导入测试班${uniq('')}`,
        training_year: y,
        subject_type: 'public',
        start_date: `${y}-03-01`,
        end_date: `${y}-03-05`,
        planned_count: 100,
        contact_name: '联系人',
        contact_phone: makePhone(),
        total_hours: o.total_hours ?? 24,
        status: o.status,
        outcome_mode: o.outcome_mode,
      })
      .returning('*');
    return c as { id: number; name: string; institution_id: number };
  };
  const draft = await mk({ status: 'draft', outcome_mode: 'with_declaration' });
  const approved = await mk({ status: 'approved', outcome_mode: 'after_approval' });
  const pending = await mk({ status: 'pending', outcome_mode: 'after_approval' });
  const [platform] = await db('online_platforms')
    .insert({ institution_id: inst.id, name: `网授平台${uniq('')}`, url: 'https://learn.example.com', operator: '某公司', contact_name: '钱七', contact_phone: makePhone() })
    .returning(['id', 'name']);
  // Connected: outcomes are taken only for a platform that has its access key.
  await rotateAccessKey(db, inst.id, platform.id, new Date());
  const [onlineCourse] = await db('courses')
    .insert({ institution_id: inst.id, name: `网授课程${uniq('')}`, subject_type: 'public', hours: 10, delivery: 'online' })
    .returning(['id', 'name', 'hours']);
  return { inst, admin: inst.admin, draft, approved, pending, platform, onlineCourse };
}

export async function addMembers(db: Db, cls: { id: number; institution_id: number }, ids: string[]) {
  if (!ids.length) return;
  await db('class_members').insert(ids.map((id, i) => ({ class_id: cls.id, institution_id: cls.institution_id, name: `学员${i}`, id_number: id, phone: makePhone() })));
}

export type Cell = string | number | null | { formula: string; result?: string | number };

/** An xlsx as a person's Excel would hold it; `textCols` (1-based) are formatted as text. */
export async function xlsx(rows: Cell[][], o: { textCols?: number[]; sheets?: number } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('导入数据');
  for (const c of o.textCols ?? []) ws.getColumn(c).numFmt = '@';
  for (const r of rows) ws.addRow(r as unknown[]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Reads every sheet row of an xlsx as arrays of cell values (1-based columns shifted to 0). */
export async function readXlsx(data: Buffer, sheet = 1): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as never);
  const ws = wb.worksheets[sheet - 1];
  const out: unknown[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => out.push((row.values as unknown[]).slice(1)));
  return out;
}

export async function loadWorkbook(data: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data as never);
  return wb;
}

/** Uploads through the page's form, as the browser would (multipart, upload key from the page). */
export async function upload(agent: Agent, path: string, data: Buffer, fields: Record<string, string> = {}, name = '导入文件.xlsx') {
  const page = await agent.get(path + (path.includes('?') ? '&' : '?') + (fields.type ? `type=${fields.type}` : ''));
  const key = /name="uploadKey" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const fd = new FormData();
  for (const [k, v] of Object.entries({ uploadKey: key, ...fields })) fd.append(k, v);
  fd.append('file', new Blob([new Uint8Array(data)]), name);
  const res = await agent.upload(path.split('?')[0], fd);
  return { res, key, jobId: res.location?.match(/^\/imports\/([0-9a-f-]{36})$/)?.[1] ?? null };
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms = 60000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function waitJob(db: Db, jobId: string, ms = 60000) {
  return waitFor(async () => {
    const j = await db('import_jobs').where({ id: jobId }).first();
    return j && (j.status === 'succeeded' || j.status === 'failed') ? j : null;
  }, ms, `import job ${jobId}`);
}

export async function download(agent: Agent, path: string): Promise<Buffer> {
  const res = await fetch(agent.baseUrl + path, { headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
  if (res.status !== 200) throw new Error(`download ${path}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The failure file's rows as {cells, reason}, header dropped. */
export async function failureRows(agent: Agent, jobId: string) {
  const rows = await readXlsx(await download(agent, `/imports/${jobId}/files/failure`));
  const header = rows[0] as string[];
  return { header, rows: rows.slice(1).map((r) => ({ cells: r.slice(0, header.length - 1), reason: String(r[header.length - 1] ?? '') })) };
}

/**
 * RECORD_HISTORIES=1 keeps the job workflow's history under test/workflows/histories for
 * the replay test (protobufjs' own JSON form, as the class histories).
 */
export async function keepHistory(client: import('@temporalio/client').Client, name: string, workflowId: string) {
  if (!process.env.RECORD_HISTORIES) return;
  const fs = await import('node:fs');
  const path = await import('node:path');
  const { temporal } = await import('@temporalio/proto');
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const json = JSON.stringify(temporal.api.history.v1.History.toObject(history as never, { longs: String, enums: String, bytes: String }));
  const dir = path.resolve(__dirname, '../workflows/histories');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), json);
}
