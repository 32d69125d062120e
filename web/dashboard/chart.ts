import type { YearFigures } from '../../db/dashboard';

/**
 * 各年度培训数据 as a server-rendered SVG: one bar per measure, split 公需 (blue) and 专业
 * (green) in proportion, the numbers written beside it. No script, so it prints and
 * works without JavaScript; only numbers and fixed labels go into the markup.
 */
const ROWS: Array<{ key: 'classes' | 'trainees' | 'personTimes' | 'hours'; label: string }> = [
  { key: 'classes', label: '培训班数' },
  { key: 'trainees', label: '培训人数' },
  { key: 'personTimes', label: '培训人次' },
  { key: 'hours', label: '培训学时' },
];

const W = 780;
const LABEL_W = 80;
const BAR_W = 360;
const ROW_H = 44;
const TOP = 34;

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export function trainingChartSvg(f: YearFigures): string {
  const h = TOP + ROWS.length * ROW_H + 8;
  const parts: string[] = [];
  const summary = ROWS.map((r) => `${r.label}:公需${fmt(f.public[r.key])},专业${fmt(f.professional[r.key])}`).join(';');
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="100%" viewBox="0 0 ${W} ${h}" role="img" aria-labelledby="chart-title chart-desc">`,
    `<title id="chart-title">${f.year}年度培训数据</title>`,
    `<desc id="chart-desc">${summary}</desc>`,
    `<rect x="${LABEL_W}" y="6" width="12" height="12" fill="#1f5fa8"/><text x="${LABEL_W + 18}" y="16" font-size="12">公需科目</text>`,
    `<rect x="${LABEL_W + 90}" y="6" width="12" height="12" fill="#1e8449"/><text x="${LABEL_W + 108}" y="16" font-size="12">专业科目</text>`,
  );
  ROWS.forEach((r, i) => {
    const y = TOP + i * ROW_H;
    const pub = f.public[r.key];
    const pro = f.professional[r.key];
    const sum = pub + pro;
    const pubW = sum > 0 ? Math.round((BAR_W * pub) / sum) : 0;
    const proW = sum > 0 ? BAR_W - pubW : 0;
    parts.push(`<text x="0" y="${y + 18}" font-size="13">${r.label}</text>`);
    parts.push(`<rect x="${LABEL_W}" y="${y + 4}" width="${BAR_W}" height="20" fill="#eef2f7"/>`);
    if (pubW > 0) parts.push(`<rect x="${LABEL_W}" y="${y + 4}" width="${pubW}" height="20" fill="#1f5fa8" data-type="public" data-value="${fmt(pub)}"/>`);
    if (proW > 0) parts.push(`<rect x="${LABEL_W + pubW}" y="${y + 4}" width="${proW}" height="20" fill="#1e8449" data-type="professional" data-value="${fmt(pro)}"/>`);
    parts.push(`<text x="${LABEL_W + BAR_W + 10}" y="${y + 18}" font-size="12" data-measure="${r.key}">公需 ${fmt(pub)} · 专业 ${fmt(pro)} · 合计 ${fmt(f.total[r.key])}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
