import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { fetchPage, pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { outboxQuery } from '../../db/platform';

/**
 * The SMS outbox: with no real gateway here, every message the platform sends is kept
 * and readable by the platform admin (newest first, searchable by phone).
 */
export function registerSmsOutbox(r: SecureRouter, deps: AppDeps) {
  r.get('/platform/sms', 'platform.admin', async (req, res) => {
    const phone = String(req.query.phone ?? '').trim().slice(0, 11);
    const error = phone && !/^\d+$/.test(phone) ? '请输入手机号或其前几位数字' : '';
    const page = error
      ? { rows: [], page: 1, hasNext: false }
      : await fetchPage<{ id: number; phone: string; text: string; created_at: Date }>(outboxQuery(deps.db, { phone }), pageOf(req.query.page));
    const view = { phone, errors: error ? { phone: error } : {}, ...page, base: pagerBase('/platform/sms', { phone }) };
    res.render(wantsFragment(req) ? 'platform/_sms_list.njk' : 'platform/sms.njk', view);
  });
}
