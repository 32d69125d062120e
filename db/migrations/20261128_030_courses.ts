import type { Knex } from 'knex';

/**
 * Indexes the base-data pages and their "in use" checks read by: which courses a teacher
 * teaches, which classes chose a course or a site, and the platform an access key names.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX IF NOT EXISTS course_teachers_teacher ON course_teachers (teacher_id)');
  await knex.raw('CREATE INDEX IF NOT EXISTS class_courses_course ON class_courses (course_id)');
  await knex.raw('CREATE INDEX IF NOT EXISTS training_classes_site ON training_classes (site_id) WHERE site_id IS NOT NULL');
  await knex.raw('CREATE INDEX IF NOT EXISTS teachers_inst_name ON teachers (institution_id, name)');
  await knex.raw('CREATE INDEX IF NOT EXISTS courses_inst_id ON courses (institution_id, id)');
  // A key is 32 random bytes, so two equal hashes would mean a broken generator.
  await knex.raw(
    'CREATE UNIQUE INDEX IF NOT EXISTS online_platforms_access_key ON online_platforms (access_key_hash) WHERE access_key_hash IS NOT NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  for (const ix of [
    'online_platforms_access_key', 'courses_inst_id', 'teachers_inst_name', 'training_classes_site', 'class_courses_course',
    'course_teachers_teacher',
  ]) {
    await knex.raw(`DROP INDEX IF EXISTS ${ix}`);
  }
}
