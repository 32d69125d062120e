import fs from 'node:fs';
import path from 'node:path';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { temporal } from '@temporalio/proto';

/**
 * Recorded histories of the base workflows (refreshed with RECORD_HISTORIES=1 npx jest
 * test/workflows/bases.test.ts): the base application's runs — review, each year's run,
 * a flagged base kept, the revocation — and annual reviews graded 合格, 不合格 and missed. They replay on
 * today's code; on a changed copy (reorderedBases/) every one fails.
 */
const DIR = path.resolve(__dirname, 'histories');
const files = fs.readdirSync(DIR).filter((f) => f.startsWith('bases-') && f.endsWith('.json')).sort();
const load = (file: string) => temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')));
const quiet = { info() {}, warn() {}, error() {}, debug() {}, trace() {}, log() {} };

describe('base workflow histories replay', () => {
  it('has the recorded paths', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'bases-pass-run1.json', // apply → approve, continued as new
        'bases-pass-run2.json', // a year opened
        'bases-revoked-run4.json', // revoked: the loop ends
        'bases-kept-run4.json', // a flagged base kept by the bureau (keepBase update)
        'bases-reapplied-run1.json', // a revoked base's new application, reviewed from the year after its last
        'bases-pass-annual-run1.json',
        'bases-fail-annual-run1.json',
        'bases-missed-annual-run1.json',
      ]),
    );
  });

  it.each(files)('%s replays on the current code', async (file) => {
    await Worker.runReplayHistory({ workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! } }, load(file), `replay-${file}`);
  });

  it('fails on a changed copy of the workflows', async () => {
    const histories = (async function* () {
      for (const f of files) yield { workflowId: f, history: load(f) };
    })();
    const bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, 'reorderedBases/index.ts'), logger: quiet as never });
    let n = 0;
    for await (const r of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
      expect({ file: r.workflowId, violation: r.error instanceof DeterminismViolationError }).toEqual({ file: r.workflowId, violation: true });
      n++;
    }
    expect(n).toBe(files.length);
  });
});
