import { z } from 'zod';
import type { Knex } from 'knex';
import type { Db } from '../../db/knex';
import type { FieldErrors } from '../forms';
import { passwordProblem, zIdNumber, zLoginName, zPhone, zText } from '../../domain/validation';
import { findTaken } from '../../db/users';

/**
 * What every form that creates an account shares (registration, 子管理员, 审核员/审计员):
 * the person's fields with registration's rules, the uniqueness checks, and for accounts
 * made by an administrator an initial password the owner must change at first login.
 */
export const personFields = {
  loginName: zLoginName,
  name: zText('姓名', 50),
  idNumber: zIdNumber,
  phone: zPhone,
};

const zInitialPassword = z
  .string({ error: '请设定初始密码' })
  .min(1, '请设定初始密码')
  .superRefine((v, ctx) => {
    const p = passwordProblem(v);
    if (p) ctx.addIssue({ code: 'custom', message: `初始${p}` });
  });

/** 初始密码 and its confirmation; check them with `.refine(...passwordsMatch)`. */
export const initialPasswordFields = {
  password: zInitialPassword,
  passwordConfirm: z.string({ error: '请再次输入初始密码' }).min(1, '请再次输入初始密码'),
};

/** A password and its confirmation must match: the confirmation field says so. */
export const passwordsMatch: [(v: { password: string; passwordConfirm: string }) => boolean, { path: string[]; message: string }] = [
  (v) => v.password === v.passwordConfirm,
  { path: ['passwordConfirm'], message: '两次输入的密码不一致' },
];

/** A unique index refused the account: someone took one of its keys after the check. */
export const TAKEN_MEANWHILE = '该登录账号、身份证号码或手机号已被注册';

/**
 * Marks on `errors` the login name, ID number or phone another account holds; a field
 * already wrong is not looked up. `values` are the submitted strings.
 */
export async function markTaken(db: Db, values: Record<string, string>, errors: FieldErrors): Promise<void> {
  const taken = await findTaken(db, {
    loginName: errors.loginName ? undefined : values.loginName.trim(),
    idNumber: errors.idNumber ? undefined : values.idNumber.trim().toUpperCase(),
    phone: errors.phone ? undefined : values.phone.trim(),
  });
  if (taken.loginName) errors.loginName = '该登录账号已被注册';
  if (taken.idNumber) errors.idNumber = '该身份证号码已注册';
  if (taken.phone) errors.phone = '该手机号已注册';
}

export interface NewPerson {
  loginName: string;
  name: string;
  idNumber: string;
  phone: string;
}

/** Inserts an account with an initial password (already hashed) to be changed at first login. */
export async function insertInitialAccount(
  trx: Knex.Transaction,
  person: NewPerson,
  passwordHash: string,
  placement: { role: string; institution_id?: number; org_id?: number | null },
): Promise<number> {
  const [row] = await trx('users')
    .insert({
      login_name: person.loginName,
      id_number: person.idNumber,
      name: person.name,
      phone: person.phone,
      password_hash: passwordHash,
      ...placement,
      must_change_password: true,
    })
    .returning('id');
  return row.id as number;
}
