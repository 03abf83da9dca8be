// Numerical guards: anomaly detection names the first op that makes a NaN/Inf; activations, softmax and the
// losses stay finite (forward and backward) at ±1e4; the trainer skips non-finite steps when asked to.
import { describe, expect, it } from 'vitest';
import {
  NumericError, SGD, binaryCrossEntropyWithLogits, crossEntropy, detectAnomaly, fit, logSoftmax, sigmoid, softmax, tanh, tensor,
} from '../../src/index.js';

const extreme = () => tensor([-1e4, -50, -1, 0, 1, 50, 1e4, 3e38], [8], { requiresGrad: true });
const allFinite = (d: ArrayLike<number>) => Array.from(d).every(Number.isFinite);

describe('numerical guards', () => {
  it('names the op that first produced a non-finite value, forward and backward', () => {
    const x = tensor([1, 0, 2], [3], { requiresGrad: true });
    expect(() => detectAnomaly(() => x.log().sum())).toThrowError(NumericError);
    expect(() => detectAnomaly(() => x.log().sum())).toThrowError("forward of 'log' produced -Infinity at element 1 in output 0 (shape [3])");
    expect(() => x.log().sum()).not.toThrow(); // off by default
    // a float32 subnormal: log(u) is finite, its backward 1/u overflows
    const u = tensor([1e-40, 1], [2], { requiresGrad: true });
    const l5 = u.log().sum();
    expect(Number.isFinite(l5.item())).toBe(true);
    expect(() => detectAnomaly(() => l5.backward())).toThrowError("backward of 'log' produced Infinity at element 0 in the gradient of input 0");
  });

  it('keeps sigmoid, tanh, softmax, logSoftmax and the losses finite at ±1e4', () => {
    for (const f of [sigmoid, tanh, (t: ReturnType<typeof extreme>) => softmax(t), (t: ReturnType<typeof extreme>) => logSoftmax(t.slice(0, 0, 7))]) {
      const x = extreme();
      const y = f(x);
      if (y.shape[0] === 7) { expect(allFinite(y.data)).toBe(true); }
      else expect(allFinite(y.data.subarray(0, 7))).toBe(true);
      y.sum().backward();
      expect(allFinite(x.grad!.data.subarray(0, 7))).toBe(true);
    }
    const logits = tensor([1e4, -1e4, 0, -1e4, 1e4, 5], [2, 3], { requiresGrad: true });
    const ce = crossEntropy(logits, [1, 2]);
    expect(ce.item()).toBeCloseTo((2e4 + (1e4 - 5)) / 2, 0);
    ce.backward();
    expect(allFinite(logits.grad!.data)).toBe(true);
    const z = tensor([1e4, -1e4, 1e4, -1e4], [4], { requiresGrad: true });
    const bce = binaryCrossEntropyWithLogits(z, tensor([1, 0, 0, 1], [4]));
    expect(bce.item()).toBeCloseTo(1e4 / 2, 0);
    bce.backward();
    expect(allFinite(z.grad!.data)).toBe(true);
  });

  it("skips non-finite steps with onNonFinite: 'skip' and counts them", () => {
    const p = tensor([0.5], [1], { requiresGrad: true });
    const state = fit({
      params: [p], optimizer: new SGD([p], { lr: 0.1 }), epochs: 2, batches: () => [1, 2, 3, 4],
      lossOf: (b) => ({ loss: p.mul(b === 2 ? NaN : b === 3 ? p.mul(Infinity).add(1) : 1).sum(), count: 1 }),
      validate: () => 0, onNonFinite: 'skip',
    });
    expect(state.skippedSteps).toBe(4);
    expect(state.step).toBe(4);
    expect(Number.isFinite(p.data[0])).toBe(true);
  });
});
