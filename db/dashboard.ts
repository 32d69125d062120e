import type { Db } from './knex';

/**
 * 各年度培训数据: one institution's figures for one training year, split 公需/专业. Classes
 * are approved or closed 培训班 of that year; trainees, person-times and hours come from
 * 培训档案 (onsite and online), read from the covering index training_records_dashboard.
 * Everyone trained counts as a trainee and a person-time; only 合格 records earn 学时.
 */
export interface Figures {
  classes: number;
  trainees: number;
  personTimes: number;
  hours: number;
}
export interface YearFigures {
  year: number;
  public: Figures;
  professional: Figures;
  total: Figures;
}

const zero = (): Figures => ({ classes: 0, trainees: 0, personTimes: 0, hours: 0 });
const round1 = (n: number) => Math.round(n * 10) / 10;

export async function yearFigures(db: Db, institutionId: number, year: number): Promise<YearFigures> {
  const [classes, records, distinct] = await Promise.all([
    db('training_classes')
      .where({ institution_id: institutionId, training_year: year })
      .whereIn('status', ['approved', 'closed'])
      .groupBy('subject_type')
      .select('subject_type', db.raw('count(*)::int as n')),
    db('training_records')
      .where({ institution_id: institutionId, training_year: year })
      .groupBy('subject_type')
      .select('subject_type', db.raw('count(distinct id_number)::int as trainees'), db.raw('count(*)::int as person_times'), db.raw("coalesce(sum(hours) filter (where result = 'pass'),0) as hours")),
    db('training_records').where({ institution_id: institutionId, training_year: year }).first(db.raw('count(distinct id_number)::int as n')),
  ]);
  const out: YearFigures = { year, public: zero(), professional: zero(), total: zero() };
  for (const c of classes as Array<{ subject_type: 'public' | 'professional'; n: number }>) out[c.subject_type].classes = c.n;
  for (const r of records as Array<{ subject_type: 'public' | 'professional'; trainees: number; person_times: number; hours: number }>) {
    Object.assign(out[r.subject_type], { trainees: r.trainees, personTimes: r.person_times, hours: round1(Number(r.hours)) });
  }
  out.total = {
    classes: out.public.classes + out.professional.classes,
    // A person trained in both subject types is one trainee of the year.
    trainees: (distinct as { n: number } | undefined)?.n ?? 0,
    personTimes: out.public.personTimes + out.professional.personTimes,
    hours: round1(out.public.hours + out.professional.hours),
  };
  return out;
}

/** The years to pick from: the earliest year with records or classes up to this year, at most ten. */
export async function trainingYears(db: Db, institutionId: number, currentYear: number): Promise<number[]> {
  const [r, c] = await Promise.all([
    db('training_records').where({ institution_id: institutionId }).orderBy('training_year').first('training_year'),
    db('training_classes').where({ institution_id: institutionId }).orderBy('training_year').first('training_year'),
  ]);
  const first = Math.min(r?.training_year ?? currentYear, c?.training_year ?? currentYear, currentYear);
  const last = Math.max(currentYear, c ? (await db('training_classes').where({ institution_id: institutionId }).orderBy('training_year', 'desc').first('training_year')).training_year : currentYear);
  const years: number[] = [];
  for (let y = last; y >= Math.max(first, last - 9); y--) years.push(y);
  return years;
}
