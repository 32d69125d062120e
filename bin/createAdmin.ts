import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { audit } from '../db/audit';
import { findTaken } from '../db/users';
import { hashPassword } from '../domain/password';
import { zLoginName, zPassword, zText } from '../domain/validation';
import { askHidden, CliError, withPlatformDb } from './cli';

/**
 * `npm run admin:create -- --login <name> --name <姓名> [--password <pw>]`: the only way a
 * platform admin comes to exist, so no account with a known password ships with the code.
 * Without --password the password is asked for without echo.
 */

const adminSchema = z.object({ login: zLoginName, name: zText('姓名', 50), password: zPassword });

export type CreateAdminResult = { ok: true; id: number } | { ok: false; errors: Record<string, string> };

export async function createPlatformAdmin(db: Db, input: { login?: string; name?: string; password?: string }): Promise<CreateAdminResult> {
  const parsed = adminSchema.safeParse(input);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
    return { ok: false, errors };
  }
  const d = parsed.data;
  if ((await findTaken(db, { loginName: d.login })).loginName) return { ok: false, errors: { login: '该登录账号已被注册' } };
  const hash = await hashPassword(d.password);
  try {
    return await db.transaction(async (trx) => {
      const [row] = await trx('users').insert({ login_name: d.login, name: d.name, password_hash: hash, role: 'platform_admin' }).returning('id');
      await audit(trx, { event: 'platform.admin_create', result: 'success', userId: row.id, login: d.login, detail: { via: 'cli' } });
      return { ok: true as const, id: row.id as number };
    });
  } catch (e) {
    if ((e as { code?: string }).code === '23505') return { ok: false, errors: { login: '该登录账号已被注册' } };
    throw e;
  }
}

const FLAG: Record<string, string> = { login: '--login', name: '--name', password: '--password' };

async function main() {
  const { values } = parseArgs({
    options: { login: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' } },
    strict: true,
  });
  if (!values.login || !values.name) {
    throw new CliError('用法: npm run admin:create -- --login <登录账号> --name <姓名> [--password <密码>]');
  }
  let password = values.password;
  if (password === undefined) {
    if (!process.stdin.isTTY) throw new CliError('请用 --password 提供密码(或在终端中运行以输入密码)');
    password = await askHidden('密码: ');
    if (password !== (await askHidden('确认密码: '))) throw new CliError('两次输入的密码不一致');
  }
  await withPlatformDb(async (db) => {
    const result = await createPlatformAdmin(db, { login: values.login, name: values.name, password });
    if (!result.ok) {
      throw new CliError(Object.entries(result.errors).map(([k, m]) => `${FLAG[k] ?? k}: ${m}`).join('\n'));
    }
    console.log(`平台管理员 ${values.login} 已创建,可用该账号登录。`);
  });
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof CliError ? e.message : e);
    process.exitCode = 1;
  });
}
