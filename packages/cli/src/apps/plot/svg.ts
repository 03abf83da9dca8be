// A small SVG writer for the experiments' figures: scales (linear, log₁₀), "nice" ticks, text escaping, a colour-blind
// safe palette, and `figure()` which lays out panels on a grid under a title. Strings in, strings out — no DOM, so it
// runs the same in Node and browsers. Line charts are in line.ts, heatmaps in heatmap.ts.

/** A finished panel: SVG elements drawn in its own box (0, 0)–(width, height). */
export interface Panel { width: number; height: number; body: string }

/** Okabe–Ito colours (distinguishable with the common colour-vision deficiencies). */
export const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

/** Fixed colours so a model has the same colour in every figure. */
export const modelColors: Record<string, string> = { gru: '#0072B2', rnn: '#D55E00', lstm: '#009E73', 'gru-cho': '#CC79A7' };

export const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

export const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Number → short label: 0.001 → "0.001", 12000 → "12k", 1e-7 → "10⁻⁷" (for powers of ten). */
export function fmtNum(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v), p = Math.log10(a);
  if (Math.abs(p - Math.round(p)) < 1e-9 && (a < 1e-3 || a >= 1e4)) return `${v < 0 ? '−' : ''}10${superscript(Math.round(p))}`;
  if (a >= 1e4) return `${+(v / 1000).toPrecision(3)}k`;
  if (a < 1e-3) return v.toExponential(0).replace('-', '−');
  return String(+v.toPrecision(4)).replace('-', '−');
}

const SUP: Record<string, string> = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
export const superscript = (n: number): string => String(n).split('').map((c) => SUP[c] ?? c).join('');

/** 10^p exactly as written in decimal (10 ** -5 is 0.000009999999999999999 in floating point; this is 1e-5). */
export const pow10 = (p: number): number => Number(`1e${p}`);

export interface Scale {
  readonly log: boolean;
  readonly min: number;
  readonly max: number;
  /** Data value → pixel. */
  map(v: number): number;
  ticks(): number[];
}

/** Linear or log₁₀ scale from the data range [min, max] onto pixels [p0, p1]. */
export function scale(min: number, max: number, p0: number, p1: number, log = false): Scale {
  if (log) {
    const l0 = Math.log10(min), l1 = Math.log10(max), span = l1 - l0 || 1;
    return { log, min, max, map: (v) => p0 + ((Math.log10(v) - l0) / span) * (p1 - p0), ticks: () => logTicks(min, max) };
  }
  const span = max - min || 1;
  return { log, min, max, map: (v) => p0 + ((v - min) / span) * (p1 - p0), ticks: () => niceTicks(min, max) };
}

/** About `n` ticks at 1, 2 or 5 × 10^k inside [min, max]. */
export function niceTicks(min: number, max: number, n = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / n, mag = pow10(Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : +v.toPrecision(12));
  return out;
}

/** Powers of ten inside [min, max], at most 8 of them; with fewer than two decades, 1-2-5 steps too. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.ceil(Math.log10(min) - 1e-9), hi = Math.floor(Math.log10(max) + 1e-9);
  if (hi - lo < 1) {
    const out: number[] = [];
    for (let p = lo - 1; p <= hi; p++) for (const m of [1, 2, 5]) { const v = m * pow10(p); if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(+v.toPrecision(6)); }
    return out;
  }
  // every 1, 2, 5, 10, 20 … decades, on multiples of that step, at most 8 ticks
  const every = [1, 2, 5, 10, 20, 50, 100].find((e) => Math.floor(hi / e) - Math.ceil(lo / e) + 1 <= 8) ?? 100, out: number[] = [];
  for (let p = Math.ceil(lo / every) * every; p <= hi; p += every) out.push(pow10(p));
  return out;
}

/** Data range of `values` for a scale: padded for linear, whole decades (clipped to positive values) for log. */
export function extent(values: readonly number[], log: boolean, fixed?: { min?: number; max?: number }): [number, number] {
  const vs = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  let lo = fixed?.min ?? (vs.length ? Math.min(...vs) : log ? 1 : 0);
  let hi = fixed?.max ?? (vs.length ? Math.max(...vs) : log ? 10 : 1);
  if (log) {
    if (fixed?.min === undefined) lo = pow10(Math.floor(Math.log10(lo) + 1e-9));
    if (fixed?.max === undefined) hi = pow10(Math.ceil(Math.log10(hi) - 1e-9));
    if (hi <= lo) hi = lo * 10;
  } else if (hi <= lo) { hi = lo + 1; } else {
    const pad = 0.06 * (hi - lo);
    if (fixed?.min === undefined) lo -= pad;
    if (fixed?.max === undefined) hi += pad;
  }
  return [lo, hi];
}

export const text = (x: number, y: number, s: string, attrs = ''): string =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;

/** Lays panels out row by row (`columns` per row) under an optional title and note; returns a complete SVG document. */
export function figure(panels: readonly Panel[], opts: { title?: string; note?: string; columns?: number } = {}): string {
  const cols = Math.max(1, Math.min(opts.columns ?? panels.length, panels.length)), gap = 12;
  const top = (opts.title ? 30 : 8) + (opts.note ? 18 : 0);
  const rows: Panel[][] = [];
  for (let i = 0; i < panels.length; i += cols) rows.push(panels.slice(i, i + cols));
  const widths = rows.map((r) => r.reduce((w, p) => w + p.width, 0) + gap * (r.length - 1));
  // text widths estimated from the character count (16 px bold title ≈ 9.5 px a character, 11 px note ≈ 6.2)
  const W = Math.max(...widths, 200, (opts.title?.length ?? 0) * 9.5, (opts.note?.length ?? 0) * 6.2) + 2 * gap;
  let y = top, body = '';
  for (const r of rows) {
    let x = gap;
    for (const p of r) { body += `<g transform="translate(${x},${y})">${p.body}</g>`; x += p.width + gap; }
    y += Math.max(...r.map((p) => p.height)) + gap;
  }
  const head = (opts.title ? text(gap, 21, opts.title, 'font-size="16" font-weight="bold"') : '')
    + (opts.note ? text(gap, opts.title ? 40 : 18, opts.note, 'font-size="11" fill="#444"') : '');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" ${FONT} font-size="12">`
    + `<rect width="100%" height="100%" fill="white"/>${head}${body}</svg>\n`;
}
