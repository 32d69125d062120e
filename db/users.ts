import type { Db } from './knex';

export interface UserRow {
  id: number;
  login_name: string;
  id_number: string | null;
  name: string;
  phone: string | null;
  password_hash: string;
  role: string;
  institution_id: number | null;
  org_id: number | null;
  status: string;
  must_change_password: boolean;
  failed_logins: number;
  locked_until: Date | null;
}

/** A login may be the 登录账号 or the 身份证号码 (manual 一). */
export async function findByLogin(db: Db, login: string): Promise<UserRow | undefined> {
  const l = login.trim();
  return db<UserRow>('users')
    .where('login_name', l)
    .orWhere('id_number', l.toUpperCase())
    .first();
}

export async function findTaken(db: Db, v: { loginName?: string; idNumber?: string; phone?: string }) {
  const taken: { loginName?: boolean; idNumber?: boolean; phone?: boolean } = {};
  if (v.loginName) {
    taken.loginName = !!(await db('users').where('login_name', v.loginName).orWhere('id_number', v.loginName.toUpperCase()).first('id'));
  }
  if (v.idNumber) {
    taken.idNumber = !!(await db('users').where('id_number', v.idNumber).orWhere('login_name', v.idNumber).first('id'));
  }
  if (v.phone) taken.phone = !!(await db('users').where('phone', v.phone).first('id'));
  return taken;
}
