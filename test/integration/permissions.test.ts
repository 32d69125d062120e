import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createAuditor, createInstitution, createReviewer, createUser, login, type TestUser } from '../helpers/fixtures';
import { createRole, createSubAdmin } from '../helpers/admins';
import type { Agent, AgentResponse } from '../helpers/agent';
import { routeRegistry, type RouteInfo } from '../../web/router';
import { INSTITUTION_PERMISSIONS, isInstitutionPermission, type StaffPermission } from '../../domain/permissions';

/**
 * The route-by-route permission test. It walks `routeRegistry` as createApp filled it,
 * so every route any area adds is checked without touching this file: for a route
 * guarded by an institution permission, a sub-admin holding every permission but that
 * one is refused, and a sub-admin holding exactly that one gets through. Staff routes
 * are refused to an institution admin and open to the role they are for.
 */

let p: TestPlatform;

/** Who holds each staff permission. */
const STAFF: Record<StaffPermission, 'applicant' | 'reviewer' | 'auditor' | 'platform_admin'> = {
  'institution.apply': 'applicant',
  'review.view': 'reviewer',
  'review.decide': 'reviewer',
  'audit.view': 'auditor',
  'platform.admin': 'platform_admin',
};

/**
 * Routes anyone may reach without signing in. A new public route is a decision, not an
 * accident: add it here with the reason it must be open.
 */
const PUBLIC_ROUTES = new Set([
  'get /healthz', // load balancer probe
  'get /', // sends to login or the dashboard
  'get /login',
  'post /login',
  'get /captcha', // a new captcha image for the login form
  'get /register',
  'post /register',
  'post /register/sms-code', // rate-limited per phone
]);

// Ids that exist nowhere: a route that got through the guard answers 404 (or a form error).
const MISSING_ID = '2147483646';
const MISSING_UUID = '00000000-0000-4000-8000-000000000000';
const fill = (path: string) => path.replace(/:([A-Za-z_]+)/g, (_m, name: string) => (/file|uuid/i.test(name) ? MISSING_UUID : MISSING_ID));

const key = (r: RouteInfo) => `${r.method} ${r.path}`;

