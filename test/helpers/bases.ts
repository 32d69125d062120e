import type { Db } from '../../db/knex';
import type { Agent } from './agent';
import type { TestPlatform } from './platform';

/** Real magic bytes, so the upload checks accept them. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

export const BASE_FORM = {
  name: '测试继续教育基地',
  baseType: '综合类',
  field: '工程技术',
  facilities: '多媒体教室3间,实训基地1处',
  fullTimeTeachers: '12',
  partTimeTeachers: '30',
  annualCapacity: '5000',
  recentTraining: '近三年累计培训专业技术人员1.2万人次',
};

export function formData(fields: Record<string, string | string[]>, files: Array<{ name: string; data: Buffer }> = []) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x);
  for (const f of files) fd.append('attachments', new Blob([new Uint8Array(f.data)]), f.name);
  return fd;
}

/** 申请继续教育基地 over HTTP, with one PDF as 申请材料. */
export async function applyForBase(agent: Agent, over: Record<string, string> = {}) {
  await agent.get('/bases/apply');
  return agent.upload('/bases/apply', formData({ ...BASE_FORM, ...over }, [{ name: '申请书.pdf', data: PDF }]));
}

/** The institution's latest application (one made after a revocation comes after the revoked one). */
export const applicationOf = (db: Db, institutionId: number) => db('base_applications').where({ institution_id: institutionId }).orderBy('id', 'desc').first();

export const yearRow = (db: Db, institutionId: number, year: number) => db('annual_reviews').where({ institution_id: institutionId, year }).first();

/** The base's annual-review schedule for the next application (read at submission). */
export function schedule(p: TestPlatform, s: { year: number; window: number; remind: number }) {
  Object.assign(p.deps.config, { ANNUAL_REVIEW_YEAR_SECONDS: s.year, ANNUAL_REVIEW_WINDOW_SECONDS: s.window, ANNUAL_REVIEW_REMIND_SECONDS: s.remind });
}

/** A report for year `year`, submitted (or saved) over HTTP. */
export function submitReport(agent: Agent, year: number, over: Record<string, string> = {}, files: Array<{ name: string; data: Buffer }> = []) {
  return agent.upload(
    `/annual-reviews/${year}`,
    formData({ trainingComment: '全年按计划开展培训', conditionsChange: '新增兼职教师5名', problems: '线上课程偏少,已增加建设', action: 'submit', ...over }, files),
  );
}
