import type { History } from '@temporalio/common/lib/proto-utils';
import type { PayloadConverter } from '@temporalio/common';
import type { Db } from '../../db/knex';
import { STATUS_LABELS } from '../render';

/**
 * A workflow's event history as a person reads it: who decided what and when, with the
 * reason; each activity with its attempts and last failure; timers; the start and end.
 * Payloads are decoded with the client's payload converter. Workflow-task bookkeeping is
 * left out; the raw history download has everything.
 */
type HistoryEvent = NonNullable<History['events']>[number];
type Payloads = { payloads?: Array<{ metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }> | null } | null | undefined;

export interface TimelineEntry {
  eventId: number;
  at: Date | null;
  kind: 'start' | 'decision' | 'applicant' | 'update' | 'activity' | 'timer' | 'signal' | 'end' | 'problem' | 'other';
  label: string;
  detail: string;
  /** The acting user as a name, where the event carries an actor. */
  actor?: string;
  attempts?: number;
  failure?: string;
}

export const MESSAGE_LABELS: Record<string, string> = {
  decide: '审核决定',
  withdraw: '申请人撤回',
  resubmit: '申请人重新提交',
  roundOpen: '确认已进入审核队列',
  reportOutcomes: '上报培训成果',
  closeClass: '结班',
  revokeBase: '撤销基地资格',
  keepBase: '保留基地资格(解除撤销建议)',
  submitReport: '提交年审报告',
  outcomesImported: '培训成果导入完成',
};
export const ACTIVITY_LABELS: Record<string, string> = {
  openReviewRound: '开启审核轮次',
  markReviewOverdue: '标记为超期',
  recordReviewOutcome: '记录审核结果',
  notifyReviewOutcome: '短信通知审核结果',
  setApplicationStatus: '更新机构申请状态',
  activateInstitution: '机构生效并授予机构管理员',
  setClassStatus: '更新培训班状态',
  copyDeclarationOutcomes: '同步上报的成果写入培训档案',
  writeOutcomeReport: '培训成果写入培训档案',
  markOutcomesReported: '标记成果已上报',
  closeClass: '培训班结班',
  setBaseApplicationStatus: '更新基地申请状态',
  revokeBase: '撤销基地资格',
  keepBase: '解除撤销建议',
  openAnnualReview: '开启年度年审',
  remindAnnualReview: '提醒提交年审报告',
  markAnnualReviewOverdue: '标记年审逾期',
  markAnnualReviewMissed: '标记年审未提交',
  setAnnualReviewStatus: '更新年审状态',
  runImport: '执行导入',
  failImport: '导入失败处理',
  notifyClassOfImport: '通知培训班导入结果',
  expireImportFiles: '导入文件过期删除',
  runExport: '执行导出',
  failExport: '导出失败处理',
  expireExport: '清理过期导出文件',
};
export const WORKFLOW_LABELS: Record<string, string> = {
  institutionApplication: '继续教育机构申请',
  classDeclaration: '培训班申报',
  baseApplication: '继续教育基地申请',
  annualReview: '基地年审',
  importJob: '导入任务',
  exportJob: '导出任务',
};

// int64 fields arrive as Long from Temporal and as numbers or strings from archived JSON.
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(typeof v === 'object' ? String(v) : v));
const atOf = (e: HistoryEvent) => (e.eventTime ? new Date(num(e.eventTime.seconds) * 1000 + Math.floor(num(e.eventTime.nanos) / 1e6)) : null);
const seconds = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) => num(d?.seconds) + num(d?.nanos) / 1e9;

function decode(conv: PayloadConverter, p: Payloads): unknown[] {
  return (p?.payloads ?? []).map((x) => {
    try {
      return conv.fromPayload(x as never);
    } catch {
      return '(无法解码的数据)';
    }
  });
}

const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

interface ActorLike {
  actor?: { userId?: number; orgId?: number | null; institutionId?: number | null };
  decision?: string;
  reason?: string;
  round?: number;
  orgId?: number;
  title?: string;
}

export interface Names {
  users: Map<number, string>;
  orgs: Map<number, string>;
}

/** The user and organisation ids a history mentions, for one lookup of their names. */
export function idsIn(history: History, conv: PayloadConverter): { users: number[]; orgs: number[] } {
  const users = new Set<number>();
  const orgs = new Set<number>();
  for (const e of history.events ?? []) {
    const args = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args;
    const sched = e.activityTaskScheduledEventAttributes?.input;
    for (const v of [...decode(conv, args as Payloads), ...decode(conv, sched as Payloads)]) {
      const a = v as ActorLike & { userId?: number };
      if (a?.actor?.userId) users.add(a.actor.userId);
      if (a?.actor?.orgId) orgs.add(a.actor.orgId);
      if (typeof a?.userId === 'number') users.add(a.userId);
      if (typeof a?.orgId === 'number') orgs.add(a.orgId);
    }
  }
  return { users: [...users], orgs: [...orgs] };
}

