import path from 'node:path';
import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler } from 'express';
import cookieParser from 'cookie-parser';
import type { AppDeps } from '../app/deps';
import { SecureRouter } from './router';
import { AREAS } from './areas';
import { csrf } from './auth/csrf';
import { sessionMiddleware } from './auth/session';
import { forcedSteps } from './auth/guard';
import { navFor } from './nav';
import { setupViews } from './render';

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  setupViews(app);

  app.use((req, res, next) => {
    req.id = randomUUID();
    res.set('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      deps.logger.info('request', {
        reqId: req.id,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        userId: req.user?.id,
      });
    });
    res.locals.requestId = req.id;
    next();
  });

  // Pages load script only from here and never inline or eval'd; nothing frames them; uploads
  // viewed inline cannot run script either. Style attributes stay allowed (progress bars).
  app.use((_req, res, next) => {
    res.set({
      'Content-Security-Policy':
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
    });
    next();
  });

  app.use('/static/htmx.min.js', express.static(require.resolve('htmx.org/dist/htmx.min.js'), { maxAge: '1d' }));
  app.use('/static', express.static(path.resolve(__dirname, 'static'), { maxAge: '1h' }));
  app.use(express.urlencoded({ extended: true, limit: '1mb' }));
  app.use(cookieParser());
  app.use(csrf(deps.jwtSecret, deps.config.NODE_ENV === 'production'));
  app.use(sessionMiddleware(deps));
  app.use((req, res, next) => {
    // Signed-in pages and files carry names, ID numbers and phones: not kept by the browser or
    // a proxy, so Back after 退出 on a shared computer shows nothing.
    if (req.user) res.set('Cache-Control', 'no-store');
    res.locals.user = req.user ?? null;
    res.locals.path = req.path;
    res.locals.nav = req.user ? navFor(req.user, req.path) : [];
    next();
  });
  app.use(forcedSteps);

  const r = new SecureRouter();
  for (const register of AREAS) register(r, deps);
  app.use(r.router);

  app.use((req, res) => {
    res.status(404).render('errors/404.njk');
  });

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    if ((err as { code?: string })?.code === 'LIMIT_FILE_SIZE') err.status = 413;
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
    if (status >= 500) deps.logger.error('error', { reqId: req.id, path: req.path, error: String(err?.stack ?? err) });
    if (res.headersSent) return;
    if (status === 413) return res.status(413).render('errors/error.njk', { title: '文件过大', message: '上传的文件超过大小限制' });
    if (status === 404) return res.status(404).render('errors/404.njk');
    if (status === 403) return res.status(403).render('errors/403.njk');
    res.status(status).render('errors/error.njk', {
      title: status >= 500 ? '系统错误' : '请求有误',
      message: status >= 500 ? '服务暂时出现问题,请稍后再试。' : '请求无法处理。',
    });
  };
  app.use(onError);
  return app;
}

export { HttpError } from './errors';
