import type { Knex } from 'knex';
import { checkCells, choice, hours, idNumber, phone, text, year } from './cells';
import type { ImportType } from './spec';
import type { RawCell } from '../xlsx';
import { ImportFileError } from '../xlsx';
import { classProblem, findClassTarget, findPlatformTarget, platformProblem, type ClassTarget } from './targets';

/**
 * Per import type: how a row is checked, what key says "the same row" (in the file and in
 * the database), how valid rows are written in one statement per batch with ON CONFLICT
 * on that key, and how existing rows are told apart: written by this job (a resumed or
 * retried batch: valid) or there before (a duplicate, with its reason).
 */
export interface Job {
  id: string;
  institution_id: number;
  type: ImportType;
  class_id: number | null;
  platform_id: number | null;
  created_by: number;
}

export interface Prep {
  job: Job;
  cls?: ClassTarget;
  platform?: { id: number; name: string };
  courses?: Map<string, { id: number; name: string; subject_type: string; hours: number }>;
  teachersByName?: Map<string, number[]>;
  teachersById?: Map<string, number>;
}

export interface Checked {
  data: Record<string, unknown> | null;
  key: string | null;
  problems: string[];
}

export interface TypeHandler {
  prepare(db: Knex, job: Job): Promise<Prep>;
  check(cells: Record<string, RawCell>, prep: Prep): Checked;
  /** Writes valid rows; returns the keys that were inserted now. */
  insert(trx: Knex, prep: Prep, rows: Array<Record<string, unknown>>): Promise<Set<string>>;
  /** insert() is one SQL statement (atomic without a transaction). */
  singleStatement: boolean;
  /** For keys not inserted: 'ours' (written by this job earlier) or the reasons the row fails. */
  lookup(db: Knex, prep: Prep, keys: string[]): Promise<Map<string, 'ours' | string[]>>;
  duplicateInFile(firstRow: number): string;
}

/** Arrays go to PostgreSQL as arrays (unnest), which knex's binding type does not spell. */
const raw = (k: Knex | Knex.Transaction, sql: string, params: unknown[]) => k.raw(sql, params as readonly Knex.RawBinding[]);

const sqlList = (rows: Array<Record<string, unknown>>, key: string) => rows.map((r) => r[key] ?? null);

async function classPrep(db: Knex, job: Job): Promise<Prep> {
  const cls = await findClassTarget(db, job.institution_id, job.class_id);
  if (!cls) throw new ImportFileError('培训班不存在或不属于本机构');
  const p = classProblem(job.type, cls);
  if (p) throw new ImportFileError(p);
  return { job, cls };
}

// ---- 班级人员 --------------------------------------------------------------------------

const memberCells = { name: text('姓名', 50, true), idNumber: idNumber(), phone: phone(), employer: text('工作单位', 100, false) };

const classMembers: TypeHandler = {
  singleStatement: true,
  prepare: classPrep,
  check(cells) {
    const { data, problems } = checkCells(memberCells, cells);
    return { data: problems.length ? null : data, key: data.idNumber ?? null, problems };
  },
  async insert(trx, { job }, rows) {
    const r = await raw(trx,
      `INSERT INTO class_members (class_id, institution_id, name, id_number, phone, employer, import_job_id)
       SELECT ?, ?, u.name, u.id, u.phone, u.employer, ?
         FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS u(name, id, phone, employer)
       ON CONFLICT (class_id, id_number) DO NOTHING RETURNING id_number`,
      [job.class_id, job.institution_id, job.id, sqlList(rows, 'name'), sqlList(rows, 'idNumber'), sqlList(rows, 'phone'), sqlList(rows, 'employer')],
    );
    return new Set(r.rows.map((x: { id_number: string }) => x.id_number));
  },
  async lookup(db, { job }, keys) {
    const r = await db('class_members').where({ class_id: job.class_id }).whereIn('id_number', keys).select('id_number', 'import_job_id');
    const out = new Map<string, 'ours' | string[]>();
    for (const x of r) out.set(x.id_number, x.import_job_id === job.id ? 'ours' : ['该人员已是本班报名人员']);
    return out;
  },
  duplicateInFile: (n) => `身份证号码与第${n}行重复`,
};

// ---- 培训成果 (面授班 / 申请面授班) ------------------------------------------------------

const outcomeCells = { name: text('姓名', 50, true), idNumber: idNumber(), hours: hours(), result: choice('培训结果', { 合格: 'pass', 不合格: 'fail' } as const) };

