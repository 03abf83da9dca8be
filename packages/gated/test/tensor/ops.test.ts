// Tensor ops: forward values against independent (index-by-index, float64) references, gradients by finite
// differences, and every error path (GatedError code + a message naming the shapes).
import { describe, it, expect } from 'vitest';
import { GatedError, type GatedErrorCode } from '../../src/errors.js';
import { Tensor, tensor, type Shape } from '../../src/tensor/tensor.js';
import * as ops from '../../src/tensor/ops.js';
import { Rng } from '../../src/random.js';
import { expectClose } from '../_util/close.js';
import { expectGradcheck } from '../_util/gradcheck.js';

// ------------------------------------------------------------------------------------------------ helpers

const size = (s: Shape): number => s.reduce((a, b) => a * b, 1);

/** Calls cb(multiIndex, flatIndex) for every element of `shape`, in row-major order. */
function forEachIndex(shape: Shape, cb: (idx: number[], flat: number) => void): void {
  const n = size(shape);
  for (let flat = 0; flat < n; flat++) {
    const idx: number[] = new Array(shape.length);
    let r = flat;
    for (let d = shape.length - 1; d >= 0; d--) { idx[d] = r % shape[d]; r = Math.floor(r / shape[d]); }
    cb(idx, flat);
  }
}

const flatIndex = (shape: Shape, idx: readonly number[]): number => idx.reduce((acc, v, d) => acc * shape[d] + v, 0);

/** Random float32 tensor, uniform in [lo, hi), optionally pushed at least `away` from 0. */
function rand(rng: Rng, shape: Shape, opts: { lo?: number; hi?: number; away?: number; grad?: boolean } = {}): Tensor {
  const lo = opts.lo ?? -1, hi = opts.hi ?? 1, away = opts.away ?? 0;
  const d = new Float32Array(size(shape));
  for (let i = 0; i < d.length; i++) {
    let v = rng.uniform(lo, hi);
    if (away > 0 && Math.abs(v) < away) v = v < 0 ? v - away : v + away;
    d[i] = v;
  }
  return new Tensor(d, shape, { requiresGrad: opts.grad ?? true });
}

function expectGatedError(fn: () => unknown, code: GatedErrorCode, ...inMessage: string[]): GatedError {
  let err: unknown = null;
  try { fn(); } catch (e) { err = e; }
  expect(err, 'expected a GatedError to be thrown').toBeInstanceOf(GatedError);
  const g = err as GatedError;
  expect(g.code, g.message).toBe(code);
  for (const s of inMessage) expect(g.message).toContain(s);
  return g;
}

