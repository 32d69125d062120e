import type { AppDeps, CurrentUser } from '../../app/deps';

/**
 * 工作桌面 of everyone outside an active institution: the applicant's application, the
 * reviewer's queue, the auditor's workflow counts, the platform admin's totals. Small
 * grouped counts over indexed columns and short lists.
 */
const LIST = 10;

/** An applicant (or the admin of an institution still under review): status and the latest reason. */
export async function applicantDashboard(deps: AppDeps, user: CurrentUser) {
  const inst = await deps.db('institutions')
    .where((w) => {
      w.where({ applicant_user_id: user.id });
      if (user.institutionId) w.orWhere({ id: user.institutionId });
    })
    .orderBy('id', 'desc')
    .first('id', 'name', 'status', 'created_at', 'updated_at');
  if (!inst) return { institution: null, latest: null };
  const latest = await deps.db('review_items as r')
    .leftJoin('reviewer_orgs as o', 'o.id', 'r.org_id')
    .where({ 'r.kind': 'institution', 'r.institution_id': inst.id })
    .orderBy('r.round', 'desc')
    .first('r.round', 'r.status', 'r.reason', 'r.decided_at', 'r.submitted_at', 'o.name as org_name');
  return { institution: inst, latest: latest ?? null };
}

export async function reviewerDashboard(deps: AppDeps, user: CurrentUser) {
  const { db } = deps;
  const orgId = user.orgId!;
  const [byKind, overdueItems, overdueReports, flagged] = await Promise.all([
    db('review_items').where({ org_id: orgId, status: 'pending' }).groupBy('kind').select('kind', db.raw('count(*)::int as n'), db.raw('count(*) filter (where overdue)::int as overdue')),
    db('review_items as r')
      .join('institutions as i', 'i.id', 'r.institution_id')
      .where({ 'r.org_id': orgId, 'r.status': 'pending', 'r.overdue': true })
      .orderBy('r.submitted_at')
      .limit(LIST)
      .select('r.id', 'r.kind', 'r.title', 'r.submitted_at', 'i.name as institution_name'),
    db('annual_reviews as a')
      .join('base_applications as b', 'b.id', 'a.application_id')
      .where({ 'a.org_id': orgId, 'a.overdue': true, 'a.status': 'open' })
      .orderBy('a.deadline_at')
      .limit(LIST)
      .select('a.id', 'a.year', 'a.deadline_at', 'b.name as base_name'),
    db('base_applications').where({ org_id: orgId, status: 'approved', flagged: true }).orderBy('flagged_at').limit(LIST).select('id', 'name', 'flag_reason', 'flagged_at'),
  ]);
  return { byKind, overdueItems, overdueReports, flagged };
}

export async function auditorDashboard(deps: AppDeps) {
  const rows = await deps.db('workflow_runs').groupBy('type', 'status').orderBy(['type', 'status']).select('type', 'status', deps.db.raw('count(*)::int as n'));
  const types = [...new Set(rows.map((r: { type: string }) => r.type))];
  const statuses = [...new Set(rows.map((r: { status: string }) => r.status))].sort();
  const cell = new Map(rows.map((r: { type: string; status: string; n: number }) => [`${r.type}|${r.status}`, r.n]));
  return {
    statuses,
    table: types.map((t) => ({ type: t, counts: statuses.map((s) => ({ status: s, n: cell.get(`${t}|${s}`) ?? 0 })) })),
  };
}

export async function adminDashboard(deps: AppDeps) {
  const { db } = deps;
  const [institutions, users, orgs, bases] = await Promise.all([
    db('institutions').groupBy('status').select('status', db.raw('count(*)::int as n')),
    db('users').groupBy('role').select('role', db.raw('count(*)::int as n')),
    db('reviewer_orgs').groupBy('kind').select('kind', db.raw('count(*)::int as n')),
    db('institutions').where({ is_base: true }).first(db.raw('count(*)::int as n')),
  ]);
  return { institutions, users, orgs, bases: bases?.n ?? 0 };
}
