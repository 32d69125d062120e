import ExcelJS from 'exceljs';
import { startPlatform, type TestPlatform } from '../helpers/platform';
import { createInstitution, login, makePhone, uniq } from '../helpers/fixtures';
import { createSubAdmin } from '../helpers/admins';
import {
  addMembers, badCheckDigit, download, failureRows, idFor, institutionWithClasses, keepHistory, loadWorkbook, readXlsx, thisYear, upload, waitJob, xlsx,
} from '../helpers/imports';
import type { Agent } from '../helpers/agent';
import { waitFor } from '../helpers/waitFor';

/**
 * The six import types through the real path: page → upload → import:<jobId> workflow →
 * rows in PostgreSQL → success and failure files. Each type: a good file, a file with
 * every kind of bad row (all reasons of a row reported), and the failure file corrected
 * and uploaded again as it is.
 */
let p: TestPlatform;
let t: Awaited<ReturnType<typeof institutionWithClasses>>;
let agent: Agent;

beforeAll(async () => {
  p = await startPlatform({ env: { UPLOAD_MAX_BYTES: String(1024 * 1024) } });
  t = await institutionWithClasses(p.db);
  agent = p.agent();
  await login(agent, t.admin);
});
afterAll(() => p?.close());

const MEMBER_HEADER = ['*姓名', '*身份证号码', '*手机号', '工作单位'];
let seq = 100;
const nextId = () => idFor(seq++ % 1000, `19${70 + (Math.floor(seq / 1000) % 20)}0${1 + (seq % 9)}1${seq % 10}`);

