// Differentiable tensor ops. Each op computes its forward and records one GradFn whose backward sits beside it.
// Broadcasting follows NumPy: shapes align from the right; a dimension of 1 (or a missing one) stretches.
import { check, fmtShape } from '../errors.js';
import { kernels } from '../kernels/select.js';
import { Tensor, record, sizeOf, type Shape } from './tensor.js';

const asTensor = (v: Tensor | number): Tensor => (v instanceof Tensor ? v : new Tensor(new Float32Array([v]), []));

// ---------------------------------------------------------------------------------------------- broadcasting

/** Shape of the broadcast of a and b, or a SHAPE_MISMATCH error naming the op. */
export function broadcastShape(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1, db = b[b.length - n + i] ?? 1;
    check(da === db || da === 1 || db === 1, 'SHAPE_MISMATCH',
      () => `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast (dimension ${i} is ${da} vs ${db})`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element strides of `shape` viewed inside `out` (0 where the dimension is broadcast). */
function broadcastStrides(shape: Shape, out: Shape): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const j = out.length - shape.length + i;
    strides[j] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/** Calls f(o, ia, ib) for every output element o with the matching element indices of a and b. */
function forEachBroadcast(out: Shape, sa: number[], sb: number[], f: (o: number, ia: number, ib: number) => void): void {
  const n = sizeOf(out), nd = out.length;
  const idx = new Array<number>(nd).fill(0);
  let ia = 0, ib = 0;
  for (let o = 0; o < n; o++) {
    f(o, ia, ib);
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]++; ia += sa[d]; ib += sb[d];
      if (idx[d] < out[d]) break;
      ia -= sa[d] * out[d]; ib -= sb[d] * out[d]; idx[d] = 0;
    }
  }
}

type Binary = (x: number, y: number) => number;

/**
 * Broadcasting binary op: out = f(a, b); backward: ga = Σ_broadcast g·∂f/∂a, gb likewise.
 */
function binary(name: string, a: Tensor, b: Tensor, f: Binary, dfa: (x: number, y: number, g: number) => number,
  dfb: (x: number, y: number, g: number) => number): Tensor {
  const shape = broadcastShape(name, a.shape, b.shape);
  const out = new Float32Array(sizeOf(shape));
  const A = a.data, Bd = b.data;
  // fast path only for identical shapes: equal sizes alone are not enough ([4, 1] + [1, 4] broadcasts to [4, 4])
  const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  const sa = broadcastStrides(a.shape, shape), sb = broadcastStrides(b.shape, shape);
  if (same) for (let i = 0; i < out.length; i++) out[i] = f(A[i], Bd[i]);
  else if (b.size === 1) { const y = Bd[0]; for (let i = 0; i < out.length; i++) out[i] = f(A[i], y); }
  else forEachBroadcast(shape, sa, sb, (o, ia, ib) => { out[o] = f(A[ia], Bd[ib]); });
  return record({
    name, inputs: [a, b], numOutputs: 1,
    backward: ([g]) => {
      const ga = a.requiresGrad ? new Float32Array(a.size) : null;
      const gb = b.requiresGrad ? new Float32Array(b.size) : null;
      forEachBroadcast(shape, sa, sb, (o, ia, ib) => {
        if (ga) ga[ia] += dfa(A[ia], Bd[ib], g[o]);
        if (gb) gb[ib] += dfb(A[ia], Bd[ib], g[o]);
      });
      return [ga, gb];
    },
  }, [new Tensor(out, shape)])[0];
}

/**
 * `a + b` elementwise with NumPy broadcasting (a number acts as a scalar tensor). Like `torch.add`.
 * @throws ShapeError when the shapes do not broadcast.
 */
export const add = (a: Tensor, b: Tensor | number): Tensor =>
  binary('add', a, asTensor(b), (x, y) => x + y, (_x, _y, g) => g, (_x, _y, g) => g);
/**
 * `a − b` elementwise with NumPy broadcasting. Like `torch.sub`.
 * @throws ShapeError when the shapes do not broadcast.
 */
export const sub = (a: Tensor, b: Tensor | number): Tensor =>
  binary('sub', a, asTensor(b), (x, y) => x - y, (_x, _y, g) => g, (_x, _y, g) => -g);
