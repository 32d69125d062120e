/**
 * Fujian's cities (and 平潭综合实验区), by administrative division code. The region of an
 * institution decides which HR bureau reviews it; '350000' is the provincial bureau.
 */
export const REGIONS = [
  { code: '350100', name: '福州市' },
  { code: '350200', name: '厦门市' },
  { code: '350300', name: '莆田市' },
  { code: '350400', name: '三明市' },
  { code: '350500', name: '泉州市' },
  { code: '350600', name: '漳州市' },
  { code: '350700', name: '南平市' },
  { code: '350800', name: '龙岩市' },
  { code: '350900', name: '宁德市' },
  { code: '350128', name: '平潭综合实验区' },
] as const;

export const PROVINCE_CODE = '350000';

export const regionName = (code: string | null | undefined) =>
  code === PROVINCE_CODE ? '福建省' : REGIONS.find((r) => r.code === code)?.name ?? code ?? '';

export const isRegionCode = (code: string) => REGIONS.some((r) => r.code === code);

export const REGION_OPTIONS = REGIONS.map((r) => ({ value: r.code, label: r.name }));
