// poolTime: hand-computed values with lengths, and finite-difference gradients for every mode.
import { describe, expect, it } from 'vitest';
import { poolTime } from '../../src/nn/pooling.js';
import { Rng } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import { expectGradcheck } from '../_util/gradcheck.js';

describe('poolTime', () => {
  // B 2, T 3, D 2; row 1 has length 2 (its t = 2 is padding and must be ignored)
  const x = tensor([[[1, -1], [3, 5], [2, 0]], [[4, 2], [-2, 6], [100, 100]]]);
  it('mean / max / last over each length', () => {
    expect(Array.from(poolTime(x, [3, 2], 'mean').data)).toEqual([2, 4 / 3, 1, 4].map(Math.fround));
    expect(Array.from(poolTime(x, [3, 2], 'max').data)).toEqual([3, 5, 4, 6]);
    expect(Array.from(poolTime(x, [3, 2], 'last').data)).toEqual([2, 0, -2, 6]);
    expect(Array.from(poolTime(x, null, 'max').data)).toEqual([3, 5, 100, 100]);
  });
  it('gradchecks in every mode', () => {
    const rng = new Rng(3);
    const xs = new Tensor(Float32Array.from({ length: 3 * 5 * 4 }, () => rng.normal()), [3, 5, 4], { requiresGrad: true });
    for (const mode of ['mean', 'max', 'last'] as const) expectGradcheck(([a]) => poolTime(a, [5, 1, 3], mode), [xs], { what: mode, eps: 1e-3 });
  });
  it('rejects bad lengths and shapes', () => {
    expect(() => poolTime(x, [3, 0], 'mean')).toThrow(/lengths\[1\]/);
    expect(() => poolTime(tensor([[1, 2]]), null, 'mean')).toThrow(/\[B, T, D\]/);
  });
});
