import type { Knex } from 'knex';

/**
 * The platform admin reads the SMS outbox newest first and searches it by a phone
 * number or its first digits; the outbox grows with every code sent.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX sms_outbox_phone_prefix ON sms_outbox (phone text_pattern_ops, id DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS sms_outbox_phone_prefix');
}