/** Replaces each failure row's cells by `fix(cells)`, keeping the 失败原因 column as it is. */
async function corrected(data: Buffer, fix: (cells: unknown[], reason: string) => unknown[]) {
  const wb = await loadWorkbook(data);
  const ws = wb.worksheets[0];
  const width = ws.getRow(1).cellCount;
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const cells = (row.values as unknown[]).slice(1, width);
    const fixed = fix(cells, String(row.getCell(width).value ?? ''));
    fixed.forEach((v, i) => (row.getCell(i + 1).value = v as ExcelJS.CellValue));
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('templates', () => {
  it.each([
    ['/imports/new/template?type=class_members', ['*姓名', '*身份证号码', '*手机号', '工作单位']],
    ['/imports/new/template?type=online_outcomes', ['*姓名', '*身份证号码', '*课程名称', '*培训年度', '*学时', '*培训结果']],
    ['/imports/courses/new/template', ['*课程名称', '*科目类型', '专业', '*学时', '*授课形式', '授课教师', '课程简介']],
    ['/imports/teachers/new/template', ['*姓名', '*性别', '*身份证号码', '*手机号', '职称', '工作单位', '专业领域', '简介']],
  ])('%s: header with required marks, an example row, text ID/phone columns, an explanation sheet', async (path, header) => {
    const wb = await loadWorkbook(await download(agent, path));
    const [data, notes] = wb.worksheets;
    expect((data.getRow(1).values as unknown[]).slice(1)).toEqual(header);
    expect(data.rowCount).toBe(2);
    const idCol = header.indexOf('*身份证号码') + 1;
    if (idCol > 0) {
      expect(data.getRow(2).getCell(idCol).numFmt).toBe('@');
      expect(typeof data.getRow(2).getCell(idCol).value).toBe('string');
    }
    expect(notes.name).toBe('填写说明');
    expect(notes.getRow(2).getCell(1).value).toBe(header[0].replace('*', ''));
  });
});

describe('file retention', () => {
  it("deletes the upload and its result files after the retention time; the rows stay and the pages say so", async () => {
    const before = p.deps.config.IMPORT_RETENTION_SECONDS;
    p.deps.config.IMPORT_RETENTION_SECONDS = 2;
    let up;
    try {
      const ids = [nextId(), nextId()];
      const file = await xlsx([MEMBER_HEADER, [`过期${ids[0]}`, ids[0], makePhone(), ''], ['', ids[1], makePhone(), '']], { textCols: [2, 3] });
      up = await upload(agent, `/imports/class/${t.approved.id}/new`, file, { type: 'class_members' });
    } finally {
      p.deps.config.IMPORT_RETENTION_SECONDS = before;
    }
    const job = await waitJob(p.db, up.jobId!);
    expect(job).toMatchObject({ status: 'succeeded', rows_valid: 1, rows_failed: 1 });
    const fileIds = [job.file_id, job.success_file_id, job.failure_file_id];
    expect((await agent.get(`/imports/${up.jobId}/files/failure`)).status).toBe(200);

    const expired = await waitFor('files expired', async () => ((await p.db('import_jobs').where({ id: up.jobId }).first())?.files_expired_at ? true : null), 20000);
    expect(expired).toBe(true);
    expect(await p.db('files').whereIn('id', fileIds).count({ n: '*' }).first()).toEqual({ n: 0 });
    for (const kind of ['source', 'success', 'failure']) {
      const res = await agent.get(`/imports/${up.jobId}/files/${kind}`);
      expect(res.status).toBe(410);
      expect(res.text).toContain('文件已过期');
    }
    expect((await agent.get(`/imports/${up.jobId}`)).text).toContain('导入文件及成功数据、失败数据已过期,已自动删除');
    expect((await agent.get('/imports?type=class_members')).text).toContain('文件已过期删除');
    // What was imported stays.
    expect(await p.db('class_members').where({ class_id: t.approved.id, import_job_id: up.jobId }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(await p.db('audit_log').where({ event: 'import_files_expired' }).whereRaw("detail->>'jobId' = ?", [up.jobId]).first()).toBeTruthy();
    expect(await p.deps.temporal!.workflow.getHandle(`import:${up.jobId}`).result()).toEqual({ status: 'succeeded', valid: 1, failed: 1 });
    await keepHistory(p.deps.temporal!, 'import-job-expired', `import:${up.jobId}`);
  });
});

describe('班级人员导入 (class_members)', () => {
  it('imports a good file, then reports every problem of every bad row, then takes the corrected failure file as it is', async () => {
    const good = [nextId(), nextId(), nextId()];
    const file = await xlsx([MEMBER_HEADER, ...good.map((id, i) => [`人员${i}`, id, makePhone(), '某单位'])], { textCols: [2, 3] });
    const up = await upload(agent, `/imports/class/${t.approved.id}/new`, file, { type: 'class_members' });
    expect(up.res.status).toBe(303);
    const job = await waitJob(p.db, up.jobId!);
    expect(job).toMatchObject({ status: 'succeeded', rows_read: 3, rows_valid: 3, rows_failed: 0 });
    await keepHistory(p.deps.temporal!, 'import-job-class-members', `import:${up.jobId}`);
    const members = await p.db('class_members').where({ class_id: t.approved.id }).whereIn('id_number', good).select('name');
    expect(members).toHaveLength(3);
    const success = await readXlsx(await download(agent, `/imports/${up.jobId}/files/success`));
    expect(success[0]).toEqual(MEMBER_HEADER);
    expect(success.slice(1).map((r) => r[1])).toEqual(good);

    const existing = good[0];
    const dupA = nextId();
    const okId = nextId();
    const bad: unknown[][] = [
      MEMBER_HEADER,
      ['', nextId(), makePhone(), '-'], // name missing; '-' is neutralised to '- in the failure file
      ['缺校验位', badCheckDigit(nextId()), makePhone(), ''],
      ['数字身份证', Number(nextId().slice(0, 17)) * 10, makePhone(), ''], // Excel made it a number
      ['科学计数', '3.50102E+17', makePhone(), ''],
      ['手机错', nextId(), '12345', ''],
      ['重复甲', dupA, makePhone(), ''],
      ['重复乙', dupA, makePhone(), ''],
      ['已在班', existing, makePhone(), ''],
      ['', '123', '999', ''], // three problems at once
      ['公式', { formula: 'CONCAT("35","0102")' } as never, makePhone(), ''],
      ['正常', okId, makePhone(), '=HYPERLINK("http://x")'],
    ];
    const up2 = await upload(agent, `/imports/class/${t.approved.id}/new`, await xlsx(bad as never, { textCols: [3] }), { type: 'class_members' });
    const job2 = await waitJob(p.db, up2.jobId!);
    expect(job2).toMatchObject({ status: 'succeeded', rows_read: 11, rows_valid: 2, rows_failed: 9 });
    const f = await failureRows(agent, up2.jobId!);
    expect(f.header).toEqual([...MEMBER_HEADER, '失败原因']);
    const reasons = f.rows.map((r) => r.reason);
    expect(reasons[0]).toBe('姓名为必填项');
    expect(reasons[1]).toBe('身份证号码校验位不正确');
    expect(reasons[2]).toMatch(/被Excel当作数字保存.*文本/);
    expect(reasons[3]).toMatch(/被Excel当作数字保存.*文本/);
    expect(reasons[4]).toBe('手机号格式不正确,应为11位手机号码');
    expect(reasons[5]).toBe('身份证号码与第7行重复');
    expect(reasons[6]).toBe('该人员已是本班报名人员');
    expect(reasons[7].split(';')).toEqual(['姓名为必填项', '身份证号码应为18位,最后一位可以是数字或X', '手机号格式不正确,应为11位手机号码']);
    expect(reasons[8]).toMatch(/身份证号码是公式且没有计算结果/);
    // The good rows of the mixed file landed; the formula-looking employer is stored as typed and neutralised in files.
    expect(await p.db('class_members').where({ class_id: t.approved.id, id_number: okId }).first('employer')).toEqual({ employer: '=HYPERLINK("http://x")' });
    const success2 = await readXlsx(await download(agent, `/imports/${up2.jobId}/files/success`));
    expect(success2.find((r) => r[1] === okId)?.[3]).toBe('\'=HYPERLINK("http://x")');

    // Correct the failure file in place (失败原因 column left as it is) and upload it again.
    const fixedIds: string[] = [];
    const fixedFile = await corrected(await download(agent, `/imports/${up2.jobId}/files/failure`), (cells, reason) => {
      if (reason.includes('已是本班报名人员')) return ['已在班', nextId(), makePhone(), ''];
      const id = nextId();
      fixedIds.push(id);
      return [cells[0] || '补名', id, makePhone(), cells[3] ?? ''];
    });
    const up3 = await upload(agent, `/imports/class/${t.approved.id}/new`, fixedFile, { type: 'class_members' });
    const job3 = await waitJob(p.db, up3.jobId!);
    expect(job3).toMatchObject({ status: 'succeeded', rows_read: 9, rows_valid: 9, rows_failed: 0 });
    expect(await p.db('class_members').where({ class_id: t.approved.id }).whereIn('id_number', fixedIds).count('* as n').first()).toEqual({ n: fixedIds.length });
    // The quote the failure file put before '-' is the platform's, not the person's: it comes off again.
    expect(await p.db('class_members').where({ class_id: t.approved.id, id_number: fixedIds[0] }).first('employer')).toEqual({ employer: '-' });
  });

  it('a double click (same upload key twice at once) makes one job', async () => {
    const page = await agent.get(`/imports/class/${t.approved.id}/new?type=class_members`);
    const key = /name="uploadKey" value="([^"]+)"/.exec(page.text)![1];
    const file = await xlsx([MEMBER_HEADER, ['双击', nextId(), makePhone(), '']]);
    const send = () => {
      const fd = new FormData();
      fd.append('type', 'class_members');
      fd.append('uploadKey', key);
      fd.append('file', new Blob([new Uint8Array(file)]), '双击.xlsx');
      return agent.upload(`/imports/class/${t.approved.id}/new`, fd);
    };
    const [a, b] = await Promise.all([send(), send()]);
    expect(a.status).toBe(303);
    expect(b.status).toBe(303);
    expect(a.location).toBe(b.location);
    const n = await p.db('import_jobs').where({ upload_key: `${t.admin.id}:${key}` }).count('* as n').first();
    expect(n).toEqual({ n: 1 });
    await waitJob(p.db, a.location!.split('/').pop()!);
  });

  it('refuses at upload: no file, not an xlsx, over the size limit (413), a class that cannot take members', async () => {
    const path = `/imports/class/${t.approved.id}/new`;
    const none = await upload(agent, path, Buffer.alloc(0), { type: 'class_members' });
    expect(none.res.status).toBe(422);
    expect(none.res.text).toContain('请选择要上传的Excel文件');
    const pdf = await upload(agent, path, Buffer.from('%PDF-1.4 not a sheet'), { type: 'class_members' });
    expect(pdf.res.status).toBe(422);
    expect(pdf.res.text).toContain('文件不是Excel(xlsx)格式');
    const big = await upload(agent, path, Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4]), Buffer.alloc(1024 * 1024 + 10)]), { type: 'class_members' });
    expect(big.res.status).toBe(413);
    const pending = await agent.get(`/imports/class/${t.pending.id}/new?type=class_members`);
    expect(pending.text).toContain('不能导入班级人员');
    const res = await upload(agent, `/imports/class/${t.pending.id}/new`, await xlsx([MEMBER_HEADER]), { type: 'class_members' });
    expect(res.res.status).toBe(422);
  });
});

