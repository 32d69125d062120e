import { Client } from 'pg';
import { createDb, type Db } from '../../db/knex';
import { migrationSource } from '../../db/migrations';

/**
 * Every migration runs up from an empty database, and down again where it says it can:
 * after each down-and-up the schema is exactly what it was, so a rollback in production
 * leaves no stray column, index or constraint behind. Runs in a database of its own.
 */
const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `ce_migrations_${process.pid}_${Date.now()}`;
let db: Db;

async function admin(sql: string) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** Tables, columns, indexes, constraints and triggers of the public schema, a line each. */
async function schema(): Promise<string[]> {
  const cols = await db.raw(`
    select table_name, column_name, data_type, is_nullable, column_default
      from information_schema.columns where table_schema = 'public' and table_name not like 'knex_%'
     order by table_name, column_name`);
  const idx = await db.raw(`select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename not like 'knex_%' order by indexname`);
  const cons = await db.raw(`
    select conrelid::regclass::text as t, conname, pg_get_constraintdef(oid) as def
      from pg_constraint where connamespace = 'public'::regnamespace and conrelid::regclass::text not like 'knex_%'
     order by 1, 2`);
  const trg = await db.raw(`select event_object_table, trigger_name, action_statement from information_schema.triggers where trigger_schema = 'public' order by 1, 2`);
  return [cols.rows, idx.rows, cons.rows, trg.rows].flat().map((r) => Object.values(r).join(' | '));
}

const names = async () => (await migrationSource.getMigrations([])) as string[];
const completed = async () => (await db('knex_migrations').orderBy('id').pluck('name')) as string[];

beforeAll(async () => {
  await admin(`CREATE DATABASE ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  db = createDb(url.toString(), { max: 2 });
});

afterAll(async () => {
  await db?.destroy();
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

/** The schema after each migration on the way up, by the number of migrations applied. */
const snapshots: string[][] = [];

it('runs every migration up from empty, one at a time, in the listed order', async () => {
  const all = await names();
  snapshots.push(await schema());
  for (let i = 0; i < all.length; i++) {
    await db.migrate.up({ migrationSource });
    snapshots.push(await schema());
  }
  expect(await completed()).toEqual(all);
  // The province's HR bureaus are there from the first start.
  expect(Number((await db('reviewer_orgs').where({ kind: 'hr_bureau' }).count({ n: '*' }))[0].n)).toBeGreaterThanOrEqual(11);
});

it('takes each migration down, newest first, to exactly the schema before it, then up again', async () => {
  const all = await names();
  for (let i = all.length - 1; i >= 0; i--) {
    await db.migrate.down({ migrationSource });
    expect(await completed()).toEqual(all.slice(0, i));
    expect({ after_down: all[i], schema: await schema() }).toEqual({ after_down: all[i], schema: snapshots[i] });
  }
  const left = await db.raw(`select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'knex_%'`);
  expect(left.rows).toEqual([]);
  await db.migrate.latest({ migrationSource });
  expect(await completed()).toEqual(all);
  expect(await schema()).toEqual(snapshots[all.length]);
});
