// Loss functions from logits: crossEntropy, mse, binaryCrossEntropyWithLogits — each ONE autograd node whose
// backward is written beside its forward, numerically stable for saturated logits (±50 and beyond), and with the
// semantics of torch.nn.functional (cross_entropy, mse_loss, binary_cross_entropy_with_logits).
// Not here: softmax / logSoftmax themselves (src/tensor/softmax.ts), probability targets for crossEntropy.
//
// Glossary: N batch, C classes, K = d1·…·dk extra (spatial) positions after the class axis (1 for [N, C]).
// All sums run in float64; outputs and gradients are rounded to float32 once.
import { check, checkOptions, fmtShape } from '../errors.js';
import { broadcastShape } from '../tensor/ops.js';
import { logSoftmaxRows } from '../tensor/softmax.js';
import { Tensor, record, sizeOf, type Shape } from '../tensor/tensor.js';

/**
 * How a loss reduces its per-element values, as PyTorch's `reduction`: `'mean'` (default), `'sum'`, or `'none'`
 * (the per-element losses, shaped like the targets).
 */
export type Reduction = 'mean' | 'sum' | 'none';

/** Integer class indices: a plain array, an Int32Array or any array-like of whole numbers (checked), or a Tensor (int32/int64 `intData`, or float data holding integers). */
export type ClassTargets = ArrayLike<number> | Tensor;

/** Options of {@link crossEntropy}; names and defaults as `torch.nn.functional.cross_entropy`. */
export interface CrossEntropyOptions {
  /** Targets equal to this are skipped: zero loss, zero gradient, left out of the mean (default -100). */
  ignoreIndex?: number;
  /** ε in [0, 1]: the target distribution becomes (1 − ε)·onehot + ε/C (default 0). */
  labelSmoothing?: number;
  /** 'mean' (default; weighted mean over non-ignored targets), 'sum' or 'none' (per-target losses). */
  reduction?: Reduction;
  /** Per-class rescaling weights [C] (a constant: no gradient flows into it). */
  weight?: Tensor | ArrayLike<number>;
}

/** Options of {@link binaryCrossEntropyWithLogits}; names and defaults as `torch.nn.functional.binary_cross_entropy_with_logits`. */
export interface BCEWithLogitsOptions {
  /** `'mean'` (default), `'sum'` or `'none'`. */
  reduction?: Reduction;
  /** Weight of positive examples, broadcast against the logits (typically [C] for logits [..., C]); a constant. */
  posWeight?: Tensor | ArrayLike<number>;
  /** Per-element rescaling, broadcast against the logits; a constant. */
  weight?: Tensor | ArrayLike<number>;
}

const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

function checkReduction(op: string, r: unknown): Reduction {
  check(REDUCTIONS.includes(r as Reduction), 'INVALID_ARGUMENT',
    () => `${op}: reduction must be 'mean', 'sum' or 'none', got ${JSON.stringify(r)}`);
  return r as Reduction;
}

/** Per-element losses (float64) → the reduced or unreduced output tensor. `denom` divides the sum for 'mean'. */
function reduce(loss: Float64Array, reduction: Reduction, shape: Shape, denom: number): Tensor {
  if (reduction === 'none') return new Tensor(Float32Array.from(loss), shape);
  let s = 0;
  for (let i = 0; i < loss.length; i++) s += loss[i];
  return new Tensor(new Float32Array([reduction === 'sum' ? s : s / denom]), []);
}

/** ∂(output)/∂(loss_i) factor for element i given the output gradient g. */
const seedOf = (g: Float32Array, reduction: Reduction, denom: number) =>
  reduction === 'none' ? (i: number): number => g[i] : reduction === 'sum' ? (): number => g[0] : (): number => g[0] / denom;

const toFloat64 = (v: Tensor | ArrayLike<number>): Float64Array => Float64Array.from(v instanceof Tensor ? v.data : v);

