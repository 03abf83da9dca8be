// Linear: y = x Wᵀ + b over any leading dimensions, like torch.nn.Linear (same names, shapes and initialisation).
// One autograd node; forward is one GEMM, backward one GEMM per needed gradient.
//
//   x [R, I] (R = product of the leading dims), W [O, I], b [O]  →  y [R, O] = x Wᵀ + b
//   dx = dy W  [R, I],   dW = dyᵀ x  [O, I],   db = Σ_rows dy  [O]
//
// Dimensions: R rows (all leading dims flattened), I in features, O out features.
import { check, checkOptions, fmtShape } from '../errors.js';
import { kernels } from '../kernels/select.js';
import { Tensor, record, sizeOf, storageOf, storageVersion } from '../tensor/tensor.js';
import { isCount, uniformInit } from './init.js';
import { Module } from './module.js';

/**
 * Options of {@link Linear}.
 * @property bias - whether the layer has the additive bias `b` (default true).
 */
export interface LinearOptions { bias?: boolean }

/**
 * y = x Wᵀ + b. Parameters `weight` [out, in] and `bias` [out], both ~ U(−1/√in, 1/√in) like PyTorch.
 * Shape: input `[..., I]` (any number of leading dimensions) → output `[..., O]`, with I = inFeatures, O = outFeatures.
 *
 * @throws ArgumentError for sizes that are not integers ≥ 0 or an unknown option; ShapeError (from `forward`) when
 * the last dimension of `x` is not I.
 *
 * @example
 * ```ts
 * import { Linear, zeros } from 'gated';
 * const fc = new Linear(20, 30);
 * const y = fc.forward(zeros([128, 20]));    // [128, 30]
 * ```
 */
export class Linear extends Module {
  /** I: size of each input's last dimension. */
  readonly inFeatures: number;
  /** O: size of each output's last dimension. */
  readonly outFeatures: number;
  /** `[O, I]` ~ U(−1/√I, 1/√I). */
  readonly weight: Tensor; // [O, I]
  /** `[O]` ~ U(−1/√I, 1/√I), or null with `bias: false`. */
  readonly bias: Tensor | null; // [O]

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    checkOptions('Linear', opts, ['bias']);
    check(isCount(inFeatures, 0) && isCount(outFeatures, 0), 'INVALID_ARGUMENT',
      () => `Linear: inFeatures and outFeatures must be integers ≥ 0, got ${inFeatures}, ${outFeatures}`);
    this.inFeatures = inFeatures; this.outFeatures = outFeatures;
    // kaiming_uniform_(a=√5): gain √(2/(1+5)), bound = gain·√3/√fanIn = 1/√fanIn; the bias uses the same bound
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.weight = this.param('weight', uniformInit([outFeatures, inFeatures], bound));
    this.bias = (opts.bias ?? true) ? this.param('bias', uniformInit([outFeatures], bound)) : null;
  }

  /** x [..., in] → [..., out]. */
  forward(x: Tensor): Tensor {
    const I = this.inFeatures, O = this.outFeatures;
    check(x instanceof Tensor && x.ndim >= 1 && x.shape[x.ndim - 1] === I, 'SHAPE_MISMATCH',
      () => `Linear.forward: x must be [..., ${I}], got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
    const lead = x.shape.slice(0, -1), R = sizeOf(lead), k = kernels();
    const W = this.weight, b = this.bias;
    const y = new Float32Array(R * O); // [R, O]
    const w = storageOf(W);
    k.pin(w, storageVersion(W));       // read-only during the call: a backend may stage (pack) it once, and keep it
    try {
      k.gemm(false, true, R, O, I, 1, x.data, 0, I, w, 0, I, 0, y, 0, O);
      if (b) k.addRowVector(R, O, storageOf(b), 0, y, 0);
    } finally { k.unpin(w); }
    return record({
      name: 'linear', inputs: [x, W, b], numOutputs: 1,
      backward: ([dy]) => linearBackward(R, I, O, x, W, b, dy),
    }, [new Tensor(y, [...lead, O])])[0];
  }
}

/** Gradients for x, W, b from dy [R, O]; null where the input needs none. */
function linearBackward(R: number, I: number, O: number, x: Tensor, W: Tensor, b: Tensor | null, dy: Float32Array): (Float32Array | null)[] {
  const k = kernels();
  let dx: Float32Array | null = null, dW: Float32Array | null = null, db: Float32Array | null = null;
  if (x.requiresGrad) {
    dx = new Float32Array(R * I);
    const w = storageOf(W);
    k.pin(w, storageVersion(W));
    try { k.gemm(false, false, R, I, O, 1, dy, 0, O, w, 0, I, 0, dx, 0, I); } finally { k.unpin(w); }
  }
  if (W.requiresGrad) { dW = new Float32Array(O * I); k.gemm(true, false, O, I, R, 1, dy, 0, O, x.data, 0, I, 0, dW, 0, I); }
  if (b?.requiresGrad) { db = new Float32Array(O); k.sumRowsInto(R, O, dy, 0, db, 0); }
  return [dx, dW, db];
}
