import { regionName } from '../../domain/regions';
import { SUBJECT_LABELS } from '../render';
import { findInstitution, listAttachments } from '../../db/institutions';
import { registerReviewSubject } from './subjects';

/** The institution application on the workbench: the fields of the application form. */
registerReviewSubject('institution', {
  async loadDetail(deps, item) {
    const inst = await findInstitution(deps.db, item.subjectId);
    if (!inst) return null;
    const scope = inst.trainingScope.subjects.map((s) => SUBJECT_LABELS[s] ?? s).join('、');
    return {
      fields: [
        { label: '机构名称', value: inst.name },
        { label: '统一社会信用代码', value: inst.creditCode },
        { label: '机构类型', value: inst.type },
        { label: '所属地区', value: regionName(inst.regionCode) },
        { label: '机构地址', value: inst.address },
        { label: '机构负责人', value: inst.headName },
        { label: '联系人', value: inst.contactName },
        { label: '联系电话', value: inst.contactPhone },
        { label: '电子邮箱', value: inst.email },
        { label: '培训范围', value: scope },
        { label: '专业', value: inst.trainingScope.specialties.join('、') },
      ],
      attachments: (await listAttachments(deps.db, inst.id)).map((a) => ({ fileId: a.fileId, name: a.name, size: a.size })),
    };
  },
  async subjectStatus(deps, subjectId) {
    return (await findInstitution(deps.db, subjectId))?.status ?? null;
  },
  expectedStatus: { pending: 'pending', approved: 'active', rejected: 'rejected', withdrawn: 'withdrawn' },
});
