import type { Request } from 'express';
import { HttpError } from '../errors';
import type { Permission } from '../../domain/permissions';

type Test = (permissions: Set<Permission>) => boolean;

/**
 * For job routes guarded 'signed_in' whose permission depends on the job read: refuses
 * (403) anyone outside an institution or holding none of the permissions that could open
 * any job, before the job is looked up; require() then checks the job's own permission.
 */
export function jobAccess(req: Request, any: Test) {
  const user = req.user!;
  if (!user.institutionId || !any(user.permissions)) throw new HttpError(403);
  return {
    institutionId: user.institutionId,
    require(test: Test) {
      if (!test(user.permissions)) throw new HttpError(403);
    },
  };
}
