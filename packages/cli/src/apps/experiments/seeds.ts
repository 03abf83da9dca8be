// Several seeds per number (docs/protocol.md): an experiment runs once per seed in one process, its result.json keeps
// every seed's raw result, and tables and figures aggregate them here — mean ± sample sd (n − 1), min and max.
// Browser-safe; the machine and CPU time are added by the CLI.
import { GatedError } from 'gated';

/** Summary of one number over seeds. `sd` is the sample standard deviation (0 for a single value). */
export interface Spread { mean: number; sd: number; min: number; max: number; n: number; values: number[] }

/** Mean, sample sd, min and max of the raw per-seed values (non-finite values are an error: filter them first). */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new GatedError('INVALID_ARGUMENT', 'spread: no values');
  for (const v of values) if (!Number.isFinite(v)) throw new GatedError('INVALID_ARGUMENT', `spread: values must be finite, got ${v}`);
  const n = values.length, mean = values.reduce((a, v) => a + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, min: Math.min(...values), max: Math.max(...values), n, values: [...values] };
}

/** "m ± sd" with `digits` after the point (fixed) or, for digits < 0, significant figures in exponent form. */
export function fmtSpread(s: Spread, digits = 3): string {
  const f = (v: number): string => (digits < 0 ? v.toExponential(-digits - 1) : v.toFixed(digits));
  return s.n > 1 ? `${f(s.mean)} ± ${f(s.sd)}` : f(s.mean);
}

/**
 * Do two spreads separate? True when the intervals mean ± sd do not overlap — the protocol's (deliberately loose)
 * condition for claiming an ordering; with n ≤ 2 seeds never.
 */
export function separated(a: Spread, b: Spread): boolean {
  if (a.n < 3 || b.n < 3) return false;
  return a.mean + a.sd < b.mean - b.sd || b.mean + b.sd < a.mean - a.sd;
}

/** Seeds first, first + 1, …: the seeds of an N-seed run. */
export function seedList(first: number, n: number): number[] {
  if (!(Number.isInteger(n) && n >= 1)) throw new GatedError('INVALID_ARGUMENT', `seeds must be an integer ≥ 1, got ${n}`);
  return Array.from({ length: n }, (_, i) => first + i);
}

/** What result.json records besides the per-seed results (the lab notebook, STYLE rule 16). */
export interface Notebook {
  seeds: number[];
  /** What was chosen on which split: stopping, hyperparameters, which checkpoint is reported. */
  selection: string;
  machine?: { os: string; cpu: string; cores: number; node: string; load?: number[] };
  /** Wall and CPU seconds of each seed's run, and of the whole command. */
  perSeedSeconds?: { seed: number; seconds: number; cpuSeconds: number }[];
  seconds?: number;
  cpuSeconds?: number;
  /** false while a multi-seed run is still going (result.json is rewritten after every seed). */
  complete?: boolean;
}

/** An experiment's result over several seeds: `perSeed[i]` is the single-seed result for `seeds[i]`. */
export interface Seeded<R> extends Notebook { experiment: string; perSeed: R[] }

/**
 * Runs `one` for each seed in turn (same process), timing each; `time` returns [wall, cpu] seconds so far.
 * `onSeed` sees the result so far after every seed (`seeds` = the seeds done), so a long run can be saved as it goes.
 */
export function runSeeds<R>(experiment: string, seeds: readonly number[], selection: string, one: (seed: number) => R,
  time: () => [number, number] = () => [performance.now() / 1000, 0], onSeed?: (soFar: Seeded<R>) => void): Seeded<R> {
  const perSeed: R[] = [], perSeedSeconds: { seed: number; seconds: number; cpuSeconds: number }[] = [];
  for (const seed of seeds) {
    const [w0, c0] = time();
    perSeed.push(one(seed));
    const [w1, c1] = time();
    perSeedSeconds.push({ seed, seconds: Number((w1 - w0).toFixed(1)), cpuSeconds: Number((c1 - c0).toFixed(1)) });
    if (perSeed.length < seeds.length) onSeed?.({ experiment, seeds: seeds.slice(0, perSeed.length), selection, perSeedSeconds: [...perSeedSeconds], perSeed: [...perSeed] });
  }
  return { experiment, seeds: [...seeds], selection, perSeedSeconds, perSeed };
}

/** Groups items by a string key, keeping first-seen order. */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) { const k = key(t); const g = m.get(k); if (g) g.push(t); else m.set(k, [t]); }
  return m;
}

/**
 * Curves of several seeds on a shared x grid → mean line and min–max band (x values present in every seed only;
 * a run that stopped early is carried at its last value, as "solved stays solved").
 */
export function curveBand(curves: readonly (readonly [number, number])[][]): { mean: [number, number][]; band: [number, number, number][] } {
  const xs = [...new Set(curves.flatMap((c) => c.map((p) => p[0])))].sort((a, b) => a - b);
  const at = (c: readonly (readonly [number, number])[], x: number): number => {
    let v = c[0][1];
    for (const [cx, cy] of c) { if (cx > x) break; v = cy; }
    return v;
  };
  const mean: [number, number][] = [], band: [number, number, number][] = [];
  for (const x of xs) {
    const v = curves.map((c) => at(c, x));
    mean.push([x, v.reduce((a, b) => a + b, 0) / v.length]);
    band.push([x, Math.min(...v), Math.max(...v)]);
  }
  return { mean, band };
}