/** `v` broadcast to `shape` (NumPy rules), as a float64 array of sizeOf(shape) values. */
function broadcastTo(op: string, what: string, v: Tensor | ArrayLike<number>, shape: Shape): Float64Array {
  const vs = v instanceof Tensor ? v.shape : [v.length];
  const b = broadcastShape(`${op} (${what})`, vs, shape);
  check(b.length === shape.length && b.every((d, i) => d === shape[i]), 'SHAPE_MISMATCH',
    () => `${op}: ${what} of shape ${fmtShape(vs)} must broadcast to the logits' shape ${fmtShape(shape)}, it broadcasts to ${fmtShape(b)}`);
  const src = toFloat64(v), out = new Float64Array(sizeOf(shape));
  // strides of v inside `shape` (0 on broadcast dimensions)
  const strides = shape.map(() => 0);
  for (let i = vs.length - 1, s = 1; i >= 0; i--) { strides[shape.length - vs.length + i] = vs[i] === 1 ? 0 : s; s *= vs[i]; }
  for (let o = 0; o < out.length; o++) {
    let rem = o, src0 = 0;
    for (let d = shape.length - 1; d >= 0; d--) { src0 += (rem % shape[d]) * strides[d]; rem = Math.floor(rem / shape[d]); }
    out[o] = src[src0];
  }
  return out;
}

/** Values of a float target given as Tensor or array; a Tensor must have exactly `shape`. */
function floatTargets(op: string, t: Tensor | ArrayLike<number>, shape: Shape): Tensor {
  if (t instanceof Tensor) {
    check(t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]), 'SHAPE_MISMATCH',
      () => `${op}: target shape ${fmtShape(t.shape)} must equal the input shape ${fmtShape(shape)}`);
    return t;
  }
  check(t.length === sizeOf(shape), 'SHAPE_MISMATCH',
    () => `${op}: target has ${t.length} values, the input of shape ${fmtShape(shape)} has ${sizeOf(shape)}`);
  return new Tensor(Float32Array.from(t), shape);
}

// ---------------------------------------------------------------------------------------------- cross entropy

/** Reads class indices; a Tensor must have exactly `shape`, arrays must have sizeOf(shape) entries. */
function classIndices(targets: ClassTargets, shape: Shape): Int32Array | Float64Array {
  const n = sizeOf(shape);
  let vals: ArrayLike<number>;
  if (targets instanceof Tensor) {
    check(targets.shape.length === shape.length && targets.shape.every((d, i) => d === shape[i]), 'SHAPE_MISMATCH',
      () => `crossEntropy: targets must have shape ${fmtShape(shape)}, got ${fmtShape(targets.shape)}`);
    const ints = targets.intData;
    vals = ints instanceof BigInt64Array ? Float64Array.from(ints, Number) : ints ?? targets.data;
  } else {
    check(targets.length === n, 'SHAPE_MISMATCH',
      () => `crossEntropy: expected ${n} targets (shape ${fmtShape(shape)}), got ${targets.length}`);
    vals = targets;
  }
  if (vals instanceof Int32Array) return vals;
  const out = Float64Array.from(vals);
  for (let i = 0; i < n; i++) {
    check(Number.isSafeInteger(out[i]), 'INVALID_ARGUMENT', () => `crossEntropy: target ${i} must be an integer class index, got ${out[i]}`);
  }
  return out;
}

/**
 * Cross entropy between `logits` and integer class `targets`, like torch.nn.functional.cross_entropy:
 *
 *   logits [N, C] with targets [N]; [C] with a single target (shape [] or one value); [N, C, d1..dk] with targets
 *   [N, d1..dk]. For every non-ignored target y (weight w, default all 1):
 *     ℓ = −(1 − ε)·w_y·log p_y − (ε/C)·Σ_c w_c·log p_c,   log p = logSoftmax(logits) over the class axis
 *   'none' → ℓ per target (0 where ignored); 'sum' → Σ ℓ; 'mean' → Σ ℓ / Σ_{non-ignored} w_y (NaN when all are ignored).
 *
 * backward, per position with seed s (g, g, or g / Σ w_y):
 *   ∂ℓ/∂z_j = s·( p_j·((1 − ε)·w_y + (ε/C)·Σ_c w_c) − (1 − ε)·w_y·[j = y] − (ε/C)·w_j )
 * Targets out of [0, C) (other than ignoreIndex) → GatedError('INVALID_ARGUMENT'); wrong target count or shape →
 * GatedError('SHAPE_MISMATCH').
 * @example
 * ```ts
 * import { crossEntropy, tensor } from 'gated';
 * const logits = tensor([[2, 0.5, -1], [0, 0, 3]]);       // [N = 2, C = 3]
 * crossEntropy(logits, [0, 2]).item();                   // mean over the 2 targets
 * crossEntropy(logits, [0, -100], { labelSmoothing: 0.1 }); // the second target ignored
 * ```
 */
