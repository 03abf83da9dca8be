// The runs the page keeps for comparison: each run's settings, its loss curves and what the table shows (time per step,
// best validation loss, steps to reach a chosen loss), and the exports (curves as CSV, the chart as SVG). Pure data
// (no DOM): the page draws it, test/runs.test.ts checks it.
import type { RunInfo } from './protocol.js';

/** At most this many runs are kept; starting more drops the oldest that is not training. */
export const MAX_RUNS = 6;

/** One colour per run slot (colour-blind-safe order: Okabe–Ito). */
export const RUN_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];

export type RunState = 'training' | 'stopped' | 'done';

export interface Run {
  info: RunInfo;
  name: string;
  color: string;
  state: RunState;
  steps: number;
  /** Seconds spent inside optimizer steps. */
  stepSeconds: number;
  /** [step, mean training loss of the steps since the previous point]. */
  train: [number, number][];
  /** [step, validation loss]. */
  val: [number, number][];
  /** Steps at which the worker keeps this run's weights (the gradient view's choices). */
  snapshots: number[];
}

export function newRun(info: RunInfo, taken: readonly Run[]): Run {
  const used = new Set(taken.map((r) => r.color)), names = new Set(taken.map((r) => r.name));
  let name = defaultName(info);
  for (let k = 2; names.has(name); k++) name = `${defaultName(info)} (${k})`;
  return { info, name, color: RUN_COLORS.find((c) => !used.has(c)) ?? RUN_COLORS[info.id % RUN_COLORS.length],
    state: 'stopped', steps: info.steps, stepSeconds: 0, train: [], val: [], snapshots: [] };
}

/** "GRU-64 on names, seed 3" (a loaded model: its file's name). */
export function defaultName(i: RunInfo): string {
  return i.loaded ? `${i.loaded.name}` : `${i.cell.toUpperCase()}-${i.hidden}${i.layers > 1 ? `×${i.layers}` : ''} on ${i.source.replace(/ \(.*$/, '')}, seed ${i.seed}`;
}

/** "GRU · hidden 32 · 12,345 parameters": what the legend says about a run. */
export function legendText(r: Run): string {
  const i = r.info;
  return `${r.name} — ${i.cell.toUpperCase()}, hidden ${i.hidden}${i.layers > 1 ? ` × ${i.layers} layers` : ''}, ${i.parameters.toLocaleString('en')} parameters`;
}

export const msPerStep = (r: Run): number | null => (r.steps > r.info.steps && r.stepSeconds > 0 ? (1000 * r.stepSeconds) / (r.steps - r.info.steps) : null);

export function bestVal(r: Run): number | null {
  let best: number | null = null;
  for (const [, v] of r.val) if (best === null || v < best) best = v;
  return best;
}

/** The first step at which the validation loss is at or below `target` (null: not yet). */
export function stepsToReach(r: Run, target: number): number | null {
  for (const [s, v] of r.val) if (v <= target) return s;
  return null;
}

/** The steps every one of `runs` has weights kept at: the gradient view compares runs only at one of these. */
export function commonSteps(runs: readonly Run[]): number[] {
  if (runs.length === 0) return [];
  return runs[0].snapshots.filter((s) => runs.every((r) => r.snapshots.includes(s)));
}

const csvField = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Every run's curves, one row per point: run, cell, hidden, layers, parameters, seed, split, step, loss. */
export function curvesCSV(runs: readonly Run[]): string {
  const rows = ['run,cell,hidden,layers,parameters,seed,data,split,step,loss'];
  for (const r of runs) {
    const i = r.info, head = [csvField(r.name), i.cell, i.hidden, i.layers, i.parameters, i.seed, csvField(i.source)].join(',');
    for (const [split, pts] of [['train', r.train], ['val', r.val]] as const) for (const [s, v] of pts) rows.push(`${head},${split},${s},${v}`);
  }
  return rows.join('\n') + '\n';
}

