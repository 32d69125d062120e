import type { RequestHandler } from 'express';
import type { Guard, Permission } from '../../domain/permissions';

export function requireGuard(guard: Guard): RequestHandler {
  return (req, res, next) => {
    if (guard === 'public') return next();
    if (!req.user) {
      if (req.method === 'GET' && !req.get('HX-Request')) {
        return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      }
      if (req.get('HX-Request')) res.set('HX-Redirect', '/login');
      return res.status(401).render('errors/401.njk');
    }
    if (guard === 'signed_in') return next();
    if (!req.user.permissions.has(guard as Permission)) {
      return res.status(403).render('errors/403.njk');
    }
    next();
  };
}

// Paths a user may still reach while the platform insists on something first.
const ALWAYS_OPEN = ['/logout', '/static/', '/healthz', '/captcha'];

/**
 * Forced steps after login: a first-login password change, and the completion of an
 * institution's missing fields (manual 二, last paragraph). Until done, every other
 * page sends the user there.
 */
export const forcedSteps: RequestHandler = (req, res, next) => {
  const u = req.user;
  if (!u || ALWAYS_OPEN.some((p) => req.path.startsWith(p))) return next();
  let target: string | null = null;
  if (u.mustChangePassword) target = '/account/password';
  // Whoever may edit the institution's information completes it, a sub-admin with 机构信息管理
  // too; the others work on with a notice (layout.njk), as they could not fill it in.
  else if (u.institution?.needsCompletion && u.permissions.has('profile.edit')) target = '/profile/complete';
  if (!target || req.path === target) return next();
  if (req.get('HX-Request')) {
    res.set('HX-Redirect', target);
    return res.status(204).end();
  }
  res.redirect(303, target);
};
