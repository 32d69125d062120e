import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { startPlatform, type TestPlatform } from './platform';

/** Debian's Chromium, never a downloaded one; flags keep it off the closed network. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A form field by its whole label (a required field's label starts with a red *, hidden from readers). */
export const field = (page: Page, label: string) => page.getByLabel(new RegExp(`^\\*?${escape(label)}$`));

/**
 * Waits until htmx has finished its last swap. htmx attaches its handlers to swapped-in
 * content in the settle step (20 ms later), so typing into a just-boosted page can be
 * missed by hx-trigger; real people are not that quick, tests are.
 */
export const htmxSettled = (page: Page) =>
  page.waitForFunction(() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added'));

/**
 * The text of the page's confirmation (role=status). When the page answers with an error
 * (role=alert) instead, fails at once with that error's text rather than timing out blind.
 */
export async function statusText(page: Page): Promise<string> {
  const either = page.locator('[role=status], [role=alert]').first();
  await either.waitFor();
  const text = await either.innerText();
  if ((await either.getAttribute('role')) === 'alert') throw new Error(`the page showed an error instead of a confirmation: ${text}`);
  return text;
}

/** The menu entries the signed-in person sees. */
export const navLinks = (page: Page) => page.getByRole('navigation', { name: '导航' }).getByRole('link').allInnerTexts();

export interface BrowserPlatform {
  /** The platform and the browser, there from the file's beforeAll on. */
  readonly p: TestPlatform;
  readonly browser: Browser;
  /** A page in a context of its own (its own cookies), closed before the browser. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /**
   * Logs `user` in by the login page's labels; then waits for a URL matching `until`, or
   * without it for the network to settle (a first login may land on 修改密码 instead).
   */
  logIn(page: Page, user: { loginName: string; password: string }, until?: RegExp): Promise<void>;
}

/**
 * A browser test file's platform (startPlatform with `opts`) and Chromium, started in
 * beforeAll and closed in afterAll. Call it at the top of the file, before the file's
 * own beforeAll, which then sees both started.
 */
export function useBrowserPlatform(opts: Parameters<typeof startPlatform>[0] = {}): BrowserPlatform {
  let p: TestPlatform | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  // Anything the Content-Security-Policy blocks is a page that does not work as written.
  const blocked: string[] = [];
  afterEach(() => {
    const seen = blocked.splice(0);
    expect(seen).toEqual([]);
  });
  beforeAll(async () => {
    p = await startPlatform(opts);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await p?.close();
  });
  const started = <T>(v: T | undefined): T => {
    if (!v) throw new Error('useBrowserPlatform: used before its beforeAll ran');
    return v;
  };
  const fixture: BrowserPlatform = {
    get p() {
      return started(p);
    },
    get browser() {
      return started(browser);
    },
    async newPage(options) {
      const ctx = await fixture.browser.newContext(options);
      contexts.push(ctx);
      const page = await ctx.newPage();
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) blocked.push(`${page.url()}: ${m.text()}`);
      });
      return page;
    },
    async logIn(page, user, until) {
      await page.goto(`${fixture.p.baseUrl}/login`);
      await page.getByLabel('登录账号').fill(user.loginName);
      await field(page, '密码').fill(user.password);
      await page.getByRole('button', { name: '登录' }).click();
      if (until) await page.waitForURL(until);
      else await page.waitForLoadState('networkidle');
    },
  };
  return fixture;
}
