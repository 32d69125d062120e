import { Transform, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { sniff } from '../../domain/fileKinds';
import { restoreNeutralised } from './writer';
import { ImportFileError } from './fileError';

export { ImportFileError };

// unzipper (exceljs' own zip reader) reads the central directory; it ships no types.
const unzipper: { Open: { buffer(b: Buffer): Promise<{ files: unknown[] }> } } = require('unzipper');


export interface XlsxLimits {
  maxEntries: number;
  maxUnpackedBytes: number;
  /** Data rows allowed below the header. */
  maxRows: number;
  /** Columns a cell may reach (the template's plus a margin); unset: no limit. */
  maxColumns?: number;
}

/** A cell as the file holds it: text, number, boolean or date; formulas give their cached result. */
export type RawCell = string | number | boolean | Date | null | { formulaWithoutValue: true } | { error: string };

export interface SheetRow {
  /** Row number as Excel shows it (the header is row 1). */
  rowNo: number;
  cells: RawCell[];
}

interface ZipEntry {
  path: string;
  uncompressedSize: number;
  compressedSize: number;
  stream(): Readable;
}

const MB = 1024 * 1024;

/** How far past the template's columns a sheet may reach: stray notes beside the data are fine, XFD is not. */
export const COLUMN_MARGIN = 50;
const bombMessage = (limit: number) => `文件解压后超过${Math.round(limit / MB)}MB或与压缩目录不符,疑似压缩炸弹,已拒绝处理`;

/**
 * Opens an xlsx held in memory: the content must be a zip, and the central directory is
 * checked (entry count, declared unpacked size, compression ratio) before any entry is
 * inflated. Entries are then inflated through a counter that stops at the declared size
 * and at the job's total budget, so a directory that lies cannot get past either.
 */
export async function openXlsx(data: Buffer, limits: XlsxLimits) {
  const kind = sniff(data);
  if (kind === 'ole') throw new ImportFileError('不支持旧版Excel(.xls)或加密的文件,请在Excel中另存为“Excel工作簿(*.xlsx)”后上传');
  if (kind !== 'zip') throw new ImportFileError('文件不是Excel(xlsx)格式,请下载导入模板填写后上传');
  let files: ZipEntry[];
  try {
    files = (await unzipper.Open.buffer(data)).files as unknown as ZipEntry[];
  } catch {
    throw new ImportFileError('文件已损坏,无法作为xlsx文件读取');
  }
  if (files.length > limits.maxEntries) {
    throw new ImportFileError(`压缩包内文件数过多(${files.length}个),疑似压缩炸弹,已拒绝处理`);
  }
  let declared = 0;
  for (const f of files) {
    declared += f.uncompressedSize;
    const ratio = f.uncompressedSize / Math.max(f.compressedSize, 1);
    if (declared > limits.maxUnpackedBytes || (f.uncompressedSize > 10 * MB && ratio > 1000)) {
      throw new ImportFileError(bombMessage(limits.maxUnpackedBytes));
    }
  }
  const byPath = new Map(files.map((f) => [f.path, f]));
  if (!byPath.has('xl/workbook.xml')) throw new ImportFileError('文件不是有效的xlsx工作簿(缺少工作簿内容),请使用导入模板');
  let budget = limits.maxUnpackedBytes;

  /** The entry's bytes, counted while inflating. */
  const open = (path: string): Readable | null => {
    const f = byPath.get(path);
    if (!f) return null;
    let seen = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        seen += chunk.length;
        budget -= chunk.length;
        if (seen > f.uncompressedSize || budget < 0) cb(new ImportFileError(bombMessage(limits.maxUnpackedBytes)));
        else cb(null, chunk);
      },
    });
    const src = f.stream();
    src.on('error', (e) => counter.destroy(e instanceof ImportFileError ? e : new ImportFileError('文件已损坏,无法解压')));
    return src.pipe(counter);
  };
  return { open, has: (p: string) => byPath.has(p) };
}

/** Column number of letters A..XFD. */
const columnNumber = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);

/**
 * Reads a sheet's XML without parsing it: counts <row> elements (the row limit is known
 * before any commit) and finds the farthest cell reference. Only references of two or more
 * letters (AA onwards) are looked at, so an ordinary file costs next to nothing here.
 */
async function scanSheet(stream: Readable): Promise<{ rows: number; farthest: { col: number; ref: string } | null }> {
  const rowRe = /<(?:\w+:)?row[\s>/]/g;
  const cellRe = /<(?:\w+:)?c r="([A-Z]{2,3})(\d+)"/g;
  let n = 0;
  let farthest: { col: number; ref: string } | null = null;
  const scan = (s: string) => {
    n += s.match(rowRe)?.length ?? 0;
    for (const m of s.matchAll(cellRe)) {
      const col = columnNumber(m[1]);
      if (!farthest || col > farthest.col) farthest = { col, ref: m[1] + m[2] };
    }
  };
  let tail = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const s = tail + chunk.toString('latin1');
    // A match holds one '<' and nothing after it can be '<': text before the last '<' is complete.
    const cut = s.lastIndexOf('<');
    const keep = cut >= 0 && s.length - cut < 64 ? cut : s.length;
    scan(s.slice(0, keep));
    tail = s.slice(keep);
  }
  scan(tail);
  return { rows: n, farthest };
}

