import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Worker } from 'node:worker_threads';
import ExcelJS from 'exceljs';

/**
 * Every xlsx the platform writes goes through here: streamed by exceljs' WorkbookWriter
 * into memory (the file store keeps files in PostgreSQL), text columns formatted as text,
 * and any text that a spreadsheet would run as a formula neutralised.
 */

/** `= + - @`, tab and CR start formulas or DDE in spreadsheets; a leading quote makes them text. */
export const neutralise = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
/** Undoes neutralise on a file coming back (a corrected failure file): the quote was ours. */
export const restoreNeutralised = (s: string) => (/^'[=+\-@\t\r]/.test(s) ? s.slice(1) : s);

export type OutCell = string | number | null | undefined;

// exceljs caches a style's id by object identity: cells sharing these objects cost a map
// lookup, where a fresh style per cell (its default) costs a full style computation.
const TEXT_STYLE: Partial<ExcelJS.Style> = { numFmt: '@' };
const PLAIN_STYLE: Partial<ExcelJS.Style> = {};

export interface OutColumn {
  header: string;
  width?: number;
  text?: boolean;
}

export class XlsxOut {
  private chunks: Buffer[] = [];
  private wb: ExcelJS.stream.xlsx.WorkbookWriter;
  private ws: ExcelJS.Worksheet;
  private styles = new Map<ExcelJS.Worksheet, Array<Partial<ExcelJS.Style>>>();
  rows = 0;

  constructor(sheetName: string, columns: OutColumn[], opts: { headerStyle?: (col: number) => Partial<ExcelJS.Style> | null } = {}) {
    const sink = new PassThrough();
    sink.on('data', (c: Buffer) => this.chunks.push(c));
    // Level 1 deflate: these files are read once and thrown away; speed matters more than bytes.
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 1 } } } as never);
    this.ws = this.addSheet(sheetName, columns, opts.headerStyle);
  }

  addSheet(name: string, columns: OutColumn[], headerStyle?: (col: number) => Partial<ExcelJS.Style> | null) {
    const ws = this.wb.addWorksheet(name);
    ws.columns = columns.map((c) => ({ width: c.width ?? 16, style: c.text ? TEXT_STYLE : PLAIN_STYLE }));
    this.styles.set(ws, columns.map((c) => (c.text ? TEXT_STYLE : PLAIN_STYLE)));
    const header = ws.addRow(columns.map((c) => c.header));
    header.font = { bold: true };
    if (headerStyle) columns.forEach((_, i) => Object.assign(header.getCell(i + 1), headerStyle(i) ?? {}));
    header.commit();
    return ws;
  }

  add(values: OutCell[], ws: ExcelJS.Worksheet = this.ws) {
    const out = new Array<string | number | null>(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = typeof v === 'string' ? neutralise(v) : v ?? null;
    }
    const row = ws.addRow(out);
    // The row's own style too: a fresh {} per row would be a style-id computation per row.
    (row as unknown as { style: Partial<ExcelJS.Style> }).style = PLAIN_STYLE; // exceljs' typings omit Row.style
    const styles = this.styles.get(ws)!;
    for (let i = 0; i < styles.length; i++) row.getCell(i + 1).style = styles[i];
    row.commit();
    this.rows++;
  }

  async finish(): Promise<Buffer> {
    await this.wb.commit();
    return Buffer.concat(this.chunks);
  }
}

/**
 * Several result workbooks written on a worker thread (writerThread.js). Rows are
 * neutralised here and sent in batches; finish() returns each file.
 */
export class ThreadedBooks {
  private thread: Worker;
  private pending: OutCell[][][];
  private done: Promise<Buffer[]>;

  constructor(books: Array<{ sheet: string; columns: OutColumn[] }>) {
    this.pending = books.map(() => []);
    // The thread holds one batch of rows and the deflated output at a time: a small heap
    // suffices, and a bound keeps its garbage from growing the worker process's RSS.
    this.thread = new Worker(path.join(__dirname, 'writerThread.js'), {
      workerData: { books },
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
    });
    this.done = new Promise((resolve, reject) => {
      this.thread.on('message', (m: { ok: boolean; files?: Uint8Array[]; error?: string }) =>
        m.ok ? resolve(m.files!.map((f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength))) : reject(new Error(m.error)),
      );
      this.thread.on('error', reject);
      this.thread.on('exit', (code) => reject(new Error(`result writer thread exited (${code})`)));
    });
    this.done.catch(() => undefined);
  }

  add(book: number, values: OutCell[]) {
    const out = new Array<OutCell>(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      out[i] = typeof v === 'string' ? neutralise(v) : v ?? null;
    }
    this.pending[book].push(out);
  }

  /** Sends the rows added since the last flush. */
  flush() {
    this.pending.forEach((rows, book) => {
      if (rows.length) this.thread.postMessage({ op: 'rows', book, rows });
      this.pending[book] = [];
    });
  }

  async finish(): Promise<Buffer[]> {
    this.flush();
    this.thread.postMessage({ op: 'finish' });
    try {
      return await this.done;
    } finally {
      await this.thread.terminate();
    }
  }

  async abort() {
    await this.thread.terminate();
  }
}