/**
 * `a · b` elementwise (Hadamard) with NumPy broadcasting. Like `torch.mul`.
 * @throws ShapeError when the shapes do not broadcast.
 */
export const mul = (a: Tensor, b: Tensor | number): Tensor =>
  binary('mul', a, asTensor(b), (x, y) => x * y, (_x, y, g) => g * y, (x, _y, g) => g * x);
/**
 * `a / b` elementwise with NumPy broadcasting. Like `torch.div`.
 * @throws ShapeError when the shapes do not broadcast.
 */
export const div = (a: Tensor, b: Tensor | number): Tensor =>
  binary('div', a, asTensor(b), (x, y) => x / y, (_x, y, g) => g / y, (x, y, g) => (-g * x) / (y * y));

// ---------------------------------------------------------------------------------------------- elementwise

/** y = f(x); backward gx[i] = dx(g[i], x[i], y[i]). */
function unary(name: string, x: Tensor, f: (v: Float32Array, out: Float32Array) => void, dx: (g: number, x: number, y: number) => number): Tensor {
  const y = new Float32Array(x.size);
  f(x.data, y);
  return record({
    name, inputs: [x], numOutputs: 1,
    backward: ([g]) => {
      const gx = new Float32Array(x.size), X = x.data;
      for (let i = 0; i < gx.length; i++) gx[i] = dx(g[i], X[i], y[i]);
      return [gx];
    },
  }, [new Tensor(y, x.shape)])[0];
}

/** Elementwise logistic σ(x) = 1 / (1 + e^−x); same shape as `x`. */
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x, (v, o) => kernels().sigmoid(v.length, v, 0, o, 0), (g, _x, y) => g * (y * (1 - y)));
/** Elementwise hyperbolic tangent; same shape as `x`. */
export const tanh = (x: Tensor): Tensor => unary('tanh', x, (v, o) => kernels().tanh(v.length, v, 0, o, 0), (g, _x, y) => g * (1 - y * y));
/**
 * Elementwise max(x, 0); same shape as `x`. The gradient is 0 where the result is ≤ 0, like PyTorch's
 * `threshold_backward` (NaN passes through).
 */
export const relu = (x: Tensor): Tensor => unary('relu', x, (v, o) => kernels().relu(v.length, v, 0, o, 0), (g, _x, y) => (y <= 0 ? 0 : g));
/** Elementwise e^x; same shape as `x`. */
export const exp = (x: Tensor): Tensor => unary('exp', x, (v, o) => { for (let i = 0; i < v.length; i++) o[i] = Math.exp(v[i]); }, (g, _x, y) => g * y);
/** Elementwise natural logarithm; same shape as `x` (−Inf at 0, NaN below). */
export const log = (x: Tensor): Tensor => unary('log', x, (v, o) => { for (let i = 0; i < v.length; i++) o[i] = Math.log(v[i]); }, (g, x) => g / x);

// ---------------------------------------------------------------------------------------------- reductions

const normAxis = (op: string, axis: number, shape: Shape): number => {
  const nd = shape.length, a = axis < 0 ? axis + nd : axis;
  check(Number.isInteger(a) && a >= 0 && a < nd, 'INVALID_ARGUMENT',
    () => `${op}: axis ${axis} out of range for a ${nd}-d tensor of shape ${fmtShape(shape)} (valid: ${-nd} to ${nd - 1})`);
  return a;
};

/**
 * Sum of all elements (shape []) or along `axis` (removed unless keepDim).
 * Like `torch.sum`: negative axes count from the end; `keepDim` keeps the reduced axis with size 1.
 * @throws ArgumentError for an axis outside the tensor's dimensions.
 */
