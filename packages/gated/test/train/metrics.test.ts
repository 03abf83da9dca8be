// Task metrics against hand-computed values.
import { describe, expect, it } from 'vitest';
import { binaryMetrics, editDistance, forecastErrors, sequenceErrors } from '../../src/train/metrics.js';

describe('editDistance / sequenceErrors', () => {
  it('counts substitutions, insertions and deletions', () => {
    expect(editDistance([...'kitten'], [...'sitting'])).toBe(3);
    expect(editDistance([], ['a', 'b'])).toBe(2);
    expect(editDistance(['HH', 'AH', 'L', 'OW'], ['HH', 'AH', 'L', 'OW'])).toBe(0);
    expect(editDistance(['HH', 'EH', 'L', 'OW'], ['HH', 'AH', 'L', 'OW'])).toBe(1);
  });
  it('PER = Σ edits / Σ reference length, WER = share of words with any error', () => {
    // edits 1 + 0 + 2 = 3 over reference lengths 4 + 3 + 3 = 10; 2 of 3 words wrong
    const r = sequenceErrors([['HH', 'EH', 'L', 'OW'], ['W', 'ER', 'L'], ['K']], [['HH', 'AH', 'L', 'OW'], ['W', 'ER', 'L'], ['K', 'AE', 'T']]);
    expect(r.per).toBeCloseTo(0.3, 12);
    expect(r.wer).toBeCloseTo(2 / 3, 12);
  });
});

describe('binaryMetrics', () => {
  it('accuracy, precision, recall, F1 and the confusion matrix for class 1', () => {
    // truth 1 1 1 0 0 0 0 1, pred 1 0 1 0 1 0 0 1: tp 3, fn 1, fp 1, tn 3
    const m = binaryMetrics([1, 0, 1, 0, 1, 0, 0, 1], [1, 1, 1, 0, 0, 0, 0, 1]);
    expect(m.confusion).toEqual([[3, 1], [1, 3]]);
    expect(m.accuracy).toBe(0.75);
    expect(m.precision).toBe(0.75);
    expect(m.recall).toBe(0.75);
    expect(m.f1).toBeCloseTo(0.75, 12);
    const none = binaryMetrics([0, 0], [1, 0]);
    expect([none.precision, none.recall, none.f1, none.accuracy]).toEqual([0, 0, 0, 0.5]);
  });
});

describe('forecastErrors', () => {
  it('MAE, RMSE and MAPE (percent)', () => {
    // errors 1, −2, 3 on truths 10, 20, 30: MAE 2, RMSE √(14/3), MAPE (10% + 10% + 10%) / 3
    const e = forecastErrors([11, 18, 33], [10, 20, 30]);
    expect(e.mae).toBe(2);
    expect(e.rmse).toBeCloseTo(Math.sqrt(14 / 3), 12);
    expect(e.mape).toBeCloseTo(10, 12);
  });
});

describe('argmax / accuracy', () => {
  it('argmax over the last axis takes the first of ties; accuracy is the share of rows whose argmax is the target', async () => {
    const { argmax, accuracy } = await import('../../src/train/metrics.js');
    const { tensor } = await import('../../src/index.js');
    const logits = tensor([0.1, 2, 2, /**/ -1, -3, -2, /**/ 5, 0, 4, /**/ 0, 0, 0], [4, 3]);
    expect(Array.from(argmax(logits))).toEqual([1, 0, 0, 0]);
    expect(accuracy(logits, [1, 2, 0, 0])).toBe(0.75);
    expect(Array.from(argmax(tensor([1, 9, 3, 4, 8, 2], [2, 1, 3])))).toEqual([1, 1]);
    expect(() => accuracy(logits, [1, 2])).toThrow(/4 rows of logits .* for 2 targets/);
    expect(() => argmax(tensor([], [2, 0]))).toThrow(/C ≥ 1/);
  });
});
