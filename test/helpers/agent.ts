/**
 * A small HTTP client that behaves like a browser without JavaScript: keeps cookies,
 * does not follow redirects (tests look at them), and sends the CSRF token found on
 * the last page it loaded.
 */
export interface AgentResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

export class Agent {
  cookies = new Map<string, string>();
  csrf = '';

  constructor(public baseUrl: string) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private absorb(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: string, path: string, init: { body?: BodyInit; headers?: Record<string, string> } = {}): Promise<AgentResponse> {
    const res = await fetch(this.baseUrl + path, {
      method,
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), ...init.headers },
      body: init.body,
    });
    this.absorb(res);
    const text = await res.text();
    const m = text.match(/<meta name="csrf-token" content="([^"]+)">/);
    if (m) this.csrf = m[1];
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  get(path: string, headers: Record<string, string> = {}) {
    return this.request('GET', path, { headers });
  }

  /** Form post; fetches a page first if no CSRF token is known yet. */
  async post(path: string, form: Record<string, string | string[]> = {}, opts: { csrf?: string | null; headers?: Record<string, string> } = {}) {
    if (!this.csrf && opts.csrf === undefined) await this.get('/login');
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token !== null) body.append('_csrf', token);
    return this.request('POST', path, {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...opts.headers },
    });
  }

  /** Multipart post (uploads): the token goes in the URL as multipart forms do. */
  async upload(path: string, form: FormData) {
    if (!this.csrf) await this.get('/login');
    const sep = path.includes('?') ? '&' : '?';
    return this.request('POST', `${path}${sep}_csrf=${encodeURIComponent(this.csrf)}`, { body: form });
  }
}
