import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createInstitution, login, makePhone } from '../helpers/fixtures';
import { createSubAdmin } from '../helpers/admins';
import { download, failureRows, institutionWithClasses, keepHistory, nthId, readXlsx, upload, waitFor, waitJob, xlsx } from '../helpers/imports';
import type { Agent } from '../helpers/agent';

/**
 * 班级人员导出 from a class's 报名人员: export:<jobId> streams the members into an xlsx,
 * the file is downloadable until the retention timer removes it (the list then says
 * 已过期). Files the platform writes open in LibreOffice with ID numbers as text.
 */
let p: TestPlatform;
let t: Awaited<ReturnType<typeof institutionWithClasses>>;
let agent: Agent;

beforeAll(async () => {
  p = await startPlatform({ env: { EXPORT_RETENTION_SECONDS: '4' } });
  t = await institutionWithClasses(p.db);
  agent = p.agent();
  await login(agent, t.admin);
});
afterAll(() => p?.close());

const LIBREOFFICE = ['libreoffice', 'soffice'].find((b) => spawnSync('which', [b]).status === 0) ?? null;

/** LibreOffice's own reading of the file, as CSV text. */
function libreofficeCsv(data: Buffer): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lo-'));
  try {
    fs.writeFileSync(path.join(dir, 'f.xlsx'), data);
    execFileSync(LIBREOFFICE!, [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76', '--outdir', dir, path.join(dir, 'f.xlsx')], { timeout: 120000, stdio: 'ignore' });
    return fs.readFileSync(path.join(dir, 'f.csv'), 'utf8');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('班级人员导出', () => {
  let jobId: string;
  const ids = Array.from({ length: 30 }, (_, i) => nthId(20000 + i));

  beforeAll(async () => {
    await p.db('class_members').insert(ids.map((id, i) => ({
      class_id: t.approved.id, institution_id: t.inst.id, name: i === 0 ? '=cmd|"/c calc"!A1' : `学员${i}`, id_number: id, phone: makePhone(), employer: i === 1 ? '@SUM(1)' : '单位',
    })));
    await p.db('outcomes').insert({ class_id: t.approved.id, institution_id: t.inst.id, id_number: ids[2], name: '学员2', hours: 8, result: 'pass' });
  });

  it('starts from the class, shows progress until done, then the file: all members, ID columns as text, formulas neutralised', async () => {
    const res = await agent.post(`/exports/class/${t.approved.id}`);
    expect(res.status).toBe(303);
    jobId = res.location!.split('/').pop()!;
    const running = await agent.get(`/exports/${jobId}`);
    expect(running.status).toBe(200);
    await waitFor(async () => (await p.db('export_jobs').where({ id: jobId }).first('status')).status === 'succeeded', 30000, 'export');
    const frag = await agent.get(`/exports/${jobId}/progress`);
    expect(frag.text).toContain('下载导出数据');
    expect(frag.text).not.toContain('hx-trigger');
    const data = await download(agent, `/exports/${jobId}/file`);
    const rows = await readXlsx(data);
    expect(rows[0]).toEqual(['姓名', '身份证号码', '手机号', '工作单位', '学时', '培训结果']);
    expect(rows.slice(1).map((r) => r[1])).toEqual(ids);
    expect(rows[1][0]).toBe('\'=cmd|"/c calc"!A1');
    expect(rows[2][3]).toBe("'@SUM(1)");
    expect(rows[3].slice(4)).toEqual([8, '合格']);
    const list = await agent.get('/exports');
    expect(list.text).toContain(t.approved.name);
    expect(await p.db('audit_log').where({ event: 'export_finished' }).whereRaw("detail->>'jobId' = ?", [jobId]).count('* as n').first()).toEqual({ n: 1 });

    if (!LIBREOFFICE) {
      console.warn('LibreOffice is not installed (Debian package libreoffice-calc-nogui): the LibreOffice check is skipped');
      return;
    }
    const csv = libreofficeCsv(data);
    for (const id of ids.slice(1)) expect(csv).toContain(`,${id},`);
    expect(csv).not.toMatch(/E\+17/);
  });

  it("another institution's admin gets 404 on the job, its progress and its file, and cannot export the class", async () => {
    const other = await createInstitution(p.db);
    const them = p.agent();
    await login(them, other.admin);
    for (const path of [`/exports/${jobId}`, `/exports/${jobId}/progress`, `/exports/${jobId}/file`]) {
      expect([path, (await them.get(path)).status]).toEqual([path, 404]);
    }
    expect((await them.post(`/exports/class/${t.approved.id}`)).status).toBe(404);
    expect((await them.get('/exports')).text).not.toContain(jobId);
  });

  it('a sub-admin who may export (without 导出任务查看) watches its export and downloads it; one who may not is refused', async () => {
    const exporter = p.agent();
    await login(exporter, await createSubAdmin(p.db, t.inst.id, { permissions: ['classes.view', 'classes.export'] }));
    const res = await exporter.post(`/exports/class/${t.approved.id}`);
    expect(res.status).toBe(303);
    const id = res.location!.split('/').pop()!;
    await waitFor(async () => (await p.db('export_jobs').where({ id }).first('status')).status === 'succeeded', 30000, 'export');
    const page = await exporter.get(`/exports/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('返回导出任务查看');
    expect((await exporter.get(`/exports/${id}/progress`)).status).toBe(200);
    expect((await readXlsx(await download(exporter, `/exports/${id}/file`))).length).toBe(ids.length + 1);
    expect((await exporter.get('/exports')).status).toBe(403);
    const viewer = p.agent();
    await login(viewer, await createSubAdmin(p.db, t.inst.id, { permissions: ['classes.view', 'classes.import'] }));
    for (const path of [`/exports/${id}`, `/exports/${id}/progress`, `/exports/${id}/file`]) expect([path, (await viewer.get(path)).status]).toEqual([path, 403]);
  });

  it('the retention timer removes the file; the list says 已过期', async () => {
    await waitFor(async () => (await p.db('export_jobs').where({ id: jobId }).first('status')).status === 'expired', 30000, 'expiry');
    const job = await p.db('export_jobs').where({ id: jobId }).first();
    expect(job.file_id).toBeNull();
    expect((await agent.get(`/exports/${jobId}/file`)).status).toBe(410);
    expect((await agent.get('/exports')).text).toContain('已过期');
    await new Promise((r) => setTimeout(r, 500));
    await keepHistory(p.deps.temporal!, 'export-job-expired', `export:${jobId}`);
  });
});

it('an import failure file opens in LibreOffice with its ID column as text', async () => {
  const H = ['*姓名', '*身份证号码', '*手机号', '工作单位'];
  const good = nthId(30000);
  const up = await upload(agent, `/imports/class/${t.approved.id}/new`, await xlsx([H, ['甲', good, makePhone(), ''], ['乙', good, '1', '']], { textCols: [2, 3] }), { type: 'class_members' });
  await waitJob(p.db, up.jobId!);
  const f = await failureRows(agent, up.jobId!);
  expect(f.rows[0].cells[1]).toBe(good);
  if (!LIBREOFFICE) return console.warn('LibreOffice is not installed (Debian package libreoffice-calc-nogui): skipped');
  const csv = libreofficeCsv(await download(agent, `/imports/${up.jobId}/files/failure`));
  expect(csv).toContain(`,${good},`);
});
