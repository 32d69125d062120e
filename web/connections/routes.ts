import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { registerSites } from './sites';
import { registerOnlinePlatforms } from './onlinePlatforms';

/** 培训对接管理 (manual 3.3): two tabs, 面授点 and 网授平台. */
export function registerConnections(r: SecureRouter, deps: AppDeps) {
  registerSites(r, deps);
  registerOnlinePlatforms(r, deps);
}
