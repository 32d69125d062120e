import type { CurrentUser } from '../app/deps';
import type { Permission } from '../domain/permissions';

export interface NavItem {
  label: string;
  href: string;
  permission: Permission | 'signed_in';
  children?: NavItem[];
}

/**
 * The left navigation in the manual's words and order. An entry is listed here only
 * once its page works; each is shown only to users holding its permission, and a group
 * with no visible entry is hidden. Areas add their entries when they land.
 */
export const NAV: NavItem[] = [
  { label: '工作桌面', href: '/dashboard', permission: 'signed_in' },
  // applicant (before the institution is approved)
  { label: '申请继续教育机构', href: '/apply', permission: 'institution.apply' },
  // institution side (manual 四)
  {
    label: '申报审核管理',
    href: '#declarations',
    permission: 'signed_in',
    children: [
      { label: '我申报的', href: '/declarations', permission: 'declarations.view' },
    ],
  },
  {
    label: '培训管理',
    href: '#training',
    permission: 'signed_in',
    children: [
      // 培训班管理, 培训课程, 培训对接管理, 培训人员, 师资管理
      { label: '培训班管理', href: '/classes', permission: 'classes.view' },
      { label: '培训课程', href: '/courses', permission: 'courses.view' },
      { label: '培训对接管理', href: '/connections', permission: 'connections.view' },
      { label: '培训人员', href: '/trainees', permission: 'trainees.view' },
      { label: '师资管理', href: '/teachers', permission: 'teachers.view' },
    ],
  },
  {
    label: '机构信息管理',
    href: '#institution',
    permission: 'signed_in',
    children: [
      // 年审报告, 机构信息管理
      { label: '年审报告', href: '/annual-reviews', permission: 'annual_reviews.view' },
      { label: '机构信息管理', href: '/profile', permission: 'profile.view' },
    ],
  },
  {
    label: '管理员管理',
    href: '#admins',
    permission: 'signed_in',
    children: [
      { label: '账号管理', href: '/admins/accounts', permission: 'admins.view' },
      { label: '角色管理', href: '/admins/roles', permission: 'admins.view' },
    ],
  },
  {
    label: '导入导出任务查看',
    href: '#jobs',
    permission: 'signed_in',
    children: [
      { label: '导入任务查看', href: '/imports', permission: 'jobs.view' },
      { label: '导出任务查看', href: '/exports', permission: 'jobs.view' },
    ],
  },
  // reviewer side
  { label: '审核工作台', href: '/review', permission: 'review.view' },
  { label: '基地管理', href: '/bases/review', permission: 'review.view' },
  { label: '年审报告审核', href: '/annual-reviews/review', permission: 'review.view' },
  // auditor side
  {
    label: '审计',
    href: '#audit',
    permission: 'audit.view',
    children: [
      { label: '流程审计', href: '/audit', permission: 'audit.view' },
      { label: '一致性检查', href: '/audit/consistency', permission: 'audit.view' },
    ],
  },
  // platform admin
  {
    label: '平台管理',
    href: '#platform',
    permission: 'platform.admin',
    children: [
      { label: '机构管理', href: '/platform/institutions', permission: 'platform.admin' },
      { label: '审核单位管理', href: '/platform/orgs', permission: 'platform.admin' },
      { label: '审核员与审计员账号', href: '/platform/accounts', permission: 'platform.admin' },
      { label: '短信发件箱', href: '/platform/sms', permission: 'platform.admin' },
    ],
  },
  { label: '账号信息', href: '/account', permission: 'signed_in' },
];

function visible(item: NavItem, user: CurrentUser): boolean {
  return item.permission === 'signed_in' || user.permissions.has(item.permission);
}

export function navFor(user: CurrentUser, currentPath: string) {
  type Marked = NavItem & { active: boolean };
  const mark = (i: NavItem): Marked => ({
    ...i,
    active: currentPath === i.href || currentPath.startsWith(i.href + '/'),
    children: i.children?.filter((c) => visible(c, user)).map(mark),
  });
  return NAV.filter((i) => visible(i, user))
    .map(mark)
    .filter((i) => !i.children || i.children.length > 0);
}
