import type { Client } from '@temporalio/client';
import type { Config } from './config';
import type { Db } from '../db/knex';
import type { SmsSender } from './sms';
import type { Logger } from './logger';
import type { Permission, UserRole } from '../domain/permissions';

export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Everything a router or activity needs, passed in so tests use real ones of their own. */
export interface AppDeps {
  db: Db;
  config: Config;
  /** null when Temporal is unreachable at start; workflow routes then answer 503. */
  temporal: Client | null;
  taskQueue: string;
  clock: Clock;
  sms: SmsSender;
  logger: Logger;
  jwtSecret: string;
}

export interface CurrentUser {
  id: number;
  sessionId: string;
  loginName: string;
  name: string;
  role: UserRole;
  institutionId: number | null;
  orgId: number | null;
  mustChangePassword: boolean;
  permissions: Set<Permission>;
  institution: { id: number; name: string; status: string; isBase: boolean; needsCompletion: boolean } | null;
  org: { id: number; name: string; kind: string; regionCode: string | null } | null;
}

declare global {
  namespace Express {
    interface Request {
      id: string;
      user?: CurrentUser;
    }
  }
}