/** NumPy broadcast of two shapes, computed independently of the library. */
function refBroadcastShape(a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length), out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)], db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) throw new Error('not broadcastable');
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** out[idx] = f(a[idx'], b[idx'']) by multi-index, rounded to float32. */
function refBinary(a: Tensor, b: Tensor, f: (x: number, y: number) => number): { shape: number[]; data: Float32Array } {
  const shape = refBroadcastShape(a.shape, b.shape), data = new Float32Array(size(shape));
  const pick = (t: Tensor, idx: number[]): number => {
    const off = idx.length - t.ndim;
    return t.data[flatIndex(t.shape, t.shape.map((d, k) => (d === 1 ? 0 : idx[k + off])))];
  };
  forEachIndex(shape, (idx, o) => { data[o] = Math.fround(f(pick(a, idx), pick(b, idx))); });
  return { shape, data };
}

// ------------------------------------------------------------------------------------------------ broadcasting ops

const binOps = {
  add: { op: ops.add, f: (x: number, y: number) => x + y },
  sub: { op: ops.sub, f: (x: number, y: number) => x - y },
  mul: { op: ops.mul, f: (x: number, y: number) => x * y },
  div: { op: ops.div, f: (x: number, y: number) => x / y },
} as const;

const broadcastCases: [string, Shape, Shape][] = [
  ['same shape', [2, 3], [2, 3]],
  ['one-element operand on the right', [2, 3], [1]],
  ['one-element operand on the left', [1], [2, 3]],
  ['0-d operand', [2, 3], []],
  ['both 0-d', [], []],
  ['[3,1] x [1,4]', [3, 1], [1, 4]],
  ['[4,1] x [1,4] (equal sizes, different shapes)', [4, 1], [1, 4]],
  ['[1,4] x [4,1]', [1, 4], [4, 1]],
  ['[2,3,4] + [4]', [2, 3, 4], [4]],
  ['[4] + [2,3,4]', [4], [2, 3, 4]],
  ['[2,1,4] * [3,1]', [2, 1, 4], [3, 1]],
  ['[2,3,4] x [2,1,4]', [2, 3, 4], [2, 1, 4]],
  ['[1,1] x [3]', [1, 1], [3]],
  ['zero-size [0,3] x [3]', [0, 3], [3]],
];

describe('add / sub / mul / div with NumPy broadcasting', () => {
  for (const [opName, { op, f }] of Object.entries(binOps)) {
    for (const [label, sa, sb] of broadcastCases) {
      it(`${opName}: ${label}`, () => {
        const rng = new Rng(size(sa) * 31 + size(sb) + opName.length);
        const a = rand(rng, sa);
        const b = rand(rng, sb, opName === 'div' ? { lo: -2, hi: 2, away: 0.5 } : {});
        const out = op(a, b);
        const ref = refBinary(a, b, f);
        expect(out.shape).toEqual(ref.shape);
        expectClose(out.data, ref.data, { atol: 0, rtol: 0, what: `${opName} ${label}` });
        expect(out.requiresGrad).toBe(true);
        if (out.size > 0) expectGradcheck(([x, y]) => op(x, y), [a, b], { what: `${opName} ${label}` });
      });
    }

    it(`${opName}: number operand`, () => {
      const rng = new Rng(7);
      const a = rand(rng, [2, 3]);
      const out = op(a, 1.75);
      expect(out.shape).toEqual([2, 3]);
      expectClose(out.data, Array.from(a.data, (x) => Math.fround(f(x, 1.75))), { atol: 0, rtol: 0 });
      expectGradcheck(([x]) => op(x, -0.625), [a]);
    });

    it(`${opName}: gradients when only one side requires grad`, () => {
      const rng = new Rng(11);
      const a = rand(rng, [3, 1]);
      const b = rand(rng, [1, 4], { grad: false, lo: 0.5, hi: 2 });
      op(a, b).sum().backward();
      expect(b.grad).toBeNull();
      expect(a.grad!.shape).toEqual([3, 1]);
      expectGradcheck(([x, y]) => op(x, y), [a, b]);
      const c = rand(rng, [2, 3], { grad: false });
      const d = rand(rng, [3], { lo: 0.5, hi: 2 });
      expectGradcheck(([x, y]) => op(x, y), [c, d]);
    });
  }

  it('broadcast gradients are summed over the stretched dimensions (hand-computed)', () => {
    const a = tensor([[1], [2], [3]], undefined, { requiresGrad: true }); // [3, 1]
    const b = tensor([[10, 20, 30, 40]], undefined, { requiresGrad: true }); // [1, 4]
    const out = ops.mul(a, b); // [3, 4]
    expect(out.toArray()).toEqual([[10, 20, 30, 40], [20, 40, 60, 80], [30, 60, 90, 120]]);
    out.sum().backward();
    expect(Array.from(a.grad!.data)).toEqual([100, 100, 100]); // Σ_j b_j
    expect(Array.from(b.grad!.data)).toEqual([6, 6, 6, 6]); // Σ_i a_i
  });

  it('Tensor methods and neg() delegate to the ops', () => {
    const a = tensor([1, -2, 3]);
    expect(Array.from(a.add(1).data)).toEqual([2, -1, 4]);
    expect(Array.from(a.sub(1).data)).toEqual([0, -3, 2]);
    expect(Array.from(a.mul(2).data)).toEqual([2, -4, 6]);
    expect(Array.from(a.div(2).data)).toEqual([0.5, -1, 1.5]);
    expect(Array.from(a.neg().data)).toEqual([-1, 2, -3]);
  });

  it('float32 rounding of the result (1/3 and 0.1 + 0.2)', () => {
    expect(ops.div(tensor([1]), 3).data[0]).toBe(Math.fround(1 / 3));
    expect(ops.add(tensor([0.1]), tensor([0.2])).data[0]).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
  });

  it('non-broadcastable shapes throw SHAPE_MISMATCH naming both shapes', () => {
    for (const [opName, { op }] of Object.entries(binOps)) {
      expectGatedError(() => op(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(4), [4])), 'SHAPE_MISMATCH', opName, '[2, 3]', '[4]');
      expectGatedError(() => op(tensor(new Float32Array(6), [2, 3]), tensor(new Float32Array(6), [3, 2])), 'SHAPE_MISMATCH', '[2, 3]', '[3, 2]');
      expectGatedError(() => op(tensor(new Float32Array(24), [2, 3, 4]), tensor(new Float32Array(6), [3, 2])), 'SHAPE_MISMATCH', '[2, 3, 4]', '[3, 2]');
    }
  });
});

// ------------------------------------------------------------------------------------------------ matmul

/** Naive float64 matmul with torch.matmul's shape rules, computed by multi-index. */
function refMatmul(a: Tensor, b: Tensor): { shape: number[]; data: Float32Array } {
  const A = a.ndim === 1 ? [1, a.shape[0]] : a.shape, Bs = b.ndim === 1 ? [b.shape[0], 1] : b.shape;
  const M = A[A.length - 2], K = A[A.length - 1], N = Bs[Bs.length - 1];
  const ba = A.slice(0, -2), bb = Bs.slice(0, -2), batch = ba.length >= bb.length ? ba : bb;
  const nb = size(batch), data = new Float32Array(nb * M * N);
  for (let t = 0; t < nb; t++) {
    const ta = ba.length ? t : 0, tb = bb.length ? t : 0;
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a.data[ta * M * K + i * K + k] * b.data[tb * K * N + k * N + j];
      data[t * M * N + i * N + j] = s;
    }
  }
  const shape = [...batch, ...(a.ndim === 1 ? [] : [M]), ...(b.ndim === 1 ? [] : [N])];
  return { shape, data };
}

