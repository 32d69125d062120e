import { z } from 'zod';
import path from 'node:path';

/**
 * Every setting comes from the environment and is checked here once, so a typo in a
 * deployment stops start-up with the variable's name instead of failing later.
 */
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
    TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port').optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('platform'),
    TEMPORAL_BIN: z.string().optional(),
    TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
    /** The Temporal Web UI as auditors' browsers reach it (the audit pages link there); unset: the dev server's. */
    TEMPORAL_UI_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** Ports of what `npm start` runs itself when DATABASE_URL / TEMPORAL_ADDRESS are unset;
     *  5433 keeps clear of a system PostgreSQL on 5432. */
    PG_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
    TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    AUTH_CAPTCHA: z.enum(['on', 'off']).default('on'),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    /** Durations of durable timers, in seconds, so demos and tests can shorten them. */
    REVIEW_OVERDUE_SECONDS: z.coerce.number().int().positive().default(15 * 24 * 3600),
    EXPORT_RETENTION_SECONDS: z.coerce.number().int().positive().default(7 * 24 * 3600),
    IMPORT_RETENTION_SECONDS: z.coerce.number().int().positive().default(30 * 24 * 3600),
    /** A class takes outcome reports until this long after its training year ends. */
    CLASS_CLOSE_AFTER_YEAR_SECONDS: z.coerce.number().int().positive().default(180 * 24 * 3600),
    /** Outcome reports one class-declaration run takes before it continues as new. */
    CLASS_REPORTS_PER_RUN: z.coerce.number().int().min(1).default(200),
    /** 年审报告: year Y's report opens on this day ('MM-DD', Beijing time) of year Y+1. */
    ANNUAL_REVIEW_OPENS_ON: z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD').default('01-15'),
    /** How long a base has to submit the report once it opens; reminded this long before the deadline. */
    ANNUAL_REVIEW_WINDOW_SECONDS: z.coerce.number().int().positive().default(75 * 24 * 3600),
    ANNUAL_REVIEW_REMIND_SECONDS: z.coerce.number().int().positive().default(7 * 24 * 3600),
    /** Demos and tests only: a "year" of annual reviews lasts this long instead of the calendar's. */
    ANNUAL_REVIEW_YEAR_SECONDS: z.coerce.number().int().positive().optional(),
    UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(20 * 1024 * 1024),
    /** Data rows one import file may hold; a larger file fails before any row is committed. */
    IMPORT_MAX_ROWS: z.coerce.number().int().positive().default(200_000),
    /** Bytes an import file may unpack to (zip-bomb guard), checked before and while inflating. */
    IMPORT_MAX_UNPACKED_BYTES: z.coerce.number().int().positive().default(256 * 1024 * 1024),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && c.AUTH_CAPTCHA === 'off') {
      ctx.addIssue({ code: 'custom', path: ['AUTH_CAPTCHA'], message: 'cannot be off when NODE_ENV=production' });
    }
    if (c.NODE_ENV === 'production' && !c.JWT_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['JWT_SECRET'], message: 'is required when NODE_ENV=production' });
    }
  });

export type Config = z.infer<typeof schema> & { dataDir: string };

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.DATA_DIR) };
}

/** Where the audit pages link for a workflow: TEMPORAL_UI_URL, else the dev server `npm start` runs. */
export const temporalUiBase = (c: Pick<Config, 'TEMPORAL_UI_URL' | 'TEMPORAL_UI_PORT'>) =>
  (c.TEMPORAL_UI_URL ?? `http://127.0.0.1:${c.TEMPORAL_UI_PORT}`).replace(/\/+$/, '');
