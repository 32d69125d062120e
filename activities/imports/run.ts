import type { Knex } from 'knex';
import { FAILURE_REASON_HEADER, IMPORT_SPECS, normaliseHeader, type ImportTypeSpec } from './spec';
import { HANDLERS, type Checked, type Job, type Prep, type TypeHandler } from './handlers';
import { ThreadedBooks, type OutCell } from '../xlsx';
import { COLUMN_MARGIN, ImportFileError, readSheetRows, type RawCell, type SheetRow, type XlsxLimits } from '../xlsx';

/**
 * One pass over an uploaded file: header → rows checked → valid rows committed per batch
 * → success and failure files. The pass is deterministic for a given file and database,
 * so a resumed attempt re-reads from the top (in-file duplicates need every earlier
 * row), skips the writes the checkpoint says are done, and rebuilds the same result files.
 */
export const BATCH_ROWS = 2000;

export interface RunHooks {
  /** Rows committed up to (inclusive); rows at or below it are not written again. */
  resumeRow: number;
  onTotal(rows: number): Promise<void>;
  onBatch(p: { lastRow: number; read: number; valid: number; failed: number }): Promise<void>;
}

export interface RunResult {
  /** Where the time went (ms), for the benchmark and slow-job diagnosis. */
  timings: { commit: number; resultFiles: number; total: number };
  read: number;
  valid: number;
  failed: number;
  success: Buffer;
  failure: Buffer;
}

interface Pending {
  rowNo: number;
  out: OutCell[];
  checked: Checked;
}

const outCell = (v: RawCell): OutCell => {
  if (v === null || typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return 'formulaWithoutValue' in v ? '' : v.error;
};

const isEmpty = (cells: RawCell[]) => cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));

/** Maps the header row to the type's columns; refuses a file whose header is not this type's. */
export function mapHeader(spec: ImportTypeSpec, header: RawCell[]) {
  const names = header.map(normaliseHeader);
  const keys: Array<string | null> = names.map((n) => spec.columns.find((c) => c.header === n)?.key ?? null);
  const kept = names.map((n, i) => i).filter((i) => names[i] !== '' && names[i] !== FAILURE_REASON_HEADER);
  const found = new Set(keys.filter(Boolean));
  if (found.size === 0) {
    throw new ImportFileError(`表头不正确:第一行应为“${spec.label}”模板的列名(${spec.columns.map((c) => c.header).join('、')}),请下载模板填写`);
  }
  const missing = spec.columns.filter((c) => c.required && !found.has(c.key)).map((c) => c.header);
  if (missing.length) throw new ImportFileError(`表头缺少必填列:${missing.join('、')}`);
  return { keys, kept, headers: kept.map((i) => String(header[i] ?? '').trim()) };
}

