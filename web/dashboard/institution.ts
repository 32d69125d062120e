import type { AppDeps, CurrentUser } from '../../app/deps';
import { yearFigures, trainingYears } from '../../db/dashboard';
import { applicationOf } from '../../db/bases';
import { trainingChartSvg } from './chart';

/**
 * 工作桌面 of an institution (manual 四.1): what needs doing (declarations to submit,
 * awaiting review or returned, classes past their end without outcomes, running jobs), approved
 * classes, 各年度培训数据 and the base. Every query is by institution on an index and
 * bounded (counts by status, lists of five).
 */
const LIST = 5;

/** Today's date in Beijing as 'YYYY-MM-DD' (the calendar the classes' dates are in). */
export const beijingToday = (now: Date) => new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

export async function trainingSection(deps: AppDeps, institutionId: number, wanted: unknown) {
  const currentYear = Number(beijingToday(deps.clock.now()).slice(0, 4));
  const years = await trainingYears(deps.db, institutionId, currentYear);
  const y = Number(wanted);
  const year = years.includes(y) ? y : currentYear;
  const figures = await yearFigures(deps.db, institutionId, year);
  return { years, year, figures, chart: trainingChartSvg(figures) };
}

export async function institutionDashboard(deps: AppDeps, user: CurrentUser, wantedYear: unknown) {
  const { db } = deps;
  const id = user.institutionId!;
  const now = deps.clock.now();
  const today = beijingToday(now);
  const classes = () => db('training_classes').where({ institution_id: id });
  const running = ['queued', 'running'];

  const [byStatus, pastEndCount, importsRunning, exportsRunning, toDeclare, pending, rejected, approved, pastEnd, jobs, training, base, annual] = await Promise.all([
    classes().whereIn('status', ['draft', 'withdrawn', 'pending', 'rejected', 'approved']).groupBy('status').select('status', db.raw('count(*)::int as n')),
    classes().where({ status: 'approved', outcomes_reported: false }).andWhere('end_date', '<', today).first(db.raw('count(*)::int as n')),
    db('import_jobs').where({ institution_id: id }).whereIn('status', running).first(db.raw('count(*)::int as n')),
    db('export_jobs').where({ institution_id: id }).whereIn('status', running).first(db.raw('count(*)::int as n')),
    // 待申报 (manual 四.1): drafts and withdrawn declarations, not yet with a reviewer.
    classes().whereIn('status', ['draft', 'withdrawn']).orderBy('updated_at', 'desc').limit(LIST).select('id', 'name', 'training_year', 'status', 'updated_at'),
    classes().where({ status: 'pending' }).orderBy('id', 'desc').limit(LIST).select('id', 'name', 'training_year', 'submitted_at'),
    classes().where({ status: 'rejected' }).orderBy('id', 'desc').limit(LIST).select('id', 'name', 'training_year', 'updated_at'),
    // The (institution, status, id) index serves this; the newest declarations are the ones still taking outcomes.
    classes().where({ status: 'approved' }).orderBy('id', 'desc').limit(LIST).select('id', 'name', 'training_year', 'approved_at', 'outcomes_reported'),
    classes().where({ status: 'approved', outcomes_reported: false }).andWhere('end_date', '<', today).orderBy('end_date').limit(LIST).select('id', 'name', 'end_date'),
    db
      .select('*')
      .from(
        db.union(
          [
            db('import_jobs').where({ institution_id: id }).whereIn('status', running).select(db.raw("'import' as kind"), 'id', 'type', 'status', 'file_name as name', 'created_at').orderBy('created_at', 'desc').limit(LIST),
            db('export_jobs').where({ institution_id: id }).whereIn('status', running).select(db.raw("'export' as kind"), 'id', 'type', 'status', db.raw("'' as name"), 'created_at').orderBy('created_at', 'desc').limit(LIST),
          ],
          true,
        ).as('j'),
      )
      .orderBy('created_at', 'desc')
      .limit(LIST),
    user.permissions.has('dashboard.view') ? trainingSection(deps, id, wantedYear) : null,
    applicationOf(db, id),
    db('annual_reviews').where({ institution_id: id }).orderBy('year', 'desc').first(),
  ]);

  const reasons = rejected.length
    ? await db('review_items')
        .where({ kind: 'class_declaration', institution_id: id, status: 'rejected' })
        .whereIn('subject_id', rejected.map((c: { id: number }) => c.id))
        .orderBy('round', 'desc')
        .select('subject_id', 'reason')
    : [];
  const reasonOf = new Map<number, string>();
  for (const r of reasons) if (!reasonOf.has(r.subject_id)) reasonOf.set(r.subject_id, r.reason);

  const count = (s: string) => byStatus.find((r: { status: string }) => r.status === s)?.n ?? 0;
  return {
    counts: {
      toDeclare: count('draft') + count('withdrawn'),
      pending: count('pending'),
      rejected: count('rejected'),
      approved: count('approved'),
      pastEnd: pastEndCount?.n ?? 0,
      jobs: (importsRunning?.n ?? 0) + (exportsRunning?.n ?? 0),
    },
    toDeclare,
    pending,
    rejected: rejected.map((c: { id: number }) => ({ ...c, reason: reasonOf.get(c.id) ?? '' })),
    approved,
    pastEnd,
    jobs,
    training,
    base: base ?? null,
    annual: annual ?? null,
  };
}
