import type { TestPlatform } from './platform';
import { login } from './fixtures';

/**
 * Shared by the bad-input tests (test/integration/badInput/*): the quality bar for every
 * form is a 4xx page that names the wrong field in Chinese beside it, shows again what was
 * typed (escaped), and leaves the database as it was.
 */
export const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** What the page says beside a field (the `error` macro), or undefined. */
export const fieldError = (html: string, field: string) => new RegExp(`<p class="error" id="e-${reEscape(field)}" role="alert">([^<]*)</p>`).exec(html)?.[1];
/** Text as nunjucks' autoescape writes it into the page. */
export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
export const SCRIPT = '<script>alert("x")</script>';

/** Expects the typed script back as text, never as markup. */
export function expectEscaped(html: string, typed = SCRIPT) {
  expect(html).toContain(esc(typed));
  expect(html).not.toContain(typed);
}

export const countRows = async (p: TestPlatform, table: string, where: Record<string, unknown>) =>
  Number((await p.db(table).where(where).count<{ n: string }[]>('* as n'))[0].n);

export async function signedInAgent(p: TestPlatform, user: { loginName: string; password: string }) {
  const a = p.agent();
  await login(a, user);
  return a;
}

/** An ID number whose check character is wrong (everything else valid). */
export const wrongCheck = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
