/**
 * The permission catalogue mirrors the institution menu of the manual (四) and what can
 * be done in each area. Roles (管理员管理) hand out subsets of it; every route names the
 * one it needs where it is declared (see router.ts).
 */
export const INSTITUTION_AREAS = [
  { key: 'dashboard', label: '工作桌面', actions: ['view'] },
  { key: 'declarations', label: '我申报的', actions: ['view', 'declare'] },
  { key: 'classes', label: '培训班管理', actions: ['view', 'edit', 'declare', 'import', 'export'] },
  { key: 'courses', label: '培训课程', actions: ['view', 'edit', 'import'] },
  { key: 'connections', label: '培训对接管理', actions: ['view', 'edit'] },
  { key: 'trainees', label: '培训人员', actions: ['view'] },
  { key: 'teachers', label: '师资管理', actions: ['view', 'edit', 'import'] },
  { key: 'annual_reviews', label: '年审报告', actions: ['view', 'declare'] },
  { key: 'profile', label: '机构信息管理', actions: ['view', 'edit'] },
  { key: 'admins', label: '管理员管理', actions: ['view', 'edit'] },
  { key: 'jobs', label: '导入导出任务查看', actions: ['view', 'import', 'export'] },
] as const;

export const ACTION_LABELS: Record<string, string> = {
  view: '查看',
  edit: '编辑',
  declare: '申报',
  import: '导入',
  export: '导出',
};

type Area = (typeof INSTITUTION_AREAS)[number];
export type InstitutionPermission = { [A in Area as A['key']]: `${A['key']}.${A['actions'][number]}` }[Area['key']];

/** Permissions outside an institution: the applicant, reviewers, auditors, the platform admin. */
export type StaffPermission = 'institution.apply' | 'review.view' | 'review.decide' | 'audit.view' | 'platform.admin';

export type Permission = InstitutionPermission | StaffPermission;

export const INSTITUTION_PERMISSIONS: InstitutionPermission[] = INSTITUTION_AREAS.flatMap((a) =>
  a.actions.map((act) => `${a.key}.${act}` as InstitutionPermission),
);

/** Permissions that exist only while the institution is a base (manual 4.1). */
export const BASE_ONLY: readonly InstitutionPermission[] = ['annual_reviews.view', 'annual_reviews.declare'];

export function isInstitutionPermission(p: string): p is InstitutionPermission {
  return (INSTITUTION_PERMISSIONS as string[]).includes(p);
}

export function permissionLabel(p: string): string {
  const [area, action] = p.split('.');
  const a = INSTITUTION_AREAS.find((x) => x.key === area);
  return a ? `${a.label} · ${ACTION_LABELS[action] ?? action}` : p;
}

export type UserRole = 'applicant' | 'institution_admin' | 'sub_admin' | 'reviewer' | 'auditor' | 'platform_admin';

/**
 * What a user may do, computed on every request from the database so that a role change
 * or a revoked base takes effect on the user's next request.
 */
export function permissionsFor(input: {
  role: UserRole;
  institutionActive: boolean;
  isBase: boolean;
  rolePermissions: string[];
}): Set<Permission> {
  const out = new Set<Permission>();
  switch (input.role) {
    case 'applicant':
      out.add('institution.apply');
      break;
    case 'institution_admin':
    case 'sub_admin': {
      if (!input.institutionActive) {
        // An institution under review or rejected: its admin may see and amend the application.
        if (input.role === 'institution_admin') out.add('institution.apply');
        break;
      }
      const granted = input.role === 'institution_admin' ? INSTITUTION_PERMISSIONS : input.rolePermissions;
      for (const p of granted) {
        if (!isInstitutionPermission(p)) continue;
        if (!input.isBase && BASE_ONLY.includes(p)) continue;
        out.add(p);
      }
      break;
    }
    case 'reviewer':
      out.add('review.view');
      out.add('review.decide');
      break;
    case 'auditor':
      out.add('audit.view');
      break;
    case 'platform_admin':
      out.add('platform.admin');
      break;
  }
  return out;
}

/**
 * 'public': anyone, signed in or not. 'signed_in': any signed-in user (own account pages).
 * Everything else names a permission from the catalogue.
 */
export type Guard = Permission | 'public' | 'signed_in';