describe('培训成果导入', () => {
  const OUT_HEADER = ['*姓名', '*身份证号码', '*学时', '*培训结果'];

  it('面授班 (onsite_outcomes): rows become 培训档案 at once; every bad row says why; the corrected file goes in', async () => {
    const ids = [nextId(), nextId(), nextId(), nextId(), nextId(), nextId()];
    await addMembers(p.db, t.approved, ids);
    const outsider = nextId();
    await p.db('outcomes').insert({ class_id: t.approved.id, institution_id: t.inst.id, id_number: ids[5], name: '已有', hours: 4, result: 'pass' });
    const file = await xlsx([
      OUT_HEADER,
      ['甲', ids[0], 8, '合格'],
      ['乙', ids[1], '7.5', '不合格'],
      ['丙', ids[2], 0.3, '良好'],
      ['丁', ids[3], 30, '合格'], // over the class's 24 hours
      ['戊', outsider, 8, '合格'],
      ['己', ids[5], 8, '合格'],
      ['庚', ids[4], 1.25, ''],
    ], { textCols: [2] });
    const up = await upload(agent, `/imports/class/${t.approved.id}/new`, file, { type: 'onsite_outcomes' });
    const job = await waitJob(p.db, up.jobId!);
    expect(job).toMatchObject({ status: 'succeeded', rows_valid: 2, rows_failed: 5 });
    await new Promise((r) => setTimeout(r, 1000)); // the workflow's last step (telling the class) after the job row
    await keepHistory(p.deps.temporal!, 'import-job-onsite-outcomes', `import:${up.jobId}`);
    const recs = await p.db('training_records').whereIn('id_number', [ids[0], ids[1]]).orderBy('id_number').select('source_key', 'hours', 'result', 'delivery');
    expect(recs.map((r) => r.source_key).sort()).toEqual([`class:${t.approved.id}:${ids[0]}`, `class:${t.approved.id}:${ids[1]}`].sort());
    expect(await p.db('training_classes').where({ id: t.approved.id }).first('outcomes_reported')).toEqual({ outcomes_reported: true });
    expect(await p.db('outcome_reports').where({ id: up.jobId }).first('status', 'rows')).toEqual({ status: 'written', rows: 2 });
    const reasons = (await failureRows(agent, up.jobId!)).rows.map((r) => r.reason);
    expect(reasons).toEqual([
      '学时应为0.5的整数倍(如1、1.5、2);培训结果只能填写“合格”或“不合格”',
      '学时不能超过培训班总学时24',
      '该人员不是本班报名人员,请先导入班级人员',
      '该人员在本班已有培训成果',
      '学时应为0.5的整数倍(如1、1.5、2);培训结果为必填项,只能填写“合格”或“不合格”',
    ]);
    const fixed = await corrected(await download(agent, `/imports/${up.jobId}/files/failure`), (cells) => {
      const id = String(cells[1]);
      if (id === outsider || id === ids[5]) return [cells[0], ids.includes(id) ? nextId() : id, 8, '合格'];
      return [cells[0], id, 8, '合格'];
    });
    await addMembers(p.db, t.approved, [outsider]);
    const up2 = await upload(agent, `/imports/class/${t.approved.id}/new`, fixed, { type: 'onsite_outcomes' });
    const job2 = await waitJob(p.db, up2.jobId!);
    // The row whose person already had an outcome got a stranger's ID: still refused, with that reason.
    expect(job2).toMatchObject({ status: 'succeeded', rows_valid: 4, rows_failed: 1 });
  });

  it('面授班 import is refused for a class not approved in mode 暂不上报', async () => {
    const res = await upload(agent, `/imports/class/${t.draft.id}/new`, await xlsx([OUT_HEADER]), { type: 'onsite_outcomes' });
    expect(res.res.status).toBe(422);
    expect(res.res.text).toContain('只有审核通过、选择“暂不上报”');
  });

  it('申请面授班 (declaration_outcomes): outcomes wait with the declaration, no 培训档案 yet; every bad row says why; the corrected file goes in', async () => {
    // ids[6..8] are members kept for the corrections.
    const ids = Array.from({ length: 9 }, () => nextId());
    await addMembers(p.db, t.draft, ids);
    const outsider = nextId();
    await p.db('outcomes').insert({ class_id: t.draft.id, institution_id: t.inst.id, id_number: ids[4], name: '已有', hours: 4, result: 'pass' });
    const file = await xlsx([
      OUT_HEADER,
      ['甲', ids[0], 8, '合格'],
      ['乙', ids[1], 8, '不合格'],
      ['丙', ids[1], 2, '合格'], // same person as row 3
      ['丁', outsider, 8, '合格'],
      ['戊', ids[2], 30, '合格'], // over the class's 24 hours
      ['己', ids[3], 8, '优秀'],
      ['庚', '', 8, '合格'],
      ['辛', ids[4], 8, '合格'], // already has an outcome in this class
      ['', ids[5], 0.3, ''], // three problems at once
    ], { textCols: [2] });
    const up = await upload(agent, `/imports/class/${t.draft.id}/new`, file, { type: 'declaration_outcomes' });
    const job = await waitJob(p.db, up.jobId!);
    expect(job).toMatchObject({ status: 'succeeded', rows_read: 9, rows_valid: 2, rows_failed: 7 });
    const outs = await p.db('outcomes').where({ class_id: t.draft.id }).whereIn('id_number', [ids[0], ids[1]]).select('report_id', 'result', 'import_job_id');
    expect(outs).toHaveLength(2);
    expect(outs.every((o) => o.report_id === null && o.import_job_id === up.jobId)).toBe(true);
    expect(await p.db('training_records').where({ class_id: t.draft.id }).count('* as n').first()).toEqual({ n: 0 });
    expect(await p.db('training_classes').where({ id: t.draft.id }).first('outcomes_reported')).toEqual({ outcomes_reported: false });
    const reasons = (await failureRows(agent, up.jobId!)).rows.map((r) => r.reason);
    expect(reasons).toEqual([
      '身份证号码与第3行重复',
      '该人员不是本班报名人员,请先导入班级人员',
      '学时不能超过培训班总学时24',
      '培训结果只能填写“合格”或“不合格”',
      '身份证号码为必填项',
      '该人员在本班已有培训成果',
      '姓名为必填项;学时应为0.5的整数倍(如1、1.5、2);培训结果为必填项,只能填写“合格”或“不合格”',
    ]);

    // Correct the failure file in place: the repeated person and the one who had an outcome
    // become other members, the missing ID is filled in, the outsider is enrolled first.
    const replace = new Map<string, string>([[ids[1], ids[6]], ['', ids[7]], [ids[4], ids[8]]]);
    const fixed = await corrected(await download(agent, `/imports/${up.jobId}/files/failure`), (cells) => {
      const id = String(cells[1] ?? '');
      return [cells[0] || '补名', replace.get(id) ?? id, 8, '合格'];
    });
    await addMembers(p.db, t.draft, [outsider]);
    const up2 = await upload(agent, `/imports/class/${t.draft.id}/new`, fixed, { type: 'declaration_outcomes' });
    const job2 = await waitJob(p.db, up2.jobId!);
    expect(job2).toMatchObject({ status: 'succeeded', rows_read: 7, rows_valid: 7, rows_failed: 0 });
    expect(up2.jobId).not.toBe(up.jobId);
    const now: string[] = await p.db('outcomes').where({ class_id: t.draft.id, import_job_id: up2.jobId, report_id: null }).pluck('id_number');
    expect(now.sort()).toEqual([ids[6], outsider, ids[2], ids[3], ids[7], ids[8], ids[5]].sort());
    expect(await p.db('training_records').where({ class_id: t.draft.id }).count('* as n').first()).toEqual({ n: 0 });
  });

  it('网络班 (online_outcomes): a platform without its access key is not offered and is refused', async () => {
    const [bare] = await p.db('online_platforms')
      .insert({ institution_id: t.inst.id, name: `未接入平台${nextId().slice(-6)}`, url: 'https://bare.example.com', operator: '某公司', contact_name: '钱七', contact_phone: makePhone() })
      .returning(['id', 'name']);
    const page = await agent.get('/imports/new?type=online_outcomes');
    expect(page.text).toContain(t.platform.name);
    expect(page.text).not.toContain(bare.name);
    const file = await xlsx([['*姓名', '*身份证号码', '*课程名称', '*培训年度', '*学时', '*培训结果'], ['甲', nextId(), t.onlineCourse.name, thisYear(), 2, '合格']]);
    const jobsBefore = await p.db('import_jobs').where({ institution_id: t.inst.id }).count('* as n').first();
    const up = await upload(agent, '/imports/new', file, { type: 'online_outcomes', platformId: String(bare.id) });
    expect(up.res.status).toBe(422);
    expect(up.res.text).toContain('该网授平台尚未生成接入密钥');
    expect((await agent.get('/connections/platforms')).text).not.toContain(`type=online_outcomes&amp;platformId=${bare.id}`);
    expect(await p.db('import_jobs').where({ institution_id: t.inst.id }).count('* as n').first()).toEqual(jobsBefore);
  });

  it('网络班 (online_outcomes): rows become online records keyed by platform, year, person and course; the corrected file goes in', async () => {
    const HEADER = ['*姓名', '*身份证号码', '*课程名称', '*培训年度', '*学时', '*培训结果'];
    const y = thisYear();
    const [a, b, c] = [nextId(), nextId(), nextId()];
    const key = (id: string, year = y) => `online:${t.platform.id}:${year}:${id}:${t.onlineCourse.name}`;
    await p.db('training_records').insert({
      institution_id: t.inst.id, id_number: c, name: '已有', delivery: 'online', platform_id: t.platform.id, course_name: t.onlineCourse.name,
      training_year: y, subject_type: 'public', hours: 2, result: 'pass', source_key: key(c),
    });
    const file = await xlsx([
      HEADER,
      ['甲', a, t.onlineCourse.name, y, 10, '合格'],
      ['乙', b, '不存在的课程', 1999, 11, '合格'],
      ['丙', c, t.onlineCourse.name, String(y), 2, '合格'],
      ['丁', b, t.onlineCourse.name, y, 12, '合格'],
      ['戊', a, t.onlineCourse.name, y, 5, '合格'], // same person, course and year as row 2
      ['', badCheckDigit(nextId()), t.onlineCourse.name, y, 2, '优'],
    ], { textCols: [2] });
    const up = await upload(agent, '/imports/new', file, { type: 'online_outcomes', platformId: String(t.platform.id) });
    const job = await waitJob(p.db, up.jobId!);
    expect(job).toMatchObject({ status: 'succeeded', rows_read: 6, rows_valid: 1, rows_failed: 5 });
    expect(await p.db('training_records').where({ source_key: key(a) }).first('delivery', 'platform_id')).toEqual({ delivery: 'online', platform_id: t.platform.id });
    const reasons = (await failureRows(agent, up.jobId!)).rows.map((r) => r.reason);
    expect(reasons).toEqual([
      `培训年度应为2000到${new Date().getFullYear() + 1}之间的四位年份;本机构没有名为“不存在的课程”的网授课程`,
      '该人员该年度该课程的培训成果已存在',
      '学时不能超过课程学时10',
      '同一人员、课程、年度与第2行重复',
      '姓名为必填项;身份证号码校验位不正确;培训结果只能填写“合格”或“不合格”',
    ]);

    // Corrected as a person would: the right course and year; the existing and the repeated
    // record belong to last year; 丁 was someone else; the last row gets its name and ID.
    const [d, e] = [nextId(), nextId()];
    const fixes: Record<string, (cells: unknown[]) => unknown[]> = {
      乙: (x) => [x[0], x[1], t.onlineCourse.name, y, 10, '合格'],
      丙: (x) => [x[0], x[1], x[2], y - 1, x[4], x[5]],
      丁: (x) => [x[0], d, x[2], x[3], 10, x[5]],
      戊: (x) => [x[0], x[1], x[2], y - 1, x[4], x[5]],
      '': (x) => ['己', e, x[2], x[3], x[4], '不合格'],
    };
    const fixed = await corrected(await download(agent, `/imports/${up.jobId}/files/failure`), (cells) => fixes[String(cells[0] ?? '')](cells));
    const up2 = await upload(agent, '/imports/new', fixed, { type: 'online_outcomes', platformId: String(t.platform.id) });
    const job2 = await waitJob(p.db, up2.jobId!);
    expect(job2).toMatchObject({ status: 'succeeded', rows_read: 5, rows_valid: 5, rows_failed: 0 });
    const written: string[] = await p.db('training_records').where({ import_job_id: up2.jobId }).pluck('source_key');
    expect(written.sort()).toEqual([key(b), key(c, y - 1), key(d), key(a, y - 1), key(e)].sort());
  });
});