function checkOutcome(cells: Record<string, RawCell>, prep: Prep): Checked {
  const { data, problems } = checkCells(outcomeCells, cells);
  const limit = prep.cls?.total_hours ?? 0;
  if (data.hours !== undefined && limit > 0 && data.hours > limit) problems.push(`学时不能超过培训班总学时${limit}`);
  return { data: problems.length ? null : data, key: data.idNumber ?? null, problems };
}

async function outcomeLookup(db: Knex, { job }: Prep, keys: string[]) {
  const r = await raw(db,
    `SELECT u.id, EXISTS (SELECT 1 FROM class_members m WHERE m.class_id = ? AND m.id_number = u.id) AS member,
            o.id IS NOT NULL AS has_outcome, o.import_job_id
       FROM unnest(?::text[]) AS u(id) LEFT JOIN outcomes o ON o.class_id = ? AND o.id_number = u.id`,
    [job.class_id, keys, job.class_id],
  );
  const out = new Map<string, 'ours' | string[]>();
  for (const x of r.rows as Array<{ id: string; member: boolean; has_outcome: boolean; import_job_id: string | null }>) {
    if (x.has_outcome && x.import_job_id === job.id) {
      out.set(x.id, 'ours');
      continue;
    }
    const reasons: string[] = [];
    if (!x.member) reasons.push('该人员不是本班报名人员,请先导入班级人员');
    if (x.has_outcome) reasons.push('该人员在本班已有培训成果');
    if (reasons.length) out.set(x.id, reasons);
  }
  return out;
}

/** Outcomes of members only; for 暂不上报 classes the rows become 培训档案 in the same statement (manual 2.2: no review). */
async function insertOutcomes(trx: Knex, { job }: Prep, rows: Array<Record<string, unknown>>, toRecords: boolean) {
  const params = [
    job.class_id, job.institution_id, toRecords ? job.id : null, job.id,
    sqlList(rows, 'idNumber'), sqlList(rows, 'name'), sqlList(rows, 'hours'), sqlList(rows, 'result'), job.class_id,
  ];
  const ins = `INSERT INTO outcomes (class_id, institution_id, id_number, name, hours, result, source, report_id, import_job_id)
       SELECT ?, ?, u.id, u.name, u.hours, u.result, 'import', ?::uuid, ?
         FROM unnest(?::text[], ?::text[], ?::numeric[], ?::text[]) AS u(id, name, hours, result)
        WHERE EXISTS (SELECT 1 FROM class_members m WHERE m.class_id = ? AND m.id_number = u.id)
       ON CONFLICT (class_id, id_number) DO NOTHING RETURNING id_number, name, hours, result`;
  const sql = toRecords
    ? `WITH ins AS (${ins}),
            rec AS (INSERT INTO training_records
                      (institution_id, id_number, name, delivery, class_id, course_name, training_year, subject_type, hours, result, source_key, import_job_id)
                    SELECT c.institution_id, ins.id_number, ins.name, 'onsite', c.id, c.name, c.training_year, c.subject_type, ins.hours, ins.result,
                           'class:' || c.id || ':' || ins.id_number, ?
                      FROM ins JOIN training_classes c ON c.id = ?
                    ON CONFLICT (source_key) DO NOTHING)
       SELECT id_number FROM ins`
    : ins;
  const r = await raw(trx, sql, toRecords ? [...params, job.id, job.class_id] : params);
  return new Set<string>(r.rows.map((x: { id_number: string }) => x.id_number));
}

const onsiteOutcomes: TypeHandler = {
  singleStatement: true,
  async prepare(db, job) {
    const prep = await classPrep(db, job);
    // The import is one 培训成果申报 of the class (no review): its outcomes point at it.
    await db('outcome_reports')
      .insert({ id: job.id, class_id: job.class_id, institution_id: job.institution_id, status: 'written', rows: 0, written: 0, created_by: job.created_by })
      .onConflict('id')
      .ignore();
    return prep;
  },
  check: checkOutcome,
  insert: (trx, prep, rows) => insertOutcomes(trx, prep, rows, true),
  lookup: outcomeLookup,
  duplicateInFile: (n) => `身份证号码与第${n}行重复`,
};

const declarationOutcomes: TypeHandler = {
  singleStatement: true,
  prepare: classPrep,
  check: checkOutcome,
  // Attached to the declaration (report_id null): the class workflow copies them to 培训档案 on approval.
  insert: (trx, prep, rows) => insertOutcomes(trx, prep, rows, false),
  lookup: outcomeLookup,
  duplicateInFile: (n) => `身份证号码与第${n}行重复`,
};

// ---- 网络班培训成果 ----------------------------------------------------------------------

