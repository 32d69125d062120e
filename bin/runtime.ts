import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../app/config';
import { createDb, migrateLatest } from '../db/knex';
import { OutboxSmsSender } from '../app/sms';
import { createLogger, type Logger } from '../app/logger';
import { systemClock, type AppDeps, type Clock } from '../app/deps';

/** In development the JWT secret is generated once into the data dir and reused. */
export function resolveJwtSecret(config: Config): string {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  const file = path.join(config.dataDir, 'jwt-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export async function connectTemporal(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

export interface RuntimeOptions {
  databaseUrl: string;
  temporalAddress: string;
  migrate?: boolean;
  clock?: Clock;
  logger?: Logger;
  jwtSecret?: string;
  taskQueue?: string;
}

export async function createDeps(config: Config, o: RuntimeOptions): Promise<AppDeps> {
  const logger = o.logger ?? createLogger(config.LOG_LEVEL);
  const db = createDb(o.databaseUrl);
  if (o.migrate) await migrateLatest(db);
  const temporal = await connectTemporal(o.temporalAddress, config.TEMPORAL_NAMESPACE);
  return {
    db,
    config,
    temporal,
    taskQueue: o.taskQueue ?? config.TEMPORAL_TASK_QUEUE,
    clock: o.clock ?? systemClock,
    sms: new OutboxSmsSender(db, logger),
    logger,
    jwtSecret: o.jwtSecret ?? resolveJwtSecret(config),
  };
}

export async function closeDeps(deps: AppDeps): Promise<void> {
  await deps.temporal?.connection.close();
  await deps.db.destroy();
}
