import type { Knex } from 'knex';
import * as m001 from './20261128_001_foundation';
import * as m002 from './20261128_002_training';
import * as m003 from './20261128_003_hr_bureaus';
import * as m030 from './20261128_030_courses';
import * as m020 from './20261128_020_institutions';
import * as m050 from './20261128_050_classes';
import * as m040 from './20261128_040_admins';
import * as m060 from './20261128_060_imports';
import * as m070 from './20261128_070_bases';
import * as m071 from './20261128_071_annual_reviews';
import * as m010 from './20261128_010_platform';
import * as m072 from './20261129_072_dashboard_passed_hours';
import * as m073 from './20261201_073_review_snapshots';
import * as m074 from './20261203_074_login_attempts';
import * as m075 from './20261203_075_base_reapplication';
import * as m076 from './20261203_076_import_file_retention';
import * as m077 from './20261203_077_short_lived_indexes';

/**
 * The migrations in order. Listed by import rather than read from the directory so they
 * run the same under tsx, jest and a bundled build. Add new ones at the end.
 */
const migrations: Record<string, Knex.Migration> = {
  '20261128_001_foundation': m001,
  '20261128_002_training': m002,
  '20261128_003_hr_bureaus': m003,
  '20261128_050_classes': m050,
  '20261128_030_courses': m030,
  '20261128_020_institutions': m020,
  '20261128_040_admins': m040,
  '20261128_060_imports': m060,
  '20261128_070_bases': m070,
  '20261128_071_annual_reviews': m071,
  '20261128_010_platform': m010,
  '20261129_072_dashboard_passed_hours': m072,
  '20261201_073_review_snapshots': m073,
  '20261203_074_login_attempts': m074,
  '20261203_075_base_reapplication': m075,
  '20261203_076_import_file_retention': m076,
  '20261203_077_short_lived_indexes': m077,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};
