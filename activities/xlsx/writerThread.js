'use strict';
// The result files of an import, written by exceljs on a thread of their own so that the
// import's main thread only parses and checks rows (2 cores: one parses, one writes, and
// PostgreSQL commits in between). Plain JavaScript so the thread loads the same way under
// tsx, jest and a bundled build. Values arrive already neutralised (writer.ts).
const { parentPort, workerData } = require('node:worker_threads');
const { PassThrough } = require('node:stream');
const ExcelJS = require('exceljs');

// Shared style objects: exceljs caches style ids by identity (see writer.ts).
const TEXT_STYLE = { numFmt: '@' };
const PLAIN_STYLE = {};

function open(book) {
  const chunks = [];
  const sink = new PassThrough();
  sink.on('data', (c) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: sink, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 1 } } });
  const ws = wb.addWorksheet(book.sheet);
  const styles = book.columns.map((c) => (c.text ? TEXT_STYLE : PLAIN_STYLE));
  ws.columns = book.columns.map((c, i) => ({ width: c.width || 16, style: styles[i] }));
  const header = ws.addRow(book.columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  return { wb, ws, chunks, styles };
}

const books = workerData.books.map(open);

parentPort.on('message', (m) => {
  if (m.op === 'rows') {
    const { ws, styles } = books[m.book];
    for (const r of m.rows) {
      const row = ws.addRow(r);
      row.style = PLAIN_STYLE; // shared, as the cells' (a fresh {} per row costs a style-id computation)
      for (let i = 0; i < styles.length; i++) row.getCell(i + 1).style = styles[i];
      row.commit();
    }
    return;
  }
  if (m.op === 'finish') {
    (async () => {
      const out = [];
      for (const b of books) {
        await b.wb.commit();
        out.push(Buffer.concat(b.chunks));
      }
      parentPort.postMessage({ ok: true, files: out });
    })().catch((e) => parentPort.postMessage({ ok: false, error: String((e && e.stack) || e) }));
  }
});
