// Finite-difference gradient checks of the losses and softmax ops (test/_util/gradcheck.ts), their behaviour on
// saturated logits, edge cases (everything ignored, empty batches) and the typed errors for bad inputs.
import { describe, expect, it } from 'vitest';
import { GatedError } from '../../src/errors.js';
import { Rng } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import { logSoftmax, softmax } from '../../src/tensor/softmax.js';
import * as ops from '../../src/tensor/ops.js';
import { binaryCrossEntropyWithLogits, crossEntropy, mse, type Reduction } from '../../src/nn/losses.js';
import { expectClose } from '../_util/close.js';
import { expectGradcheck } from '../_util/gradcheck.js';

const rng = new Rng(7);
const randn = (shape: number[], scale = 1, requiresGrad = true): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, () => rng.normal() * scale), shape, { requiresGrad });
};
const reductions: Reduction[] = ['mean', 'sum', 'none'];

const expectGatedError = (f: () => unknown, code: string, pattern?: RegExp): void => {
  let err: unknown;
  try { f(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(GatedError);
  expect((err as GatedError).code).toBe(code);
  if (pattern) expect((err as GatedError).message).toMatch(pattern);
};

describe('loss gradients match finite differences', () => {
  for (const reduction of reductions) {
    it(`crossEntropy, ${reduction}, ignore + smoothing + weight`, () => {
      const x = randn([6, 5], 2);
      const targets = [0, 4, -100, 2, 2, 1];
      expectGradcheck(([l]) => crossEntropy(l, targets, { reduction, labelSmoothing: 0.2, weight: [0.5, 1, 2, 0.7, 1.3] }), [x],
        { what: `crossEntropy ${reduction}` });
    });

    it(`crossEntropy, ${reduction}, [N, C, d1, d2] with ignoreIndex a valid class`, () => {
      const x = randn([2, 3, 2, 2], 1.5);
      const t = new Tensor(Float32Array.from([0, 1, 2, 2, 1, 0, 1, 2]), [2, 2, 2]);
      expectGradcheck(([l]) => crossEntropy(l, t, { reduction, ignoreIndex: 1, labelSmoothing: 0.1 }), [x]);
    });

    it(`mse, ${reduction}, gradient into input and target`, () => {
      const p = randn([3, 4]), t = randn([3, 4]);
      expectGradcheck(([a, b]) => mse(a, b, { reduction }), [p, t], { names: ['pred', 'target'] });
    });

    it(`binaryCrossEntropyWithLogits, ${reduction}, posWeight + weight, gradient into logits and targets`, () => {
      const x = randn([4, 3], 3), t = new Tensor(Float32Array.from({ length: 12 }, () => rng.next()), [4, 3], { requiresGrad: true });
      expectGradcheck(([a, b]) => binaryCrossEntropyWithLogits(a, b, { reduction, posWeight: [0.5, 2, 3], weight: tensor([[1], [0.5], [2], [1.5]]) }),
        [x, t], { names: ['logits', 'targets'] });
    });
  }

  it('crossEntropy on unbatched logits [C]', () => {
    expectGradcheck(([l]) => crossEntropy(l, [3], { labelSmoothing: 0.05 }), [randn([5], 2)]);
  });

  for (const axis of [0, 1, -1]) {
    it(`softmax and logSoftmax along axis ${axis}`, () => {
      expectGradcheck(([x]) => softmax(x, axis), [randn([3, 4, 2], 2)]);
      expectGradcheck(([x]) => logSoftmax(x, axis), [randn([3, 4, 2], 2)]);
    });
  }

  it('composes with other ops (a softmax feeding an mse)', () => {
    const x = randn([2, 4]);
    const t = tensor([[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]]);
    expectGradcheck(([a]) => mse(softmax(ops.mul(a, 2)), t), [x]);
  });
});

describe('numerical stability', () => {
  it('crossEntropy stays finite and exact for logits of ±1e4', () => {
    const x = new Tensor(Float32Array.from([1e4, -1e4, 0, -1e4, 1e4, 1e4]), [2, 3], { requiresGrad: true });
    const loss = crossEntropy(x, [1, 0], { reduction: 'none' });
    expect(Array.from(loss.data)).toEqual([2e4, Math.fround(2e4 + Math.LN2)]); // row 1: two maxima, lse = 1e4 + log 2
    loss.backward(new Float32Array([1, 1]));
    // p = [1, 0, 0] for row 0 and [0, ½, ½] for row 1
    expectClose(x.grad!.data, [1, -1, 0, -1, 0.5, 0.5], { atol: 0, rtol: 0 });
  });

  it('binaryCrossEntropyWithLogits is exact at ±100 (no log(0), no overflow)', () => {
    const x = new Tensor(Float32Array.from([100, -100, 100, -100]), [4], { requiresGrad: true });
    const loss = binaryCrossEntropyWithLogits(x, [1, 0, 0, 1], { reduction: 'none' });
    expectClose(loss.data, [0, 0, 100, 100], { atol: 1e-30, rtol: 1e-7 });
    loss.backward(new Float32Array([1, 1, 1, 1]));
    expectClose(x.grad!.data, [0, 0, 1, -1], { atol: 1e-30, rtol: 1e-7 });
  });

  it('softmax of ±1e4 is one-hot, logSoftmax is finite', () => {
    const x = tensor([[1e4, -1e4, 0]]);
    expect(Array.from(softmax(x).data)).toEqual([1, 0, 0]);
    expect(Array.from(logSoftmax(x).data)).toEqual([0, -2e4, -1e4]);
  });
});

describe('edge cases like PyTorch', () => {
  it("crossEntropy 'mean' with every target ignored is NaN; 'sum' is 0 with zero gradient", () => {
    const x = randn([2, 3]);
    expect(Number.isNaN(crossEntropy(x, [-100, -100]).item())).toBe(true);
    const s = crossEntropy(x, [-100, -100], { reduction: 'sum', labelSmoothing: 0.3 });
    expect(s.item()).toBe(0);
    s.backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("'none' keeps the target shape; empty batches give empty or NaN results", () => {
    expect(crossEntropy(randn([2, 4, 3]), new Int32Array(6), { reduction: 'none' }).shape).toEqual([2, 3]);
    expect(crossEntropy(randn([0, 4]), [], { reduction: 'none' }).shape).toEqual([0]);
    expect(crossEntropy(randn([0, 4]), [], { reduction: 'sum' }).item()).toBe(0);
    expect(Number.isNaN(mse(randn([0]), []).item())).toBe(true);
  });

  it('label smoothing 1 is the uniform-target cross entropy', () => {
    const x = randn([3, 4]);
    const uniform = -Array.from(logSoftmax(x).data).reduce((a, b) => a + b, 0) / 4 / 3;
    expectClose([crossEntropy(x, [0, 1, 2], { labelSmoothing: 1 }).item()], [uniform], { atol: 1e-6, rtol: 1e-6 });
  });

  it('no graph is recorded when nothing requires grad', () => {
    expect(crossEntropy(randn([2, 3], 1, false), [0, 1]).requiresGrad).toBe(false);
  });
});

describe('typed errors for bad inputs', () => {
  const x = randn([3, 4]);
  it('target out of range → INVALID_ARGUMENT naming the position and the range', () => {
    expectGatedError(() => crossEntropy(x, [0, 4, 1]), 'INVALID_ARGUMENT', /target 4 at position 1 .*\[0, 4\)/);
    expectGatedError(() => crossEntropy(x, [0, -1, 1]), 'INVALID_ARGUMENT', /target -1/);
    expectGatedError(() => crossEntropy(x, [0, 1.5, 1]), 'INVALID_ARGUMENT', /integer class index, got 1.5/);
  });
  it('wrong number or shape of targets → SHAPE_MISMATCH', () => {
    expectGatedError(() => crossEntropy(x, [0, 1]), 'SHAPE_MISMATCH', /expected 3 targets .*got 2/);
    expectGatedError(() => crossEntropy(x, new Tensor(new Float32Array(3), [3, 1])), 'SHAPE_MISMATCH', /\[3\], got \[3, 1\]/);
    expectGatedError(() => crossEntropy(new Tensor(new Float32Array(0), []), []), 'SHAPE_MISMATCH');
    expectGatedError(() => crossEntropy(x, [0, 1, 2], { weight: [1, 2, 3] }), 'SHAPE_MISMATCH', /weight must have shape \[4\]/);
    expectGatedError(() => mse(x, randn([4, 3])), 'SHAPE_MISMATCH', /\[4, 3\] must equal the input shape \[3, 4\]/);
    expectGatedError(() => binaryCrossEntropyWithLogits(x, [1, 0]), 'SHAPE_MISMATCH', /2 values/);
    expectGatedError(() => binaryCrossEntropyWithLogits(x, new Float32Array(12), { posWeight: [1, 2, 3] }), 'SHAPE_MISMATCH', /posWeight/);
  });
  it('bad options → INVALID_ARGUMENT', () => {
    expectGatedError(() => crossEntropy(x, [0, 1, 2], { labelSmoothing: 1.5 }), 'INVALID_ARGUMENT', /labelSmoothing/);
    expectGatedError(() => crossEntropy(x, [0, 1, 2], { reduction: 'avg' as Reduction }), 'INVALID_ARGUMENT', /reduction/);
    expectGatedError(() => softmax(x, 2), 'INVALID_ARGUMENT', /axis 2/);
  });
});