export function crossEntropy(logits: Tensor, targets: ClassTargets, opts: CrossEntropyOptions = {}): Tensor {
  checkOptions('crossEntropy', opts, ['ignoreIndex', 'labelSmoothing', 'reduction', 'weight']);
  const ignoreIndex = opts.ignoreIndex ?? -100, eps = opts.labelSmoothing ?? 0;
  const reduction = checkReduction('crossEntropy', opts.reduction ?? 'mean');
  check(Number.isInteger(ignoreIndex), 'INVALID_ARGUMENT', () => `crossEntropy: ignoreIndex must be an integer, got ${ignoreIndex}`);
  check(eps >= 0 && eps <= 1, 'INVALID_ARGUMENT', () => `crossEntropy: labelSmoothing must be in [0, 1], got ${eps}`);
  check(logits.ndim >= 1, 'SHAPE_MISMATCH', () => `crossEntropy: logits must be [C], [N, C] or [N, C, d1, ...], got ${fmtShape(logits.shape)}`);
  const unbatched = logits.ndim === 1;
  const N = unbatched ? 1 : logits.shape[0], C = logits.shape[unbatched ? 0 : 1], K = sizeOf(logits.shape.slice(2));
  const tShape = unbatched ? [] : [N, ...logits.shape.slice(2)];
  const y = classIndices(targets, tShape);
  for (let r = 0; r < y.length; r++) {
    const t = y[r];
    check(t === ignoreIndex || (t >= 0 && t < C), 'INVALID_ARGUMENT',
      () => `crossEntropy: target ${t} at position ${r} is out of range: expected a class in [0, ${C}) or ignoreIndex ${ignoreIndex}`);
  }
  let w: Float64Array | null = null;
  if (opts.weight !== undefined) {
    w = toFloat64(opts.weight);
    const ws = opts.weight instanceof Tensor ? opts.weight.shape : [w.length];
    check(ws.length === 1 && ws[0] === C, 'SHAPE_MISMATCH', () => `crossEntropy: weight must have shape [${C}] (one per class), got ${fmtShape(ws)}`);
  }
  const W = w ? w.reduce((a, b) => a + b, 0) : C; // Σ_c w_c

  const logp = new Float32Array(logits.size); // [N, C, K]
  logSoftmaxRows(logits.data, logp, { outer: N, n: C, inner: K });
  const loss = new Float64Array(N * K);       // [N, K]
  let denom = 0;
  for (let r = 0; r < N * K; r++) {
    const t = y[r];
    if (t === ignoreIndex) continue;
    const base = Math.floor(r / K) * C * K + (r % K), wy = w ? w[t] : 1;
    denom += wy;
    let l = -(1 - eps) * wy * logp[base + t * K];
    if (eps > 0) {
      let s = 0;
      for (let c = 0; c < C; c++) s += (w ? w[c] : 1) * logp[base + c * K];
      l -= (eps / C) * s;
    }
    loss[r] = l;
  }

  return record({
    name: 'crossEntropy', inputs: [logits], numOutputs: 1,
    backward: ([g]) => {
      const gx = new Float32Array(logits.size), seed = seedOf(g, reduction, denom);
      for (let r = 0; r < N * K; r++) {
        const t = y[r];
        if (t === ignoreIndex) continue;
        const base = Math.floor(r / K) * C * K + (r % K), wy = w ? w[t] : 1, s = seed(r);
        const mass = (1 - eps) * wy + (eps / C) * W; // Σ_c of the target distribution times weights
        for (let c = 0; c < C; c++) {
          const j = base + c * K;
          gx[j] = s * (Math.exp(logp[j]) * mass - (eps / C) * (w ? w[c] : 1) - (c === t ? (1 - eps) * wy : 0));
        }
      }
      return [gx];
    },
  }, [reduce(loss, reduction, tShape, denom)])[0];
}

// ---------------------------------------------------------------------------------------------- mse

