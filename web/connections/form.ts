import { z } from 'zod';
import { zContactPhone, zText } from '../../domain/validation';
import { isRegionCode, REGION_OPTIONS } from '../../domain/regions';
import { zCount } from '../baseData';
import type { PlatformInput, SiteInput } from '../../db/connections';

/** 面授点 fields (manual 3.3). */
export const siteSchema = z.object({
  name: zText('面授点名称', 100),
  regionCode: z.string({ error: '请选择所属地区' }).trim().refine(isRegionCode, '请选择所属地区'),
  address: zText('详细地址', 200),
  capacity: zCount('可容纳人数', 100000),
  contactName: zText('联系人', 50),
  contactPhone: zContactPhone,
}) satisfies z.ZodType<SiteInput, unknown>;

export const SITE_FIELDS = ['name', 'regionCode', 'address', 'capacity', 'contactName', 'contactPhone'] as const;

/** An http(s) address with a host name, as a person would type it into a browser. */
const zUrl = zText('网址', 300).superRefine((v, ctx) => {
  let u: URL | null = null;
  try {
    u = new URL(v);
  } catch {
    u = null;
  }
  const hostOk = !!u && (u.hostname === 'localhost' || /^[^.\s]+(\.[^.\s]+)+$/.test(u.hostname));
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || !hostOk || /\s/.test(v)) {
    ctx.addIssue({ code: 'custom', message: '网址格式不正确,应以 http:// 或 https:// 开头,如 https://www.example.com' });
  }
});

/** 网授平台 fields (manual 3.3). */
export const platformSchema = z.object({
  name: zText('平台名称', 100),
  url: zUrl,
  operator: zText('运营单位', 100),
  contactName: zText('联系人', 50),
  contactPhone: zContactPhone,
}) satisfies z.ZodType<PlatformInput, unknown>;

export const PLATFORM_FIELDS = ['name', 'url', 'operator', 'contactName', 'contactPhone'] as const;

export { REGION_OPTIONS };
export const ENABLED_OPTIONS = [
  { value: 'yes', label: '已启用' },
  { value: 'no', label: '已停用' },
];
