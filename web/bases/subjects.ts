import { registerReviewSubject } from '../review/subjects';
import { ANNUAL_STATUS_LABELS } from '../../db/annualReviews';
import { GRADE_LABELS, type Grade } from '../../domain/grades';

/**
 * The base application and the annual report on the reviewer workbench: the submitted
 * fields and attachments, and a link to the page of this area where a base is revoked
 * or a report graded (the workbench's plain approve cannot grade).
 */
registerReviewSubject('base', {
  async loadDetail(deps, item) {
    const b = await deps.db('base_applications').where({ id: item.subjectId, institution_id: item.institutionId }).first();
    if (!b) return null;
    const files = await deps.db('base_application_files as a').join('files as f', 'f.id', 'a.file_id').where('a.application_id', b.id).select('f.id', 'f.name', 'f.size');
    return {
      fields: [
        { label: '基地名称', value: b.name },
        { label: '基地类型', value: b.base_type },
        { label: '专业领域', value: b.field },
        { label: '培训场地与设施', value: b.facilities },
        { label: '专职师资数量', value: b.full_time_teachers },
        { label: '兼职师资数量', value: b.part_time_teachers },
        { label: '年培训能力(人次)', value: b.annual_capacity },
        { label: '近三年培训情况', value: b.recent_training },
      ],
      attachments: files.map((f: { id: string; name: string; size: number }) => ({ fileId: f.id, name: f.name, size: Number(f.size) })),
      extra: { href: `/bases/review/${b.id}`, linkText: '在“基地管理”中查看该基地' },
    };
  },
  template: 'bases/_review_subject.njk',
  async subjectStatus(deps, subjectId) {
    return (await deps.db('base_applications').where({ id: subjectId }).first('status'))?.status ?? null;
  },
  expectedStatus: { pending: 'pending', approved: 'approved', rejected: 'rejected', withdrawn: 'withdrawn' },
});

registerReviewSubject('annual_review', {
  async loadDetail(deps, item) {
    const a = await deps.db('annual_reviews').where({ id: item.subjectId, institution_id: item.institutionId }).first();
    if (!a) return null;
    const files = await deps.db('annual_review_files as r').join('files as f', 'f.id', 'r.file_id').where('r.annual_review_id', a.id).select('f.id', 'f.name', 'f.size');
    return {
      fields: [
        { label: '年度', value: a.year },
        { label: '状态', value: ANNUAL_STATUS_LABELS[a.status] ?? a.status },
        { label: '评定等级', value: a.grade ? GRADE_LABELS[a.grade as Grade] : '' },
        { label: '培训班数', value: a.classes_count },
        { label: '培训人数', value: a.trainees_count },
        { label: '培训人次', value: a.person_times },
        { label: '培训学时', value: a.hours_total },
        { label: '年度培训开展情况说明', value: a.training_comment },
        { label: '师资与条件变化', value: a.conditions_change },
        { label: '存在问题与整改', value: a.problems },
      ],
      attachments: files.map((f: { id: string; name: string; size: number }) => ({ fileId: f.id, name: f.name, size: Number(f.size) })),
      extra: { href: `/annual-reviews/review/${a.id}`, linkText: '评定等级或退回修改(年审报告审核)' },
    };
  },
  template: 'bases/_review_subject.njk',
  async subjectStatus(deps, subjectId) {
    return (await deps.db('annual_reviews').where({ id: subjectId }).first('status'))?.status ?? null;
  },
  expectedStatus: { pending: 'pending', approved: 'graded', rejected: 'returned', withdrawn: 'returned' },
});
