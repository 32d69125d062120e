import type { Knex } from 'knex';
import { REGIONS, PROVINCE_CODE } from '../../web/regions';

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
