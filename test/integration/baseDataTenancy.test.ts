import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createInstitution, createReviewer, createUser, login, uniq } from '../helpers/fixtures';
import { insertCourseRow, insertPlatformRow, insertSiteRow, insertTeacherRow } from '../helpers/baseData';
import type { Agent } from '../helpers/agent';
import { routeRegistry } from '../../web/router';

/**
 * Every route of courses, teachers and connections with two institutions: the second
 * one's admin gets 404 on each id of the first, changes nothing, and sees none of its
 * rows in lists; users without the permission get 403.
 */
let p: TestPlatform;
let first: Awaited<ReturnType<typeof createInstitution>>;
let second: Awaited<ReturnType<typeof createInstitution>>;
let b: Agent;
const ids: Record<string, number> = {};
const names: string[] = [];

const MINE = /^\/(courses|teachers|connections)(\/|$)/;
const myRoutes = () => routeRegistry.filter((r) => MINE.test(r.path));

/** The first institution's id of the kind the path names. */
function concrete(path: string): string {
  const kind = path.startsWith('/courses') ? 'course' : path.startsWith('/teachers') ? 'teacher' : path.includes('/sites') ? 'site' : 'platform';
  return path.replace(':id', String(ids[kind]));
}

beforeAll(async () => {
  p = await startPlatform({ worker: false });
  first = await createInstitution(p.db);
  second = await createInstitution(p.db);
  const t = await insertTeacherRow(p.db, first.id, { name: uniq('甲机构教师') });
  const c = await insertCourseRow(p.db, first.id, { name: uniq('甲机构课程'), teacherIds: [t.id] });
  const s = await insertSiteRow(p.db, first.id, { name: uniq('甲机构面授点') });
  const pl = await insertPlatformRow(p.db, first.id, { name: uniq('甲机构平台') });
  Object.assign(ids, { teacher: t.id, course: c.id, site: s.id, platform: pl.id });
  names.push(t.name, c.name, s.name, pl.name);
  b = p.agent();
  await login(b, second.admin);
});
afterAll(() => p.close());

const snapshot = () =>
  Promise.all([
    p.db('teachers').where({ id: ids.teacher }).first(),
    p.db('courses').where({ id: ids.course }).first(),
    p.db('course_teachers').where({ course_id: ids.course }),
    p.db('training_sites').where({ id: ids.site }).first(),
    p.db('online_platforms').where({ id: ids.platform }).first(),
  ]);

describe('training base data across institutions', () => {
  it('registers every route of the three areas with its permission', () => {
    const routes = myRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(30);
    for (const r of routes) {
      const area = r.path.split('/')[1];
      const want = r.method === 'get' && !/\/(new|edit|delete|key)$/.test(r.path) ? `${area}.view` : `${area}.edit`;
      expect(`${r.method} ${r.path} ${r.guard}`).toBe(`${r.method} ${r.path} ${want}`);
    }
  });

  it("answers 404 to every GET and POST on the first institution's ids and changes nothing", async () => {
    const before = await snapshot();
    const idRoutes = myRoutes().filter((r) => r.path.includes(':id'));
    expect(idRoutes.length).toBeGreaterThanOrEqual(16);
    const form = { name: uniq('改名'), hours: '1', subjectType: 'public', delivery: 'onsite', gender: 'male', teacherIds: String(ids.teacher) };
    for (const r of idRoutes) {
      const path = concrete(r.path);
      const res = r.method === 'get' ? await b.get(path) : await b.post(path, form);
      expect(`${r.method} ${path} → ${res.status}`).toBe(`${r.method} ${path} → 404`);
      for (const n of names) expect(res.text).not.toContain(n);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('lists none of the first institution’s rows, even when searched for by name', async () => {
    const lists = myRoutes().filter((r) => r.method === 'get' && !r.path.includes(':id'));
    for (const r of lists) {
      for (const n of names) {
        const res = await b.get(`${r.path}?q=${encodeURIComponent(n)}`);
        expect(`${r.path} ${res.status}`).toMatch(/ (200|303)$/);
        // The search box echoes the query; the rows and choices must not hold it.
        if (r.path.endsWith('/new')) expect(res.text).not.toContain(n);
        else expect(res.text).not.toContain(`<td>${n}</td>`);
      }
    }
  });

  it("cannot make a course of its own taught by the first institution's teacher", async () => {
    const name = uniq('乙机构课程');
    const res = await b.post('/courses/new', { name, subjectType: 'public', hours: '2', delivery: 'onsite', teacherIds: String(ids.teacher) });
    expect(res.status).toBe(422);
    expect(await p.db('courses').where({ name }).first()).toBeUndefined();
  });

  it('gives 403 on every route to users without the permission', async () => {
    const reviewer = p.agent();
    await login(reviewer, await createReviewer(p.db));
    const subAdmin = p.agent();
    await login(subAdmin, await createUser(p.db, { role: 'sub_admin', institutionId: first.id }));
    const viewer = p.agent();
    const viewerUser = await createUser(p.db, { role: 'sub_admin', institutionId: first.id });
    const [role] = await p.db('roles')
      .insert({ institution_id: first.id, name: uniq('查看'), permissions: ['courses.view', 'teachers.view', 'connections.view'] })
      .returning('id');
    await p.db('user_roles').insert({ user_id: viewerUser.id, role_id: role.id });
    await login(viewer, viewerUser);

    const before = await snapshot();
    for (const r of myRoutes()) {
      const path = concrete(r.path);
      for (const agent of [reviewer, subAdmin]) {
        const res = r.method === 'get' ? await agent.get(path) : await agent.post(path, {});
        expect(`${r.method} ${path} → ${res.status}`).toBe(`${r.method} ${path} → 403`);
      }
      const res = r.method === 'get' ? await viewer.get(path) : await viewer.post(path, {});
      const want = r.guard.endsWith('.view') ? [200, 303] : [403];
      expect(want).toContain(res.status);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('sends a signed-out visitor to the login page', async () => {
    const anon = p.agent();
    for (const r of myRoutes().filter((x) => x.method === 'get')) {
      const res = await anon.get(concrete(r.path));
      expect(res.status).toBe(303);
      expect(res.location).toMatch(/^\/login\?next=/);
    }
  });
});
