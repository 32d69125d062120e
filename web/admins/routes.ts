import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { registerAccounts } from './accounts';
import { registerRoles } from './roles';

/** 管理员管理 (manual 四.5): 账号管理 and 角色管理. */
export function registerAdmins(r: SecureRouter, deps: AppDeps) {
  registerAccounts(r, deps);
  registerRoles(r, deps);
}
