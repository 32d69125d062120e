import type { Permission } from '../../domain/permissions';

/**
 * The six import types of manual 6.1: their columns (the template's header, in order),
 * where each is started from, and which permission starts it there. Shared by the pages
 * (templates, upload forms) and the import activity.
 */
export const IMPORT_TYPES = ['class_members', 'onsite_outcomes', 'online_outcomes', 'courses', 'teachers', 'declaration_outcomes'] as const;
export type ImportType = (typeof IMPORT_TYPES)[number];
export const isImportType = (t: unknown): t is ImportType => (IMPORT_TYPES as readonly unknown[]).includes(t);

export interface ColumnSpec {
  key: string;
  header: string;
  required: boolean;
  /** Typed as text in the template (ID numbers, phones): Excel must not turn them into numbers. */
  text?: boolean;
  note: string;
  example: string | number;
  width: number;
}

export interface ImportTypeSpec {
  type: ImportType;
  label: string;
  /** What the job is attached to: a class, an online platform, or the institution only. */
  target: 'class' | 'platform' | 'none';
  /** The area permission that starts this import from its own page (jobs.import starts any). */
  permission: Permission;
  columns: ColumnSpec[];
}

const name: ColumnSpec = { key: 'name', header: '姓名', required: true, note: '培训人员姓名,不超过50个字', example: '张三', width: 12 };
const idNumber: ColumnSpec = {
  key: 'idNumber',
  header: '身份证号码',
  required: true,
  text: true,
  note: '18位居民身份证号码,最后一位可为X。本列须为“文本”格式:若Excel显示为1.2E+17或末尾变成000,说明已被当作数字,号码已丢失,请把该列设置为文本后重新输入',
  example: '350102199001011234',
  width: 22,
};
const phone: ColumnSpec = { key: 'phone', header: '手机号', required: true, text: true, note: '11位手机号码,本列为文本格式', example: '13800138000', width: 15 };
const hours: ColumnSpec = { key: 'hours', header: '学时', required: true, note: '获得的学时,0.5到200之间,按0.5递增,不超过培训班(课程)学时', example: 8, width: 8 };
const result: ColumnSpec = { key: 'result', header: '培训结果', required: true, note: '只能填写“合格”或“不合格”', example: '合格', width: 10 };

const outcomeColumns = [name, idNumber, hours, result];

export const IMPORT_SPECS: Record<ImportType, ImportTypeSpec> = {
  class_members: {
    type: 'class_members',
    label: '班级人员导入',
    target: 'class',
    permission: 'classes.import',
    columns: [name, idNumber, phone, { key: 'employer', header: '工作单位', required: false, note: '选填,不超过100个字', example: '福州市第一中学', width: 24 }],
  },
  onsite_outcomes: {
    type: 'onsite_outcomes',
    label: '面授班培训成果导入',
    target: 'class',
    permission: 'classes.import',
    columns: outcomeColumns,
  },
  online_outcomes: {
    type: 'online_outcomes',
    label: '网络班培训成果导入',
    target: 'platform',
    permission: 'jobs.import',
    columns: [
      name,
      idNumber,
      { key: 'course', header: '课程名称', required: true, note: '本机构“培训课程”中已有的网授课程名称', example: '专业技术人员职业道德', width: 24 },
      { key: 'year', header: '培训年度', required: true, note: '四位年份,如2026', example: 2026, width: 10 },
      hours,
      result,
    ],
  },
  courses: {
    type: 'courses',
    label: '培训课程批量导入',
    target: 'none',
    permission: 'courses.import',
    columns: [
      { key: 'name', header: '课程名称', required: true, note: '不超过100个字,本机构内不能重名', example: '专业技术人员职业道德', width: 24 },
      { key: 'subjectType', header: '科目类型', required: true, note: '“公需科目”或“专业科目”', example: '公需科目', width: 12 },
      { key: 'specialty', header: '专业', required: false, note: '专业科目必填,公需科目留空', example: '', width: 14 },
      { key: 'hours', header: '学时', required: true, note: '0.5到200之间,按0.5递增', example: 8, width: 8 },
      { key: 'delivery', header: '授课形式', required: true, note: '“面授”或“网授”', example: '面授', width: 10 },
      { key: 'teachers', header: '授课教师', required: false, note: '选填;本机构“师资管理”中已有的教师姓名或身份证号码,多人用顿号“、”分隔', example: '', width: 20 },
      { key: 'intro', header: '课程简介', required: false, note: '选填,不超过500个字', example: '', width: 30 },
    ],
  },
  teachers: {
    type: 'teachers',
    label: '培训教师批量导入',
    target: 'none',
    permission: 'teachers.import',
    columns: [
      { ...name, note: '教师姓名,不超过50个字', example: '李老师' },
      { key: 'gender', header: '性别', required: true, note: '“男”或“女”', example: '女', width: 8 },
      { ...idNumber, example: '350102198502021236' },
      phone,
      { key: 'title', header: '职称', required: false, note: '选填', example: '高级讲师', width: 12 },
      { key: 'employer', header: '工作单位', required: false, note: '选填', example: '福建师范大学', width: 20 },
      { key: 'field', header: '专业领域', required: false, note: '选填', example: '教育学', width: 14 },
      { key: 'intro', header: '简介', required: false, note: '选填,不超过500个字', example: '', width: 30 },
    ],
  },
  declaration_outcomes: {
    type: 'declaration_outcomes',
    label: '申请面授班的成果导入',
    target: 'class',
    permission: 'classes.import',
    columns: outcomeColumns,
  },
};

/** The header text with the required mark, as the template writes it. */
export const headerText = (c: ColumnSpec) => (c.required ? `*${c.header}` : c.header);

/** Header cells are matched leniently: marks, spaces and full-width asterisks do not matter. */
export const normaliseHeader = (v: unknown) => String(v ?? '').replace(/[*＊\s ]/g, '');

export const FAILURE_REASON_HEADER = '失败原因';

/** Who may start an import of this type from the given entry: its area permission or jobs.import. */
export const canImport = (permissions: Set<Permission>, type: ImportType) =>
  permissions.has('jobs.import') || permissions.has(IMPORT_SPECS[type].permission);
