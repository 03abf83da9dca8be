// Heatmaps: a grid of coloured cells (rows × columns) with row and column labels and a colour bar with its unit.
// Used for gate activations per character (columns) and per hidden unit (rows). Colours: viridis (sequential) or a
// blue–white–red diverging map; both stay readable in grey scale and with colour-vision deficiencies.
import { base64, indexedPng } from './png.js';
import { esc, fmtNum, text, type Panel } from './svg.js';

export type Colormap = 'viridis' | 'diverging';

/** Colour levels a heatmap is quantised to (indistinguishable from continuous at this count). */
export const LEVELS = 64;

// viridis at 0, 1/6, …, 1 (matplotlib's values, rounded)
const VIRIDIS = [[68, 1, 84], [65, 68, 135], [42, 120, 142], [34, 168, 132], [122, 209, 81], [189, 223, 38], [253, 231, 37]];
const DIVERGING = [[33, 102, 172], [146, 197, 222], [247, 247, 247], [244, 165, 130], [178, 24, 43]];

/** Colour of u ∈ [0, 1] (clamped) as "#rrggbb". */
export function colorAt(map: Colormap, u: number): string {
  const stops = map === 'viridis' ? VIRIDIS : DIVERGING;
  const t = Math.min(1, Math.max(0, Number.isFinite(u) ? u : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t)), f = t - i;
  return '#' + stops[i].map((c, k) => Math.round(c + f * (stops[i + 1][k] - c)).toString(16).padStart(2, '0')).join('');
}

export interface HeatmapSpec {
  title?: string;
  /** values[row][col]; NaN cells are left empty. */
  values: readonly ArrayLike<number>[];
  /** One label per column (e.g. the characters); drawn under the cells. */
  colLabels?: readonly string[];
  /** One label per row; drawn left of the cells (every `rowLabelEvery`-th). */
  rowLabels?: readonly string[];
  rowLabelEvery?: number;
  /** Title of the row axis, e.g. "hidden unit". */
  rowAxisLabel?: string;
  min: number;
  max: number;
  colormap?: Colormap;
  /** Colour bar title with unit, e.g. "update gate z (0–1)". */
  colorbarLabel: string;
  cellWidth?: number;
  cellHeight?: number;
  /** Height of each row in pixels (overrides cellHeight), e.g. thin rows for hundreds of units. */
  rowHeights?: readonly number[];
  /** Room for the row labels in pixels (default 64). */
  labelWidth?: number;
}

