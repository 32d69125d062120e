import { SUBJECT_LABELS } from '../render';
import { registerReviewSubject } from '../review/subjects';
import { classAttachments, classCourses, classWithNames } from '../../db/classes';

/**
 * A class declaration on the reviewer's workbench: the declared fields, the courses with
 * their total 学时, the attachments and — with 同步上报 — the outcomes reviewed with it.
 */
const OUTCOMES_SHOWN = 500;

registerReviewSubject('class_declaration', {
  async loadDetail(deps, item) {
    const cls = await classWithNames(deps.db, item.institutionId, item.subjectId);
    if (!cls) return null;
    const [courses, attachments] = await Promise.all([classCourses(deps.db, cls.id), classAttachments(deps.db, cls.id)]);
    const outcomes =
      cls.outcome_mode === 'with_declaration'
        ? await deps.db('outcomes').where({ class_id: cls.id }).whereNull('report_id').orderBy('id').limit(OUTCOMES_SHOWN).select('name', 'id_number', 'hours', 'result')
        : [];
    const outcomeCount =
      cls.outcome_mode === 'with_declaration' ? Number((await deps.db('outcomes').where({ class_id: cls.id }).whereNull('report_id').count('* as n'))[0].n) : 0;
    return {
      fields: [
        { label: '培训班名称', value: cls.name },
        { label: '培训年度', value: cls.training_year },
        { label: '科目类型', value: SUBJECT_LABELS[cls.subject_type] },
        ...(cls.subject_type === 'professional' ? [{ label: '专业', value: cls.specialty }, { label: '系列', value: cls.series }] : []),
        { label: '培训日期', value: `${cls.start_date} 至 ${cls.end_date}` },
        { label: '面授点', value: cls.site ? `${cls.site.name}(${cls.site.address},可容纳${cls.site.capacity}人)` : '' },
        { label: '计划人数', value: cls.planned_count },
        { label: '联系人', value: cls.contact_name },
        { label: '联系电话', value: cls.contact_phone },
        { label: '合计学时', value: cls.total_hours },
        { label: '培训成果', value: cls.outcome_mode === 'with_declaration' ? `同步上报(${outcomeCount} 人)` : '暂不上报' },
        ...(cls.intro ? [{ label: '培训简介', value: cls.intro }] : []),
      ],
      attachments: attachments.map((a: { id: string; name: string; size: number }) => ({ fileId: a.id, name: a.name, size: Number(a.size) })),
      extra: { courses, outcomes, outcomeCount, outcomesShown: OUTCOMES_SHOWN },
    };
  },
  // The outcome rows (names, ID numbers) stay in 培训档案, not in the snapshot; their count is kept.
  snapshot: (d) => ({ ...d, extra: { ...d.extra, outcomes: [] } }),
  template: 'classes/_review_subject.njk',
  async subjectStatus(deps, subjectId) {
    return (await deps.db('training_classes').where({ id: subjectId }).first('status'))?.status ?? null;
  },
  // An approved class later closed is still consistent with its approval.
  expectedStatus: { pending: 'pending', approved: 'approved', rejected: 'rejected', withdrawn: 'withdrawn' },
});