describe('matmul', () => {
  const cases: [string, Shape, Shape, Shape][] = [
    ['1-d @ 1-d (dot)', [5], [5], []],
    ['1-d @ 2-d', [3], [3, 4], [4]],
    ['2-d @ 1-d', [4, 3], [3], [4]],
    ['2-d @ 2-d', [3, 5], [5, 2], [3, 2]],
    ['2-d @ 2-d, 1x1', [1, 1], [1, 1], [1, 1]],
    ['batched 3-d @ 3-d', [2, 3, 4], [2, 4, 5], [2, 3, 5]],
    ['batched 4-d @ 4-d', [2, 2, 3, 4], [2, 2, 4, 2], [2, 2, 3, 2]],
    ['3-d @ 2-d', [2, 3, 4], [4, 5], [2, 3, 5]],
    ['4-d @ 2-d (ND @ 2-D)', [2, 3, 4, 5], [5, 2], [2, 3, 4, 2]],
    ['2-d @ 3-d', [3, 4], [2, 4, 5], [2, 3, 5]],
    ['1-d @ 3-d', [4], [2, 4, 5], [2, 5]],
    ['3-d @ 1-d', [2, 3, 4], [4], [2, 3]],
    ['odd sizes 7x17 @ 17x5', [7, 17], [17, 5], [7, 5]],
  ];
  for (const [label, sa, sb, so] of cases) {
    it(label, () => {
      const rng = new Rng(size(sa) + 100 * size(sb));
      const a = rand(rng, sa), b = rand(rng, sb);
      const out = ops.matmul(a, b);
      expect(out.shape).toEqual(so);
      const ref = refMatmul(a, b);
      expect(ref.shape).toEqual(so);
      expectClose(out.data, ref.data, { atol: 1e-6, rtol: 1e-6, what: label });
      expect(a.matmul(b).data).toEqual(out.data);
      expectGradcheck(([x, y]) => ops.matmul(x, y), [a, b], { what: label });
    });
  }

  it('hand-computed 2x2', () => {
    const out = ops.matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]]));
    expect(out.toArray()).toEqual([[19, 22], [43, 50]]);
    expect(ops.matmul(tensor([1, 2, 3]), tensor([4, 5, 6])).item()).toBe(32);
  });

  it('zero inner dimension gives zeros; zero outer dimensions give empty results', () => {
    const z = ops.matmul(new Tensor(new Float32Array(0), [2, 0]), new Tensor(new Float32Array(0), [0, 3]));
    expect(z.shape).toEqual([2, 3]);
    expect(Array.from(z.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(ops.matmul(new Tensor(new Float32Array(0), [0, 4]), tensor(new Float32Array(12), [4, 3])).shape).toEqual([0, 3]);
    expect(ops.matmul(tensor(new Float32Array(8), [2, 4]), new Tensor(new Float32Array(0), [4, 0])).shape).toEqual([2, 0]);
  });

  it('gradient of the shared operand in 2-d @ 3-d is summed over the batch', () => {
    const rng = new Rng(5);
    const a = rand(rng, [2, 3]), b = rand(rng, [4, 3, 2]);
    ops.matmul(a, b).sum().backward();
    // d/da Σ (a @ b_t) = Σ_t 1 @ b_tᵀ: row i of grad = Σ_t Σ_j b_t[k, j]
    const exp = new Float32Array(6);
    for (let i = 0; i < 2; i++) for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let t = 0; t < 4; t++) for (let j = 0; j < 2; j++) s += b.data[t * 6 + k * 2 + j];
      exp[i * 3 + k] = s;
    }
    expectClose(a.grad!.data, exp, { atol: 1e-6, rtol: 1e-6 });
  });

  it('errors: inner mismatch, batch mismatch, 0-d operands (SHAPE_MISMATCH naming the shapes)', () => {
    const t = (s: Shape): Tensor => new Tensor(new Float32Array(size(s)), s);
    expectGatedError(() => ops.matmul(t([2, 3]), t([4, 5])), 'SHAPE_MISMATCH', '[2, 3]', '[4, 5]');
    expectGatedError(() => ops.matmul(t([3]), t([4])), 'SHAPE_MISMATCH', '[3]', '[4]');
    expectGatedError(() => ops.matmul(t([3]), t([4, 2])), 'SHAPE_MISMATCH', '[3]', '[4, 2]');
    expectGatedError(() => ops.matmul(t([2, 3]), t([4])), 'SHAPE_MISMATCH', '[2, 3]', '[4]');
    expectGatedError(() => ops.matmul(t([2, 3, 4]), t([2, 5, 6])), 'SHAPE_MISMATCH', '[2, 3, 4]', '[2, 5, 6]');
    expectGatedError(() => ops.matmul(t([2, 3, 4]), t([3, 4, 5])), 'SHAPE_MISMATCH', '[2, 3, 4]', '[3, 4, 5]');
    expectGatedError(() => ops.matmul(t([]), t([3])), 'SHAPE_MISMATCH', '[]', '[3]');
  });
});