describe('培训课程 and 培训教师 imports', () => {
  it('courses: teachers named by name or ID number; every bad row says why; the corrected file goes in', async () => {
    const tid = nextId();
    await p.db('teachers').insert([
      { institution_id: t.inst.id, name: '唯一老师', gender: 'male', id_number: tid },
      { institution_id: t.inst.id, name: '重名老师', gender: 'male' },
      { institution_id: t.inst.id, name: '重名老师', gender: 'female' },
    ]);
    const taken = `已有课程${uniq('')}`;
    await p.db('courses').insert({ institution_id: t.inst.id, name: taken, subject_type: 'public', hours: 2, delivery: 'onsite' });
    const H = ['*课程名称', '*科目类型', '专业', '*学时', '*授课形式', '授课教师', '课程简介'];
    const n1 = `新课程${uniq('')}`;
    const file = await xlsx([
      H,
      [n1, '公需科目', '', 8, '面授', `唯一老师、${tid}`, '简介'],
      [taken, '公需科目', '', 8, '面授', '', ''],
      [`专业课${uniq('')}`, '专业科目', '', 8, '网授', '重名老师', ''],
      [`坏课${uniq('')}`, '选修', '', 8, '函授', '没有这人', ''],
    ]);
    const up = await upload(agent, '/imports/courses/new', file, { type: 'courses' });
    const job = await waitJob(p.db, up.jobId!);
    expect(job).toMatchObject({ status: 'succeeded', rows_valid: 1, rows_failed: 3 });
    const course = await p.db('courses').where({ institution_id: t.inst.id, name: n1 }).first('id');
    expect(await p.db('course_teachers').where({ course_id: course.id }).count('* as n').first()).toEqual({ n: 1 });
    const reasons = (await failureRows(agent, up.jobId!)).rows.map((r) => r.reason);
    expect(reasons).toEqual([
      `课程“${taken}”已存在`,
      '科目类型为专业科目时必须填写专业;教师“重名老师”有重名,请改填其身份证号码',
      '科目类型只能填写“公需科目”或“专业科目”;授课形式只能填写“面授”或“网授”;本机构师资中没有教师“没有这人”',
    ]);
    const fixed = await corrected(await download(agent, `/imports/${up.jobId}/files/failure`), (cells) => [`改名${uniq('')}`, '专业科目', '建筑', 4, '面授', '', '']);
    const job2 = await waitJob(p.db, (await upload(agent, '/imports/courses/new', fixed, { type: 'courses' })).jobId!);
    expect(job2).toMatchObject({ status: 'succeeded', rows_valid: 3, rows_failed: 0 });
  });

  it('teachers: good rows in, bad rows with all their reasons, corrected file in', async () => {
    const H = ['*姓名', '*性别', '*身份证号码', '*手机号', '职称', '工作单位', '专业领域', '简介'];
    const [a, b] = [nextId(), nextId()];
    await p.db('teachers').insert({ institution_id: t.inst.id, name: '老教师', gender: 'male', id_number: b });
    const file = await xlsx([
      H,
      ['新教师', '女', a, makePhone(), '讲师', '', '', ''],
      ['重复教师', '男', b, makePhone(), '', '', '', ''],
      ['', '未知', badCheckDigit(nextId()), '1380013800', '', '', '', ''],
    ], { textCols: [3, 4] });
    const up = await upload(agent, '/imports/teachers/new', file, { type: 'teachers' });
    const job = await waitJob(p.db, up.jobId!);
    expect(job).toMatchObject({ status: 'succeeded', rows_valid: 1, rows_failed: 2 });
    expect(await p.db('teachers').where({ institution_id: t.inst.id, id_number: a }).first('gender')).toEqual({ gender: 'female' });
    const reasons = (await failureRows(agent, up.jobId!)).rows.map((r) => r.reason);
    expect(reasons).toEqual(['本机构已有该身份证号码的教师', '姓名为必填项;性别只能填写“男”或“女”;身份证号码校验位不正确;手机号格式不正确,应为11位手机号码']);
    const fixed = await corrected(await download(agent, `/imports/${up.jobId}/files/failure`), (cells) => ['改正', '男', nextId(), makePhone(), '', '', '', '']);
    const job2 = await waitJob(p.db, (await upload(agent, '/imports/teachers/new', fixed, { type: 'teachers' })).jobId!);
    expect(job2).toMatchObject({ status: 'succeeded', rows_valid: 2, rows_failed: 0 });
  });
});

