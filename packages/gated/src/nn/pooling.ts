// Pooling a padded batch of sequences over time into one vector per sequence, honouring lengths: mean, max or
// last (the output at position length − 1). One autograd node with its backward beside the forward.
//
// Glossary: B batch, T time (padded), D features; x [B, T, D] batch-first; only t < len_b is read.
//   mean: y_bd = (1/len_b) Σ_{t<len_b} x_btd          dx_btd = g_bd / len_b   (t < len_b)
//   max:  y_bd = max_{t<len_b} x_btd (first argmax)    dx_btd = g_bd at the argmax, else 0
//   last: y_bd = x_(b, len_b − 1, d)                   dx = g_bd at t = len_b − 1
import { check, fmtShape } from '../errors.js';
import { Tensor, record } from '../tensor/tensor.js';

/**
 * How {@link poolTime} reduces a sequence: `'mean'` or `'max'` over the valid steps, or `'last'` (the output at
 * position length − 1).
 */
export type PoolMode = 'mean' | 'max' | 'last';

/**
 * Pools a padded, batch-first batch of sequences over time into one vector per sequence, reading only the steps
 * t < length. `'max'` takes the first argmax and routes the gradient there; `'mean'` divides by each length.
 *
 * Shape: `x` `[B, T, D]`, `lengths` `[B]` (null: all T) → `[B, D]`.
 *
 * @throws ShapeError when `x` is not 3-d or `lengths` has not B entries; ArgumentError for an unknown mode or a
 * length outside [1, T].
 * @example
 * ```ts
 * const { output } = gru.forward(x, { lengths });            // gru with batchFirst: output [B, T, H]
 * const pooled = poolTime(output, lengths, 'mean');          // [B, H]
 * ```
 */
export function poolTime(x: Tensor, lengths: ArrayLike<number> | null, mode: PoolMode): Tensor {
  check(x.ndim === 3, 'SHAPE_MISMATCH', () => `poolTime: x must be [B, T, D] (batch-first), got ${fmtShape(x.shape)}`);
  check(mode === 'mean' || mode === 'max' || mode === 'last', 'INVALID_ARGUMENT', () => `poolTime: mode must be mean, max or last, got '${String(mode)}'`);
  const [B, T, D] = x.shape, X = x.data;
  const len = Int32Array.from({ length: B }, (_, b) => (lengths ? lengths[b] : T));
  check(!lengths || lengths.length === B, 'SHAPE_MISMATCH', () => `poolTime: lengths must have ${B} entries, got ${lengths!.length}`);
  for (let b = 0; b < B; b++) {
    check(Number.isInteger(len[b]) && len[b] >= 1 && len[b] <= T, 'INVALID_ARGUMENT', () => `poolTime: lengths[${b}] must be an integer in [1, ${T}], got ${lengths![b]}`);
  }
  const y = new Float32Array(B * D);
  const arg = mode === 'max' ? new Int32Array(B * D) : null;                          // [B, D] time index of the max
  for (let b = 0; b < B; b++) {
    const n = len[b];
    for (let d = 0; d < D; d++) {
      if (mode === 'last') { y[b * D + d] = X[(b * T + n - 1) * D + d]; continue; }
      if (mode === 'mean') {
        let s = 0;
        for (let t = 0; t < n; t++) s += X[(b * T + t) * D + d];
        y[b * D + d] = s / n;
        continue;
      }
      let best = 0, bv = -Infinity;
      for (let t = 0; t < n; t++) { const v = X[(b * T + t) * D + d]; if (v > bv || (Number.isNaN(v) && !Number.isNaN(bv))) { bv = v; best = t; } }
      y[b * D + d] = bv; arg![b * D + d] = best;
    }
  }
  return record({
    name: `pool_${mode}`, inputs: [x], numOutputs: 1,
    backward: ([g]) => {
      const gx = new Float32Array(x.size);
      for (let b = 0; b < B; b++) {
        const n = len[b];
        for (let d = 0; d < D; d++) {
          const gv = g[b * D + d];
          if (mode === 'mean') for (let t = 0; t < n; t++) gx[(b * T + t) * D + d] = gv / n;
          else gx[(b * T + (mode === 'last' ? n - 1 : arg![b * D + d])) * D + d] = gv;
        }
      }
      return [gx];
    },
  }, [new Tensor(y, [B, D])])[0];
}
