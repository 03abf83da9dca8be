// Finite-difference gradient checker for anything built on Tensor autograd: single ops, composed graphs,
// and later whole recurrent layers (pass their parameters as `inputs`).
//
// Method
//   * The function's output(s) are reduced to a scalar loss with a FIXED random projection:
//       L(x) = Σ_k Σ_i w_k[i] · out_k[i]
//     where the weights w are standard normals rounded to float32 (so the autograd seed is exactly the same w).
//     For finite differences the loss is accumulated in float64 from the float32 output data, so the only float32
//     noise is in the forward itself, not in the reduction.
//   * Analytic gradient: one forward with grad enabled, then backward with seed w (for several outputs, the
//     projection is built from ops, whose backward passes w through exactly).
//   * Numeric gradient: central differences, perturbing each checked element IN PLACE in `input.data`:
//       g ≈ (L(x + ε) − L(x − ε)) / (x₊ − x₋)
//     where x₊ = fround(x + ε), x₋ = fround(x − ε) are the float32 values actually used (so the step is exact).
//     These forwards run under noGrad().
//   * Step ε = 1e-2 by default. In float32 the forward has relative noise ~1e-7 per value; with ε = 1e-2 that noise
//     contributes ~1e-5 to the difference quotient for O(1) losses, while the truncation error is ~ε²/6·|L'''|
//     ≈ 2e-5·|L'''|. Both sit well under the default tolerance. Use ε = 3e-3 for strongly curved functions
//     (e.g. log near small x, saturated products); keep inputs at least ε away from kinks (relu at 0).
//   * Pass/fail per element: |analytic − numeric| ≤ atol + rtol·|numeric| with atol = 2e-3, rtol = 2e-2 by default
//     (float32 forward). The report names the worst element (largest excess over its tolerance).
//
// Requirements on `f`: it must read the inputs' `.data` each time it is called (the checker mutates it in place and
// restores it afterwards) and must be deterministic (no dropout, no fresh random numbers). For modules, pass the
// parameters as `inputs` and let `f` ignore its argument or use only the non-parameter inputs.
//
// For large inputs (many parameters), `maxPerTensor` checks a random subset of elements of each tensor (chosen with
// `seed`); the analytic gradient is still computed in full by one backward.
import { Tensor, noGrad } from '../../src/tensor/tensor.js';
import * as ops from '../../src/tensor/ops.js';
import { Rng } from '../../src/random.js';

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-2). */
  eps?: number;
  /** Absolute tolerance (default 2e-3). */
  atol?: number;
  /** Relative tolerance, relative to |numeric| (default 2e-2). */
  rtol?: number;
  /** Seed of the projection weights and of the element subset (default 1234). */
  seed?: number;
  /** Check at most this many (randomly chosen) elements per input tensor (default: all). */
  maxPerTensor?: number;
  /** Which inputs to check (default: every input with requiresGrad). */
  check?: readonly number[];
  /** Names of the inputs for the report (default `input[k]`). */
  names?: readonly string[];
  /** Label for the report. */
  what?: string;
}

export interface GradcheckElement {
  input: number;
  name: string;
  index: number;
  analytic: number;
  numeric: number;
  absDiff: number;
  tol: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Number of elements compared. */
  checked: number;
  /** Elements out of tolerance. */
  failures: GradcheckElement[];
  /** The element with the largest |diff| / tol (null when nothing was checked). */
  worst: GradcheckElement | null;
  maxAbsDiff: number;
  message: string;
}

type Fn = (inputs: Tensor[]) => Tensor | Tensor[];

const asList = (o: Tensor | Tensor[]): Tensor[] => (Array.isArray(o) ? o : [o]);

/** Multi-index of flat index i in `shape`, e.g. "[1, 0, 2]". */
export function unravel(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) { idx.unshift(i % shape[d]); i = Math.floor(i / shape[d]); }
  return `[${idx.join(', ')}]`;
}

