// Task metrics against hand-computed values.
import { describe, expect, it } from 'vitest';
import { binaryMetrics, editDistance, forecastErrors, prAuc, rocAuc, sequenceErrors, sequenceErrorsMultiRef } from '../../src/train/metrics.js';

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

describe('sequenceErrorsMultiRef', () => {
  it('right if any reference matches; PER against the closest reference and its length', () => {
    const hyps = [['HH', 'EH', 'L', 'OW'], ['T', 'AH', 'M', 'EY', 'T', 'OW'], ['K', 'AE']];
    const refs = [
      [['HH', 'AH', 'L', 'OW'], ['HH', 'EH', 'L', 'OW']],                         // the alternate matches: 0 edits, length 4
      [['T', 'AH', 'M', 'EY', 'T', 'OW'], ['T', 'AH', 'M', 'AA', 'T', 'OW']],      // the first matches
      [['K', 'AE', 'T', 'S'], ['K', 'AE', 'T']],                                 // closest: the second, 1 edit over 3
    ];
    const r = sequenceErrorsMultiRef(hyps, refs);
    expect(r.wer).toBeCloseTo(1 / 3, 12);
    expect(r.per).toBeCloseTo(1 / (4 + 6 + 3), 12);
    // against the first references only, the first word is wrong and the third has 2 edits over 4
    const one = sequenceErrors(hyps, refs.map((x) => x[0]));
    expect(one.wer).toBeCloseTo(2 / 3, 12);
    expect(one.per).toBeCloseTo((1 + 0 + 2) / (4 + 6 + 4), 12);
  });
  it('ties go to the first listed reference; one reference each equals sequenceErrors', () => {
    // one edit to either reference: the first (length 2) is the closest, not the longer second (length 3)
    const r = sequenceErrorsMultiRef([['A', 'B']], [[['A', 'C'], ['A', 'B', 'E']]]);
    expect(r.per).toBeCloseTo(1 / 2, 12);
    const hyps = [['A', 'B', 'C'], ['X']], refs = [['A', 'C'], ['X', 'Y', 'Z']];
    expect(sequenceErrorsMultiRef(hyps, refs.map((x) => [x]))).toEqual(sequenceErrors(hyps, refs));
  });
  it('typed errors for a length mismatch and an empty reference list', () => {
    expect(() => sequenceErrorsMultiRef([['A']], [])).toThrowError('1 hypotheses for 0 reference sets');
    expect(() => sequenceErrorsMultiRef([['A']], [[]])).toThrowError('no reference for sequence 0');
  });
});

describe('rocAuc / prAuc', () => {
  it('ROC AUC: share of (positive, negative) pairs ranked right, ties ½', () => {
    expect(rocAuc([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(0);
    // pairs (pos, neg): (0.8, 0.3) right, (0.8, 0.9) wrong, (0.5, 0.3) right, (0.5, 0.9) wrong → 2/4; one tie pair adds ½
    expect(rocAuc([0.8, 0.5, 0.3, 0.9], [1, 1, 0, 0])).toBe(0.5);
    expect(rocAuc([0.5, 0.5, 0.1], [1, 0, 0])).toBe(0.75);
    expect(rocAuc([0.5, 0.2], [1, 1])).toBeNaN();
  });
  it('PR AUC as average precision: Σ ΔR · P', () => {
    expect(prAuc([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0])).toBe(1);
    // ranked: 0.9 pos (P 1, R ½), 0.8 neg, 0.7 pos (P ⅔, R 1) → ½·1 + ½·⅔
    expect(prAuc([0.9, 0.8, 0.7], [1, 0, 1])).toBeCloseTo(0.5 + 1 / 3, 12);
    // a tie of one positive and one negative at the top: one threshold, P ½, R 1
    expect(prAuc([0.5, 0.5], [1, 0])).toBe(0.5);
    expect(prAuc([0.5], [0])).toBeNaN();
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
