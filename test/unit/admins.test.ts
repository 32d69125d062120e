import { grantableBy, mergeAccountRoles, mergeRolePermissions, permissionMatrix, permissionSummary } from '../../web/admins/grants';
import { permissionsFor, type Permission } from '../../domain/permissions';

const subAdmin = (ps: string[]) => grantableBy(permissionsFor({ role: 'sub_admin', institutionActive: true, isBase: false, rolePermissions: ps }));
const admin = (isBase: boolean) => grantableBy(permissionsFor({ role: 'institution_admin', institutionActive: true, isBase, rolePermissions: [] }));

describe('grantableBy', () => {
  it('is the institution permissions the actor holds; staff permissions never count', () => {
    expect([...subAdmin(['admins.view', 'courses.view'])].sort()).toEqual(['admins.view', 'courses.view']);
    expect(grantableBy(new Set<Permission>(['review.decide', 'platform.admin'])).size).toBe(0);
    expect(admin(false).has('annual_reviews.view')).toBe(false);
    expect(admin(true).has('annual_reviews.view')).toBe(true);
  });
});

describe('mergeRolePermissions', () => {
  const g = subAdmin(['admins.view', 'admins.edit']);

  it('refuses a permission the actor lacks, naming it', () => {
    const r = mergeRolePermissions([], ['admins.view', 'courses.edit'], g);
    expect(r).toEqual({ ok: false, message: '不能授予您自己没有的权限:培训课程 · 编辑' });
  });

  it('refuses names outside the catalogue', () => {
    expect(mergeRolePermissions([], ['admins.view', 'root'], g).ok).toBe(false);
  });

  it('keeps existing grants beyond the actor’s reach, in catalogue order', () => {
    expect(mergeRolePermissions(['courses.view', 'admins.view'], ['admins.edit', 'courses.view'], g)).toEqual({
      ok: true,
      value: ['courses.view', 'admins.edit'],
    });
  });

  it('lets the actor remove what they hold', () => {
    expect(mergeRolePermissions(['admins.view', 'admins.edit'], [], g)).toEqual({ ok: true, value: [] });
  });
});

describe('mergeAccountRoles', () => {
  const roles = [
    { id: 1, name: '管理', permissions: ['admins.view'] },
    { id: 2, name: '课程', permissions: ['courses.view', 'admins.view'] },
  ];
  const g = subAdmin(['admins.view', 'admins.edit']);

  it('refuses a role holding a permission the actor lacks', () => {
    expect(mergeAccountRoles([1], ['1', '2'], roles, g)).toEqual({ ok: false, message: '不能分配含有您自己没有的权限的角色:课程' });
  });

  it('refuses a role that is not the institution’s', () => {
    expect(mergeAccountRoles([], ['3'], roles, g).ok).toBe(false);
  });

  it('keeps a role the actor cannot assign when it is already held', () => {
    expect(mergeAccountRoles([1, 2], [], roles, g)).toEqual({ ok: true, value: [2] });
    expect(mergeAccountRoles([2], ['1', '2'], roles, g)).toEqual({ ok: true, value: [1, 2] });
  });

  it('lets the institution admin assign any role', () => {
    expect(mergeAccountRoles([], ['1', '2'], roles, admin(false))).toEqual({ ok: true, value: [1, 2] });
  });
});

describe('permissionMatrix', () => {
  it('locks what cannot be granted and says why', () => {
    const rows = permissionMatrix(['courses.view'], subAdmin(['courses.view', 'courses.edit', 'courses.import']), false);
    const courses = rows.find((r) => r.key === 'courses')!;
    expect(courses.cells.map((c) => [c.value, c.checked, c.locked])).toEqual([
      ['courses.view', true, ''],
      ['courses.edit', false, ''],
      ['courses.import', false, ''],
    ]);
    expect(courses.allChecked).toBe(false);
    const annual = rows.find((r) => r.key === 'annual_reviews')!;
    expect(annual.note).toBe('仅继续教育基地可用');
    expect(annual.anyOpen).toBe(false);
    expect(rows.find((r) => r.key === 'teachers')!.note).toBe('您没有此权限,不能授予');
  });

  it('summarises a role by menu', () => {
    expect(permissionSummary(['admins.view', 'courses.view', 'courses.edit'])).toBe('培训课程(查看、编辑);管理员管理(查看)');
  });
});
