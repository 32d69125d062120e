import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';

/**
 * Recorded class-declaration histories (test/workflows/histories/class-declaration-*.json,
 * refreshed with RECORD_HISTORIES=1 npx jest test/workflows/classes.test.ts) must replay
 * on today's workflow code: a change that would break running classes fails here.
 */
const DIR = path.resolve(__dirname, 'histories');
const files = fs.readdirSync(DIR).filter((f) => f.startsWith('class-declaration-') && f.endsWith('.json'));

describe('class declaration histories replay', () => {
  it('has recorded histories of each path', () => {
    expect(files.sort()).toEqual([
      'class-declaration-after-approval-closed.json',
      'class-declaration-continued-as-new-first-run.json',
      'class-declaration-continued-as-new-last-run.json',
      'class-declaration-reject-resubmit-approve-pre-queued-patch.json',
      'class-declaration-reject-resubmit-approve.json',
      'class-declaration-with-declaration-approved.json',
    ]);
  });

  it.each(files)('%s replays without nondeterminism', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! } }, history, `replay-${file}`);
  });
});