export function sum(x: Tensor, axis?: number, keepDim = false): Tensor {
  if (axis === undefined) {
    let s = 0;
    const X = x.data;
    for (let i = 0; i < X.length; i++) s += X[i];
    return record({
      name: 'sum', inputs: [x], numOutputs: 1,
      backward: ([g]) => [new Float32Array(x.size).fill(g[0])],
    }, [new Tensor(new Float32Array([s]), keepDim ? x.shape.map(() => 1) : [])])[0];
  }
  const a = normAxis('sum', axis, x.shape);
  const outer = sizeOf(x.shape.slice(0, a)), n = x.shape[a], inner = sizeOf(x.shape.slice(a + 1));
  const out = new Float64Array(outer * inner);
  const X = x.data;
  for (let o = 0; o < outer; o++) for (let k = 0; k < n; k++) {
    const base = (o * n + k) * inner;
    for (let i = 0; i < inner; i++) out[o * inner + i] += X[base + i];
  }
  const shape = keepDim ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  return record({
    name: 'sum', inputs: [x], numOutputs: 1,
    backward: ([g]) => {
      const gx = new Float32Array(x.size);
      for (let o = 0; o < outer; o++) for (let k = 0; k < n; k++) {
        const base = (o * n + k) * inner;
        for (let i = 0; i < inner; i++) gx[base + i] = g[o * inner + i];
      }
      return [gx];
    },
  }, [new Tensor(Float32Array.from(out), shape)])[0];
}

/**
 * Like torch.mean on CPU: the sum divided by the count (forward and backward divide, never multiply by 1/n).
 * @throws ArgumentError for an axis outside the tensor's dimensions.
 */
export function mean(x: Tensor, axis?: number, keepDim = false): Tensor {
  const n = axis === undefined ? x.size : x.shape[normAxis('mean', axis, x.shape)];
  return div(sum(x, axis, keepDim), n);
}

// ---------------------------------------------------------------------------------------------- shape ops

/**
 * Same data, new shape (one dimension may be -1). `copy` makes fresh storage (used by clone).
 * @throws ShapeError when the new shape does not hold exactly `x.size` elements.
 */
