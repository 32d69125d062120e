import { loadConfig } from '../../app/config';
import { createDeps } from '../../bin/runtime';
import { createWorker } from '../../bin/worker-runtime';
import { silentLogger } from '../../app/logger';

/**
 * A platform worker in a process of its own, so a test can SIGKILL it in the middle of
 * an activity. Env: TEST_DATABASE_URL, TEST_TEMPORAL_ADDRESS, TEST_WORKFLOW_BUNDLE, WORKER_QUEUE.
 */
async function main() {
  const config = loadConfig({ NODE_ENV: 'test', AUTH_CAPTCHA: 'off', DATA_DIR: process.env.WORKER_DATA_DIR ?? '/tmp', JWT_SECRET: 'x'.repeat(40) });
  const deps = await createDeps(config, {
    databaseUrl: process.env.TEST_DATABASE_URL!,
    temporalAddress: process.env.TEST_TEMPORAL_ADDRESS!,
    taskQueue: process.env.WORKER_QUEUE!,
    logger: silentLogger,
  });
  const { worker } = await createWorker(deps, process.env.TEST_TEMPORAL_ADDRESS!, {
    workflowBundle: { codePath: process.env.TEST_WORKFLOW_BUNDLE! },
  });
  const running = worker.run();
  process.stdout.write('worker ready\n');
  await running;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
