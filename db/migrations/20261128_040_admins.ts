import type { Knex } from 'knex';

/**
 * 管理员管理: the role list counts each role's holders and a role's deletion names them,
 * both by role_id, which the (user_id, role_id) primary key cannot serve.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('user_roles', (t) => {
    t.index(['role_id'], 'user_roles_role_id_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('user_roles', (t) => {
    t.dropIndex(['role_id'], 'user_roles_role_id_index');
  });
}
