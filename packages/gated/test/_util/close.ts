// Element-wise closeness assertion for flat numeric data (Float32Array, number[], ...).
// Passes when every |actual[i] - expected[i]| <= atol + rtol * |expected[i]| (the numpy.allclose rule);
// NaN matches only NaN and an infinity only the same infinity. On failure the message gives the max absolute
// difference, the max relative difference and the worst index (largest excess over its tolerance) with its values.

export interface CloseOptions {
  /** Absolute tolerance (default 1e-6). */
  atol?: number;
  /** Relative tolerance, relative to |expected| (default 1e-5). */
  rtol?: number;
  /** What is being compared, put at the front of the failure message. */
  what?: string;
}

export interface CloseReport {
  ok: boolean;
  maxAbsDiff: number;
  maxRelDiff: number;
  /** Index with the largest |diff| / tolerance (or the first NaN/Inf mismatch); -1 when empty. */
  worstIndex: number;
  message: string;
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toPrecision(9) : String(v));

/** Compares without throwing; see `expectClose`. */
export function compareClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOptions = {}): CloseReport {
  const atol = opts.atol ?? 1e-6, rtol = opts.rtol ?? 1e-5;
  const what = opts.what ? `${opts.what}: ` : '';
  if (actual.length !== expected.length) {
    return { ok: false, maxAbsDiff: NaN, maxRelDiff: NaN, worstIndex: -1,
      message: `${what}length mismatch: actual has ${actual.length} elements, expected ${expected.length}` };
  }
  let maxAbs = 0, maxRel = 0, worst = -1, worstScore = -Infinity, bad = 0, special = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = Number(actual[i]), e = Number(expected[i]);
    if (Number.isNaN(a) || Number.isNaN(e) || !Number.isFinite(a) || !Number.isFinite(e)) {
      const same = (Number.isNaN(a) && Number.isNaN(e)) || a === e;
      if (!same) { bad++; if (special < 0) special = i; }
      continue;
    }
    const d = Math.abs(a - e);
    const rel = d / Math.max(Math.abs(e), Number.MIN_VALUE);
    const tol = atol + rtol * Math.abs(e);
    if (d > maxAbs) maxAbs = d;
    if (d > 0 && rel > maxRel) maxRel = rel;
    const score = tol > 0 ? d / tol : (d > 0 ? Infinity : 0);
    if (score > worstScore) { worstScore = score; worst = i; }
    if (d > tol) bad++;
  }
  if (special >= 0) worst = special;
  const ok = bad === 0;
  const at = worst >= 0 ? ` at index ${worst} (actual ${fmt(Number(actual[worst]))}, expected ${fmt(Number(expected[worst]))})` : '';
  const message = `${what}${ok ? 'close' : `${bad} of ${actual.length} elements not close`} (atol ${atol}, rtol ${rtol}): `
    + `max abs diff ${fmt(maxAbs)}, max rel diff ${fmt(maxRel)}; worst${at}`;
  return { ok, maxAbsDiff: maxAbs, maxRelDiff: maxRel, worstIndex: worst, message };
}

/** Throws (failing the test) unless `actual` and `expected` are element-wise close. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOptions = {}): void {
  const r = compareClose(actual, expected, opts);
  if (!r.ok) throw new Error(r.message);
}
