import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { registerApplication } from './apply';
import { registerProfile } from './profile';

/** The institutions area: 申请继续教育机构 and 机构信息管理. */
export function registerInstitutions(r: SecureRouter, deps: AppDeps) {
  registerApplication(r, deps);
  registerProfile(r, deps);
}
