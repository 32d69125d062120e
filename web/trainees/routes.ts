import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { notFound } from '../errors';
import { pageOf, pagerBase } from '../paging';
import { wantsFragment } from '../render';
import { personOpenEnrolments, personRecords, resolvePerson, traineesPage, yearlyTotals, YEARLY_HOURS } from '../../db/trainees';

/** 培训管理 — 培训人员 (manual 3.4): search past trainees and open one person's records. */
export function registerTrainees(r: SecureRouter, deps: AppDeps) {
  r.get('/trainees', 'trainees.view', async (req, res) => {
    const str = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
    const name = str(req.query.name, 50);
    const idNumber = str(req.query.idNumber, 18).toUpperCase();
    const yearN = Number(req.query.year);
    const year = Number.isInteger(yearN) && yearN >= 2000 && yearN <= 2100 ? yearN : undefined;
    const errors: Record<string, string> = {};
    if (idNumber && !/^[\dX]+$/.test(idNumber)) errors.idNumber = '身份证号码只能包含数字和X';
    const f = { name, idNumber: errors.idNumber ? '' : idNumber, year };
    const page = await traineesPage(deps.db, req.user!.institutionId!, f, pageOf(req.query.page));
    const view = { f: { name, idNumber, year: year ?? '' }, errors, page, pager: pagerBase('/trainees', { name, idNumber, year }) };
    res.render(wantsFragment(req) ? 'trainees/_list.njk' : 'trainees/list.njk', view);
  });

  r.get('/trainees/person/:ref', 'trainees.view', async (req, res) => {
    const inst = req.user!.institutionId!;
    const person = await resolvePerson(deps.db, inst, String(req.params.ref));
    if (!person) throw notFound();
    const [records, open] = await Promise.all([personRecords(deps.db, inst, person.idNumber), personOpenEnrolments(deps.db, inst, person.idNumber)]);
    res.render('trainees/person.njk', { person, records, open, totals: yearlyTotals(records), rule: YEARLY_HOURS });
  });
}
