// softmax and logSoftmax along one axis, as differentiable ops (one GradFn each), numerically stable for any
// logits (±1e4 included): rows are shifted by their max and summed in float64. Losses built on them live in
// src/nn/losses.ts; this file is only the two normalisers.
//
// Glossary: a tensor of shape [...outer, n, ...inner] is normalised along the `n` axis; each (outer, inner)
// pair is one "row" of n values, read with stride `inner`.
//
//   logSoftmax:  y_j = x_j − m − log Σ_k exp(x_k − m),  m = max_k x_k
//                ∂L/∂x_j = g_j − softmax_j · Σ_k g_k
//   softmax:     y_j = exp(x_j − m) / Σ_k exp(x_k − m)
//                ∂L/∂x_j = y_j · (g_j − Σ_k g_k y_k)
import { check } from '../errors.js';
import { Tensor, record, sizeOf } from './tensor.js';

interface Rows { outer: number; n: number; inner: number }

function rowsOf(op: string, x: Tensor, axis: number): Rows {
  const nd = x.ndim, a = axis < 0 ? axis + nd : axis;
  check(Number.isInteger(a) && a >= 0 && a < nd, 'INVALID_ARGUMENT',
    () => `${op}: axis ${axis} out of range for a ${nd}-d tensor (expected ${nd === 0 ? 'a tensor with at least 1 dimension' : `-${nd} ≤ axis < ${nd}`})`);
  return { outer: sizeOf(x.shape.slice(0, a)), n: x.shape[a], inner: sizeOf(x.shape.slice(a + 1)) };
}

/** Writes logSoftmax of each row of `x` into `out` (both laid out as `r`), in float64 then rounded once. */
export function logSoftmaxRows(x: Float32Array, out: Float32Array, r: Rows): void {
  const { outer, n, inner } = r;
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const base = o * n * inner + i;
    let m = -Infinity;
    for (let k = 0; k < n; k++) m = Math.max(m, x[base + k * inner]);
    if (m === -Infinity || m === Infinity) m = 0; // all -inf (→ NaN like PyTorch) or a +inf (→ NaN / -inf)
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.exp(x[base + k * inner] - m);
    const lse = m + Math.log(s);
    for (let k = 0; k < n; k++) out[base + k * inner] = x[base + k * inner] - lse;
  }
}

/**
 * log softmax along `axis` (default: the last one). Same shape as `x`.
 * Computed in float64 and rounded once, like `torch.log_softmax`.
 * @throws ArgumentError for an axis outside the tensor's dimensions.
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const r = rowsOf('logSoftmax', x, axis);
  const y = new Float32Array(x.size);
  logSoftmaxRows(x.data, y, r);
  return record({
    name: 'logSoftmax', inputs: [x], numOutputs: 1,
    backward: ([g]) => {
      const { outer, n, inner } = r, gx = new Float32Array(x.size);
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        let gs = 0;
        for (let k = 0; k < n; k++) gs += g[base + k * inner];
        for (let k = 0; k < n; k++) { const j = base + k * inner; gx[j] = g[j] - Math.exp(y[j]) * gs; }
      }
      return [gx];
    },
  }, [new Tensor(y, x.shape)])[0];
}

/**
 * softmax along `axis` (default: the last one). Same shape as `x`; each row sums to 1.
 * @throws ArgumentError for an axis outside the tensor's dimensions.
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  const r = rowsOf('softmax', x, axis);
  const y = new Float32Array(x.size);
  const { outer, n, inner } = r, X = x.data;
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const base = o * n * inner + i;
    let m = -Infinity;
    for (let k = 0; k < n; k++) m = Math.max(m, X[base + k * inner]);
    if (m === -Infinity || m === Infinity) m = 0;
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.exp(X[base + k * inner] - m);
    for (let k = 0; k < n; k++) y[base + k * inner] = Math.exp(X[base + k * inner] - m) / s;
  }
  return record({
    name: 'softmax', inputs: [x], numOutputs: 1,
    backward: ([g]) => {
      const gx = new Float32Array(x.size);
      for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        let gy = 0;
        for (let k = 0; k < n; k++) gy += g[base + k * inner] * y[base + k * inner];
        for (let k = 0; k < n; k++) { const j = base + k * inner; gx[j] = y[j] * (g[j] - gy); }
      }
      return [gx];
    },
  }, [new Tensor(y, x.shape)])[0];
}
