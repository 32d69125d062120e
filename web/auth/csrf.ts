import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const COOKIE = 'csrf';
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Signed double-submit: a random cookie, and a token that is its HMAC. A page (or htmx,
 * through hx-headers on <body>) sends the token back with every state-changing request;
 * another site can neither read the cookie nor compute the token. Works before login.
 * Multipart forms carry the token in the action URL (?_csrf=) because the body is parsed
 * later by the upload handler.
 */
export function csrf(secret: string, secureCookie: boolean): RequestHandler {
  const sign = (seed: string) => createHmac('sha256', secret).update(`csrf:${seed}`).digest('base64url');
  return (req, res, next) => {
    let seed: string | undefined = req.cookies?.[COOKIE];
    if (!seed || !/^[A-Za-z0-9_-]{20,}$/.test(seed)) {
      seed = randomBytes(24).toString('base64url');
      res.cookie(COOKIE, seed, { httpOnly: true, sameSite: 'lax', secure: secureCookie, path: '/' });
      req.cookies = { ...(req.cookies ?? {}), [COOKIE]: seed };
    }
    const expected = sign(seed);
    res.locals.csrfToken = expected;
    if (SAFE.has(req.method)) return next();
    const sent = String(req.get('X-CSRF-Token') ?? req.body?._csrf ?? req.query?._csrf ?? '');
    const ok = sent.length === expected.length && timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
    if (!ok) return res.status(403).render('errors/csrf.njk');
    next();
  };
}
