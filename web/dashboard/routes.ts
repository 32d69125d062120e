import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { wantsFragment } from '../render';
import { TYPE_LABELS, RUN_STATUS_LABELS } from '../auditor/routes';
import { KIND_LABELS } from '../review/subjects';
import { BASE_STATUS_LABELS } from '../../db/bases';
import { ANNUAL_STATUS_LABELS } from '../../db/annualReviews';
import { GRADE_LABELS } from '../../domain/grades';
import { institutionDashboard, trainingSection } from './institution';
import { adminDashboard, applicantDashboard, auditorDashboard, reviewerDashboard } from './staff';

/**
 * 工作桌面, the landing page of every role. The year picker of 各年度培训数据 asks this
 * same route for the training section only (htmx), or reloads the page without script.
 */
const ROLE_LABELS: Record<string, string> = { applicant: '申请人', reviewer: '审核员', auditor: '审计员', platform_admin: '平台管理员' };
const INSTITUTION_STATUS: Record<string, string> = { pending: '审核中', active: '已通过', rejected: '已退回', withdrawn: '已撤回' };
const JOB_TYPES: Record<string, string> = {
  class_members: '班级人员',
  onsite_outcomes: '面授班培训成果',
  online_outcomes: '网络班培训成果',
  courses: '培训课程',
  teachers: '培训教师',
  declaration_outcomes: '申请面授班的成果',
};

export function registerDashboard(r: SecureRouter, deps: AppDeps) {
  r.get('/dashboard', 'signed_in', async (req, res) => {
    const user = req.user!;
    const labels = { KIND_LABELS, TYPE_LABELS, RUN_STATUS_LABELS, BASE_STATUS_LABELS, ANNUAL_STATUS_LABELS, GRADE_LABELS, ROLE_LABELS, INSTITUTION_STATUS, JOB_TYPES };
    const activeInstitution = user.institution?.status === 'active' && (user.role === 'institution_admin' || user.role === 'sub_admin');

    if (activeInstitution) {
      if (!user.permissions.has('dashboard.view')) return res.render('dashboard/index.njk', { view: 'welcome', ...labels });
      if (wantsFragment(req)) {
        return res.render('dashboard/_training.njk', { training: await trainingSection(deps, user.institutionId!, req.query.year) });
      }
      return res.render('dashboard/index.njk', { view: 'institution', d: await institutionDashboard(deps, user, req.query.year), ...labels });
    }
    switch (user.role) {
      case 'reviewer':
        return res.render('dashboard/index.njk', { view: 'reviewer', d: await reviewerDashboard(deps, user), ...labels });
      case 'auditor':
        return res.render('dashboard/index.njk', { view: 'auditor', d: await auditorDashboard(deps), ...labels });
      case 'platform_admin':
        return res.render('dashboard/index.njk', { view: 'admin', d: await adminDashboard(deps), ...labels });
      default:
        return res.render('dashboard/index.njk', { view: 'applicant', d: await applicantDashboard(deps, user), ...labels });
    }
  });
}