export async function lookupNames(db: Db, ids: { users: number[]; orgs: number[] }): Promise<Names> {
  const [users, orgs] = await Promise.all([
    ids.users.length ? db('users').whereIn('id', ids.users).select('id', 'name', 'login_name') : [],
    ids.orgs.length ? db('reviewer_orgs').whereIn('id', ids.orgs).select('id', 'name') : [],
  ]);
  return {
    users: new Map(users.map((u: { id: number; name: string; login_name: string }) => [u.id, `${u.name}(${u.login_name})`])),
    orgs: new Map(orgs.map((o: { id: number; name: string }) => [o.id, o.name])),
  };
}

function actorName(a: ActorLike['actor'], names: Names): string | undefined {
  if (!a?.userId) return undefined;
  const who = names.users.get(a.userId) ?? `用户编号 ${a.userId}`;
  const org = a.orgId ? names.orgs.get(a.orgId) ?? `单位编号 ${a.orgId}` : a.institutionId ? `机构编号 ${a.institutionId}` : '';
  return org ? `${who},${org}` : who;
}

function updateDetail(name: string, input: ActorLike, names: Names): string {
  if (name === 'decide') {
    const d = input.decision === 'approve' ? '通过' : input.decision === 'reject' ? '不通过(退回)' : show(input.decision);
    return `审核结果:${d}${input.reason ? `;原因:${input.reason}` : ''}${input.round ? `(第 ${input.round} 轮)` : ''}`;
  }
  if (name === 'resubmit') {
    const to = input.orgId ? `;审核单位:${names.orgs.get(input.orgId) ?? input.orgId}` : '';
    return `修改后重新提交${input.title ? `:${input.title}` : ''}${to}`;
  }
  if (name === 'withdraw') return '撤回申请';
  return show(input);
}

