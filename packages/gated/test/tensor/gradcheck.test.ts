// Tests of the test utilities themselves: expectClose and the finite-difference gradient checker must catch
// mistakes, not only pass on correct code.
import { describe, it, expect } from 'vitest';
import { Tensor, record } from '../../src/tensor/tensor.js';
import * as ops from '../../src/tensor/ops.js';
import { compareClose, expectClose } from '../_util/close.js';
import { gradcheck, expectGradcheck, unravel } from '../_util/gradcheck.js';

describe('expectClose', () => {
  it('passes within tolerance and reports max abs / rel diff and the worst index on failure', () => {
    expectClose([1, 2, 3], new Float32Array([1, 2, 3]));
    expectClose([1, 2.0000001], [1, 2], { atol: 1e-6 });
    const r = compareClose([1, 2.5, 3, 4.01], [1, 2, 3, 4], { atol: 1e-3, rtol: 0, what: 'thing' });
    expect(r.ok).toBe(false);
    expect(r.worstIndex).toBe(1);
    expect(r.maxAbsDiff).toBeCloseTo(0.5, 12);
    expect(r.maxRelDiff).toBeCloseTo(0.25, 12);
    expect(r.message).toContain('thing');
    expect(r.message).toContain('2 of 4');
    expect(r.message).toContain('index 1');
    expect(() => expectClose([1, 2.5], [1, 2], { what: 'w' })).toThrow(/w: .*max abs diff 0\.5.*index 1/);
  });

  it('length mismatch, NaN and infinities', () => {
    expect(() => expectClose([1, 2], [1])).toThrow(/length mismatch/);
    expectClose([NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity]);
    expect(() => expectClose([NaN], [0], { atol: 1 })).toThrow(/index 0/);
    expect(() => expectClose([0], [NaN], { atol: 1 })).toThrow();
    expect(() => expectClose([Infinity], [-Infinity])).toThrow();
    expect(() => expectClose([1, 1e9], [1, 1e9 + 1], { atol: 0, rtol: 0 })).toThrow(/index 1/);
  });
});

/** y = x² with a deliberately wrong backward for element `bad` (3x instead of 2x). */
function squareWithBug(x: Tensor, bad: number): Tensor {
  const y = new Tensor(x.data.map((v) => v * v), x.shape);
  return record({
    name: 'buggySquare', inputs: [x], numOutputs: 1,
    backward: ([g]) => [Float32Array.from(g, (gi, i) => gi * (i === bad ? 3 : 2) * x.data[i])],
  }, [y])[0];
}

describe('gradcheck', () => {
  it('passes on correct gradients and reports the number of checked elements', () => {
    const x = new Tensor(new Float32Array([0.3, -0.7, 1.1, 0.2, -1.5, 0.9]), [2, 3], { requiresGrad: true });
    const r = expectGradcheck(([t]) => ops.mul(t, t), [x]);
    expect(r.checked).toBe(6);
    expect(r.ok).toBe(true);
    expect(x.grad).toBeNull(); // grads are restored afterwards
    expect(Array.from(x.data)).toEqual(Array.from(new Float32Array([0.3, -0.7, 1.1, 0.2, -1.5, 0.9]))); // data restored
  });

  it('catches a wrong gradient and names the worst element', () => {
    const x = new Tensor(new Float32Array([0.3, -0.7, 1.1, 0.2, -1.5, 0.9]), [2, 3], { requiresGrad: true });
    const r = gradcheck(([t]) => squareWithBug(t, 4), [x], { names: ['x'] });
    expect(r.ok).toBe(false);
    expect(r.failures.map((f) => f.index)).toEqual([4]);
    expect(r.worst!.index).toBe(4);
    expect(r.message).toContain('x[1, 1]');
    expect(() => expectGradcheck(([t]) => squareWithBug(t, 4), [x])).toThrow(/input\[0\]\[1, 1\]/);
  });

  it('multiple outputs, inputs that do not require grad, explicit `check` list', () => {
    const a = new Tensor(new Float32Array([0.5, -0.25, 0.75]), [3], { requiresGrad: true });
    const b = new Tensor(new Float32Array([1.5, 2, -1]), [3]);
    const c = new Tensor(new Float32Array([0.1, 0.2]), [2], { requiresGrad: true });
    const r = expectGradcheck(([x, y, z]) => [ops.mul(x, y), ops.tanh(z), ops.sum(ops.mul(x, x))], [a, b, c]);
    expect(r.checked).toBe(5);
    const r2 = expectGradcheck(([x, y, z]) => [ops.mul(x, y), ops.tanh(z)], [a, b, c], { check: [2] });
    expect(r2.checked).toBe(2);
    expect(() => gradcheck(([x, y]) => ops.mul(x, y), [a, b], { check: [1] })).toThrow(/does not require grad/);
    expect(() => gradcheck(([y]) => ops.mul(y, 2), [b])).toThrow(/no input requires grad/);
  });

  it('maxPerTensor checks a reproducible random subset', () => {
    const x = new Tensor(Float32Array.from({ length: 100 }, (_, i) => Math.sin(i)), [10, 10], { requiresGrad: true });
    const r = expectGradcheck(([t]) => ops.tanh(t), [x], { maxPerTensor: 7, seed: 3 });
    expect(r.checked).toBe(7);
    // the bug at one element is found when the subset covers it, and the subset is the same for the same seed
    const all = gradcheck(([t]) => squareWithBug(t, 42), [x], { maxPerTensor: 100 });
    expect(all.failures.map((f) => f.index)).toEqual([42]);
    const s1 = gradcheck(([t]) => squareWithBug(t, 42), [x], { maxPerTensor: 30, seed: 5 });
    const s2 = gradcheck(([t]) => squareWithBug(t, 42), [x], { maxPerTensor: 30, seed: 5 });
    expect(s1.failures.length).toBe(s2.failures.length);
  });

  it('unravel gives the multi-index', () => {
    expect(unravel(0, [2, 3])).toBe('[0, 0]');
    expect(unravel(5, [2, 3])).toBe('[1, 2]');
    expect(unravel(7, [2, 3, 4])).toBe('[0, 1, 3]');
    expect(unravel(0, [])).toBe('[]');
  });
});