// ------------------------------------------------------------------------------------------------ reductions

/** Float64 sum along `axis` by multi-index (keepDim=false shape). */
function refSumAxis(x: Tensor, axis: number): { shape: number[]; data: Float64Array } {
  const shape = x.shape.filter((_, k) => k !== axis), data = new Float64Array(size(shape));
  forEachIndex(x.shape, (idx, flat) => { data[flatIndex(shape, idx.filter((_, k) => k !== axis))] += x.data[flat]; });
  return { shape, data };
}

describe('sum / mean', () => {
  it('to a scalar (hand-computed)', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    const s = ops.sum(x);
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(21);
    expect(ops.mean(x).item()).toBe(3.5);
    expect(ops.sum(x, undefined, true).shape).toEqual([1, 1]);
    expect(ops.mean(x, undefined, true).shape).toEqual([1, 1]);
    expect(x.sum().item()).toBe(21);
  });

  it('to a scalar: values, gradients', () => {
    const rng = new Rng(3);
    const x = rand(rng, [2, 3, 4]);
    let s = 0;
    for (const v of x.data) s += v;
    expect(ops.sum(x).item()).toBe(Math.fround(s));
    expectClose([ops.mean(x).item()], [s / 24], { atol: 1e-7, rtol: 1e-6 });
    expectGradcheck(([t]) => ops.sum(t), [x]);
    expectGradcheck(([t]) => ops.mean(t), [x]);
    expectGradcheck(([t]) => ops.sum(t, undefined, true), [x]);
  });

  it('mean divides like torch (sum / n, not sum * (1/n))', () => {
    // 3 * fround(1/3) != 1 in float32 arithmetic for some sums; division by 3 is exact for a sum of 3
    const x = tensor([1, 1, 1]);
    expect(ops.mean(x).item()).toBe(1);
    const y = tensor([0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]);
    const s = Math.fround(7 * Math.fround(0.7));
    expect(ops.mean(y).item()).toBe(Math.fround(s / 7));
  });

  for (const keepDim of [false, true]) {
    for (const axis of [0, 1, 2, -1, -2, -3]) {
      it(`along axis ${axis}${keepDim ? ' with keepDim' : ''}`, () => {
        const rng = new Rng(17 + axis);
        const x = rand(rng, [2, 3, 4]);
        const a = axis < 0 ? axis + 3 : axis;
        const ref = refSumAxis(x, a);
        const shape = keepDim ? x.shape.map((d, k) => (k === a ? 1 : d)) : ref.shape;
        const s = ops.sum(x, axis, keepDim), m = ops.mean(x, axis, keepDim);
        expect(s.shape).toEqual(shape);
        expect(m.shape).toEqual(shape);
        expectClose(s.data, Float32Array.from(ref.data), { atol: 0, rtol: 0, what: 'sum' });
        expectClose(m.data, Array.from(ref.data, (v) => v / x.shape[a]), { atol: 1e-7, rtol: 1e-6, what: 'mean' });
        expect(x.sum(axis, keepDim).data).toEqual(s.data);
        expect(x.mean(axis, keepDim).data).toEqual(m.data);
        expectGradcheck(([t]) => ops.sum(t, axis, keepDim), [x], { what: 'sum' });
        expectGradcheck(([t]) => ops.mean(t, axis, keepDim), [x], { what: 'mean' });
      });
    }
  }

  it('hand-computed along each axis of a 2x3', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(ops.sum(x, 0).toArray()).toEqual([5, 7, 9]);
    expect(ops.sum(x, 1).toArray()).toEqual([6, 15]);
    expect(ops.sum(x, -1, true).toArray()).toEqual([[6], [15]]);
    expect(ops.mean(x, 0).toArray()).toEqual([2.5, 3.5, 4.5]);
    expect(ops.mean(x, -1).toArray()).toEqual([2, 5]);
  });

  it('1-d and zero-size reductions', () => {
    const v = tensor([1, 2, 3, 4]);
    expect(ops.sum(v, 0).shape).toEqual([]);
    expect(ops.sum(v, 0).item()).toBe(10);
    const e = new Tensor(new Float32Array(0), [0, 3]);
    expect(ops.sum(e, 0).toArray()).toEqual([0, 0, 0]);
    expect(ops.sum(e).item()).toBe(0);
  });

  it('bad axis throws INVALID_ARGUMENT naming the axis and the shape', () => {
    const x = new Tensor(new Float32Array(6), [2, 3]);
    expectGatedError(() => ops.sum(x, 2), 'INVALID_ARGUMENT', 'sum', 'axis 2', '[2, 3]');
    expectGatedError(() => ops.sum(x, -3), 'INVALID_ARGUMENT', 'axis -3', '[2, 3]');
    expectGatedError(() => ops.mean(x, 5), 'INVALID_ARGUMENT', 'mean', '[2, 3]');
    expectGatedError(() => ops.sum(x, 0.5), 'INVALID_ARGUMENT', '[2, 3]');
    expectGatedError(() => ops.sum(new Tensor(new Float32Array(1), []), 0), 'INVALID_ARGUMENT', '[]');
  });
});