/**
 * Mean squared error like torch.nn.functional.mse_loss:  ℓ_i = (x_i − t_i)²,  reduced by mean (default), sum or none.
 * backward:  ∂ℓ_i/∂x_i = 2(x_i − t_i),  ∂ℓ_i/∂t_i = −2(x_i − t_i)  (the target gets a gradient when it requires one).
 * The target must have the input's shape (PyTorch would broadcast with a warning; here it is an error).
 */
export function mse(pred: Tensor, target: Tensor | ArrayLike<number>, opts: { reduction?: Reduction } = {}): Tensor {
  checkOptions('mse', opts, ['reduction']);
  const reduction = checkReduction('mse', opts.reduction ?? 'mean');
  const t = floatTargets('mse', target, pred.shape);
  const n = pred.size, P = pred.data, T = t.data;
  const loss = new Float64Array(n);
  for (let i = 0; i < n; i++) { const d = P[i] - T[i]; loss[i] = d * d; }
  return record({
    name: 'mse', inputs: [pred, t], numOutputs: 1,
    backward: ([g]) => {
      const gp = new Float32Array(n), seed = seedOf(g, reduction, n);
      for (let i = 0; i < n; i++) gp[i] = 2 * (P[i] - T[i]) * seed(i);
      return [gp, t.requiresGrad ? gp.map((v) => -v) : null];
    },
  }, [reduce(loss, reduction, pred.shape, n)])[0];
}

// ---------------------------------------------------------------------------------------------- binary cross entropy

/** log(1 + e^(−x)) without overflow: max(−x, 0) + log1p(e^(−|x|)). */
const softplusNeg = (x: number): number => Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
/** σ(−x) = 1 / (1 + e^x) without overflow. */
const sigmoidNeg = (x: number): number => (x >= 0 ? Math.exp(-x) / (1 + Math.exp(-x)) : 1 / (1 + Math.exp(x)));

/**
 * Binary cross entropy on logits x with targets t ∈ [0, 1] (same shape), like
 * torch.nn.functional.binary_cross_entropy_with_logits, with pos_weight p and weight w broadcast against x:
 *   ℓ_i = w_i·[ (1 − t_i)·x_i + (1 + (p_i − 1)·t_i)·softplus(−x_i) ]
 * backward:
 *   ∂ℓ_i/∂x_i = w_i·[ (1 − t_i) − (1 + (p_i − 1)·t_i)·σ(−x_i) ]      (= w·(σ(x) − t) when p = 1)
 *   ∂ℓ_i/∂t_i = w_i·[ −x_i + (p_i − 1)·softplus(−x_i) ]
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, targets: Tensor | ArrayLike<number>, opts: BCEWithLogitsOptions = {}): Tensor {
  checkOptions('binaryCrossEntropyWithLogits', opts, ['reduction', 'posWeight', 'weight']);
  const op = 'binaryCrossEntropyWithLogits';
  const reduction = checkReduction(op, opts.reduction ?? 'mean');
  const t = floatTargets(op, targets, logits.shape);
  const n = logits.size, X = logits.data, T = t.data;
  const pw = opts.posWeight === undefined ? null : broadcastTo(op, 'posWeight', opts.posWeight, logits.shape);
  const w = opts.weight === undefined ? null : broadcastTo(op, 'weight', opts.weight, logits.shape);
  const loss = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lw = pw ? 1 + (pw[i] - 1) * T[i] : 1;
    loss[i] = (w ? w[i] : 1) * ((1 - T[i]) * X[i] + lw * softplusNeg(X[i]));
  }
  return record({
    name: op, inputs: [logits, t], numOutputs: 1,
    backward: ([g]) => {
      const seed = seedOf(g, reduction, n);
      const gx = logits.requiresGrad ? new Float32Array(n) : null, gt = t.requiresGrad ? new Float32Array(n) : null;
      for (let i = 0; i < n; i++) {
        const s = seed(i) * (w ? w[i] : 1), p = pw ? pw[i] : 1;
        if (gx) gx[i] = s * ((1 - T[i]) - (1 + (p - 1) * T[i]) * sigmoidNeg(X[i]));
        if (gt) gt[i] = s * (-X[i] + (p - 1) * softplusNeg(X[i]));
      }
      return [gx, gt];
    },
  }, [reduce(loss, reduction, logits.shape, n)])[0];
}
