import { XlsxOut } from '../xlsx';
import { FAILURE_REASON_HEADER, headerText, type ImportTypeSpec } from './spec';

/** The downloadable template: header (required columns marked, red), one example row, a sheet explaining each column. */
export async function templateXlsx(spec: ImportTypeSpec): Promise<Buffer> {
  const cols = spec.columns.map((c) => ({ header: headerText(c), width: c.width, text: c.text }));
  const out = new XlsxOut('导入数据', cols, {
    headerStyle: (i) => (spec.columns[i].required ? { font: { bold: true, color: { argb: 'FFC00000' } } } : null),
  });
  out.add(spec.columns.map((c) => (c.text ? String(c.example) : c.example)));
  const notes = out.addSheet('填写说明', [{ header: '列名', width: 14 }, { header: '是否必填', width: 10 }, { header: '填写说明', width: 90 }]);
  for (const c of spec.columns) out.add([c.header, c.required ? '必填' : '选填', c.note], notes);
  out.add(['', '', ''], notes);
  out.add(['说明', '', `第1行为表头,带*的列必须填写;第2行为示例,导入时会被跳过,可直接覆盖。${FAILURE_REASON_HEADER}列(下载的失败数据中)导入时忽略,修改后可直接重新导入。`], notes);
  return out.finish();
}