// ------------------------------------------------------------------------------------------------ elementwise

describe('sigmoid / tanh / relu / exp / log', () => {
  const unaries = {
    sigmoid: { op: ops.sigmoid, f: (x: number) => 1 / (1 + Math.exp(-x)), domain: {} },
    tanh: { op: ops.tanh, f: Math.tanh, domain: {} },
    relu: { op: ops.relu, f: (x: number) => Math.max(x, 0), domain: { away: 0.05 } }, // FD steps must not cross the kink
    exp: { op: ops.exp, f: Math.exp, domain: { lo: -2, hi: 2 } },
    log: { op: ops.log, f: Math.log, domain: { lo: 0.3, hi: 3 } },
  } as const;
  for (const [name, { op, f, domain }] of Object.entries(unaries)) {
    it(`${name}: forward equals the float64 formula rounded to float32, gradient by FD`, () => {
      const rng = new Rng(name.length * 13);
      const x = rand(rng, [3, 5], { lo: -3, hi: 3, ...domain });
      const y = op(x);
      expect(y.shape).toEqual([3, 5]);
      expectClose(y.data, Array.from(x.data, (v) => Math.fround(f(v))), { atol: 0, rtol: 2 ** -23, what: name });
      const viaMethod = (x as unknown as Record<string, () => Tensor>)[name]();
      expect(viaMethod.data).toEqual(y.data);
      expectGradcheck(([t]) => op(t), [x], { what: name });
    });
  }

  it('hand-computed values', () => {
    expect(ops.sigmoid(tensor([0])).item()).toBe(0.5);
    expect(ops.tanh(tensor([0])).item()).toBe(0);
    expect(Array.from(ops.relu(tensor([-2, 0, 3])).data)).toEqual([0, 0, 3]);
    expect(ops.exp(tensor([0])).item()).toBe(1);
    expect(ops.log(tensor([1])).item()).toBe(0);
    expect(ops.log(tensor([0])).item()).toBe(-Infinity);
    expect(ops.sigmoid(tensor([-200])).item()).toBe(0);
    expect(ops.sigmoid(tensor([200])).item()).toBe(1);
  });

  it('hand-computed gradients', () => {
    const x = tensor([-1, 0.5, 2], undefined, { requiresGrad: true });
    ops.relu(x).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 1, 1]);
    const z = tensor([0], undefined, { requiresGrad: true });
    ops.relu(z).sum().backward();
    expect(z.grad!.data[0]).toBe(0); // like PyTorch: relu'(0) = 0
    const s = tensor([0], undefined, { requiresGrad: true });
    ops.sigmoid(s).sum().backward();
    expect(s.grad!.data[0]).toBe(0.25);
    const l = tensor([4], undefined, { requiresGrad: true });
    ops.log(l).sum().backward();
    expect(l.grad!.data[0]).toBe(0.25);
  });

  it('relu propagates NaN forward and passes the gradient through a NaN result, like PyTorch', () => {
    const x = tensor([NaN, -1, 2], undefined, { requiresGrad: true });
    const y = ops.relu(x);
    expect(Number.isNaN(y.data[0])).toBe(true);
    expect(y.data[1]).toBe(0);
    y.backward(new Float32Array([3, NaN, 5]));
    // threshold_backward(grad, result, 0): result <= 0 → 0 even for a NaN grad; NaN result → grad
    expect(Array.from(x.grad!.data)).toEqual([3, 0, 5]);
  });
});

// ------------------------------------------------------------------------------------------------ shape ops

