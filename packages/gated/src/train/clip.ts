// Gradient clipping, in place on `p.grad`: clipGradNorm (torch.nn.utils.clip_grad_norm_) and clipGradValue
// (torch.nn.utils.clip_grad_value_). Parameters without a gradient are skipped.
//
//   total = ( Σ_params Σ_i |g_i|^q )^(1/q)     (q = normType; q = ∞: max_i |g_i|), summed in float64
//   c = maxNorm / (total + 1e-6);  if c < 1:  g ← g·c        (PyTorch multiplies by min(c, 1); same result)
import { check } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options of {@link clipGradNorm}. */
export interface ClipGradNormOptions {
  /** Throw GatedError('NOT_FINITE') when the total norm is NaN or ±∞ instead of scaling by it (default false, like PyTorch). */
  errorIfNonfinite?: boolean;
}

/**
 * Rescales all gradients together so their joint `normType`-norm is at most `maxNorm`; returns the total norm
 * measured before clipping (0 when no parameter has a gradient). `normType` may be any q > 0 or Infinity.
 * Like `torch.nn.utils.clip_grad_norm_`; call it between `backward()` and `optimizer.step()`.
 * @throws ArgumentError for a NaN maxNorm or normType ≤ 0; NumericError for a non-finite norm with `errorIfNonfinite`.
 * @example
 * ```ts
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);   // the norm before clipping
 * opt.step();
 * ```
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number, normType = 2, opts: ClipGradNormOptions = {}): number {
  check(typeof maxNorm === 'number' && !Number.isNaN(maxNorm), 'INVALID_ARGUMENT', () => `clipGradNorm: maxNorm must be a number, got ${String(maxNorm)}`);
  check(normType > 0, 'INVALID_ARGUMENT', () => `clipGradNorm: normType must be > 0 or Infinity, got ${normType}`);
  const grads = params.flatMap((p) => (p.grad ? [p.grad.data] : []));
  if (grads.length === 0) return 0;
  let acc = 0;
  for (const g of grads) {
    for (let i = 0; i < g.length; i++) {
      const a = Math.abs(g[i]);
      if (normType === Infinity) acc = a > acc || Number.isNaN(a) ? a : acc;
      else acc += normType === 2 ? a * a : normType === 1 ? a : a ** normType;
    }
  }
  // PyTorch's norm is a float32 tensor: round it, and the coefficient, like it does
  const total = Math.fround(normType === Infinity ? acc : normType === 1 ? acc : normType === 2 ? Math.sqrt(acc) : acc ** (1 / normType));
  check(!opts.errorIfNonfinite || Number.isFinite(total), 'NOT_FINITE',
    () => `clipGradNorm: the total norm of order ${normType} of the gradients is ${total}, expected a finite number (errorIfNonfinite is set)`);
  const coef = Math.fround(maxNorm / Math.fround(total + 1e-6));
  if (coef < 1 || Number.isNaN(coef)) {
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= coef;
  }
  return total;
}

/** Clamps every gradient element into [−clipValue, clipValue] (NaN stays NaN, like torch.clamp). */
export function clipGradValue(params: readonly Tensor[], clipValue: number): void {
  check(typeof clipValue === 'number' && clipValue >= 0, 'INVALID_ARGUMENT', () => `clipGradValue: clipValue must be a number ≥ 0, got ${String(clipValue)}`);
  for (const p of params) {
    const g = p.grad?.data;
    if (!g) continue;
    for (let i = 0; i < g.length; i++) {
      if (g[i] > clipValue) g[i] = clipValue;
      else if (g[i] < -clipValue) g[i] = -clipValue;
    }
  }
}
