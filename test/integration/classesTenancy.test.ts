import { randomUUID } from 'node:crypto';
import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createReviewer, login, makeIdNumber } from '../helpers/fixtures';
import { insertClass, institutionWithCatalogue, type Catalogue } from '../helpers/classes';
import { routeRegistry } from '../../web/router';
import { maskIdNumber } from '../../domain/validation';
import type { Agent } from '../helpers/agent';

/**
 * Every route of the classes, declarations and trainees areas, walked from the route
 * registry: another institution's admin gets 404 for this institution's class, member,
 * outcome, file, report and person, and a reviewer gets 403 everywhere.
 */
let p: TestPlatform;
let c: Catalogue;
let other: Agent;
let reviewer: Agent;
const ids: Record<string, string> = {};
let className = '';
let masked = '';

beforeAll(async () => {
  p = await startPlatform({ worker: false });
  c = await institutionWithCatalogue(p.db);
  const classId = await insertClass(p.db, c, { status: 'draft', outcome_mode: 'with_declaration' });
  className = (await p.db('training_classes').where({ id: classId }).first('name')).name;
  const idNumber = makeIdNumber();
  const [m] = await p.db('class_members').insert({ class_id: classId, institution_id: c.inst.id, name: '张甲', id_number: idNumber }).returning('id');
  const [o] = await p.db('outcomes').insert({ class_id: classId, institution_id: c.inst.id, name: '张甲', id_number: idNumber, hours: 3, result: 'pass' }).returning('id');
  const [f] = await p.db('files').insert({ id: randomUUID(), institution_id: c.inst.id, name: 'a.pdf', mime: 'application/pdf', size: 4, data: Buffer.from('%PDF') }).returning('id');
  await p.db('class_attachments').insert({ class_id: classId, file_id: f.id });
  const reportId = randomUUID();
  await p.db('outcome_reports').insert({ id: reportId, class_id: classId, institution_id: c.inst.id, rows: 0, created_by: c.admin.id });
  const [r] = await p.db('training_records').insert({ institution_id: c.inst.id, id_number: idNumber, name: '张甲', delivery: 'onsite', class_id: classId, training_year: 2025, subject_type: 'public', hours: 3, result: 'pass', source_key: `tenancy:${randomUUID()}` }).returning('id');
  masked = maskIdNumber(idNumber);
  Object.assign(ids, { id: String(classId), memberId: String(m.id), outcomeId: String(o.id), fileId: f.id, reportId, ref: `r${r.id}` });

  const b = await institutionWithCatalogue(p.db);
  other = p.agent();
  await login(other, b.admin);
  reviewer = p.agent();
  await login(reviewer, await createReviewer(p.db, '350100'));
});
afterAll(() => p.close());

const mine = () => routeRegistry.filter((r) => /^\/(classes|declarations|trainees)(\/|$)/.test(r.path));
const fill = (path: string) => path.replace(/:(\w+)/g, (_, k) => ids[k] ?? 'x');

describe('tenancy of classes, declarations and trainees', () => {
  it('covers the areas’ routes', () => {
    const paths = mine().map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual(expect.arrayContaining(['get /classes', 'get /declarations', 'get /trainees', 'post /classes/:id/close', 'post /declarations/:id/outcomes']));
    expect(paths.length).toBeGreaterThan(30);
  });

  it('gives another institution 404 for every route naming this institution’s records', async () => {
    const withParams = mine().filter((r) => r.path.includes(':'));
    for (const r of withParams) {
      const path = fill(r.path);
      const res = r.method === 'get' ? await other.get(path) : await other.post(path, { confirm: '1', name: '改', idNumber: makeIdNumber() });
      expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 404]);
    }
    expect(await p.db('class_members').where({ class_id: Number(ids.id) })).toHaveLength(1);
    expect((await p.db('training_classes').where({ id: Number(ids.id) }).first()).status).toBe('draft');
  });

  it('shows another institution none of this institution’s classes in its lists', async () => {
    for (const path of ['/classes', '/declarations', '/declarations?tab=other', '/trainees?name=张甲']) {
      const res = await other.get(path);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain(className);
      expect(res.text).not.toContain(masked);
      expect(res.text).not.toContain('<td>张甲</td>');
    }
  });

  it('refuses a reviewer every route with 403', async () => {
    for (const r of mine()) {
      const path = fill(r.path);
      const res = r.method === 'get' ? await reviewer.get(path) : await reviewer.post(path, {});
      expect([r.method, r.path, res.status]).toEqual([r.method, r.path, 403]);
    }
  });
});
