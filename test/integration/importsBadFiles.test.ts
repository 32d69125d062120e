import { startPlatform, type TestPlatform } from '../helpers/platform';
import { login, makePhone } from '../helpers/fixtures';
import { institutionWithClasses, keepHistory, nthId, upload, waitJob, xlsx } from '../helpers/imports';
import type { Agent } from '../helpers/agent';

// JSZip comes with exceljs; the corpus needs zips exceljs would never write.
const JSZip = require('jszip');

/**
 * The bad-file corpus: each file fails its job with a reason a person can act on, and
 * the worker goes on to serve the next job.
 */
let p: TestPlatform;
let t: Awaited<ReturnType<typeof institutionWithClasses>>;
let agent: Agent;
let n = 0;
const H = ['*姓名', '*身份证号码', '*手机号', '工作单位'];

beforeAll(async () => {
  p = await startPlatform({ env: { IMPORT_MAX_ROWS: '50', IMPORT_MAX_UNPACKED_BYTES: String(4 * 1024 * 1024) } });
  t = await institutionWithClasses(p.db);
  agent = p.agent();
  await login(agent, t.admin);
});
afterAll(() => p?.close());

const goodFile = () => xlsx([H, ['正常', nthId(5000 + n++), makePhone(), '']], { textCols: [2, 3] });

async function run(file: Buffer) {
  const up = await upload(agent, `/imports/class/${t.approved.id}/new`, file, { type: 'class_members' });
  expect(up.res.status).toBe(303);
  return waitJob(p.db, up.jobId!);
}

/** A minimal xlsx zip with the given sheet XML (JSZip, deflate). */
async function rawXlsx(sheetXml: string, extra: Record<string, string> = {}) {
  const zip = new JSZip();
  zip.file('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
  zip.file('xl/workbook.xml', '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>');
  zip.file('xl/_rels/workbook.xml.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>');
  zip.file('xl/worksheets/sheet1.xml', sheetXml);
  for (const [k, v] of Object.entries(extra)) zip.file(k, v);
  return Buffer.from(await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
}
const sheet = (rows: string) => `<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
const inlineRow = (r: number, cells: string[]) =>
  `<row r="${r}">${cells.map((c, i) => `<c r="${String.fromCharCode(65 + i)}${r}" t="inlineStr"><is><t>${c}</t></is></c>`).join('')}</row>`;

/** Rewrites one entry's uncompressed size in the central directory: the directory lies, the data does not. */
function lieAboutSize(zip: Buffer, entry: string, size: number) {
  const out = Buffer.from(zip);
  for (let i = 0; i < out.length - 46; i++) {
    if (out.readUInt32LE(i) !== 0x02014b50) continue;
    const nameLen = out.readUInt16LE(i + 28);
    if (out.toString('utf8', i + 46, i + 46 + nameLen) === entry) out.writeUInt32LE(size, i + 24);
  }
  return out;
}

describe('bad files fail their job with a reason; the worker serves the next job', () => {
  const cases: Array<[string, () => Promise<Buffer>, RegExp]> = [
    ['a zip that is not a workbook', async () => {
      const z = new JSZip();
      z.file('word/document.xml', '<w:document/>');
      return Buffer.from(await z.generateAsync({ type: 'nodebuffer' }));
    }, /不是有效的xlsx工作簿/],
    ['a broken zip', async () => Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4]), Buffer.alloc(2000, 7)]), /文件已损坏/],
    ['a zip bomb (declared unpacked size over the limit)', () => rawXlsx(sheet(inlineRow(1, H)) + ' '.repeat(5 * 1024 * 1024)), /疑似压缩炸弹/],
    ['a zip bomb whose directory lies (caught while inflating)', async () =>
      lieAboutSize(await rawXlsx(sheet(inlineRow(1, H) + inlineRow(2, ['甲', nthId(9000), makePhone(), ''])) + ' '.repeat(1024 * 1024)), 'xl/worksheets/sheet1.xml', 300),
      /疑似压缩炸弹/],
    ['over the row limit', async () => {
      const rows: string[][] = [H];
      for (let i = 0; i < 60; i++) rows.push([`人${i}`, nthId(9100 + i), makePhone(), '']);
      return xlsx(rows, { textCols: [2, 3] });
    }, /超过行数上限:最多50行数据/],
    ['an empty sheet', () => xlsx([]), /工作表为空/],
    ['a header and no data', () => xlsx([H]), /没有数据行/],
    ["another type's header", () => xlsx([['*课程名称', '*科目类型', '*学时'], ['课', '公需科目', 8]]), /表头不正确:第一行应为“班级人员导入”模板的列名/],
    ['missing required columns', () => xlsx([['*姓名', '工作单位'], ['甲', '某单位']]), /表头缺少必填列:身份证号码、手机号/],
    // exceljs would hand back 16,384 cells for each such row: refused from the pre-scan, before it parses.
    ['a cell far to the right (column XFD)', () =>
      rawXlsx(sheet(inlineRow(1, H) + inlineRow(2, ['甲', nthId(9400), makePhone(), '']).replace('</row>', '<c r="XFD2" t="inlineStr"><is><t>备注</t></is></c></row>'))),
      /列数过多:单元格XFD2有内容或格式,延伸到第16384列,而导入模板只有4列/],
    // The pre-scan reads `<c r=` only; another attribute order is caught on the row, still before any commit.
    ['a far cell written with its reference after other attributes', () =>
      rawXlsx(sheet(inlineRow(1, H) + inlineRow(2, ['乙', nthId(9401), makePhone(), '']).replace('</row>', '<c t="inlineStr" r="XFC2"><is><t>备注</t></is></c></row>'))),
      /列数过多:第2行延伸到第16383列/],
    ['a cell beyond the last column Excel has (ZZZ)', () =>
      rawXlsx(sheet(inlineRow(1, H) + inlineRow(2, ['丙', nthId(9402), makePhone(), '']).replace('</row>', '<c t="inlineStr" r="ZZZ2"><is><t>备注</t></is></c></row>'))),
      /工作表内容无法读取.*Invalid column letter: ZZZ/],
  ];

  it.each(cases)('%s', async (_name, make, reason) => {
    const job = await run(await make());
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(reason);
    if (_name === 'missing required columns') await keepHistory(p.deps.temporal!, 'import-job-bad-file', `import:${job.id}`);
    const page = await agent.get(`/imports/${job.id}`);
    expect(page.text).toContain('导入失败');
    expect(page.text).not.toContain('hx-trigger="every 1s"');
    const next = await run(await goodFile());
    expect(next).toMatchObject({ status: 'succeeded', rows_valid: 1 });
  });

  it('formulas with cached values import their values', async () => {
    const id = nthId(9300);
    const job = await run(await xlsx([H, [{ formula: 'CONCAT("张","三")', result: '张三' }, { formula: `"${id}"`, result: id }, makePhone(), '']], { textCols: [2, 3] }));
    expect(job).toMatchObject({ status: 'succeeded', rows_valid: 1 });
    expect(await p.db('class_members').where({ class_id: t.approved.id, id_number: id }).first('name')).toEqual({ name: '张三' });
  });

  it('an old .xls (OLE) file is refused at upload, before any job', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]);
    const up = await upload(agent, `/imports/class/${t.approved.id}/new`, ole, { type: 'class_members' });
    expect(up.res.status).toBe(422);
    expect(up.res.text).toContain('文件不是Excel(xlsx)格式');
  });
});
