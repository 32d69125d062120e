import path from 'node:path';
import nunjucks from 'nunjucks';
import type { Express, Request } from 'express';
import { maskIdNumber, maskPhone } from '../domain/validation';

export const TEMPLATES_DIR = path.resolve(__dirname, '../templates');

export const STATUS_LABELS: Record<string, string> = {
  draft: '草稿',
  pending: '待审核',
  approved: '已通过',
  rejected: '已退回',
  withdrawn: '已撤回',
  closed: '已结班',
  active: '正常',
  disabled: '已停用',
  queued: '排队中',
  running: '处理中',
  succeeded: '已完成',
  failed: '失败',
  expired: '已过期',
};

export const SUBJECT_LABELS: Record<string, string> = { public: '公需科目', professional: '专业科目' };
export const RESULT_LABELS: Record<string, string> = { pass: '合格', fail: '不合格' };
export const DELIVERY_LABELS: Record<string, string> = { onsite: '面授', online: '网授' };

const fmt = (d: unknown, withTime: boolean) => {
  if (!d) return '';
  const date = d instanceof Date ? d : new Date(String(d));
  if (Number.isNaN(date.getTime())) return String(d);
  const s = date.toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai', hour12: false });
  return withTime ? s.slice(0, 16) : s.slice(0, 10);
};

export function setupViews(app: Express): nunjucks.Environment {
  const env = nunjucks.configure(TEMPLATES_DIR, { autoescape: true, express: app, noCache: process.env.NODE_ENV === 'development' });
  env.addFilter('status', (s: string) => STATUS_LABELS[s] ?? s);
  env.addFilter('subject', (s: string) => SUBJECT_LABELS[s] ?? s);
  env.addFilter('result', (s: string) => RESULT_LABELS[s] ?? s);
  env.addFilter('delivery', (s: string) => DELIVERY_LABELS[s] ?? s);
  env.addFilter('date', (d: unknown) => fmt(d, false));
  env.addFilter('datetime', (d: unknown) => fmt(d, true));
  env.addFilter('maskId', maskIdNumber);
  env.addFilter('maskPhone', maskPhone);
  env.addGlobal('SUBJECT_LABELS', SUBJECT_LABELS);
  app.set('view engine', 'njk');
  return env;
}

/**
 * htmx asks for a fragment (HX-Request without HX-Boosted); everyone else, and boosted
 * navigation, gets the whole page. The same route serves both.
 */
export const wantsFragment = (req: Request) =>
  // A history restore (back button, cache miss) also carries HX-Request but wants the page.
  !!req.get('HX-Request') && !req.get('HX-Boosted') && !req.get('HX-History-Restore-Request');