const onlineCells = {
  name: text('姓名', 50, true),
  idNumber: idNumber(),
  course: text('课程名称', 100, true),
  year: year(),
  hours: hours(),
  result: choice('培训结果', { 合格: 'pass', 不合格: 'fail' } as const),
};

/** 培训档案 key of an online outcome, shared with the platform connection's own writes. */
export const onlineRecordKey = (platformId: number, trainingYear: number, id: string, courseName: string) =>
  `online:${platformId}:${trainingYear}:${id}:${courseName}`;

const onlineOutcomes: TypeHandler = {
  singleStatement: true,
  async prepare(db, job) {
    const platform = await findPlatformTarget(db, job.institution_id, job.platform_id);
    if (!platform) throw new ImportFileError('网授平台不存在或不属于本机构');
    const p = platformProblem(platform);
    if (p) throw new ImportFileError(p);
    const rows = await db('courses').where({ institution_id: job.institution_id, delivery: 'online' }).select('id', 'name', 'subject_type', 'hours');
    return { job, platform, courses: new Map(rows.map((c) => [c.name, c])) };
  },
  check(cells, prep) {
    const { data, problems } = checkCells(onlineCells, cells);
    const course = data.course ? prep.courses!.get(data.course) : undefined;
    if (data.course && !course) problems.push(`本机构没有名为“${data.course}”的网授课程`);
    if (course && data.hours !== undefined && data.hours > course.hours) problems.push(`学时不能超过课程学时${course.hours}`);
    const key = data.idNumber && data.year && data.course ? onlineRecordKey(prep.job.platform_id!, data.year, data.idNumber, data.course) : null;
    return { data: problems.length ? null : { ...data, subjectType: course!.subject_type, key }, key, problems };
  },
  async insert(trx, { job }, rows) {
    const r = await raw(trx,
      `INSERT INTO training_records
         (institution_id, id_number, name, delivery, platform_id, course_name, training_year, subject_type, hours, result, source_key, import_job_id)
       SELECT ?, u.id, u.name, 'online', ?, u.course, u.year, u.subject, u.hours, u.result, u.key, ?
         FROM unnest(?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::numeric[], ?::text[], ?::text[])
              AS u(id, name, course, year, subject, hours, result, key)
       ON CONFLICT (source_key) DO NOTHING RETURNING source_key`,
      [
        job.institution_id, job.platform_id, job.id,
        sqlList(rows, 'idNumber'), sqlList(rows, 'name'), sqlList(rows, 'course'), sqlList(rows, 'year'),
        sqlList(rows, 'subjectType'), sqlList(rows, 'hours'), sqlList(rows, 'result'), sqlList(rows, 'key'),
      ],
    );
    return new Set(r.rows.map((x: { source_key: string }) => x.source_key));
  },
  async lookup(db, { job }, keys) {
    const r = await db('training_records').whereIn('source_key', keys).select('source_key', 'import_job_id');
    const out = new Map<string, 'ours' | string[]>();
    for (const x of r) out.set(x.source_key, x.import_job_id === job.id ? 'ours' : ['该人员该年度该课程的培训成果已存在']);
    return out;
  },
  duplicateInFile: (n) => `同一人员、课程、年度与第${n}行重复`,
};

// ---- 培训课程 ---------------------------------------------------------------------------

const courseCells = {
  name: text('课程名称', 100, true),
  subjectType: choice('科目类型', { 公需科目: 'public', 专业科目: 'professional' } as const),
  specialty: text('专业', 50, false),
  hours: hours(),
  delivery: choice('授课形式', { 面授: 'onsite', 网授: 'online' } as const),
  teachers: text('授课教师', 500, false),
  intro: text('课程简介', 500, false),
};

