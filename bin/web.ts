import { loadConfig, ConfigError } from '../app/config';
import { createDeps, closeDeps } from './runtime';
import { createApp } from '../web/app';

/** The web half alone, against an external PostgreSQL and Temporal. */
async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) {
    throw new ConfigError('npm run web needs DATABASE_URL and TEMPORAL_ADDRESS (npm start runs everything on one machine)');
  }
  const deps = await createDeps(config, { databaseUrl: config.DATABASE_URL, temporalAddress: config.TEMPORAL_ADDRESS, migrate: true });
  const server = createApp(deps).listen(config.PORT, () => deps.logger.info('web listening', { url: `http://localhost:${config.PORT}` }));
  const stop = () => server.close(() => void closeDeps(deps).then(() => process.exit(0)));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