/** Runs the check and returns a report (does not throw on mismatch). */
export function gradcheck(f: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-2, atol = opts.atol ?? 2e-3, rtol = opts.rtol ?? 2e-2;
  const rng = new Rng(opts.seed ?? 1234);
  const toCheck = opts.check ?? inputs.flatMap((t, k) => (t.requiresGrad ? [k] : []));
  if (toCheck.length === 0) throw new Error('gradcheck: no input requires grad (nothing to check)');
  for (const k of toCheck) {
    if (!inputs[k].requiresGrad) throw new Error(`gradcheck: input ${k} is to be checked but does not require grad`);
  }
  const name = (k: number): string => opts.names?.[k] ?? `input[${k}]`;

  // ---- analytic gradient
  const savedGrads = inputs.map((t) => t.grad);
  inputs.forEach((t) => { t.grad = null; });
  const outs = asList(f(inputs));
  const weights = outs.map((o) => {
    const w = new Float32Array(o.size);
    for (let i = 0; i < w.length; i++) w[i] = rng.normal();
    return w;
  });
  const live = outs.map((o, k) => [o, k] as const).filter(([o]) => o.requiresGrad);
  if (live.length === 0) throw new Error('gradcheck: no output requires grad (is the graph connected to the inputs?)');
  if (live.length === 1 && outs.length === 1) outs[0].backward(weights[0]);
  else {
    let loss: Tensor | null = null;
    for (const [o, k] of live) {
      const term = ops.sum(ops.mul(o, new Tensor(weights[k], o.shape)));
      loss = loss === null ? term : ops.add(loss, term);
    }
    loss!.backward();
  }
  const analytic = inputs.map((t) => (t.grad ? Float64Array.from(t.grad.data) : new Float64Array(t.size)));
  inputs.forEach((t, k) => { t.grad = savedGrads[k]; });

  // ---- numeric gradient
  const loss64 = (): number => {
    const o = noGrad(() => asList(f(inputs)));
    if (o.length !== weights.length) throw new Error(`gradcheck: f returned ${o.length} outputs, first call returned ${weights.length}`);
    let s = 0;
    o.forEach((t, k) => {
      if (t.size !== weights[k].length) throw new Error(`gradcheck: output ${k} changed size (${t.size} vs ${weights[k].length})`);
      const d = t.data, w = weights[k];
      for (let i = 0; i < d.length; i++) s += w[i] * d[i];
    });
    return s;
  };

  const failures: GradcheckElement[] = [];
  let worst: GradcheckElement | null = null, worstScore = -Infinity, checked = 0, maxAbs = 0;
  for (const k of toCheck) {
    const t = inputs[k], data = t.data;
    let elems = Array.from({ length: t.size }, (_, i) => i);
    if (opts.maxPerTensor !== undefined && elems.length > opts.maxPerTensor) {
      for (let i = elems.length - 1; i > 0; i--) { const j = rng.int(i + 1); [elems[i], elems[j]] = [elems[j], elems[i]]; }
      elems = elems.slice(0, opts.maxPerTensor).sort((a, b) => a - b);
    }
    for (const i of elems) {
      const x0 = data[i];
      const xp = Math.fround(x0 + eps), xm = Math.fround(x0 - eps);
      let lp: number, lm: number;
      try {
        data[i] = xp; lp = loss64();
        data[i] = xm; lm = loss64();
      } finally { data[i] = x0; }
      const numeric = (lp - lm) / (xp - xm);
      const a = analytic[k][i];
      const absDiff = Math.abs(a - numeric);
      const tol = atol + rtol * Math.abs(numeric);
      const e: GradcheckElement = { input: k, name: name(k), index: i, analytic: a, numeric, absDiff, tol };
      const score = Number.isNaN(absDiff) ? Infinity : absDiff / tol;
      if (!(absDiff <= tol)) failures.push(e);
      if (score > worstScore) { worstScore = score; worst = e; }
      if (absDiff > maxAbs) maxAbs = absDiff;
      checked++;
    }
  }
  const describe = (e: GradcheckElement): string =>
    `${e.name}${unravel(e.index, inputs[e.input].shape)} (flat ${e.index}): analytic ${e.analytic.toPrecision(7)}, `
    + `numeric ${e.numeric.toPrecision(7)}, |diff| ${e.absDiff.toExponential(3)} > tol ${e.tol.toExponential(3)}`;
  const head = `${opts.what ? `${opts.what}: ` : ''}gradcheck (eps ${eps}, atol ${atol}, rtol ${rtol})`;
  const ok = failures.length === 0;
  const message = ok
    ? `${head}: ${checked} elements ok, max |diff| ${maxAbs.toExponential(3)}`
    : `${head}: ${failures.length} of ${checked} elements differ; worst ${describe(worst!)}`
      + (failures.length > 1 ? `; first failures: ${failures.slice(0, 5).map(describe).join('; ')}` : '');
  return { ok, checked, failures, worst, maxAbsDiff: maxAbs, message };
}

/** Runs `gradcheck` and throws with the report when any checked element is out of tolerance. */
export function expectGradcheck(f: Fn, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const r = gradcheck(f, inputs, opts);
  if (!r.ok) throw new Error(r.message);
  return r;
}