describe('reshape', () => {
  it('keeps row-major order; -1 is inferred in any position', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(ops.reshape(x, [3, 2]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(ops.reshape(x, [-1]).toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ops.reshape(x, [-1, 2]).shape).toEqual([3, 2]);
    expect(ops.reshape(x, [3, -1]).shape).toEqual([3, 2]);
    expect(ops.reshape(x, [1, -1, 1]).shape).toEqual([1, 6, 1]);
    expect(ops.reshape(x, [2, 1, 3]).toArray()).toEqual([[[1, 2, 3]], [[4, 5, 6]]]);
    expect(ops.reshape(tensor([7]), []).shape).toEqual([]);
    expect(ops.reshape(tensor(5), [1, 1]).shape).toEqual([1, 1]);
    expect(x.reshape([6]).shape).toEqual([6]);
    expect(ops.reshape(new Tensor(new Float32Array(0), [0, 3]), [-1, 3]).shape).toEqual([0, 3]);
  });

  it('shares storage (a view) and gradients flow through', () => {
    const rng = new Rng(2);
    const x = rand(rng, [2, 3, 2]);
    const y = ops.reshape(x, [4, -1]);
    expect(y.data).toBe(x.data);
    expectGradcheck(([t]) => ops.mul(ops.reshape(t, [4, -1]), tensor([1, 2, 3])), [x]);
  });

  it('bad reshape throws SHAPE_MISMATCH naming both shapes', () => {
    const x = new Tensor(new Float32Array(6), [2, 3]);
    expectGatedError(() => ops.reshape(x, [4, 2]), 'SHAPE_MISMATCH', '[2, 3]', '[4, 2]');
    expectGatedError(() => ops.reshape(x, [-1, 4]), 'SHAPE_MISMATCH', '[2, 3]', '[-1, 4]');
    expectGatedError(() => ops.reshape(x, [-1, -1]), 'SHAPE_MISMATCH', '[2, 3]', '[-1, -1]');
    expectGatedError(() => ops.reshape(x, [-2, -3]), 'SHAPE_MISMATCH', '[2, 3]');
    expectGatedError(() => ops.reshape(x, [0, -1]), 'SHAPE_MISMATCH', '[2, 3]', '[0, -1]');
    expectGatedError(() => ops.reshape(x, [2.5, 2.4]), 'SHAPE_MISMATCH', '[2, 3]');
  });
});

describe('transpose', () => {
  it('2-d and batched (swaps the last two dimensions)', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(ops.transpose(x).toArray()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(x.transpose().shape).toEqual([3, 2]);
    const rng = new Rng(4);
    const b = rand(rng, [2, 3, 4]);
    const t = ops.transpose(b);
    expect(t.shape).toEqual([2, 4, 3]);
    forEachIndex(b.shape, ([i, j, k], flat) => { expect(t.data[flatIndex(t.shape, [i, k, j])]).toBe(b.data[flat]); });
    expectGradcheck(([u]) => ops.transpose(u), [b]);
    expectGradcheck(([u]) => ops.transpose(u), [rand(rng, [3, 5])]);
    expect(ops.transpose(new Tensor(new Float32Array(0), [2, 0, 3])).shape).toEqual([2, 3, 0]);
  });

  it('needs at least 2 dimensions', () => {
    expectGatedError(() => ops.transpose(tensor([1, 2, 3])), 'SHAPE_MISMATCH', '[3]');
  });
});

describe('concat', () => {
  for (const axis of [0, 1, 2, -1, -2, -3]) {
    it(`along axis ${axis}`, () => {
      const rng = new Rng(40 + axis);
      const a = axis < 0 ? axis + 3 : axis;
      const base = [2, 3, 4];
      const widths = [1, 3, 2];
      const xs = widths.map((w, k) => rand(rng, base.map((d, i) => (i === a ? w : d)), { grad: k !== 1 }));
      const out = ops.concat(xs, axis);
      const shape = base.map((d, i) => (i === a ? 6 : d));
      expect(out.shape).toEqual(shape);
      forEachIndex(shape, (idx, flat) => {
        let j = idx[a], k = 0;
        while (j >= widths[k]) { j -= widths[k]; k++; }
        const src = idx.slice(); src[a] = j;
        expect(out.data[flat]).toBe(xs[k].data[flatIndex(xs[k].shape, src)]);
      });
      expectGradcheck((ts) => ops.concat(ts, axis), xs, { what: `concat axis ${axis}` });
      expect(xs[1].grad).toBeNull();
    });
  }

  it('hand-computed, default axis 0, single input', () => {
    expect(ops.concat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(ops.concat([tensor([[1], [2]]), tensor([[3], [4]])], 1).toArray()).toEqual([[1, 3], [2, 4]]);
    expect(ops.concat([tensor([1, 2])]).toArray()).toEqual([1, 2]);
    expect(ops.concat([tensor([1, 2]), new Tensor(new Float32Array(0), [0])]).toArray()).toEqual([1, 2]);
  });

  it('the same tensor twice gets both gradient slices summed', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    ops.concat([x, x]).backward(new Float32Array([1, 2, 10, 20]));
    expect(Array.from(x.grad!.data)).toEqual([11, 22]);
  });

  it('errors: shape mismatch (SHAPE_MISMATCH naming the shapes), bad axis, empty list', () => {
    const t = (s: Shape): Tensor => new Tensor(new Float32Array(size(s)), s);
    expectGatedError(() => ops.concat([t([2, 3]), t([2, 4])], 0), 'SHAPE_MISMATCH', '[2, 4]', '[-1, 3]');
    expectGatedError(() => ops.concat([t([2, 3]), t([3, 3])], 1), 'SHAPE_MISMATCH', '[3, 3]', '[2, -1]');
    expectGatedError(() => ops.concat([t([2, 3]), t([2, 3, 1])], 0), 'SHAPE_MISMATCH', '[2, 3, 1]');
    expectGatedError(() => ops.concat([t([2, 3]), t([2, 3])], 2), 'INVALID_ARGUMENT', 'axis 2', '[2, 3]');
    expectGatedError(() => ops.concat([t([2, 3]), t([2, 3])], -3), 'INVALID_ARGUMENT', 'axis -3', '[2, 3]');
    expectGatedError(() => ops.concat([]), 'INVALID_ARGUMENT', 'concat');
  });
});

describe('slice', () => {
  for (const axis of [0, 1, 2, -1, -2, -3]) {
    it(`along axis ${axis} (positive, negative and omitted bounds)`, () => {
      const rng = new Rng(60 + axis);
      const x = rand(rng, [3, 4, 5]);
      const a = axis < 0 ? axis + 3 : axis, n = x.shape[a];
      const ranges: [number, number | undefined, number, number][] = [
        [1, undefined, 1, n], [0, n, 0, n], [-2, undefined, n - 2, n], [1, -1, 1, n - 1], [-n, -1, 0, n - 1],
        [0, 1, 0, 1], [2, 2, 2, 2], [n, undefined, n, n],
      ];
      for (const [start, end, s, e] of ranges) {
        const out = ops.slice(x, axis, start, end);
        const shape = x.shape.map((d, k) => (k === a ? e - s : d));
        expect(out.shape, `slice(${axis}, ${start}, ${end})`).toEqual(shape);
        forEachIndex(shape, (idx, flat) => {
          const src = idx.slice(); src[a] += s;
          expect(out.data[flat]).toBe(x.data[flatIndex(x.shape, src)]);
        });
        expect(x.slice(axis, start, end).data).toEqual(out.data);
        if (out.size > 0) expectGradcheck(([t]) => ops.slice(t, axis, start, end), [x], { what: `slice(${axis}, ${start}, ${end})` });
      }
    });
  }

  it('hand-computed and gradient placement', () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]], undefined, { requiresGrad: true });
    expect(ops.slice(x, 1, 1).toArray()).toEqual([[2, 3], [5, 6]]);
    expect(ops.slice(x, -1, -1).toArray()).toEqual([[3], [6]]);
    expect(ops.slice(x, 0, 1, 2).toArray()).toEqual([[4, 5, 6]]);
    ops.slice(x, 1, 0, 2).sum().backward();
    expect(x.grad!.toArray()).toEqual([[1, 1, 0], [1, 1, 0]]);
  });

  it('out-of-range slices throw INVALID_ARGUMENT naming the range and the shape', () => {
    const x = new Tensor(new Float32Array(6), [2, 3]);
    expectGatedError(() => ops.slice(x, 1, 0, 4), 'INVALID_ARGUMENT', '[0, 4)', 'size 3', '[2, 3]');
    expectGatedError(() => ops.slice(x, 1, 4), 'INVALID_ARGUMENT', '[2, 3]');
    expectGatedError(() => ops.slice(x, 1, -4), 'INVALID_ARGUMENT', '[2, 3]');
    expectGatedError(() => ops.slice(x, 1, 2, 1), 'INVALID_ARGUMENT', '[2, 1)', '[2, 3]');
    expectGatedError(() => ops.slice(x, 0, 0, -3), 'INVALID_ARGUMENT', '[2, 3]');
    expectGatedError(() => ops.slice(x, 0, 0.5), 'INVALID_ARGUMENT', '[2, 3]');
    expectGatedError(() => ops.slice(x, 2, 0), 'INVALID_ARGUMENT', 'axis 2', '[2, 3]');
    expectGatedError(() => ops.slice(x, -3, 0), 'INVALID_ARGUMENT', 'axis -3', '[2, 3]');
  });
});

