import fs from 'node:fs';
import path from 'node:path';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { temporal } from '@temporalio/proto';

/**
 * Recorded import and export job histories (refreshed with RECORD_HISTORIES=1 npx jest
 * test/integration/imports.test.ts test/integration/importsBadFiles.test.ts
 * test/integration/exports.test.ts) must replay on today's workflow code.
 */
const DIR = path.resolve(__dirname, 'histories');
const files = fs.readdirSync(DIR).filter((f) => /^(import|export)-job-.*\.json$/.test(f));

it('has a recorded history of each path', () => {
  expect(files.sort()).toEqual(['export-job-expired.json', 'import-job-bad-file.json', 'import-job-class-members.json', 'import-job-expired.json', 'import-job-onsite-outcomes.json']);
});

it.each(files)('%s replays without nondeterminism', async (file) => {
  const history = temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')));
  await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! } }, history, `replay-${file}`);
});

it('fails to replay every one of them on a changed copy of the workflows', async () => {
  const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} };
  const bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, 'reorderedJobs/index.ts'), logger: quiet as never });
  const histories = (async function* () {
    for (const f of files) yield { workflowId: f, history: temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8'))) };
  })();
  let n = 0;
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
    expect({ file: r.workflowId, violation: r.error instanceof DeterminismViolationError }).toEqual({ file: r.workflowId, violation: true });
    n++;
  }
  expect(n).toBe(files.length);
});
