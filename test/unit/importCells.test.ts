import { checkCells, choice, hours, idNumber, phone, text, year } from '../../activities/imports/cells';
import { mapHeader } from '../../activities/imports/run';
import { IMPORT_SPECS, headerText } from '../../activities/imports/spec';
import { ImportFileError } from '../../activities/xlsx';
import { idFor } from '../../bin/fixtures/ids';

const problem = (schema: Parameters<typeof checkCells>[0], cell: unknown) => checkCells(schema, { v: cell as never }).problems;
const value = (schema: Parameters<typeof checkCells>[0], cell: unknown) => checkCells(schema, { v: cell as never }).data.v;

describe('cell schemas: the Chinese reason each bad cell gets', () => {
  it('身份证号码: valid text passes upper-cased; numbers, wrong check digits and blanks fail with what to do', () => {
    const id = idFor(7);
    expect(value({ v: idNumber() }, ` ${id.toLowerCase()} `)).toBe(id);
    expect(problem({ v: idNumber() }, 350102199001011000)[0]).toMatch(/被Excel当作数字保存/);
    expect(problem({ v: idNumber() }, '3.50102E+17')[0]).toMatch(/被Excel当作数字保存/);
    expect(problem({ v: idNumber() }, id.slice(0, 17) + (id[17] === '1' ? '2' : '1'))).toHaveLength(1);
    expect(problem({ v: idNumber() }, '')).toEqual(['身份证号码为必填项']);
    expect(problem({ v: idNumber() }, { formulaWithoutValue: true })[0]).toMatch(/公式且没有计算结果/);
    expect(problem({ v: idNumber() }, { error: '#REF!' })[0]).toMatch(/#REF!/);
  });

  it('手机号: eleven digits starting 1[3-9]', () => {
    expect(value({ v: phone() }, 13800138000)).toBe('13800138000');
    expect(problem({ v: phone() }, '12800138000')).toEqual(['手机号格式不正确,应为11位手机号码']);
    expect(problem({ v: phone() }, null)).toEqual(['手机号为必填项']);
  });

  it('学时: positive, rounded to halves, required', () => {
    expect(value({ v: hours() }, 2.5)).toBe(2.5);
    expect(value({ v: hours() }, '3')).toBe(3);
    expect(problem({ v: hours() }, '')).toEqual(['学时为必填项']);
    expect(problem({ v: hours() }, 'abc')).toHaveLength(1);
    expect(problem({ v: hours() }, -1)).toHaveLength(1);
  });

  it('choice: only the listed words, mapped to codes; optional ones may be blank', () => {
    const gender = choice('性别', { 男: 'male', 女: 'female' });
    expect(value({ v: gender }, ' 女 ')).toBe('female');
    expect(problem({ v: gender }, '未知')).toEqual(['性别只能填写“男”或“女”']);
    expect(problem({ v: gender }, '')).toEqual(['性别为必填项,只能填写“男”或“女”']);
    expect(value({ v: choice('性别', { 男: 'male' }, false) }, '')).toBeNull();
  });

  it('培训年度: a four-digit year from 2000 to next year', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(value({ v: year('培训年度', now) }, '2026')).toBe(2026);
    expect(value({ v: year('培训年度', now) }, 2027)).toBe(2027);
    expect(problem({ v: year('培训年度', now) }, 2028)).toEqual(['培训年度应为2000到2027之间的四位年份']);
    expect(problem({ v: year('培训年度', now) }, null)).toEqual(['培训年度为必填项']);
  });

  it('text: trimmed, bounded, required when asked', () => {
    expect(value({ v: text('姓名', 5, true) }, '  张三 ')).toBe('张三');
    expect(problem({ v: text('姓名', 5, true) }, '张三李四王五')).toEqual(['姓名不能超过5个字']);
    expect(problem({ v: text('姓名', 5, true) }, '')).toEqual(['姓名为必填项']);
  });

  it('a row reports every bad cell in column order, and keeps the good ones', () => {
    const r = checkCells({ name: text('姓名', 10, true), id: idNumber(), phone: phone() }, { name: '', id: idFor(1), phone: 'x' });
    expect(r.problems).toEqual(['姓名为必填项', '手机号格式不正确,应为11位手机号码']);
    expect(r.data.id).toBe(idFor(1));
  });
});

describe('header mapping', () => {
  const spec = IMPORT_SPECS.class_members;
  const header = spec.columns.map(headerText);

  it("maps the template's own header, with or without the * of required columns, in any order", () => {
    const m = mapHeader(spec, header);
    expect(m.keys).toEqual(spec.columns.map((c) => c.key));
    const reversed = [...spec.columns].reverse();
    expect(mapHeader(spec, reversed.map((c) => c.header)).keys).toEqual(reversed.map((c) => c.key));
  });

  it('ignores the 失败原因 column of a corrected failure file and unknown columns', () => {
    const m = mapHeader(spec, [...header, '备注', '失败原因']);
    expect(m.keys.slice(-2)).toEqual([null, null]);
    expect(m.headers).not.toContain('失败原因');
  });

  it("refuses another type's header and a missing required column, naming what is wrong", () => {
    expect(() => mapHeader(spec, IMPORT_SPECS.teachers.columns.filter((c) => !spec.columns.some((s) => s.header === c.header)).map(headerText))).toThrow(ImportFileError);
    const required = spec.columns.find((c) => c.required)!;
    expect(() => mapHeader(spec, spec.columns.filter((c) => c !== required).map(headerText))).toThrow(`表头缺少必填列:${required.header}`);
  });
});
