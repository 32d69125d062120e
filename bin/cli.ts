import readline from 'node:readline';
import { loadConfig, ConfigError } from '../app/config';
import { openLocalDatabase } from './embeddedPostgres';
import { createDb, migrateLatest, type Db } from '../db/knex';

/**
 * Runs a one-off command against the platform's database, resolved as `npm start`
 * resolves it (DATABASE_URL, else the embedded PostgreSQL under DATA_DIR on PG_PORT).
 */
export async function withPlatformDb(fn: (db: Db) => Promise<void>): Promise<void> {
  let local: Awaited<ReturnType<typeof openLocalDatabase>> | null = null;
  let db: Db | null = null;
  try {
    const config = loadConfig();
    local = await openLocalDatabase(config, (s) => console.error(s));
    db = createDb(local.url, { max: 2 });
    await migrateLatest(db);
    await fn(db);
  } catch (e) {
    console.error(e instanceof ConfigError || e instanceof CliError ? e.message : e);
    process.exitCode = 1;
  } finally {
    await db?.destroy();
    await local?.stop();
  }
}

/** A mistake of the person at the terminal: printed without a stack. */
export class CliError extends Error {}

/** Asks for a secret without echoing it (for a password left off the command line). */
export function askHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    out._writeToOutput = (s: string) => {
      if (s.includes(question)) out.output.write(s);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}
