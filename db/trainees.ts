import type { Db } from './knex';
import { likePrefix } from './classes';
import { MAX_PAGE, PAGE_SIZE } from '../domain/paging';

/**
 * 培训人员 (manual 3.4): people this institution trained, from its 培训档案 and its
 * classes' 报名人员. Both tables grow into the millions, so the person list walks the
 * (institution_id, id_number) indexes in order and groups as it goes: a page stops
 * after its rows instead of grouping the whole institution.
 */
export interface TraineeFilters {
  name?: string;
  idNumber?: string;
  year?: number;
}

/**
 * One side of the person list (records or enrolments), filtered. `cols` picks what it
 * returns: only id_number for the page's keys, the details for the page's rows.
 */
function sides(db: Db, institutionId: number, f: TraineeFilters, detail: boolean) {
  const records = db('training_records as t').where('t.institution_id', institutionId);
  // No join for enrolments: both sides come off their (institution_id, id_number)
  // indexes already in order and are merged without sorting the institution.
  const members = db('class_members as m').where('m.institution_id', institutionId);
  if (f.name) {
    records.where('t.name', 'like', likePrefix(f.name));
    members.where('m.name', 'like', likePrefix(f.name));
  }
  if (f.idNumber) {
    records.where('t.id_number', 'like', likePrefix(f.idNumber));
    members.where('m.id_number', 'like', likePrefix(f.idNumber));
  }
  if (f.year) {
    records.where('t.training_year', f.year);
    members.whereIn('m.class_id', db('training_classes').where({ institution_id: institutionId, training_year: f.year }).select('id'));
  }
  if (detail) {
    records.select('t.id_number', 't.name', db.raw('t.id AS record_id'), db.raw('NULL::bigint AS member_id'), 't.hours', 't.training_year');
    members.select('m.id_number', 'm.name', db.raw('NULL::bigint AS record_id'), db.raw('m.id AS member_id'), db.raw('NULL::numeric AS hours'), db.raw('NULL::int AS training_year'));
  } else {
    records.select('t.id_number');
    members.select('m.id_number');
  }
  return { records, members };
}

export interface TraineeRow {
  id_number: string;
  name: string;
  records: number;
  hours: number;
  record_id: number | null;
  member_id: number | null;
  last_year: number | null;
}

/**
 * A page of people in ID-number order: first the page's ID numbers (a merge of two index
 * scans that stops after the page), then their figures for just those people.
 */
export async function traineesPage(db: Db, institutionId: number, f: TraineeFilters, page: number, size = PAGE_SIZE) {
  // Each side gives its first `upTo` distinct ID numbers straight off its index (a
  // hash of the whole institution is what a plain UNION + GROUP BY ends up as).
  const upTo = page * size + 1;
  const keys = sides(db, institutionId, f, false);
  const first = (q: ReturnType<typeof sides>['records'], col: string) => q.clearSelect().distinct(col).orderBy(col).limit(upTo);
  const ids: string[] = (
    await db
      .select('x.id_number')
      .from(db.raw('((?) UNION (?)) AS x', [first(keys.records, 't.id_number'), first(keys.members, 'm.id_number')]))
      .orderBy('x.id_number')
      .limit(size + 1)
      .offset((page - 1) * size)
  ).map((r: { id_number: string }) => r.id_number);
  const shown = ids.slice(0, size);
  if (shown.length === 0) return { rows: [] as TraineeRow[], page, hasNext: false };
  const d = sides(db, institutionId, f, true);
  d.records.whereIn('t.id_number', shown);
  d.members.whereIn('m.id_number', shown);
  const rows: TraineeRow[] = await db
    .select(
      'x.id_number',
      db.raw('max(x.name) AS name'),
      db.raw('count(x.record_id)::int AS records'),
      db.raw('coalesce(sum(x.hours), 0)::float AS hours'),
      db.raw('min(x.record_id) AS record_id'),
      db.raw('min(x.member_id) AS member_id'),
      db.raw('max(x.training_year) AS last_year'),
    )
    .from(d.records.unionAll(d.members, true).as('x'))
    .groupBy('x.id_number')
    .orderBy('x.id_number');
  return { rows, page, hasNext: ids.length > size && page < MAX_PAGE };
}

/** The person behind a list link: r<recordId> or m<memberId>, within the institution. */
export async function resolvePerson(db: Db, institutionId: number, ref: string): Promise<{ idNumber: string; name: string } | null> {
  const m = /^([rm])(\d{1,15})$/.exec(ref);
  if (!m) return null;
  const table = m[1] === 'r' ? 'training_records' : 'class_members';
  const row = await db(table).where({ id: Number(m[2]), institution_id: institutionId }).first('id_number', 'name');
  return row ? { idNumber: row.id_number, name: row.name } : null;
}

export async function personRecords(db: Db, institutionId: number, idNumber: string) {
  return db('training_records as t')
    .leftJoin('training_classes as c', 'c.id', 't.class_id')
    .where({ 't.institution_id': institutionId, 't.id_number': idNumber })
    .orderBy([{ column: 't.training_year', order: 'desc' }, { column: 't.id', order: 'desc' }])
    .select('t.id', 't.name', 't.delivery', 't.class_id', 'c.name as class_name', 't.course_name', 't.training_year', 't.subject_type', 't.hours', 't.result', 't.recorded_at');
}

/** Enrolments that have no record yet (class still running, or outcome not reported). */
export async function personOpenEnrolments(db: Db, institutionId: number, idNumber: string) {
  return db('class_members as m')
    .join('training_classes as c', 'c.id', 'm.class_id')
    .where({ 'm.institution_id': institutionId, 'm.id_number': idNumber })
    .whereNotExists(db('training_records as t').whereRaw('t.class_id = m.class_id AND t.id_number = m.id_number'))
    .orderBy('c.training_year', 'desc')
    .select('c.id as class_id', 'c.name as class_name', 'c.training_year', 'c.subject_type', 'c.status', 'c.start_date', 'c.end_date');
}

/** The national rule: at least 90 学时 a year, of which 专业科目 at least two thirds. */
export const YEARLY_HOURS = 90;

export interface YearTotal {
  year: number;
  public: number;
  professional: number;
  total: number;
  meetsTotal: boolean;
  meetsShare: boolean;
}

/** Passed hours only: a 不合格 result earns none. */
export function yearlyTotals(records: Array<{ training_year: number; subject_type: string; hours: number; result: string }>): YearTotal[] {
  const by = new Map<number, { public: number; professional: number }>();
  for (const r of records) {
    if (r.result !== 'pass') {
      if (!by.has(r.training_year)) by.set(r.training_year, { public: 0, professional: 0 });
      continue;
    }
    const y = by.get(r.training_year) ?? { public: 0, professional: 0 };
    y[r.subject_type === 'professional' ? 'professional' : 'public'] += Number(r.hours);
    by.set(r.training_year, y);
  }
  return [...by.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([year, v]) => {
      const round = (n: number) => Math.round(n * 10) / 10;
      const total = round(v.public + v.professional);
      return {
        year,
        public: round(v.public),
        professional: round(v.professional),
        total,
        meetsTotal: total >= YEARLY_HOURS,
        // Compared in integers (3 × professional ≥ 2 × total) so 60 of 90 is exactly enough.
        meetsShare: total > 0 && 3 * round(v.professional) >= 2 * total,
      };
    });
}
