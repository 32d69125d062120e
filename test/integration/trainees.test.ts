import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createInstitution, login, makeIdNumber, uniq } from '../helpers/fixtures';
import { insertClass, institutionWithCatalogue, type Catalogue } from '../helpers/classes';
import { maskIdNumber } from '../../domain/validation';
import { yearlyTotals } from '../../db/trainees';
import type { Agent } from '../helpers/agent';

let p: TestPlatform;
let c: Catalogue;
let a: Agent;
const surname = `欧阳${uniq('')}`.slice(0, 12);
const person = { id: makeIdNumber(), name: `${surname}明` };
const other = { id: makeIdNumber(), name: `${surname}亮` };

async function record(idNumber: string, name: string, year: number, subject: 'public' | 'professional', hours: number, result = 'pass', classId: number | null = null) {
  await p.db('training_records').insert({
    institution_id: c.inst.id, id_number: idNumber, name, delivery: classId ? 'onsite' : 'online', class_id: classId, course_name: `课程${uniq('')}`,
    training_year: year, subject_type: subject, hours, result, source_key: `test:${uniq('')}`,
  });
}

beforeAll(async () => {
  p = await startPlatform({ worker: false });
  c = await institutionWithCatalogue(p.db);
  a = p.agent();
  await login(a, c.admin);
  const classId = await insertClass(p.db, c, { status: 'approved', name: `档案测试班${uniq('')}` });
  await record(person.id, person.name, 2024, 'public', 30, 'pass', classId);
  await record(person.id, person.name, 2024, 'professional', 60);
  await record(person.id, person.name, 2025, 'public', 40);
  await record(person.id, person.name, 2025, 'professional', 20, 'fail');
  await record(other.id, other.name, 2025, 'professional', 12);
  // Enrolled, no record yet: still a trainee of this institution.
  const open = await insertClass(p.db, c, { status: 'approved', name: `在训班${uniq('')}` });
  await p.db('class_members').insert({ class_id: open, institution_id: c.inst.id, name: `${surname}新`, id_number: makeIdNumber() });
});
afterAll(() => p.close());

describe('培训人员', () => {
  it('finds people by name prefix, with ID numbers masked', async () => {
    const res = await a.get(`/trainees?name=${encodeURIComponent(surname)}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(person.name);
    expect(res.text).toContain(other.name);
    expect(res.text).toContain(`${surname}新`);
    expect(res.text).toContain(maskIdNumber(person.id));
    expect(res.text).not.toContain(person.id);
  });

  it('finds by ID-number prefix and by year, and answers htmx with the list only', async () => {
    const byId = await a.get(`/trainees?idNumber=${person.id.slice(0, 17)}`);
    expect(byId.text).toContain(person.name);
    expect(byId.text).not.toContain(other.name);
    const byYear = await a.get(`/trainees?name=${encodeURIComponent(surname)}&year=2024`, { 'HX-Request': 'true' });
    expect(byYear.text).toContain(person.name);
    expect(byYear.text).not.toContain(other.name);
    expect(byYear.text).not.toContain('<html');
    const bad = await a.get('/trainees?idNumber=abc');
    expect(bad.text).toContain('身份证号码只能包含数字和X');
  });

  it("shows a person's records with yearly totals against the 90-hour rule", async () => {
    const rec = await p.db('training_records').where({ institution_id: c.inst.id, id_number: person.id }).first('id');
    const res = await a.get(`/trainees/person/r${rec.id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('档案测试班');
    expect(res.text).toContain('不合格');
    expect(res.text).toMatch(/2024<\/td><td class="num">30<\/td><td class="num">60<\/td><td class="num">90<\/td>\s*<td><span class="badge approved">达标/);
    expect(res.text).toContain('不足 90 学时');
    expect(res.text).toContain('专业科目不足三分之二');
  });

  it('computes the rule in exact terms', () => {
    const t = yearlyTotals([
      { training_year: 2024, subject_type: 'public', hours: 30, result: 'pass' },
      { training_year: 2024, subject_type: 'professional', hours: 60, result: 'pass' },
      { training_year: 2023, subject_type: 'public', hours: 31, result: 'pass' },
      { training_year: 2023, subject_type: 'professional', hours: 60, result: 'pass' },
      { training_year: 2023, subject_type: 'professional', hours: 50, result: 'fail' },
    ]);
    expect(t[0]).toMatchObject({ year: 2024, total: 90, meetsTotal: true, meetsShare: true });
    expect(t[1]).toMatchObject({ year: 2023, total: 91, professional: 60, meetsTotal: true, meetsShare: false });
  });

  it("another institution sees none of these people and gets 404 for their pages", async () => {
    const b = await createInstitution(p.db);
    const bAgent = p.agent();
    await login(bAgent, b.admin);
    const list = await bAgent.get(`/trainees?name=${encodeURIComponent(surname)}`);
    expect(list.text).not.toContain(person.name);
    const rec = await p.db('training_records').where({ id_number: person.id }).first('id');
    expect((await bAgent.get(`/trainees/person/r${rec.id}`)).status).toBe(404);
    expect((await bAgent.get('/trainees/person/x1')).status).toBe(404);
  });
});
