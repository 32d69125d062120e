import { loadConfig, ConfigError } from '../app/config';
import { createDeps, closeDeps } from './runtime';
import { createWorker } from './worker-runtime';
import { startArchiver } from './archive';
import { startHousekeeping } from './periodic';

/** The worker half alone, against an external PostgreSQL and Temporal. */
async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new ConfigError('npm run worker needs DATABASE_URL and TEMPORAL_ADDRESS (npm start runs everything on one machine)');
  }
  const deps = await createDeps(config, { databaseUrl: config.DATABASE_URL, temporalAddress: config.TEMPORAL_ADDRESS });
  const { worker, connection } = await createWorker(deps, config.TEMPORAL_ADDRESS);
  process.once('SIGINT', () => worker.shutdown());
  process.once('SIGTERM', () => worker.shutdown());
  deps.logger.info('worker running', { taskQueue: deps.taskQueue });
  // Closed workflows' histories are copied to PostgreSQL for the auditor (DESIGN: histories are audit records).
  const archiver = startArchiver(deps);
  const housekeeping = startHousekeeping(deps);
  await worker.run();
  await archiver.stop();
  await housekeeping.stop();
  await connection.close();
  await closeDeps(deps);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