const courses: TypeHandler = {
  singleStatement: false,
  async prepare(db, job) {
    const rows = await db('teachers').where({ institution_id: job.institution_id }).select('id', 'name', 'id_number');
    const teachersByName = new Map<string, number[]>();
    const teachersById = new Map<string, number>();
    for (const t of rows) {
      teachersByName.set(t.name, [...(teachersByName.get(t.name) ?? []), t.id]);
      if (t.id_number) teachersById.set(t.id_number, t.id);
    }
    return { job, teachersByName, teachersById };
  },
  check(cells, prep) {
    const { data, problems } = checkCells(courseCells, cells);
    if (data.subjectType === 'professional' && data.specialty === '') problems.push('科目类型为专业科目时必须填写专业');
    const teacherIds: number[] = [];
    for (const token of (data.teachers ?? '').split(/[、,,;;\s]+/).filter(Boolean)) {
      const byId = prep.teachersById!.get(token.toUpperCase());
      const byName = prep.teachersByName!.get(token) ?? [];
      if (byId) teacherIds.push(byId);
      else if (byName.length === 1) teacherIds.push(byName[0]);
      else if (byName.length > 1) problems.push(`教师“${token}”有重名,请改填其身份证号码`);
      else problems.push(`本机构师资中没有教师“${token}”`);
    }
    const row = { ...data, specialty: data.subjectType === 'professional' ? data.specialty : '', teacherIds: [...new Set(teacherIds)] };
    return { data: problems.length ? null : row, key: data.name || null, problems };
  },
  async insert(trx, { job }, rows) {
    const r = await raw(trx,
      `INSERT INTO courses (institution_id, name, subject_type, specialty, hours, delivery, intro, import_job_id)
       SELECT ?, u.name, u.subject, u.specialty, u.hours, u.delivery, u.intro, ?
         FROM unnest(?::text[], ?::text[], ?::text[], ?::numeric[], ?::text[], ?::text[]) AS u(name, subject, specialty, hours, delivery, intro)
       ON CONFLICT (institution_id, name) DO NOTHING RETURNING id, name`,
      [job.institution_id, job.id, sqlList(rows, 'name'), sqlList(rows, 'subjectType'), sqlList(rows, 'specialty'), sqlList(rows, 'hours'), sqlList(rows, 'delivery'), sqlList(rows, 'intro')],
    );
    const byName = new Map(rows.map((x) => [x.name as string, x.teacherIds as number[]]));
    const links = (r.rows as Array<{ id: number; name: string }>).flatMap((c) => (byName.get(c.name) ?? []).map((t) => ({ course_id: c.id, teacher_id: t })));
    if (links.length) await trx('course_teachers').insert(links).onConflict(['course_id', 'teacher_id']).ignore();
    return new Set(r.rows.map((x: { name: string }) => x.name));
  },
  async lookup(db, { job }, keys) {
    const r = await db('courses').where({ institution_id: job.institution_id }).whereIn('name', keys).select('name', 'import_job_id');
    const out = new Map<string, 'ours' | string[]>();
    for (const x of r) out.set(x.name, x.import_job_id === job.id ? 'ours' : [`课程“${x.name}”已存在`]);
    return out;
  },
  duplicateInFile: (n) => `课程名称与第${n}行重复`,
};

// ---- 培训教师 ---------------------------------------------------------------------------

const teacherCells = {
  name: text('姓名', 50, true),
  gender: choice('性别', { 男: 'male', 女: 'female' } as const),
  idNumber: idNumber(),
  phone: phone(),
  title: text('职称', 50, false),
  employer: text('工作单位', 100, false),
  field: text('专业领域', 100, false),
  intro: text('简介', 500, false),
};

const teachers: TypeHandler = {
  singleStatement: true,
  prepare: async (_db, job) => ({ job }),
  check(cells) {
    const { data, problems } = checkCells(teacherCells, cells);
    return { data: problems.length ? null : data, key: data.idNumber ?? null, problems };
  },
  async insert(trx, { job }, rows) {
    const r = await raw(trx,
      `INSERT INTO teachers (institution_id, name, gender, id_number, phone, title, employer, field, intro, import_job_id)
       SELECT ?, u.name, u.gender, u.id, u.phone, u.title, u.employer, u.field, u.intro, ?
         FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
              AS u(name, gender, id, phone, title, employer, field, intro)
       ON CONFLICT (institution_id, id_number) WHERE id_number IS NOT NULL DO NOTHING RETURNING id_number`,
      [
        job.institution_id, job.id, sqlList(rows, 'name'), sqlList(rows, 'gender'), sqlList(rows, 'idNumber'), sqlList(rows, 'phone'),
        sqlList(rows, 'title'), sqlList(rows, 'employer'), sqlList(rows, 'field'), sqlList(rows, 'intro'),
      ],
    );
    return new Set(r.rows.map((x: { id_number: string }) => x.id_number));
  },
  async lookup(db, { job }, keys) {
    const r = await db('teachers').where({ institution_id: job.institution_id }).whereIn('id_number', keys).select('id_number', 'import_job_id');
    const out = new Map<string, 'ours' | string[]>();
    for (const x of r) out.set(x.id_number, x.import_job_id === job.id ? 'ours' : ['本机构已有该身份证号码的教师']);
    return out;
  },
  duplicateInFile: (n) => `身份证号码与第${n}行重复`,
};

export const HANDLERS: Record<ImportType, TypeHandler> = {
  class_members: classMembers,
  onsite_outcomes: onsiteOutcomes,
  online_outcomes: onlineOutcomes,
  courses,
  teachers,
  declaration_outcomes: declarationOutcomes,
};