describe('indexSelect', () => {
  it('picks rows; repeated indices accumulate gradient', () => {
    const w = tensor([[1, 2], [3, 4], [5, 6]], undefined, { requiresGrad: true });
    const out = ops.indexSelect(w, [2, 0, 2, 2]);
    expect(out.shape).toEqual([4, 2]);
    expect(out.toArray()).toEqual([[5, 6], [1, 2], [5, 6], [5, 6]]);
    out.backward(new Float32Array([1, 10, 2, 20, 3, 30, 4, 40]));
    expect(w.grad!.toArray()).toEqual([[2, 20], [0, 0], [8, 80]]);
  });

  it('index tensor shape S gives [...S, D]; explicit shape; int tensors', () => {
    const rng = new Rng(8);
    const w = rand(rng, [5, 3]);
    const idx = tensor([[0, 4, 4], [1, 0, 3]]);
    const out = ops.indexSelect(w, idx);
    expect(out.shape).toEqual([2, 3, 3]);
    forEachIndex(out.shape, ([i, j, d], flat) => { expect(out.data[flat]).toBe(w.data[idx.data[i * 3 + j] * 3 + d]); });
    expect(ops.indexSelect(w, [1, 2, 3, 4], [2, 2]).shape).toEqual([2, 2, 3]);
    const i64 = new Tensor(new Float32Array([3, 3]), [2], { dtype: 'int64', intData: new BigInt64Array([3n, 3n]) });
    expect(ops.indexSelect(w, i64).toArray()).toEqual([Array.from(w.data.subarray(9, 12)), Array.from(w.data.subarray(9, 12))]);
    expectGradcheck(([t]) => ops.indexSelect(t, idx), [w]);
    expectGradcheck(([t]) => ops.indexSelect(t, [1, 1, 1, 0]), [w]);
  });

  it('backward uses the indices of the forward even if the caller reuses its buffer', () => {
    const w = tensor([[1], [2], [3]], undefined, { requiresGrad: true });
    const buf = new Int32Array([0, 0]);
    const out = ops.indexSelect(w, buf);
    buf[0] = 2; buf[1] = 2;
    out.sum().backward();
    expect(Array.from(w.grad!.data)).toEqual([2, 0, 0]);
  });

  it('errors: index out of range (INVALID_ARGUMENT naming index and weight shape), bad weight, bad shape', () => {
    const w = new Tensor(new Float32Array(8), [4, 2]);
    expectGatedError(() => ops.indexSelect(w, [0, 4]), 'INVALID_ARGUMENT', 'index 4', 'position 1', '[0, 4)', '[4, 2]');
    expectGatedError(() => ops.indexSelect(w, [-1]), 'INVALID_ARGUMENT', 'index -1', '[4, 2]');
    expectGatedError(() => ops.indexSelect(w, [1.5]), 'INVALID_ARGUMENT', 'index 1.5');
    expectGatedError(() => ops.indexSelect(new Tensor(new Float32Array(8), [8]), [0]), 'SHAPE_MISMATCH', '[8]');
    expectGatedError(() => ops.indexSelect(w, [0, 1, 2], [2, 2]), 'SHAPE_MISMATCH', '[2, 2]');
  });
});