export function heatmap(spec: HeatmapSpec): Panel {
  const rows = spec.values.length, cols = rows ? spec.values[0].length : 0;
  const cw = spec.cellWidth ?? 10, ch = spec.cellHeight ?? 10, map = spec.colormap ?? 'viridis';
  const left = spec.rowLabels || spec.rowAxisLabel ? spec.labelWidth ?? 64 : 8, top = spec.title ? 24 : 6;
  const heights = spec.rowHeights ?? Array.from({ length: rows }, () => ch);
  const ys: number[] = [];
  let gridH = 0;
  for (const h of heights) { ys.push(top + gridH); gridH += h; }
  const labelsH = spec.colLabels ? 16 : 0;
  const cbY = top + gridH + labelsH + 10;
  const width = Math.max(left + cols * cw + 10, left + 330), height = cbY + 34;
  const span = spec.max - spec.min || 1;
  let body = spec.title ? text(left, 16, spec.title, 'font-size="13" font-weight="bold"') : '';
  const levelOf = (v: number): number => (Number.isFinite(v) ? Math.round(Math.min(1, Math.max(0, (v - spec.min) / span)) * (LEVELS - 1)) : -1);
  // Rows are drawn in blocks of equal height. Big blocks (≥ 8 rows, ≥ 1000 cells) become one embedded indexed PNG,
  // scaled without smoothing; the rest are paths, one per colour level, a run of equal cells in a row being one
  // rectangle (~18 bytes a run instead of ~70 a cell for <rect>s).
  const paths = new Map<number, string[]>();
  for (let r0 = 0; r0 < rows;) {
    let n = 1;
    while (r0 + n < rows && heights[r0 + n] === heights[r0]) n++;
    if (n >= 8 && n * cols >= 1000) body += rasterBlock(spec.values.slice(r0, r0 + n), cols, levelOf, map, left, ys[r0], cw, heights[r0]);
    else for (let r = r0; r < r0 + n; r++) runs(spec.values[r], cols, levelOf, (c, len, level) => {
      let cells = paths.get(level);
      if (!cells) paths.set(level, (cells = []));
      cells.push(`M${left + c * cw} ${ys[r]}h${len * cw}v${heights[r]}h-${len * cw}z`);
    });
    r0 += n;
  }
  for (const [level, cells] of [...paths].sort((a, b) => a[0] - b[0])) body += `<path fill="${colorAt(map, level / (LEVELS - 1))}" d="${cells.join('')}"/>`;
  body += `<rect x="${left}" y="${top}" width="${cols * cw}" height="${gridH}" fill="none" stroke="#888" stroke-width="0.5"/>`;
  if (spec.colLabels) {
    spec.colLabels.forEach((l, c) => {
      const shown = l === ' ' ? '␣' : l === '\n' ? '⏎' : l;
      body += text(left + c * cw + cw / 2, top + gridH + 12, shown, `text-anchor="middle" font-size="${Math.min(12, cw + 1)}" font-family="DejaVu Sans Mono, monospace"${l === ' ' ? ' fill="#aaa"' : ''}`);
    });
  }
  if (spec.rowLabels) {
    const every = spec.rowLabelEvery ?? 1;
    spec.rowLabels.forEach((l, r) => {
      if (r % every === 0 && l) body += text(left - 4, ys[r] + Math.max(heights[r], 8) / 2 + 3.5, l, `text-anchor="end" font-size="${Math.min(10, Math.max(heights[r], 8) + 1)}"`);
    });
  }
  if (spec.rowAxisLabel) {
    body += `<text transform="translate(12,${(top + gridH / 2).toFixed(1)}) rotate(-90)" text-anchor="middle" font-size="11">${esc(spec.rowAxisLabel)}</text>`;
  }
  // colour bar: 100 steps, ticks at min, middle, max
  const barW = 200;
  for (let i = 0; i < 100; i++) body += `<rect x="${(left + (i * barW) / 100).toFixed(1)}" y="${cbY}" width="${(barW / 100 + 0.3).toFixed(2)}" height="10" fill="${colorAt(map, i / 99)}"/>`;
  for (const f of [0, 0.5, 1]) body += text(left + f * barW, cbY + 22, fmtNum(spec.min + f * span), 'text-anchor="middle" font-size="10"');
  body += text(left + barW + 10, cbY + 9, spec.colorbarLabel, 'font-size="11"');
  return { width, height, body };
}

/** Calls `emit(start, length, level)` for each run of equal colour levels in a row (NaN cells: no run). */
function runs(row: ArrayLike<number>, cols: number, levelOf: (v: number) => number, emit: (c: number, n: number, level: number) => void): void {
  for (let c = 0; c < cols;) {
    const level = levelOf(row[c]);
    let n = 1;
    while (c + n < cols && levelOf(row[c + n]) === level) n++;
    if (level >= 0) emit(c, n, level);
    c += n;
  }
}

/** rows × cols cells as one PNG (a pixel per cell; NaN white) stretched to cw × ch pixels a cell. */
function rasterBlock(values: readonly ArrayLike<number>[], cols: number, levelOf: (v: number) => number, map: Colormap,
  x: number, y: number, cw: number, ch: number): string {
  const palette = [...Array.from({ length: LEVELS }, (_, l) => colorAt(map, l / (LEVELS - 1))), '#ffffff'];
  const index = new Uint8Array(values.length * cols);
  values.forEach((row, r) => { for (let c = 0; c < cols; c++) { const l = levelOf(row[c]); index[r * cols + c] = l < 0 ? LEVELS : l; } });
  const png = base64(indexedPng(cols, values.length, index, palette));
  return `<image x="${x}" y="${y}" width="${cols * cw}" height="${values.length * ch}" preserveAspectRatio="none" image-rendering="optimizeSpeed" `
    + `style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>`;
}
