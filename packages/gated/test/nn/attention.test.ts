// Attention ops: finite-difference gradchecks of the fused nodes, agreement with the same math composed from
// softmax / matmul (themselves PyTorch-checked), masking (exact zeros past each length) and rows summing to 1.
import { describe, expect, it } from 'vitest';
import { AdditiveAttention, LuongAttention, additiveAttention, dotAttention, maskedSoftmax } from '../../src/nn/attention.js';
import { manualSeed, Rng } from '../../src/random.js';
import { softmax } from '../../src/tensor/softmax.js';
import { matmul, mul, reshape, slice, sum, tanh, add } from '../../src/tensor/ops.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectGradcheck } from '../_util/gradcheck.js';

const rand = (shape: number[], seed: number, scale = 1): Tensor => {
  const rng = new Rng(seed), n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, () => scale * rng.normal()), shape, { requiresGrad: true });
};
const B = 3, S = 5, A = 4, D = 6;
const lengths = [5, 2, 3];

describe('maskedSoftmax', () => {
  it('normalises each row over its length, zeros past it, and matches softmax on the unmasked part', () => {
    const x = rand([B, S], 1, 3);
    const a = maskedSoftmax(x, lengths);
    for (let b = 0; b < B; b++) {
      const row = Array.from(a.data.subarray(b * S, (b + 1) * S));
      expect(row.slice(lengths[b]).every((v) => v === 0)).toBe(true);
      expect(row.reduce((p, q) => p + q, 0)).toBeCloseTo(1, 6);
      const ref = softmax(slice(slice(x, 0, b, b + 1), 1, 0, lengths[b]));
      row.slice(0, lengths[b]).forEach((v, j) => expect(v).toBeCloseTo(ref.data[j], 6));
    }
  });
  it('gradchecks', () => { expectGradcheck(([x]) => maskedSoftmax(x, lengths), [rand([B, S], 2, 2)]); });
  it('rejects lengths out of range', () => { expect(() => maskedSoftmax(rand([B, S], 3), [5, 0, 3])).toThrow(/lengths\[1\]/); });
});

/** The same attention composed from ops, one row at a time over its unmasked part. */
function composedRow(scores: Tensor, values: Tensor, b: number, n: number): { c: Float32Array; a: Float32Array } {
  const a = softmax(reshape(slice(scores, 0, 0, n), [1, n]));                  // [1, n]
  const V = reshape(slice(slice(values, 0, b, b + 1), 1, 0, n), [n, values.shape[2]]);
  return { c: matmul(a, V).data, a: a.data };
}

describe('additiveAttention', () => {
  const q = rand([B, A], 10), K = rand([B, S, A], 11), v = rand([A], 12), V = rand([B, S, D], 13);
  it('matches vᵀ tanh(q + k) → softmax → Σ αV composed from ops', () => {
    const { context, weights } = additiveAttention(q, K, v, V, lengths);
    for (let b = 0; b < B; b++) {
      const qb = reshape(slice(q, 0, b, b + 1), [1, A]), Kb = reshape(slice(K, 0, b, b + 1), [S, A]);
      const e = sum(mul(tanh(add(Kb, qb)), v), 1);                              // [S]
      const ref = composedRow(e, V, b, lengths[b]);
      ref.c.forEach((x, d) => expect(context.data[b * D + d]).toBeCloseTo(x, 5));
      ref.a.forEach((x, j) => expect(weights.data[b * S + j]).toBeCloseTo(x, 6));
      for (let j = lengths[b]; j < S; j++) expect(weights.data[b * S + j]).toBe(0);
    }
  });
  it('gradchecks through context and weights (q, keys, v, values)', () => {
    expectGradcheck(([a, b, c, d]) => { const r = additiveAttention(a, b, c, d, lengths); return [r.context, r.weights]; }, [q, K, v, V]);
  });
});

describe('dotAttention', () => {
  const q = rand([B, A], 20), K = rand([B, S, A], 21), V = rand([B, S, D], 22);
  it('matches q·k → softmax → Σ αV composed from ops (with a scale)', () => {
    const { context, weights } = dotAttention(q, K, V, lengths, 0.5);
    for (let b = 0; b < B; b++) {
      const e = mul(matmul(reshape(slice(K, 0, b, b + 1), [S, A]), reshape(slice(q, 0, b, b + 1), [A])), 0.5); // [S]
      const ref = composedRow(e, V, b, lengths[b]);
      ref.c.forEach((x, d) => expect(context.data[b * D + d]).toBeCloseTo(x, 5));
      ref.a.forEach((x, j) => expect(weights.data[b * S + j]).toBeCloseTo(x, 6));
    }
  });
  it('gradchecks through context and weights', () => {
    expectGradcheck(([a, b, c]) => { const r = dotAttention(a, b, c, lengths, 0.7); return [r.context, r.weights]; }, [q, K, V]);
  });
  it('names the shapes on a mismatch', () => {
    expect(() => dotAttention(rand([B, A + 1], 1), K, V, lengths)).toThrow(/query \[B, 5\]/);
  });
});

describe('attention modules', () => {
  it('Bahdanau and Luong general gradcheck through their parameters; dot needs equal sizes', () => {
    manualSeed(5);
    const mem = rand([B, S, D], 30), query = rand([B, A], 31);
    for (const m of [new AdditiveAttention(A, D, 3), new LuongAttention('general', A, D)]) {
      const params = m.parameters();
      expectGradcheck(([qq, mm]) => { const r = m.forward(qq, m.keys(mm), mm, lengths); return [r.context, r.weights]; }, [query, mem, ...params]);
    }
    expect(() => new LuongAttention('dot', A, D)).toThrow(/equal query and memory sizes/);
  });
});