export function reshape(x: Tensor, shape: Shape, copy = false): Tensor {
  const infer = shape.indexOf(-1);
  let s = [...shape];
  if (infer >= 0) {
    const rest = sizeOf(shape.filter((_, i) => i !== infer));
    check(rest > 0 && x.size % rest === 0 && shape.lastIndexOf(-1) === infer, 'SHAPE_MISMATCH',
      () => `reshape: cannot reshape ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
    s[infer] = x.size / rest;
  }
  check(sizeOf(s) === x.size && s.every((d) => Number.isInteger(d) && d >= 0), 'SHAPE_MISMATCH',
    () => `reshape: cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)}`);
  return record({
    name: copy ? 'clone' : 'reshape', inputs: [x], numOutputs: 1,
    backward: ([g]) => [g],
  }, [new Tensor(copy ? x.data.slice() : x.data, s)])[0];
}

/**
 * Swaps the last two dimensions.
 * Shape: `[..., M, N]` → `[..., N, M]` (a copy).
 * @throws ShapeError for a tensor with fewer than 2 dimensions.
 */
export function transpose(x: Tensor): Tensor {
  check(x.ndim >= 2, 'SHAPE_MISMATCH', () => `transpose: needs at least 2 dimensions, got ${fmtShape(x.shape)}`);
  const R = x.shape[x.ndim - 2], C = x.shape[x.ndim - 1], batch = x.size / Math.max(1, R * C) || 0;
  const swap = (src: Float32Array, dst: Float32Array, r: number, c: number): void => {
    for (let b = 0; b < batch; b++) for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) dst[b * r * c + j * r + i] = src[b * r * c + i * c + j];
  };
  const out = new Float32Array(x.size);
  swap(x.data, out, R, C);
  const shape = [...x.shape.slice(0, -2), C, R];
  return record({
    name: 'transpose', inputs: [x], numOutputs: 1,
    backward: ([g]) => { const gx = new Float32Array(x.size); swap(g, gx, C, R); return [gx]; },
  }, [new Tensor(out, shape)])[0];
}

/**
 * Joins tensors along `axis`; all other dimensions must match.
 * Like `torch.cat`.
 * @throws ArgumentError for an empty list or an invalid axis; ShapeError when the other dimensions differ.
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  check(xs.length > 0, 'INVALID_ARGUMENT', 'concat: needs at least one tensor');
  const nd = xs[0].ndim, a = normAxis('concat', axis, xs[0].shape);
  for (const [i, t] of xs.entries()) {
    check(t.ndim === nd && t.shape.every((d, k) => k === a || d === xs[0].shape[k]), 'SHAPE_MISMATCH',
      () => `concat: tensor ${i} has shape ${fmtShape(t.shape)}, expected ${fmtShape(xs[0].shape.map((d, k) => (k === a ? -1 : d)))} (any size on axis ${a})`);
  }
  const outer = sizeOf(xs[0].shape.slice(0, a)), inner = sizeOf(xs[0].shape.slice(a + 1));
  const widths = xs.map((t) => t.shape[a] * inner), total = widths.reduce((p, q) => p + q, 0);
  const out = new Float32Array(outer * total);
  let off = 0;
  xs.forEach((t, k) => {
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * widths[k], (o + 1) * widths[k]), o * total + off);
    off += widths[k];
  });
  const shape = xs[0].shape.map((d, k) => (k === a ? xs.reduce((n, t) => n + t.shape[a], 0) : d));
  return record({
    name: 'concat', inputs: xs, numOutputs: 1,
    backward: ([g]) => {
      let off2 = 0;
      return xs.map((t, k) => {
        const gx = new Float32Array(t.size);
        for (let o = 0; o < outer; o++) gx.set(g.subarray(o * total + off2, o * total + off2 + widths[k]), o * widths[k]);
        off2 += widths[k];
        return gx;
      });
    },
  }, [new Tensor(out, shape)])[0];
}

/**
 * Elements start ≤ i < end along `axis` (negative indices count from the end, like Python).
 * Like `x.narrow(axis, start, end − start)` in PyTorch (a copy).
 * @throws ArgumentError for an invalid axis or range.
 */
export function slice(x: Tensor, axis: number, start: number, end?: number): Tensor {
  const a = normAxis('slice', axis, x.shape), n = x.shape[a];
  const s = start < 0 ? start + n : start, e = end === undefined ? n : end < 0 ? end + n : end;
  check(Number.isInteger(s) && Number.isInteger(e) && s >= 0 && e <= n && s <= e, 'INVALID_ARGUMENT',
    () => `slice: range [${start}, ${end ?? n}) out of bounds for axis ${a} of size ${n} (shape ${fmtShape(x.shape)})`);
  const outer = sizeOf(x.shape.slice(0, a)), inner = sizeOf(x.shape.slice(a + 1));
  const w = (e - s) * inner, out = new Float32Array(outer * w);
  for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * n * inner + s * inner, o * n * inner + e * inner), o * w);
  return record({
    name: 'slice', inputs: [x], numOutputs: 1,
    backward: ([g]) => {
      const gx = new Float32Array(x.size);
      for (let o = 0; o < outer; o++) gx.set(g.subarray(o * w, (o + 1) * w), o * n * inner + s * inner);
      return [gx];
    },
  }, [new Tensor(out, x.shape.map((d, k) => (k === a ? e - s : d)))])[0];
}

/**
 * Rows of `weight` [N, D] picked by integer `indices` (any shape S): result [...S, D]. Embedding lookup.
 * @throws ShapeError when `weight` is not 2-d or `shape` does not hold the indices; ArgumentError for an index outside [0, N).
 */
export function indexSelect(weight: Tensor, indices: ArrayLike<number> | Tensor, shape?: Shape): Tensor {
  check(weight.ndim === 2, 'SHAPE_MISMATCH', () => `indexSelect: weight must be 2-d [N, D], got ${fmtShape(weight.shape)}`);
  // a private copy: backward must use the indices of this forward even if the caller reuses its buffer
  const idx = indices instanceof Tensor ? Array.from(indices.intData ?? indices.data, Number) : Array.from(indices, Number);
  const S = shape ?? (indices instanceof Tensor ? indices.shape : [idx.length]);
  check(sizeOf(S) === idx.length, 'SHAPE_MISMATCH', () => `indexSelect: ${idx.length} indices do not fill shape ${fmtShape(S)}`);
  const [N, D] = weight.shape;
  const out = new Float32Array(idx.length * D);
  for (let k = 0; k < idx.length; k++) {
    const r = idx[k];
    check(Number.isInteger(r) && r >= 0 && r < N, 'INVALID_ARGUMENT', () => `indexSelect: index ${r} at position ${k} out of range [0, ${N}) for weight of shape ${fmtShape(weight.shape)}`);
    out.set(weight.data.subarray(r * D, (r + 1) * D), k * D);
  }
  return record({
    name: 'indexSelect', inputs: [weight], numOutputs: 1,
    backward: ([g]) => {
      const gw = new Float32Array(weight.size);
      for (let k = 0; k < idx.length; k++) { const r0 = idx[k] * D; for (let j = 0; j < D; j++) gw[r0 + j] += g[k * D + j]; }
      return [gw];
    },
  }, [new Tensor(out, [...S, D])])[0];
}

// ---------------------------------------------------------------------------------------------- matmul

/**
 * Matrix product like torch.matmul: 1-d operands are promoted (and the added dimension removed);
 * [..., M, K] @ [K, N] → [..., M, N]; [..., M, K] @ [..., K, N] with equal (or absent) batch dimensions.
 * @throws ShapeError when the inner sizes K differ, an operand is a scalar, or the batch dimensions differ.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  check(a.ndim >= 1 && b.ndim >= 1, 'SHAPE_MISMATCH', () => `matmul: operands must be at least 1-d, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
  // checked here (not after promoting 1-d operands) so the message names the shapes the caller passed
  const Ka = a.shape[a.ndim - 1], Kb = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
  check(Ka === Kb, 'SHAPE_MISMATCH', () => `matmul: inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${Ka} vs ${Kb})`);
  if (a.ndim === 1) return reshape(matmul(reshape(a, [1, a.size]), b), b.ndim === 1 ? [] : [...b.shape.slice(0, -2), b.shape[b.ndim - 1]]);
  if (b.ndim === 1) return reshape(matmul(a, reshape(b, [b.size, 1])), a.shape.slice(0, -1));
  const M = a.shape[a.ndim - 2], K = a.shape[a.ndim - 1], K2 = b.shape[b.ndim - 2], N = b.shape[b.ndim - 1];
  check(K === K2, 'SHAPE_MISMATCH', () => `matmul: inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${K} vs ${K2})`);
  const ba = a.shape.slice(0, -2), bb = b.shape.slice(0, -2);
  check(bb.length === 0 || ba.length === 0 || (ba.length === bb.length && ba.every((d, i) => d === bb[i])), 'SHAPE_MISMATCH',
    () => `matmul: batch dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)}`);
  const k = kernels();
  // b 2-d: fold a's batch into M (one GEMM)
  if (bb.length === 0) {
    const rows = sizeOf(ba) * M;
    const out = new Float32Array(rows * N);
    k.gemm(false, false, rows, N, K, 1, a.data, 0, K, b.data, 0, N, 0, out, 0, N);
    return record({
      name: 'matmul', inputs: [a, b], numOutputs: 1,
      backward: ([g]) => {
        let ga: Float32Array | null = null, gb: Float32Array | null = null;
        if (a.requiresGrad) { ga = new Float32Array(a.size); k.gemm(false, true, rows, K, N, 1, g, 0, N, b.data, 0, N, 0, ga, 0, K); }
        if (b.requiresGrad) { gb = new Float32Array(b.size); k.gemm(true, false, K, N, rows, 1, a.data, 0, K, g, 0, N, 0, gb, 0, N); }
        return [ga, gb];
      },
    }, [new Tensor(out, [...ba, M, N])])[0];
  }
  const batch = sizeOf(bb), aStride = ba.length ? M * K : 0, bStride = K * N;
  const out = new Float32Array(batch * M * N);
  for (let i = 0; i < batch; i++) k.gemm(false, false, M, N, K, 1, a.data, i * aStride, K, b.data, i * bStride, N, 0, out, i * M * N, N);
  return record({
    name: 'matmul', inputs: [a, b], numOutputs: 1,
    backward: ([g]) => {
      const ga = a.requiresGrad ? new Float32Array(a.size) : null, gb = b.requiresGrad ? new Float32Array(b.size) : null;
      for (let i = 0; i < batch; i++) {
        if (ga) k.gemm(false, true, M, K, N, 1, g, i * M * N, N, b.data, i * bStride, N, 1, ga, i * aStride, K);
        if (gb) k.gemm(true, false, K, N, M, 1, a.data, i * aStride, K, g, i * M * N, N, 1, gb, i * bStride, N);
      }
      return [ga, gb];
    },
  }, [new Tensor(out, [...bb, M, N])])[0];
}