// ------------------------------------------------------------------------------------------------ autograd errors

describe('backward / requiresGrad errors', () => {
  it('backward() on a non-scalar without a gradient: AUTOGRAD naming the shape', () => {
    const x = new Tensor(new Float32Array(6), [2, 3], { requiresGrad: true });
    expectGatedError(() => ops.mul(x, 2).backward(), 'AUTOGRAD', '[2, 3]');
  });

  it('backward() with a gradient of the wrong size: SHAPE_MISMATCH naming the shape', () => {
    const x = new Tensor(new Float32Array(6), [2, 3], { requiresGrad: true });
    expectGatedError(() => ops.mul(x, 2).backward(new Float32Array(5)), 'SHAPE_MISMATCH', '5', '[2, 3]');
  });

  it('backward() on a tensor that does not require grad: AUTOGRAD', () => {
    expectGatedError(() => ops.sum(tensor([1, 2])).backward(), 'AUTOGRAD', 'does not require grad');
  });

  it('setting requiresGrad = false on a non-leaf: AUTOGRAD', () => {
    const x = tensor([1, 2], undefined, { requiresGrad: true });
    const y = ops.mul(x, 2);
    expectGatedError(() => { y.requiresGrad = false; }, 'AUTOGRAD', 'leaf');
    expect(y.requiresGrad).toBe(true);
    y.requiresGrad = true; // a no-op on a non-leaf, allowed (like PyTorch)
  });

  it('requiresGrad on integer tensors: DTYPE', () => {
    const t = new Tensor(new Float32Array([1]), [1], { dtype: 'int32', intData: new Int32Array([1]) });
    expectGatedError(() => { t.requiresGrad = true; }, 'DTYPE', 'int32');
  });

  it('tensor() construction errors', () => {
    expectGatedError(() => tensor([1, 2, 3], [2, 2]), 'SHAPE_MISMATCH', '[2, 2]');
    expectGatedError(() => tensor([[1, 2], [3]]), 'SHAPE_MISMATCH', 'ragged');
    expectGatedError(() => new Tensor(new Float32Array(3), [2, 2]), 'SHAPE_MISMATCH', '[2, 2]');
    expectGatedError(() => new Tensor(new Float32Array(0), [-1]), 'SHAPE_MISMATCH', '[-1]');
    expectGatedError(() => tensor([1, 2]).item(), 'SHAPE_MISMATCH', '[2]');
  });
});