describe('task view and tenancy', () => {
  it('导入任务查看 lists jobs per type with counts and downloads', async () => {
    const list = await agent.get('/imports?type=class_members');
    expect(list.status).toBe(200);
    expect(list.text).toContain('班级人员导入');
    expect(list.text).toContain('/files/failure');
    const frag = await agent.get('/imports?type=teachers', { 'HX-Request': 'true' });
    expect(frag.text).not.toContain('<html');
    expect(frag.text).toContain('/imports/');
  });

  it('a sub-admin who may import a type (without 导入任务查看) watches the jobs of that type and takes their files, and no others', async () => {
    const uploader = p.agent();
    await login(uploader, await createSubAdmin(p.db, t.inst.id, { permissions: ['classes.view', 'classes.import'] }));
    const mine = await upload(uploader, `/imports/class/${t.approved.id}/new`, await xlsx([MEMBER_HEADER, ['子管理员导入', nextId(), makePhone(), ''], ['缺号码', '', makePhone(), '']], { textCols: [2, 3] }), { type: 'class_members' });
    expect(mine.res.status).toBe(303);
    await waitJob(p.db, mine.jobId!);
    const page = await uploader.get(`/imports/${mine.jobId}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('返回导入任务查看');
    expect(page.text).toContain(`/classes/${t.approved.id}`);
    expect((await uploader.get(`/imports/${mine.jobId}/progress`, { 'HX-Request': 'true' })).status).toBe(200);
    for (const kind of ['source', 'success', 'failure']) expect([kind, (await uploader.get(`/imports/${mine.jobId}/files/${kind}`)).status]).toEqual([kind, 200]);
    expect((await uploader.get('/imports?type=class_members')).status).toBe(403);
    // A type it may not start (培训教师批量导入 needs teachers.import): refused, page and files alike.
    const teachersJob = await p.db('import_jobs').where({ institution_id: t.inst.id, type: 'teachers' }).first('id');
    for (const path of [`/imports/${teachersJob.id}`, `/imports/${teachersJob.id}/progress`, `/imports/${teachersJob.id}/files/source`]) {
      expect([path, (await uploader.get(path)).status]).toEqual([path, 403]);
    }
    // Without any import permission or 导入任务查看: refused, the own institution's jobs too.
    const viewer = p.agent();
    await login(viewer, await createSubAdmin(p.db, t.inst.id, { permissions: ['classes.view'] }));
    for (const path of [`/imports/${mine.jobId}`, `/imports/${mine.jobId}/files/failure`]) expect([path, (await viewer.get(path)).status]).toEqual([path, 403]);
  });

  it('网授平台 list links each enabled platform to its 网络班培训成果导入, for those who may start it', async () => {
    const link = `/imports/new?type=online_outcomes&amp;platformId=${t.platform.id}`;
    const list = await agent.get('/connections/platforms');
    expect(list.text).toContain(link);
    const form = await agent.get(link.replace('&amp;', '&'));
    expect(form.status).toBe(200);
    expect(form.text).toMatch(new RegExp(`<option value="${t.platform.id}" selected>`));
    const viewer = p.agent();
    await login(viewer, await createSubAdmin(p.db, t.inst.id, { permissions: ['connections.view'] }));
    const theirs = await viewer.get('/connections/platforms');
    expect(theirs.status).toBe(200);
    expect(theirs.text).not.toContain('/imports/new?type=online_outcomes');
  });

  it("another institution's admin gets 404 on every job, file and download, and on the class's upload page", async () => {
    const job = await p.db('import_jobs').where({ institution_id: t.inst.id }).whereNotNull('failure_file_id').first();
    const other = await createInstitution(p.db);
    const them = p.agent();
    await login(them, other.admin);
    for (const path of [
      `/imports/${job.id}`, `/imports/${job.id}/progress`, `/imports/${job.id}/files/source`, `/imports/${job.id}/files/success`,
      `/imports/${job.id}/files/failure`, `/imports/class/${t.approved.id}/new?type=class_members`,
      `/imports/class/${t.approved.id}/new/template?type=class_members`,
    ]) {
      expect([path, (await them.get(path)).status]).toEqual([path, 404]);
    }
    const res = await upload(them, `/imports/class/${t.approved.id}/new`, await xlsx([MEMBER_HEADER]), { type: 'class_members' });
    expect(res.res.status).toBe(404);
    const list = await them.get('/imports?type=class_members');
    expect(list.text).not.toContain(job.id);
  });
});