export function timelineOf(history: History, conv: PayloadConverter, names: Names): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  const activities = new Map<number, TimelineEntry>();
  const updates = new Map<string, TimelineEntry>();
  for (const e of history.events ?? []) {
    const id = num(e.eventId);
    const at = atOf(e);
    const push = (x: Omit<TimelineEntry, 'eventId' | 'at'>) => {
      const entry = { eventId: id, at, ...x };
      out.push(entry);
      return entry;
    };
    if (e.workflowExecutionStartedEventAttributes) {
      const a = e.workflowExecutionStartedEventAttributes;
      const type = a.workflowType?.name ?? '';
      push({
        kind: 'start',
        label: a.continuedExecutionRunId ? '流程继续(新一轮运行)' : '流程启动',
        detail: `${WORKFLOW_LABELS[type] ?? type};输入:${decode(conv, a.input as Payloads).map(show).join(', ')}`,
      });
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const req = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest;
      const name = req?.input?.name ?? '';
      const input = (decode(conv, req?.input?.args as Payloads)[0] ?? {}) as ActorLike;
      const entry = push({
        kind: name === 'decide' ? 'decision' : name === 'withdraw' || name === 'resubmit' ? 'applicant' : 'update',
        label: MESSAGE_LABELS[name] ?? `消息 ${name}`,
        detail: updateDetail(name, input, names),
        actor: actorName(input.actor, names),
      });
      if (req?.meta?.updateId) updates.set(req.meta.updateId, entry);
    } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
      const a = e.workflowExecutionUpdateCompletedEventAttributes;
      const entry = a.meta?.updateId ? updates.get(a.meta.updateId) : undefined;
      if (entry && a.outcome?.failure) entry.failure = a.outcome.failure.message ?? '失败';
    } else if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      const type = a.activityType?.name ?? '';
      const input = decode(conv, a.input as Payloads)[0] as { userId?: number; status?: string; reason?: string } | undefined;
      const byUser = input?.userId ? `;操作人:${names.users.get(input.userId) ?? input.userId}` : '';
      // The auditor reads statuses in the pages' words, not the stored codes.
      const status = input?.status ? `;状态:${STATUS_LABELS[input.status] ?? input.status}` : '';
      activities.set(id, push({ kind: 'activity', label: ACTIVITY_LABELS[type] ?? type, detail: `活动 ${type}${status}${byUser}`, attempts: 1 }));
    } else if (e.activityTaskStartedEventAttributes) {
      const a = e.activityTaskStartedEventAttributes;
      const entry = activities.get(num(a.scheduledEventId));
      if (entry) {
        entry.attempts = Math.max(1, a.attempt ?? 1);
        if (a.lastFailure?.message) entry.failure = `重试前的失败:${a.lastFailure.message}`;
      }
    } else if (e.activityTaskCompletedEventAttributes) {
      const entry = activities.get(num(e.activityTaskCompletedEventAttributes.scheduledEventId));
      if (entry) entry.detail += ';已完成';
    } else if (e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes) {
      const a = e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes!;
      const entry = activities.get(num(a.scheduledEventId));
      if (entry) {
        entry.kind = 'problem';
        entry.failure = a.failure?.message ?? '失败';
      }
    } else if (e.timerStartedEventAttributes) {
      const s = seconds(e.timerStartedEventAttributes.startToFireTimeout as never);
      push({ kind: 'timer', label: '计时开始', detail: `${formatDuration(s)}后到期(计时器 ${e.timerStartedEventAttributes.timerId})` });
    } else if (e.timerFiredEventAttributes) {
      push({ kind: 'timer', label: '计时到期', detail: `计时器 ${e.timerFiredEventAttributes.timerId}` });
    } else if (e.timerCanceledEventAttributes) {
      push({ kind: 'timer', label: '计时取消', detail: `计时器 ${e.timerCanceledEventAttributes.timerId}(等待的事情已发生)` });
    } else if (e.workflowExecutionSignaledEventAttributes) {
      const a = e.workflowExecutionSignaledEventAttributes;
      const input = decode(conv, a.input as Payloads)[0] as ActorLike | undefined;
      push({ kind: 'signal', label: MESSAGE_LABELS[a.signalName ?? ''] ?? `信号 ${a.signalName}`, detail: decode(conv, a.input as Payloads).map(show).join(', '), actor: actorName(input?.actor, names) });
    } else if (e.workflowExecutionCompletedEventAttributes) {
      push({ kind: 'end', label: '流程结束', detail: `结果:${decode(conv, e.workflowExecutionCompletedEventAttributes.result as Payloads).map(show).join(', ')}` });
    } else if (e.workflowExecutionContinuedAsNewEventAttributes) {
      push({ kind: 'end', label: '流程转入新一轮运行', detail: `新运行 ${e.workflowExecutionContinuedAsNewEventAttributes.newExecutionRunId ?? ''}` });
    } else if (e.workflowExecutionFailedEventAttributes) {
      push({ kind: 'problem', label: '流程失败', detail: e.workflowExecutionFailedEventAttributes.failure?.message ?? '' });
    } else if (e.workflowExecutionTerminatedEventAttributes) {
      const a = e.workflowExecutionTerminatedEventAttributes;
      push({ kind: 'problem', label: '流程被终止', detail: `${a.reason ?? ''}${a.identity ? `(${a.identity})` : ''}` });
    } else if (e.workflowExecutionCanceledEventAttributes) {
      push({ kind: 'problem', label: '流程被取消', detail: '' });
    } else if (e.workflowExecutionTimedOutEventAttributes) {
      push({ kind: 'problem', label: '流程超时', detail: '' });
    } else if (e.workflowTaskFailedEventAttributes) {
      push({ kind: 'problem', label: '流程任务失败', detail: e.workflowTaskFailedEventAttributes.failure?.message ?? '' });
    } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
      const a = e.startChildWorkflowExecutionInitiatedEventAttributes;
      push({ kind: 'other', label: '启动子流程', detail: `${a.workflowType?.name ?? ''} ${a.workflowId ?? ''}` });
    } else if (e.childWorkflowExecutionCompletedEventAttributes) {
      push({ kind: 'other', label: '子流程结束', detail: e.childWorkflowExecutionCompletedEventAttributes.workflowExecution?.workflowId ?? '' });
    }
  }
  return out;
}

function formatDuration(s: number): string {
  if (s >= 86400 && s % 3600 === 0) return `${+(s / 86400).toFixed(2)} 天`;
  // A deadline computed from a date (a training year's close) is no whole number of hours.
  if (s >= 2 * 86400) return `约 ${+(s / 86400).toFixed(1)} 天`;
  if (s >= 3600) return `${+(s / 3600).toFixed(2)} 小时`;
  if (s >= 60) return `${+(s / 60).toFixed(2)} 分钟`;
  return `${+s.toFixed(3)} 秒`;
}
