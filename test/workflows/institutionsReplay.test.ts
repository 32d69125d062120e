import fs from 'node:fs';
import path from 'node:path';
import { Worker, bundleWorkflowCode, type ReplayResult } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { historyFromJson } from '../../app/historyJson';

/**
 * Recorded histories of the institution application (written by institutions.test.ts with
 * RECORD_HISTORIES=1) still replay on today's workflow code; a reordered copy of the
 * workflow fails on every one of them, which proves the replay can fail.
 */
const DIR = path.resolve(__dirname, 'histories');
const files = fs.readdirSync(DIR).filter((f) => f.startsWith('institution-application-') && f.endsWith('.json'));

async function* histories() {
  for (const f of files) {
    yield { workflowId: f, history: historyFromJson(JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'))) };
  }
}

async function replay(options: Parameters<typeof Worker.runReplayHistories>[0]): Promise<ReplayResult[]> {
  const out: ReplayResult[] = [];
  for await (const r of Worker.runReplayHistories(options, histories())) out.push(r);
  return out;
}

const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} };

it('has the recorded histories of approve, reject-resubmit, withdraw and overdue runs', () => {
  expect(files.sort()).toEqual(
    expect.arrayContaining([
      'institution-application-approved.json',
      'institution-application-reject-resubmit-approve.json',
      'institution-application-withdraw-resubmit-approve.json',
      'institution-application-overdue-rejected.json',
    ]),
  );
});

it('replays every recorded history on the current workflow code', async () => {
  const results = await replay({ workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! } });
  expect(results.length).toBe(files.length);
  for (const r of results) expect({ file: r.workflowId, error: r.error?.message }).toEqual({ file: r.workflowId, error: undefined });
});

it('fails to replay them on a reordered copy of the workflow', async () => {
  const { code } = await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, 'reordered/index.ts'), logger: quiet as never });
  const results = await replay({ workflowBundle: { code } });
  expect(results.length).toBe(files.length);
  for (const r of results) expect(r.error).toBeInstanceOf(DeterminismViolationError);
});
