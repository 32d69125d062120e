import type { Knex } from 'knex';

// The regions as they were when this migration was written: a migration never follows
// later edits of domain/regions.ts, so replaying it gives the same rows it gave then.
const PROVINCE_CODE = '350000';
const REGIONS = [
  { code: '350100', name: '福州市' },
  { code: '350200', name: '厦门市' },
  { code: '350300', name: '莆田市' },
  { code: '350400', name: '三明市' },
  { code: '350500', name: '泉州市' },
  { code: '350600', name: '漳州市' },
  { code: '350700', name: '南平市' },
  { code: '350800', name: '龙岩市' },
  { code: '350900', name: '宁德市' },
  { code: '350128', name: '平潭综合实验区' },
];

/**
 * Fujian's HR bureaus are facts of the province, not demo data: each region's
 * applications route to its bureau from the first start. Industry authorities and
 * people are added by the platform admin.
 */
const BUREAUS = [
  { name: '福建省人力资源和社会保障厅', region_code: PROVINCE_CODE },
  ...REGIONS.map((r) => ({
    name: r.code === '350128' ? '平潭综合实验区社会事业局' : `${r.name}人力资源和社会保障局`,
    region_code: r.code,
  })),
];

export async function up(knex: Knex): Promise<void> {
  await knex('reviewer_orgs')
    .insert(BUREAUS.map((b) => ({ ...b, kind: 'hr_bureau' })))
    .onConflict('name')
    .ignore();
  await knex.raw(
    "CREATE UNIQUE INDEX reviewer_orgs_one_bureau_per_region ON reviewer_orgs (region_code) WHERE kind = 'hr_bureau'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS reviewer_orgs_one_bureau_per_region');
  await knex('reviewer_orgs').whereIn('name', BUREAUS.map((b) => b.name)).delete();
}