const tooWide = (col: number, where: string, limit: number) =>
  new ImportFileError(
    `工作表的列数过多:${where}延伸到第${col}列,而导入模板只有${limit}列左右;请删除表格右侧多余的列(或只把模板各列复制到新的工作表)后重新上传`,
  );

/** Normalises what exceljs gives for a cell. */
function rawCell(v: unknown): RawCell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return restoreNeutralised(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  const o = v as Record<string, unknown>;
  if ('formula' in o || 'sharedFormula' in o) {
    return o.result === undefined || o.result === null ? { formulaWithoutValue: true } : rawCell(o.result);
  }
  if (Array.isArray(o.richText)) return rawCell((o.richText as Array<{ text?: string }>).map((r) => r.text ?? '').join(''));
  if ('error' in o) return { error: String(o.error) };
  if ('text' in o) return rawCell(o.text);
  return String(v);
}

/** A string that shares no storage with the one given (V8 slices strings of 13+ characters). */
const flatCopy = (s: string) => (' ' + s).slice(1);

const sheetPath = (target: string) => (target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`);

/**
 * The rows of the first worksheet, streamed: shared strings are read first (the directory
 * gives random access, so no sheet is spilled to disk as exceljs does for Excel's entry
 * order), then the sheet is parsed by exceljs' streaming WorksheetReader, row by row.
 */
export async function* readSheetRows(data: Buffer, limits: XlsxLimits, onTotal?: (rows: number) => Promise<void>): AsyncGenerator<SheetRow> {
  const zip = await openXlsx(data, limits);
  const reader: any = new (ExcelJS.stream.xlsx.WorkbookReader as any)(null, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    entries: 'ignore',
  });
  try {
    const rels = zip.open('xl/_rels/workbook.xml.rels');
    if (rels) await reader._parseRels(rels);
    await reader._parseWorkbook(zip.open('xl/workbook.xml'));
  } catch (e) {
    if (e instanceof ImportFileError) throw e;
    throw new ImportFileError('文件不是有效的xlsx工作簿(工作簿内容无法读取)');
  }
  const first = (reader.model?.sheets ?? [])[0] as { rId?: string } | undefined;
  const rel = ((reader.workbookRels ?? []) as Array<{ Id: string; Target: string }>).find((r) => r.Id === first?.rId);
  const path = rel ? sheetPath(rel.Target) : 'xl/worksheets/sheet1.xml';
  if (!first || !zip.has(path)) throw new ImportFileError('工作表为空:文件中没有工作表');

  const { rows, farthest } = await scanSheet(zip.open(path)!);
  // exceljs would give every row an array reaching that column (16,384 cells for XFD).
  if (limits.maxColumns && farthest && farthest.col > limits.maxColumns) {
    throw tooWide(farthest.col, `单元格${farthest.ref}有内容或格式,`, limits.maxColumns - COLUMN_MARGIN - 1);
  }
  if (rows === 0) throw new ImportFileError('工作表为空:第一个工作表中没有任何内容');
  if (rows > limits.maxRows + 1) {
    throw new ImportFileError(`文件超过行数上限:最多${limits.maxRows}行数据,本文件约有${rows - 1}行,请拆分后分批导入`);
  }
  await onTotal?.(rows - 1);

  const strings = zip.open('xl/sharedStrings.xml');
  if (strings) for await (const _ of reader._parseSharedStrings(strings)) void _;
  reader.sharedStrings ??= [];
  // The parser hands out slices of the XML text it read: each cached string would keep its
  // whole chunk alive, i.e. the entire sharedStrings.xml (tens of MB for 100,000 rows) for
  // the job's length. A flat copy of each holds only its own characters.
  const cached = reader.sharedStrings as unknown[];
  for (let i = 0; i < cached.length; i++) {
    const v = cached[i];
    if (typeof v === 'string' && v.length >= 13) cached[i] = flatCopy(v);
  }

  const sheetNo = /(\d+)\.xml$/.exec(path)?.[1] ?? '1';
  // The stream itself as the iterator: inflating waits for the parser (exceljs' own helper buffers it all).
  const [{ value: ws }] = [...reader._parseWorksheet(zip.open(path)!, sheetNo)];
  let lastRow = 0;
  try {
    for await (const events of ws.parse() as AsyncIterable<Array<{ eventType: string; value: ExcelJS.Row }>>) {
      for (const { eventType, value: row } of events) {
        if (eventType !== 'row') continue;
        const cells: RawCell[] = [];
        const values = row.values as unknown[];
        // Cells whose reference the scan did not see (another attribute order): refused here.
        if (limits.maxColumns && values.length - 1 > limits.maxColumns) {
          throw tooWide(values.length - 1, `第${row.number}行`, limits.maxColumns - COLUMN_MARGIN - 1);
        }
        for (let i = 1; i < values.length; i++) cells.push(rawCell(values[i]));
        lastRow = row.number;
        yield { rowNo: row.number, cells };
      }
    }
  } catch (e) {
    // Only the file is parsed here: whatever exceljs cannot read is the file's fault, and
    // retrying would fail the same way.
    if (e instanceof ImportFileError) throw e;
    throw new ImportFileError(`工作表内容无法读取${lastRow ? `(已读到第${lastRow}行)` : ''},文件可能已损坏;请在Excel中打开后另存为xlsx再上传(${e instanceof Error ? e.message : String(e)})`);
  }
}