/** The loss y-range shown: from the smallest loss to the largest after the first 5% of steps (the first losses are far above the rest). */
export function lossRange(runs: readonly Run[], baseline: number | null): [number, number] | null {
  let lo = Infinity, hi = -Infinity, last = 0;
  for (const r of runs) for (const [s] of [...r.train, ...r.val]) last = Math.max(last, s);
  const skip = Math.max(0.05 * last, 0);
  for (const r of runs) {
    for (const [s, v] of [...r.train, ...r.val]) {
      lo = Math.min(lo, v);
      if (s > skip || r.train.length + r.val.length <= 3) hi = Math.max(hi, v);
    }
  }
  if (baseline !== null) { lo = Math.min(lo, baseline); hi = Math.max(hi, baseline); }
  if (!Number.isFinite(lo)) return null;
  if (!Number.isFinite(hi) || hi <= lo) hi = lo + 1;
  const pad = 0.05 * (hi - lo);
  return [lo - pad, hi + pad];
}

const esc = (s: string): string => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** The loss chart as a standalone SVG (same curves and y-range as the page's chart, a legend below). */
export function curvesSVG(runs: readonly Run[], opts: { log: boolean; baseline: number | null; title: string }): string {
  const W = 900, H = 420, L = 64, R = 16, T = 36, B = 46, legendH = 18 * runs.length + 10;
  const range = lossRange(runs, opts.baseline) ?? [0, 1];
  const [y0, y1] = opts.log ? [Math.log(Math.max(1e-6, range[0])), Math.log(range[1])] : range;
  let xmax = 1;
  for (const r of runs) for (const [s] of [...r.train, ...r.val]) xmax = Math.max(xmax, s);
  const X = (s: number): number => L + ((W - L - R) * s) / xmax;
  const Y = (v: number): number => T + (H - T - B) * (1 - ((opts.log ? Math.log(v) : v) - y0) / (y1 - y0));
  const clip = 'clip-path="url(#plot)"';
  const path = (pts: [number, number][]): string => pts.map(([s, v], k) => `${k ? 'L' : 'M'}${X(s).toFixed(1)},${Y(v).toFixed(1)}`).join('');
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H + legendH}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`, `<defs><clipPath id="plot"><rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}"/></clipPath></defs>`,
    `<text x="${L}" y="20" font-size="14">${esc(opts.title)}</text>`];
  for (let k = 0; k <= 5; k++) {
    const yv = y0 + ((y1 - y0) * k) / 5, v = opts.log ? Math.exp(yv) : yv, y = Y(v);
    out.push(`<line x1="${L}" x2="${W - R}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#eee"/><text x="${L - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${v.toFixed(2)}</text>`);
    const s = Math.round((xmax * k) / 5);
    out.push(`<text x="${X(s).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${s}</text>`);
  }
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 8}" text-anchor="middle">optimizer step</text>`,
    `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">loss, nats / character${opts.log ? ' (log)' : ''}</text>`,
    `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#999"/>`);
  if (opts.baseline !== null) out.push(`<line x1="${L}" x2="${W - R}" y1="${Y(opts.baseline).toFixed(1)}" y2="${Y(opts.baseline).toFixed(1)}" stroke="#6b7280" stroke-dasharray="6 4" ${clip}/>`);
  for (const r of runs) {
    if (r.train.length) out.push(`<path d="${path(r.train)}" fill="none" stroke="${r.color}" stroke-opacity="0.45" stroke-width="1.2" ${clip}/>`);
    if (r.val.length) out.push(`<path d="${path(r.val)}" fill="none" stroke="${r.color}" stroke-width="2.2" ${clip}/>`);
  }
  runs.forEach((r, k) => {
    const y = H + 14 + 18 * k;
    out.push(`<line x1="${L}" x2="${L + 24}" y1="${y - 4}" y2="${y - 4}" stroke="${r.color}" stroke-width="2.2"/><text x="${L + 30}" y="${y}">${esc(legendText(r))}</text>`);
  });
  out.push(`<text x="${W - R}" y="${H + 14}" text-anchor="end" fill="#666">thin: training loss · thick: validation loss${opts.baseline !== null ? ' · dashed: bigram baseline' : ''}</text>`, '</svg>');
  return out.join('\n');
}
