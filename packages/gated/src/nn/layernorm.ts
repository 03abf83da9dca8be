// LayerNorm over the trailing dimensions, like torch.nn.LayerNorm (weight ones, bias zeros, biased variance).
// One autograd node with the fused backward; statistics are accumulated in float64.
//
//   per row (the trailing N elements):  μ = mean(x),  σ² = mean((x − μ)²),  r = 1/√(σ² + eps)
//   x̂ = (x − μ)·r,   y = x̂ ⊙ γ + β
//   backward, with g = dy ⊙ γ:   dx = r · (g − mean(g) − x̂ · mean(g ⊙ x̂)),   dγ = Σ_rows dy ⊙ x̂,   dβ = Σ_rows dy
//
// Dimensions: M rows (leading dims flattened), N normalised elements (product of normalizedShape).
import { check, checkOptions, fmtShape } from '../errors.js';
import { Tensor, record, sizeOf } from '../tensor/tensor.js';
import { constantInit } from './init.js';
import { Module } from './module.js';

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learnable per-element γ (weight, ones) and β (bias, zeros); default true. */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, whether β exists (default true; PyTorch ≥ 2.1's `bias`). */
  bias?: boolean;
}

/**
 * Layer normalisation over the trailing dimensions, like `torch.nn.LayerNorm`: for each row of the last
 * `normalizedShape.length` dimensions, y = (x − μ) / √(σ² + eps) ⊙ γ + β with the biased variance σ².
 * γ (`weight`) starts at ones and β (`bias`) at zeros.
 *
 * Shape: `x` `[..., ...normalizedShape]` → the same shape.
 *
 * @throws ArgumentError for an invalid `normalizedShape` or `eps`, or an unknown option; ShapeError (from
 * `forward`) when `x` does not end in `normalizedShape`.
 * @example
 * ```ts
 * import { LayerNorm, zeros } from 'gated';
 * const norm = new LayerNorm(16);                 // normalises the last dimension
 * const y = norm.forward(zeros([5, 3, 16]));      // [5, 3, 16]
 * ```
 */
export class LayerNorm extends Module {
  /** The trailing dimensions normalised over, e.g. `[16]`. */
  readonly normalizedShape: number[];
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps: number;
  /** Whether γ and β are learnable parameters (default true). */
  readonly elementwiseAffine: boolean;
  /** γ `[...normalizedShape]` (ones at start), or null without elementwiseAffine. */
  readonly weight: Tensor | null; // γ [...normalizedShape]
  /** β `[...normalizedShape]` (zeros at start), or null without elementwiseAffine or with `bias: false`. */
  readonly bias: Tensor | null; // β [...normalizedShape]

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    checkOptions('LayerNorm', opts, ['eps', 'elementwiseAffine', 'bias']);
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    check(shape.length >= 1 && shape.every((d) => Number.isInteger(d) && d >= 1), 'INVALID_ARGUMENT',
      () => `LayerNorm: normalizedShape must be one or more integers ≥ 1, got ${JSON.stringify(normalizedShape)}`);
    const eps = opts.eps ?? 1e-5;
    check(typeof eps === 'number' && eps >= 0 && Number.isFinite(eps), 'INVALID_ARGUMENT', () => `LayerNorm: eps must be a finite number ≥ 0, got ${eps}`);
    this.normalizedShape = shape; this.eps = eps;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? this.param('weight', constantInit(shape, 1)) : null;
    this.bias = this.elementwiseAffine && (opts.bias ?? true) ? this.param('bias', constantInit(shape, 0)) : null;
  }

  /** x [..., ...normalizedShape] → same shape. */
  forward(x: Tensor): Tensor {
    const ns = this.normalizedShape, k = ns.length;
    check(x instanceof Tensor && x.ndim >= k && ns.every((d, i) => x.shape[x.ndim - k + i] === d), 'SHAPE_MISMATCH',
      () => `LayerNorm.forward: x must end in the normalized shape, [..., ${ns.join(', ')}], got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
    const N = sizeOf(ns), M = x.size / N;
    const gamma = this.weight?.data ?? null, beta = this.bias?.data ?? null;
    const X = x.data, y = new Float32Array(x.size);
    const xhat = new Float64Array(x.size); // [M, N], kept in float64 for the backward
    const rstd = new Float64Array(M); // [M]
    for (let m = 0; m < M; m++) {
      const o = m * N;
      let mu = 0;
      for (let j = 0; j < N; j++) mu += X[o + j];
      mu /= N;
      let v = 0;
      for (let j = 0; j < N; j++) { const d = X[o + j] - mu; v += d * d; }
      const r = 1 / Math.sqrt(v / N + this.eps);
      rstd[m] = r;
      for (let j = 0; j < N; j++) {
        const h = (X[o + j] - mu) * r;
        xhat[o + j] = h;
        y[o + j] = (gamma ? h * gamma[j] : h) + (beta ? beta[j] : 0);
      }
    }
    return record({
      name: 'layerNorm', inputs: [x, this.weight, this.bias], numOutputs: 1,
      backward: ([dy]) => layerNormBackward(M, N, xhat, rstd, gamma, dy, x.requiresGrad, !!this.weight?.requiresGrad, !!this.bias?.requiresGrad),
    }, [new Tensor(y, x.shape)])[0];
  }
}

/** dx [M, N], dγ [N], dβ [N] (null where not needed). */
function layerNormBackward(M: number, N: number, xhat: Float64Array, rstd: Float64Array, gamma: Float32Array | null,
  dy: Float32Array, needX: boolean, needGamma: boolean, needBeta: boolean): (Float32Array | null)[] {
  const dx = needX ? new Float32Array(M * N) : null;
  const dg = needGamma ? new Float64Array(N) : null, db = needBeta ? new Float64Array(N) : null;
  for (let m = 0; m < M; m++) {
    const o = m * N;
    if (dg) for (let j = 0; j < N; j++) dg[j] += dy[o + j] * xhat[o + j];
    if (db) for (let j = 0; j < N; j++) db[j] += dy[o + j];
    if (!dx) continue;
    let sg = 0, sgx = 0;
    for (let j = 0; j < N; j++) {
      const g = gamma ? dy[o + j] * gamma[j] : dy[o + j];
      sg += g; sgx += g * xhat[o + j];
    }
    const mg = sg / N, mgx = sgx / N, r = rstd[m];
    for (let j = 0; j < N; j++) {
      const g = gamma ? dy[o + j] * gamma[j] : dy[o + j];
      dx[o + j] = r * (g - mg - xhat[o + j] * mgx);
    }
  }
  return [dx, dg && Float32Array.from(dg), db && Float32Array.from(db)];
}