function call(agent: Agent, r: RouteInfo, htmx = false): Promise<AgentResponse> {
  const headers: Record<string, string> = htmx ? { 'HX-Request': 'true' } : {};
  const url = fill(r.path);
  if (r.method === 'get') return agent.get(url, headers);
  return agent.request(r.method.toUpperCase(), url, {
    body: new URLSearchParams({ _csrf: agent.csrf }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': agent.csrf, ...headers },
  });
}

const refused = (s: number) => s === 401 || s === 403;

let inst: { id: number; admin: TestUser };
let roleId: number;
let sub: Agent;
let instAdmin: Agent;
const staffAgents = {} as Record<(typeof STAFF)[StaffPermission], Agent>;

async function signIn(user: TestUser) {
  const a = p.agent();
  await login(a, user);
  return a;
}

beforeAll(async () => {
  p = await startPlatform({ worker: false });
  // A base, so that 年审报告 (base-only) permissions can be granted too.
  inst = await createInstitution(p.db, { isBase: true });
  roleId = (await createRole(p.db, inst.id, [])).id;
  sub = await signIn(await createSubAdmin(p.db, inst.id, { roleIds: [roleId] }));
  instAdmin = await signIn(inst.admin);
  staffAgents.applicant = await signIn(await createUser(p.db, { role: 'applicant' }));
  staffAgents.reviewer = await signIn(await createReviewer(p.db, '350100'));
  staffAgents.auditor = await signIn(await createAuditor(p.db));
  staffAgents.platform_admin = await signIn(await createUser(p.db, { role: 'platform_admin', name: '平台管理员' }));
});
afterAll(() => p.close());

/** Permissions are read on every request, so changing the role row changes the next request. */
const grant = (permissions: string[]) => p.db('roles').where({ id: roleId }).update({ permissions });

describe('route registry', () => {
  it('every route names a known guard', () => {
    expect(routeRegistry.length).toBeGreaterThan(20);
    const known = new Set<string>(['public', 'signed_in', ...INSTITUTION_PERMISSIONS, ...Object.keys(STAFF)]);
    expect(routeRegistry.filter((r) => !known.has(r.guard)).map(key)).toEqual([]);
  });

  it('only the routes listed as public are public', () => {
    expect(routeRegistry.filter((r) => r.guard === 'public').map(key).filter((k) => !PUBLIC_ROUTES.has(k))).toEqual([]);
  });
});

describe('institution permissions', () => {
  it('a sub-admin lacking the route’s permission is refused (page, htmx and POST alike)', async () => {
    const failures: string[] = [];
    for (const r of routeRegistry.filter((x) => isInstitutionPermission(x.guard))) {
      await grant(INSTITUTION_PERMISSIONS.filter((x) => x !== r.guard));
      for (const htmx of [false, true]) {
        const res = await call(sub, r, htmx);
        if (res.status !== 403) failures.push(`${key(r)}${htmx ? ' (htmx)' : ''} without ${r.guard}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a sub-admin holding exactly the route’s permission gets through', async () => {
    const failures: string[] = [];
    for (const r of routeRegistry.filter((x) => isInstitutionPermission(x.guard))) {
      await grant([r.guard]);
      const res = await call(sub, r);
      if (refused(res.status) || res.status >= 500) failures.push(`${key(r)} with only ${r.guard}: ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('base-only permissions are void while the institution is not a base', async () => {
    const routes = routeRegistry.filter((r) => r.guard.startsWith('annual_reviews.'));
    await grant(INSTITUTION_PERMISSIONS);
    await p.db('institutions').where({ id: inst.id }).update({ is_base: false });
    try {
      for (const r of routes) expect([key(r), (await call(sub, r)).status]).toEqual([key(r), 403]);
      // With no such route yet, the rule is still checked where it lives: the role form.
      await grant(['admins.view', 'admins.edit']);
      const form = await instAdmin.get('/admins/roles/new');
      expect(form.text).toMatch(/value="annual_reviews.declare"[^>]*disabled/);
    } finally {
      await p.db('institutions').where({ id: inst.id }).update({ is_base: true });
    }
  });
});

describe('staff permissions', () => {
  it('an institution admin is refused every staff route; the role it is for gets through', async () => {
    const failures: string[] = [];
    for (const r of routeRegistry.filter((x) => x.guard in STAFF)) {
      const denied = await call(instAdmin, r);
      if (denied.status !== 403) failures.push(`${key(r)} as institution admin: ${denied.status}`);
      const holder = STAFF[r.guard as StaffPermission];
      const allowed = await call(staffAgents[holder], r);
      if (refused(allowed.status) || allowed.status >= 500) failures.push(`${key(r)} as ${holder}: ${allowed.status}`);
      // No other staff role borrows it.
      for (const [other, agent] of Object.entries(staffAgents)) {
        if (Object.entries(STAFF).some(([perm, role]) => role === other && perm === r.guard)) continue;
        const res = await call(agent, r);
        if (res.status !== 403) failures.push(`${key(r)} as ${other}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('no staff role reaches an institution route', async () => {
    const failures: string[] = [];
    const routes = routeRegistry.filter((x) => isInstitutionPermission(x.guard) && x.method === 'get');
    for (const [who, agent] of Object.entries(staffAgents)) {
      for (const r of routes) {
        const res = await call(agent, r);
        if (res.status !== 403) failures.push(`${key(r)} as ${who}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('public and signed-in routes', () => {
  it('signed-in routes send an anonymous visitor to the login page (or 401 for POST and htmx)', async () => {
    const anon = p.agent();
    await anon.get('/login');
    const failures: string[] = [];
    for (const r of routeRegistry.filter((x) => x.guard === 'signed_in')) {
      const res = await call(anon, r);
      const ok = r.method === 'get' ? res.status === 303 && res.location!.startsWith('/login?next=') : res.status === 401;
      if (!ok) failures.push(`${key(r)} anonymous: ${res.status} ${res.location ?? ''}`);
      const hx = await call(anon, r, true);
      if (hx.status !== 401) failures.push(`${key(r)} anonymous htmx: ${hx.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('signed-in pages open for every kind of user, without any institution permission', async () => {
    await grant([]);
    const failures: string[] = [];
    const pages = routeRegistry.filter((x) => x.guard === 'signed_in' && x.method === 'get' && !x.path.includes(':'));
    expect(pages.map(key)).toEqual(expect.arrayContaining(['get /dashboard', 'get /account', 'get /account/password']));
    for (const [who, agent] of Object.entries({ sub, instAdmin, ...staffAgents })) {
      for (const r of pages) {
        const res = await call(agent, r);
        if (refused(res.status) || res.status >= 500) failures.push(`${key(r)} as ${who}: ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('public pages answer an anonymous visitor', async () => {
    const anon = p.agent();
    const failures: string[] = [];
    for (const r of routeRegistry.filter((x) => x.guard === 'public' && x.method === 'get' && !x.path.includes(':'))) {
      const res = await call(anon, r);
      if (res.status >= 400) failures.push(`${key(r)}: ${res.status}`);
    }
    expect(failures).toEqual([]);
  });
});
