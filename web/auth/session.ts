import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { RequestHandler, Response } from 'express';
import type { AppDeps, CurrentUser } from '../../app/deps';
import { permissionsFor, type UserRole } from '../../domain/permissions';

export const SESSION_COOKIE = 'session';
export const IDLE_TIMEOUT_SECONDS = 30 * 60;
const ALGORITHM = 'HS256' as const;

interface Claims {
  sid: string;
  sub: string;
}

function setCookie(deps: AppDeps, res: Response, claims: Claims) {
  const iat = Math.floor(deps.clock.now().getTime() / 1000);
  const token = jwt.sign({ ...claims, iat, exp: iat + IDLE_TIMEOUT_SECONDS }, deps.jwtSecret, { algorithm: ALGORITHM });
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.config.NODE_ENV === 'production',
    path: '/',
  });
}

export async function startSession(deps: AppDeps, res: Response, userId: number): Promise<string> {
  const sid = randomUUID();
  await deps.db('sessions').insert({ id: sid, user_id: userId, created_at: deps.clock.now() });
  setCookie(deps, res, { sid, sub: String(userId) });
  return sid;
}

export async function revokeSessions(deps: AppDeps, userId: number, exceptSessionId?: string): Promise<void> {
  const q = deps.db('sessions').where({ user_id: userId }).whereNull('revoked_at');
  if (exceptSessionId) q.whereNot({ id: exceptSessionId });
  await q.update({ revoked_at: deps.clock.now() });
}

export function clearSession(res: Response) {
  res.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** Loads the signed-in user on every request, with permissions fresh from the database. */
export async function loadCurrentUser(deps: AppDeps, userId: number, sessionId: string): Promise<CurrentUser | null> {
  const row = await deps.db('users as u')
    .join('sessions as s', 's.user_id', 'u.id')
    .leftJoin('institutions as i', 'i.id', 'u.institution_id')
    .leftJoin('reviewer_orgs as o', 'o.id', 'u.org_id')
    .where({ 'u.id': userId, 's.id': sessionId })
    .whereNull('s.revoked_at')
    .first(
      'u.*',
      'i.name as i_name',
      'i.status as i_status',
      'i.is_base as i_is_base',
      'i.needs_completion as i_needs_completion',
      'o.name as o_name',
      'o.kind as o_kind',
      'o.region_code as o_region_code',
    );
  if (!row || row.status !== 'active') return null;
  let rolePermissions: string[] = [];
  if (row.role === 'sub_admin') {
    const roles = await deps.db('user_roles as ur').join('roles as r', 'r.id', 'ur.role_id').where('ur.user_id', userId).select('r.permissions');
    rolePermissions = roles.flatMap((r: { permissions: string[] }) => r.permissions);
  }
  return {
    id: row.id,
    sessionId,
    loginName: row.login_name,
    name: row.name,
    role: row.role as UserRole,
    institutionId: row.institution_id,
    orgId: row.org_id,
    mustChangePassword: row.must_change_password,
    permissions: permissionsFor({
      role: row.role,
      institutionActive: row.i_status === 'active',
      isBase: !!row.i_is_base,
      rolePermissions,
    }),
    institution: row.institution_id
      ? { id: row.institution_id, name: row.i_name, status: row.i_status, isBase: row.i_is_base, needsCompletion: row.i_needs_completion }
      : null,
    org: row.org_id ? { id: row.org_id, name: row.o_name, kind: row.o_kind, regionCode: row.o_region_code } : null,
  };
}

/** Verifies the cookie (algorithm pinned), loads the user, and slides the idle timeout. */
export function sessionMiddleware(deps: AppDeps): RequestHandler {
  return async (req, res, next) => {
    const token: string | undefined = req.cookies?.[SESSION_COOKIE];
    if (!token) return next();
    let claims: Claims;
    try {
      claims = jwt.verify(token, deps.jwtSecret, {
        algorithms: [ALGORITHM],
        clockTimestamp: Math.floor(deps.clock.now().getTime() / 1000),
      }) as Claims;
    } catch {
      clearSession(res);
      return next();
    }
    const user = await loadCurrentUser(deps, Number(claims.sub), claims.sid);
    if (!user) {
      clearSession(res);
      return next();
    }
    req.user = user;
    setCookie(deps, res, { sid: claims.sid, sub: claims.sub });
    next();
  };
}
