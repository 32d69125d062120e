import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { registerOrgs } from './orgs';
import { registerStaffAccounts } from './accounts';
import { registerSmsOutbox } from './sms';
import { registerInstitutions } from './institutions';

/** 平台管理: institutions, reviewer organisations, reviewer and auditor accounts, the SMS outbox. */
export function registerPlatform(r: SecureRouter, deps: AppDeps) {
  registerInstitutions(r, deps);
  registerOrgs(r, deps);
  registerStaffAccounts(r, deps);
  registerSmsOutbox(r, deps);
}
