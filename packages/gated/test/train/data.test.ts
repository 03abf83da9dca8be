// featureBatches: numeric sequences as padded batch-first tensors, in a seeded order, with typed errors for bad input.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random.js';
import { featureBatches } from '../../src/train/data.js';

describe('featureBatches', () => {
  it('pads [N][T_n][F] into x [B, T, F] with lengths, keeps targets beside their sequences', () => {
    const seqs = [[[1, 2], [3, 4]], [[5, 6]], [[7, 8], [9, 10], [11, 12]]];
    const [a, b] = featureBatches(seqs, [0, 1, 2], 2);
    expect(a.x.shape).toEqual([2, 2, 2]);
    expect(Array.from(a.x.data)).toEqual([1, 2, 3, 4, 5, 6, 0, 0]);
    expect(a.lengths).toEqual([2, 1]);
    expect(Array.from(a.y)).toEqual([0, 1]);
    expect(b.x.shape).toEqual([1, 3, 2]);
    expect(b.indices).toEqual([2]);
  });

  it('plain numbers are one feature; a seeded rng gives a reproducible order with targets following', () => {
    const seqs = Array.from({ length: 10 }, (_, n) => Array.from({ length: 1 + (n % 3) }, (_, t) => n + t / 10));
    const run = () => featureBatches(seqs, seqs.map((_, n) => n), 4, new Rng(3));
    const [first] = run();
    expect(first.x.shape[2]).toBe(1);
    expect(first.indices).toEqual(run()[0].indices);
    expect(first.indices).not.toEqual([0, 1, 2, 3]);
    first.indices.forEach((k, b) => { expect(first.y[b]).toBe(k); expect(first.x.data[b * first.x.shape[1]]).toBeCloseTo(k, 5); });
  });

  it('names what is wrong: counts, empty sequences, varying features, non-finite values, batch size', () => {
    expect(() => featureBatches([[1], [2]], [0], 2)).toThrow(/2 sequences for 1 targets/);
    expect(() => featureBatches([[1], []], [0, 1], 2)).toThrow(/sequence 1 is empty/);
    expect(() => featureBatches([[[1, 2]], [[1]]], [0, 1], 2)).toThrow(/sequence 1, step 0 has 1 features, expected 2/);
    expect(() => featureBatches([[1, NaN]], [0], 2)).toThrow(/sequence 0, step 1 holds NaN/);
    expect(() => featureBatches([[1]], [0], 0)).toThrow(/batchSize must be a whole number ≥ 1/);
  });
});
