import { z } from 'zod';
import { applicationWorkflowId } from '../../workflows/messages/institutionApplication';
import type { Request, Response } from 'express';
import type { AppDeps } from '../../app/deps';
import type { SecureRouter } from '../router';
import { parseForm, type FieldErrors } from '../forms';
import { notFound } from '../errors';
import { sendFile } from '../uploads';
import { regionName } from '../../domain/regions';
import { audit } from '../../db/audit';
import { createFileStore } from '../../db/files';
import {
  applicationRounds,
  findInstitution,
  hasAttachment,
  listAttachments,
  removeAttachment,
  updateProfile,
  type Institution,
  type ProfileFields,
} from '../../db/institutions';
import { profileSchema, profileShape } from './form';
import { checkAttachments, storeAttachments } from './attachments';
import { receiveAttachments } from '../attachments';

/**
 * 机构信息管理 (manual 4.2): the admin keeps 机构负责人, 联系人, 联系电话, 电子邮箱, 机构地址
 * and the attachments up to date; name, credit code, type and region were approved and
 * stay as they are. Also the forced completion of missing fields after login (manual 二).
 */
const DONE: Record<string, string> = {
  saved: '机构信息已保存。',
  added: '附件已上传。',
  removed: '附件已删除。',
  approved: '您的继续教育机构申请已审核通过,机构功能菜单已开放。',
};

const LABELS: Record<keyof ProfileFields, string> = {
  headName: '机构负责人',
  contactName: '联系人',
  contactPhone: '联系电话',
  email: '电子邮箱',
  address: '机构地址',
};
const PROFILE_KEYS = Object.keys(LABELS) as Array<keyof ProfileFields>;

const profileValues = (i: Institution): ProfileFields => ({
  headName: i.headName,
  contactName: i.contactName,
  contactPhone: i.contactPhone,
  email: i.email,
  address: i.address,
});

/** The fields an institution must fill before anything else: those left empty. */
const missingFields = (i: Institution) => PROFILE_KEYS.filter((k) => !String(i[k] ?? '').trim());

export function registerProfile(r: SecureRouter, deps: AppDeps) {
  const own = async (req: Request) => {
    const inst = req.user!.institutionId ? await findInstitution(deps.db, req.user!.institutionId) : null;
    if (!inst) throw notFound();
    return inst;
  };

  async function renderProfile(req: Request, res: Response, o: { status?: number; values?: object; errors?: FieldErrors } = {}) {
    const inst = await own(req);
    const [attachments, rounds] = await Promise.all([listAttachments(deps.db, inst.id), applicationRounds(deps.db, applicationWorkflowId(inst.id))]);
    res.status(o.status ?? 200).render('institutions/profile.njk', {
      inst,
      regionName: regionName(inst.regionCode),
      attachments,
      rounds,
      values: o.values ?? profileValues(inst),
      errors: o.errors ?? {},
      canEdit: req.user!.permissions.has('profile.edit'),
      done: DONE[String(req.query.done ?? (req.query.approved ? 'approved' : ''))] ?? null,
      maxMb: Math.round(deps.config.UPLOAD_MAX_BYTES / 1024 / 1024),
    });
  }

  r.get('/profile', 'profile.view', (req, res) => renderProfile(req, res));

  r.post('/profile', 'profile.edit', async (req, res) => {
    const form = parseForm(profileSchema, req.body);
    if (!form.ok) return renderProfile(req, res, { status: 422, values: req.body, errors: form.errors });
    const inst = await own(req);
    await updateProfile(deps.db, inst.id, form.data, deps.clock.now());
    await audit(deps.db, { event: 'institution_profile_update', result: 'success', userId: req.user!.id, ip: req.ip, institutionId: inst.id });
    res.redirect(303, '/profile?done=saved');
  });

  r.post('/profile/attachments', 'profile.edit', receiveAttachments(deps), async (req, res) => {
    const inst = await own(req);
    const checked = res.locals.uploadError ? { ok: false as const, message: res.locals.uploadError as string } : checkAttachments(req);
    const problem = !checked.ok ? checked.message : checked.files.length === 0 ? '请选择要上传的附件' : null;
    if (problem || !checked.ok) return renderProfile(req, res, { status: 422, errors: { attachments: problem! } });
    await deps.db.transaction((trx) => storeAttachments(trx, inst.id, req.user!.id, checked.files));
    await audit(deps.db, { event: 'institution_attachment_add', result: 'success', userId: req.user!.id, ip: req.ip, institutionId: inst.id, detail: { count: checked.files.length } });
    res.redirect(303, '/profile?done=added');
  });

  r.post('/profile/attachments/:fileId/delete', 'profile.edit', async (req, res) => {
    const inst = await own(req);
    const fileId = String(req.params.fileId);
    const outcome = await deps.db.transaction(async (trx) => {
      // Locked, so two removals at once cannot each leave the other file as the last one.
      const ids = await trx('institution_attachments').where({ institution_id: inst.id }).forUpdate().pluck('file_id');
      if (!ids.includes(fileId)) return 'missing';
      if (ids.length <= 1) return 'last';
      await removeAttachment(trx, inst.id, fileId);
      return 'removed';
    });
    if (outcome === 'missing') throw notFound();
    if (outcome === 'last') {
      return renderProfile(req, res, { status: 422, errors: { attachments: '至少保留一个附件(营业执照或事业单位法人证书等扫描件),请先上传新附件再删除' } });
    }
    await audit(deps.db, { event: 'institution_attachment_remove', result: 'success', userId: req.user!.id, ip: req.ip, institutionId: inst.id, detail: { fileId } });
    res.redirect(303, '/profile?done=removed');
  });

  r.get('/profile/attachments/:fileId', 'profile.view', async (req, res) => {
    const inst = await own(req);
    const fileId = String(req.params.fileId);
    if (!(await hasAttachment(deps.db, inst.id, fileId))) throw notFound();
    const f = await createFileStore(deps.db).read(fileId, inst.id);
    if (!f) throw notFound();
    sendFile(res, f, req.query.inline === '1');
  });

  // Forced completion: the fields left empty (or, when flagged with none empty, all of
  // them for confirmation), validated like the profile form.
  const completionFields = (inst: Institution) => {
    const missing = missingFields(inst);
    return missing.length ? missing : PROFILE_KEYS;
  };
  const renderComplete = (res: Response, inst: Institution, status: number, values: object, errors: FieldErrors) =>
    res.status(status).render('institutions/complete.njk', {
      inst,
      fields: completionFields(inst).map((k) => ({ name: k, label: LABELS[k] })),
      values,
      errors,
    });

  r.get('/profile/complete', 'profile.edit', async (req, res) => {
    const inst = await own(req);
    if (!inst.needsCompletion) return res.redirect(303, '/profile');
    renderComplete(res, inst, 200, profileValues(inst), {});
  });

  r.post('/profile/complete', 'profile.edit', async (req, res) => {
    const inst = await own(req);
    if (!inst.needsCompletion) return res.redirect(303, '/profile');
    const fields = completionFields(inst);
    const schema = z.object(Object.fromEntries(fields.map((k) => [k, profileShape[k]])));
    const form = parseForm(schema, req.body);
    if (!form.ok) return renderComplete(res, inst, 422, { ...profileValues(inst), ...req.body }, form.errors);
    await updateProfile(deps.db, inst.id, form.data as Partial<ProfileFields>, deps.clock.now(), true);
    await audit(deps.db, { event: 'institution_completion', result: 'success', userId: req.user!.id, ip: req.ip, institutionId: inst.id, detail: { fields } });
    res.redirect(303, '/dashboard');
  });
}