export async function runImportFile(db: Knex, job: Job, data: Buffer, limits: XlsxLimits, hooks: RunHooks): Promise<RunResult> {
  const spec = IMPORT_SPECS[job.type];
  const handler: TypeHandler = HANDLERS[job.type];
  const prep = await handler.prepare(db, job);

  // The template's columns and 失败原因, plus a margin: far beyond that, a sheet is refused.
  const maxColumns = spec.columns.length + 1 + COLUMN_MARGIN;
  const rows: AsyncGenerator<SheetRow> = readSheetRows(data, { ...limits, maxColumns }, hooks.onTotal);
  let header: ReturnType<typeof mapHeader> | null = null;

  let books: ThreadedBooks | null = null;
  const seen = new Map<string, number>();
  const counts = { read: 0, valid: 0, failed: 0 };
  let batch: Pending[] = [];
  const example = spec.columns.map((c) => String(c.example));

  const started = performance.now();
  const timings = { commit: 0, resultFiles: 0, total: 0 };
  // One commit in flight while the next batch is parsed: PostgreSQL and this process work
  // at the same time. Batches still commit in order, and each heartbeat follows its commit.
  let inflight: Promise<void> = Promise.resolve();
  const commitAndRecord = async (mine: Pending[]) => {
    let t = performance.now();
    await commitBatch(db, handler, prep, mine, hooks.resumeRow);
    timings.commit += performance.now() - t;
    t = performance.now();
    for (const p of mine) {
      if (p.checked.problems.length === 0) {
        counts.valid++;
        books!.add(0, p.out);
      } else {
        counts.failed++;
        books!.add(1, [...p.out, p.checked.problems.join(';')]);
      }
    }
    books!.flush();
    timings.resultFiles += performance.now() - t;
    await hooks.onBatch({ lastRow: mine[mine.length - 1].rowNo, ...counts });
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const mine = batch;
    batch = [];
    await inflight;
    inflight = commitAndRecord(mine);
    inflight.catch(() => undefined); // observed by the next await; never an unhandled rejection
  };

  try {
    for await (const row of rows) {
      if (!header) {
        if (isEmpty(row.cells)) continue;
        header = mapHeader(spec, row.cells);
        const textCols = new Set(spec.columns.filter((c) => c.text).map((c) => c.header));
        const cols = header.headers.map((h) => ({ header: h, text: textCols.has(normaliseHeader(h)), width: 18 }));
        books = new ThreadedBooks([
          { sheet: '成功数据', columns: cols },
          { sheet: '失败数据', columns: [...cols, { header: FAILURE_REASON_HEADER, width: 60 }] },
        ]);
        continue;
      }
      if (isEmpty(row.cells)) continue;
      const cells: Record<string, RawCell> = {};
      header.keys.forEach((k, i) => {
        if (k) cells[k] = row.cells[i] ?? null;
      });
      // The template's example row, left in place, is not a person.
      if (spec.columns.every((c, i) => String(cells[c.key] ?? '') === example[i])) continue;
      counts.read++;
      // The rows come from memory without I/O: give the event loop a turn now and then, so
      // the batch being committed gets its replies while this one is parsed.
      if ((counts.read & 255) === 0) await new Promise((r) => setImmediate(r));
      const checked = handler.check(cells, prep);
      if (checked.key) {
        const first = seen.get(checked.key);
        if (first !== undefined) {
          checked.problems.push(handler.duplicateInFile(first));
          checked.data = null;
        } else seen.set(checked.key, row.rowNo);
      }
      batch.push({ rowNo: row.rowNo, out: header.kept.map((i) => outCell(row.cells[i] ?? null)), checked });
      if (batch.length >= BATCH_ROWS) await flush();
    }
    if (!header) throw new ImportFileError('工作表为空:第一个工作表中没有任何内容');
    if (counts.read === 0 && batch.length === 0) throw new ImportFileError('文件中没有数据行:请在表头下方填写数据');
    await flush();
    await inflight;
    const t = performance.now();
    const [success, failure] = await books!.finish();
    const files = { success, failure };
    timings.resultFiles += performance.now() - t;
    timings.total = performance.now() - started;
    return { ...counts, ...files, timings: { commit: Math.round(timings.commit), resultFiles: Math.round(timings.resultFiles), total: Math.round(timings.total) } };
  } catch (e) {
    await inflight.catch(() => undefined);
    await books?.abort();
    throw e;
  }
}

/**
 * Writes the batch's valid rows in one transaction (unless the checkpoint says they are
 * written), then asks the database about every key that was not inserted now: rows this
 * job wrote before count as valid, anything else adds its reason.
 */
async function commitBatch(db: Knex, handler: TypeHandler, prep: Prep, batch: Pending[], resumeRow: number) {
  const valid = batch.filter((p) => p.checked.problems.length === 0);
  const done = batch[batch.length - 1].rowNo <= resumeRow;
  const rows = valid.map((p) => p.checked.data!);
  const write = (k: Knex) => handler.insert(k, prep, rows);
  // One statement is atomic by itself; a transaction costs two more round trips per batch.
  const inserted = valid.length && !done ? await (handler.singleStatement ? write(db) : db.transaction(write)) : new Set<string>();
  const ask = batch.filter((p) => p.checked.key && !inserted.has(p.checked.key));
  if (ask.length === 0) return;
  const found = await handler.lookup(db, prep, [...new Set(ask.map((p) => p.checked.key!))]);
  for (const p of ask) {
    const f = found.get(p.checked.key!);
    const wasValid = p.checked.problems.length === 0;
    if (f === 'ours') continue;
    if (f) p.checked.problems.push(...f);
    else if (wasValid) p.checked.problems.push('写入时与其他导入冲突,请重新导入该行');
  }
}
