import fs from 'node:fs';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJson, historyToJson } from '../../app/historyJson';
import { ACTIVITY_LABELS, MESSAGE_LABELS, WORKFLOW_LABELS, timelineOf, idsIn } from '../../web/auditor/timeline';

/** The auditor's timeline over a recorded history, with a retried activity written in. */
const recorded = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../workflows/histories/institution-application-reject-resubmit-approve.json'), 'utf8'),
);

it('reads decisions with actor and reason, activities, and the end', () => {
  const h = historyFromJson(recorded);
  const ids = idsIn(h, defaultPayloadConverter);
  expect(ids.users.length).toBeGreaterThanOrEqual(2);
  const names = { users: new Map(ids.users.map((id) => [id, `用户${id}`])), orgs: new Map(ids.orgs.map((id) => [id, `单位${id}`])) };
  const t = timelineOf(h, defaultPayloadConverter, names);
  expect(t[0]).toMatchObject({ kind: 'start', label: '流程启动' });
  const decisions = t.filter((e) => e.kind === 'decision');
  expect(decisions.map((d) => d.detail)).toEqual([expect.stringContaining('不通过(退回);原因:'), expect.stringContaining('审核结果:通过')]);
  expect(decisions[0].actor).toMatch(/^用户\d+,单位\d+$/);
  expect(t.some((e) => e.label === '申请人重新提交')).toBe(true);
  expect(t.filter((e) => e.label === '记录审核结果').length).toBe(2);
  expect(t.filter((e) => e.label === '记录审核结果').map((e) => e.detail)).toEqual([expect.stringContaining('状态:已退回'), expect.stringContaining('状态:已通过')]);
  expect(t[t.length - 1]).toMatchObject({ kind: 'end', label: '流程结束' });
  // Dates come through the JSON round trip in order.
  const times = t.map((e) => e.at!.getTime());
  expect([...times].sort((a, b) => a - b)).toEqual(times);
});

it('shows an activity’s attempts and its last failure', () => {
  const json = JSON.parse(JSON.stringify(recorded));
  const started = json.events.find((e: Record<string, unknown>) => e.activityTaskStartedEventAttributes);
  started.activityTaskStartedEventAttributes.attempt = 3;
  started.activityTaskStartedEventAttributes.lastFailure = { message: 'connection refused' };
  const t = timelineOf(historyFromJson(json), defaultPayloadConverter, { users: new Map(), orgs: new Map() });
  const retried = t.find((e) => e.eventId === Number(started.activityTaskStartedEventAttributes.scheduledEventId))!;
  expect(retried).toMatchObject({ kind: 'activity', label: '开启审核轮次', attempts: 3, failure: '重试前的失败:connection refused' });
});

it('round-trips the JSON format', () => {
  const again = JSON.parse(historyToJson(historyFromJson(recorded)));
  expect(again.events.length).toBe(recorded.events.length);
  expect(again.events[0].eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_STARTED');
});

describe('the timeline speaks Chinese for every workflow, activity, update and signal', () => {
  // Read from the workflow sources, so a new activity or message without a label fails here.
  const dir = path.resolve(__dirname, '../../workflows');
  const sources = ['.', 'messages']
    .flatMap((sub) => fs.readdirSync(path.join(dir, sub)).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, sub, f)))
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('\n');
  const all = (re: RegExp) => [...new Set([...sources.matchAll(re)].map((m) => m[1]))].sort();

  it('activities', () => {
    const called = all(/\bacts\.([a-zA-Z]+)\(/g);
    const destructured = [...sources.matchAll(/const \{([^}]+)\} = proxyActivities/g)].flatMap((m) => m[1].split(',').map((s) => s.trim()));
    const names = [...new Set([...called, ...destructured])];
    expect(names.length).toBeGreaterThan(15);
    expect(names.filter((n) => !ACTIVITY_LABELS[n])).toEqual([]);
  });
  it('updates and signals', () => {
    const names = all(/define(?:Update|Signal)<[^>]*>\('([a-zA-Z]+)'/g);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => !MESSAGE_LABELS[n])).toEqual([]);
  });
  it('workflow types', () => {
    const names = all(/export async function ([a-zA-Z]+)\(/g);
    expect(names.filter((n) => !WORKFLOW_LABELS[n])).toEqual([]);
  });
});
