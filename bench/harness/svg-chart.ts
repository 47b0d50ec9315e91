// A hand-written SVG bar chart of plugin/baseline ratios on a log scale, one
// row per measured quantity, with the 1× baseline line and each row's target.
// No dependency: the README embeds the file as is.
export interface ChartRow {
  label: string; // may contain Chinese; escaped here
  ratio: number; // plugin / baseline
  target?: number; // the ratio the row must stay at or under
  met?: boolean;
}

export interface ChartSpec {
  title: string;
  subtitle: string;
  rows: readonly ChartRow[];
}

const LEFT = 330;
const PLOT = 520;
const ROW = 26;
const TOP = 70;
const MIN = 1e-3;
const MAX = 10;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function x(ratio: number): number {
  const clamped = Math.min(MAX, Math.max(MIN, ratio));
  return LEFT + ((Math.log10(clamped) - Math.log10(MIN)) / (Math.log10(MAX) - Math.log10(MIN))) * PLOT;
}

function valueText(ratio: number): string {
  if (!Number.isFinite(ratio)) return ratio > 0 ? '∞' : 'n/a';
  return ratio >= 0.1 ? `${ratio.toFixed(2)}×` : `${ratio.toFixed(3)}×`;
}

export function renderRatioChart(spec: ChartSpec): string {
  const height = TOP + spec.rows.length * ROW + 50;
  const width = LEFT + PLOT + 90;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="24" font-size="16" font-weight="bold">${escape(spec.title)}</text>`,
    `<text x="12" y="44" fill="#555">${escape(spec.subtitle)}</text>`,
  ];
  const bottom = TOP + spec.rows.length * ROW;
  for (const tick of [0.001, 0.01, 0.1, 1, 10]) {
    const tx = x(tick).toFixed(1);
    out.push(`<line x1="${tx}" y1="${TOP - 6}" x2="${tx}" y2="${bottom}" stroke="${tick === 1 ? '#333' : '#ddd'}" stroke-width="${tick === 1 ? 1.5 : 1}"/>`);
    out.push(`<text x="${tx}" y="${bottom + 16}" text-anchor="middle" fill="#555">${tick}×</text>`);
  }
  out.push(`<text x="${x(1).toFixed(1)}" y="${TOP - 10}" text-anchor="middle" fill="#333">基线 / baseline</text>`);
  spec.rows.forEach((row, i) => {
    const y = TOP + i * ROW;
    const colour = row.met === undefined ? '#6b8cce' : row.met ? '#3a9d5d' : '#d0473a';
    const x0 = x(MIN);
    const x1 = x(Number.isFinite(row.ratio) ? row.ratio : row.ratio > 0 ? MAX : MIN);
    out.push(`<text x="${LEFT - 8}" y="${y + 16}" text-anchor="end">${escape(row.label)}</text>`);
    out.push(`<rect x="${x0.toFixed(1)}" y="${y + 5}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${ROW - 10}" fill="${colour}"/>`);
    if (row.target !== undefined) {
      const tx = x(row.target).toFixed(1);
      out.push(`<line x1="${tx}" y1="${y + 2}" x2="${tx}" y2="${y + ROW - 2}" stroke="#000" stroke-dasharray="3,2" stroke-width="1.5"/>`);
    }
    const verdict = row.met === undefined ? '' : row.met ? ' ✓' : ' ✗';
    out.push(`<text x="${(x1 + 4).toFixed(1)}" y="${y + 16}" fill="#222">${valueText(row.ratio)}${verdict}</text>`);
  });
  out.push(`<text x="12" y="${height - 12}" fill="#555">${escape('对数坐标；虚线为目标，绿色达标，红色未达标 / log scale; dashed line = target, green met, red missed')}</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
