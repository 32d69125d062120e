import { idNumberProblem, creditCodeProblem, passwordProblem, PHONE_RE, maskIdNumber, maskPhone } from '../../domain/validation';
import { parseForm } from '../../web/forms';
import { decisionSchema } from '../../web/review/decide';
import { baseApplicationSchema } from '../../web/bases/form';
import { makeCreditCode, makeIdNumber } from '../helpers/fixtures';

describe('ID number (GB 11643)', () => {
  it('accepts a valid number, including check character X', () => {
    expect(idNumberProblem('11010519491231002X')).toBeNull();
    expect(idNumberProblem('11010519491231002x')).toBeNull();
    expect(idNumberProblem(makeIdNumber())).toBeNull();
  });
  it('refuses a wrong check digit', () => {
    expect(idNumberProblem('110105194912310021')).toBe('身份证号码校验位不正确');
  });
  it('refuses an impossible or future birth date', () => {
    expect(idNumberProblem('110105194902300020')).toBe('身份证号码中的出生日期无效');
    expect(idNumberProblem('110105209901010020')).toBe('身份证号码中的出生日期无效');
  });
  it('refuses wrong length and letters', () => {
    expect(idNumberProblem('1101051949123100')).toMatch(/18位/);
    expect(idNumberProblem('11010519491231A02X')).toMatch(/18位/);
  });
});

describe('credit code (GB 32100)', () => {
  it('accepts a real code and generated ones', () => {
    expect(creditCodeProblem('91350100M000100Y43')).toBeNull();
    for (let i = 0; i < 20; i++) expect(creditCodeProblem(makeCreditCode())).toBeNull();
  });
  it('refuses a wrong check character, bad letters and length', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe('统一社会信用代码校验位不正确');
    expect(creditCodeProblem('91350100M000100YI3')).toBe('统一社会信用代码含有无效字符');
    expect(creditCodeProblem('9135')).toBe('统一社会信用代码应为18位');
  });
});

describe('phone and password', () => {
  it('phone is 1[3-9] and 9 more digits', () => {
    expect(PHONE_RE.test('13812345678')).toBe(true);
    expect(PHONE_RE.test('12812345678')).toBe(false);
    expect(PHONE_RE.test('1381234567')).toBe(false);
  });
  it('password needs 8-20 characters of three kinds', () => {
    expect(passwordProblem('Passw0rd')).toBeNull();
    expect(passwordProblem('password1')).toMatch(/三种/);
    expect(passwordProblem('Pa1!')).toMatch(/8-20/);
    expect(passwordProblem('Aa1!'.repeat(6))).toMatch(/8-20/);
  });
  it('masks', () => {
    expect(maskIdNumber('350102198001011234')).toBe('350102********1234');
    expect(maskPhone('13812345678')).toBe('138****5678');
  });
});

describe('cross-field rules report only on values that passed their own rule', () => {
  // zod runs an object's refinements after a field failed; a second, wrong message must not follow.
  it('审核: a missing decision is named once, with no call for a 退回 reason', () => {
    expect(parseForm(decisionSchema, { decision: '', reason: '' })).toEqual({ ok: false, errors: { decision: '请选择审核结果' } });
    expect(parseForm(decisionSchema, { decision: 'reject', reason: '' })).toEqual({ ok: false, errors: { reason: '退回时请填写退回原因' } });
  });
  it('基地申请: a bad teacher count is named once, with no "合计至少为1人"', () => {
    const form = { name: '基地', baseType: '综合类', field: '工程', facilities: '教室', annualCapacity: '5', recentTraining: '有' };
    expect(parseForm(baseApplicationSchema, { ...form, fullTimeTeachers: '0', partTimeTeachers: 'abc' })).toEqual({ ok: false, errors: { partTimeTeachers: '兼职师资数量应为整数' } });
    expect(parseForm(baseApplicationSchema, { ...form, fullTimeTeachers: '0', partTimeTeachers: '0' })).toEqual({ ok: false, errors: { fullTimeTeachers: '专兼职师资数量合计至少为1人' } });
  });
});
