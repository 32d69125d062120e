import { WorkflowNotFoundError } from '@temporalio/client';
import type { AppDeps } from '../../app/deps';
import { reviewStateQuery, type ReviewState } from '../../workflows/messages/review';
import { reviewSubject } from '../review/subjects';
import '../review/institutionSubject';
import * as reviewItems from '../../db/reviewItems';

/**
 * Compares each open workflow's own review state (the reviewState query) with what
 * PostgreSQL shows: its review item for the current round and its subject's status.
 * A transition is written a moment after the workflow makes it, so a mismatch is
 * checked again before it is reported.
 */
export interface Mismatch {
  workflowId: string;
  type: string;
  institutionName: string | null;
  problems: string[];
}

/** The workflow types built on the shared review step. */
export const REVIEW_TYPES = ['institution_application', 'class_declaration', 'base_application', 'annual_review'];

const RECHECK_MS = 1500;
const QUERY_DEADLINE_MS = 3000;
const QUERY_FAILED = '无法查询流程状态';

async function problemsOf(deps: AppDeps, workflowId: string): Promise<string[] | null> {
  let state: ReviewState;
  try {
    // A workflow whose worker is gone would hold the page; its query gives up instead.
    state = await deps.temporal!.withDeadline(Date.now() + QUERY_DEADLINE_MS, () =>
      deps.temporal!.workflow.getHandle(workflowId).query(reviewStateQuery),
    );
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return ['Temporal 中已不存在该流程,但数据库记录为运行中'];
    const msg = String((e as Error).message ?? e);
    // Workflows without a review step (imports, exports) have no such query: nothing to compare.
    if (/not registered|unknown query|QueryNotRegistered|did not register a handler/i.test(msg)) return null;
    return [`${QUERY_FAILED}:${msg}`];
  }
  if (state.round === 0) return [];
  const item = await reviewItems.findRound(deps.db, workflowId, state.round);
  if (!item) return [`流程处于第 ${state.round} 轮,数据库中没有该轮的审核事项`];
  const problems: string[] = [];
  if (item.status !== state.status) problems.push(`审核状态:流程为 ${state.status},数据库为 ${item.status}`);
  if (state.status === 'pending' && item.overdue !== state.overdue) problems.push(`超期标记:流程为 ${state.overdue},数据库为 ${item.overdue}`);
  if (Number(item.org_id) !== state.orgId) problems.push(`审核单位:流程为 ${state.orgId},数据库为 ${item.org_id}`);
  if (state.status !== 'pending' && item.decided_by !== state.decidedBy) problems.push(`审核人:流程为 ${state.decidedBy},数据库为 ${item.decided_by}`);
  const subject = reviewSubject(state.kind);
  const expected = subject?.expectedStatus?.[state.status];
  if (subject?.subjectStatus && expected) {
    const actual = await subject.subjectStatus(deps, item.subject_id);
    if (actual !== expected) problems.push(`业务状态:应为 ${expected},数据库为 ${actual ?? '(不存在)'}`);
  }
  return problems;
}

/** Open workflows of one page (oldest first, optionally of one type or matching q), with their mismatches. */
export async function checkConsistency(deps: AppDeps, o: { page: number; size: number; type?: string; q?: string }) {
  const query = deps.db('workflow_runs as w')
    .leftJoin('institutions as i', 'i.id', 'w.institution_id')
    .where('w.status', 'running')
    .orderBy([{ column: 'w.started_at', order: 'asc' }, { column: 'w.workflow_id', order: 'asc' }])
    .limit(o.size + 1)
    .offset((o.page - 1) * o.size)
    .select('w.workflow_id', 'w.type', 'i.name as institution_name');
  // Only workflows with a review step have a state to compare; import and export jobs (open
  // for their files' retention time) would fill the pages with nothing to check.
  query.whereIn('w.type', o.type ? [o.type].filter((t) => REVIEW_TYPES.includes(t)) : REVIEW_TYPES);
  if (o.q) query.where((w) => w.whereILike('w.workflow_id', `%${o.q}%`).orWhereILike('i.name', `%${o.q}%`));
  const rows = await query;
  const hasNext = rows.length > o.size;
  const checked = rows.slice(0, o.size);
  const first = await Promise.all(checked.map((r) => problemsOf(deps, r.workflow_id)));
  // Only a disagreement may be a transition in flight; a failed query is reported as it is.
  const settling = checked.filter((_, i) => first[i]?.length && !first[i]![0].startsWith(QUERY_FAILED));
  if (settling.length) await new Promise((r) => setTimeout(r, RECHECK_MS));
  const again = new Map(await Promise.all(settling.map(async (r) => [r.workflow_id, await problemsOf(deps, r.workflow_id)] as const)));
  const mismatches: Mismatch[] = [];
  checked.forEach((r, i) => {
    const problems = again.has(r.workflow_id) ? again.get(r.workflow_id) : first[i];
    if (problems?.length) mismatches.push({ workflowId: r.workflow_id, type: r.type, institutionName: r.institution_name, problems });
  });
  return { checked: checked.length, comparable: first.filter((p) => p !== null).length, mismatches, hasNext };
}
