// The G2P, spam and births tasks over seeds: per-seed test numbers → mean ± sample sd, checked against values worked out
// by hand; orderings only where the intervals separate; the table shows the aggregate and every seed's raw value.
import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from 'gated';
import type { Seeded } from '../../../src/apps/experiments/seeds.js';
import { defaultBirthsOptions } from '../../../src/apps/tasks/births.js';
import { bestEpoch, birthsSeededTable, birthsSummary, g2pSeededTable, g2pSummary, spamSeededTable, spamSummary, type BirthsRun, type G2PRun, type SpamRun } from '../../../src/apps/tasks/seeded.js';
import { defaultG2POptions } from '../../../src/apps/tasks/g2p.js';
import { defaultSpamOptions, type ScoredMetrics } from '../../../src/apps/tasks/spam.js';

const epochs: EpochMetrics[] = [
  { epoch: 1, trainLoss: 0.5, valLoss: 0.30, seconds: 1 }, { epoch: 2, trainLoss: 0.3, valLoss: 0.20, seconds: 1 },
  { epoch: 3, trainLoss: 0.2, valLoss: 0.20, seconds: 1 }, { epoch: 4, trainLoss: 0.1, valLoss: 0.25, seconds: 1 },
];
const scored = (f1: number, accuracy: number, rocAuc: number): ScoredMetrics =>
  ({ accuracy, precision: f1, recall: f1, f1, confusion: [[1, 0], [0, 1]], count: 2, rocAuc, prAuc: rocAuc } as ScoredMetrics);
const spamRun = (seed: number, model: ScoredMetrics, baseline: ScoredMetrics): SpamRun =>
  ({ seed, options: { ...defaultSpamOptions, seed }, epochs, bestEpoch: 2, split: { train: 80, val: 10, test: 10 }, test: { model, baseline } });
const seeded = <R>(perSeed: R[], seeds: number[]): Seeded<R> => ({ experiment: 'toy', seeds, selection: 'toy', perSeed });

describe('bestEpoch', () => {
  it('is the first epoch of the lowest validation loss (the one training keeps)', () => {
    expect(bestEpoch(epochs)).toBe(2);
    expect(bestEpoch([])).toBe(0);
  });
});

describe('spam over seeds', () => {
  // GRU F1 0.90, 0.92, 0.94: mean 0.92, sd √((0.02² + 0 + 0.02²) / 2) = 0.02.
  // BoW F1 0.96, 0.965, 0.97: mean 0.965, sd 0.005. 0.92 + 0.02 = 0.94 < 0.96 = 0.965 − 0.005: separated, BoW better.
  // Accuracy GRU 0.95, 0.97, 0.99 (0.97 ± 0.02) vs BoW 0.96, 0.97, 0.98 (0.97 ± 0.01): overlap.
  const runs = [
    spamRun(1, scored(0.90, 0.95, 0.99), scored(0.96, 0.96, 0.995)),
    spamRun(2, scored(0.92, 0.97, 0.98), scored(0.965, 0.97, 0.995)),
    spamRun(3, scored(0.94, 0.99, 0.97), scored(0.97, 0.98, 0.995)),
  ];
  it('mean and sample sd of every metric from the raw per-seed values', () => {
    const s = spamSummary(runs);
    expect(s.model.f1.mean).toBeCloseTo(0.92, 12);
    expect(s.model.f1.sd).toBeCloseTo(0.02, 12);
    expect(s.model.f1.values).toEqual([0.90, 0.92, 0.94]);
    expect(s.baseline.f1.mean).toBeCloseTo(0.965, 12);
    expect(s.baseline.f1.sd).toBeCloseTo(0.005, 12);
    expect(s.model.rocAuc.mean).toBeCloseTo(0.98, 12);
    expect(s.model.rocAuc.sd).toBeCloseTo(0.01, 12);
    expect(s.baseline.rocAuc.sd).toBeCloseTo(0, 12);
    expect([s.model.accuracy.min, s.model.accuracy.max, s.model.accuracy.n]).toEqual([0.95, 0.99, 3]);
  });
  it('the table gives mean ± sd, claims only separated orderings and lists each seed', () => {
    const t = spamSeededTable(seeded(runs, [1, 2, 3]));
    expect(t).toContain('mean ± sd over 3 seeds (1, 2, 3)');
    expect(t).toContain('| bidirectional GRU | 97.00 ± 2.00% | 92.00 ± 2.00% | 92.00 ± 2.00% | 92.00 ± 2.00% | 0.9800 ± 0.0100 | 0.9800 ± 0.0100 |');
    expect(t).toContain('| bag-of-words logistic regression | 97.00 ± 1.00% | 96.50 ± 0.50% | 96.50 ± 0.50% | 96.50 ± 0.50% | 0.9950 ± 0.0000 |');
    expect(t).toContain('- F1: bag of words better (intervals mean ± sd separate)');
    expect(t).toContain('- accuracy: within the spread (intervals mean ± sd overlap): no ordering');
    expect(t).toContain('| 3 | 80 / 10 / 10 | 2 / 4 | 94.00% | 97.00% | 99.00% | 98.00% |');
  });
  it('with fewer than 3 seeds claims no ordering, however far apart', () => {
    const t = spamSeededTable(seeded(runs.slice(0, 2), [1, 2]));
    expect(t).toContain('- F1: no ordering claimed (2 seeds; the protocol needs 3)');
    expect(t).not.toMatch(/better/);
  });
});

describe('births over seeds', () => {
  const H = 14;
  const errs = (mae: number) => ({ mae, rmse: mae * 1.25, mape: mae / 100, count: 10 });
  // GRU MAE 210, 220, 230 → 220 ± 10; ridge 265 (deterministic) → 265 ± 0; naive 322 → 322 ± 0.
  // Horizon day h = 1…14: GRU 200 + h + {−10, 0, 10} (sd 10, top of the interval 210 + h); ridge 215 + 5h, above it at every h.
  const run = (seed: number, d: number): BirthsRun => ({
    seed, options: { ...defaultBirthsOptions, seed }, epochs, bestEpoch: 2, split: { train: 100, val: 10, test: 10 },
    test: {
      model: errs(220 + d), linear: errs(265), seasonalNaive: errs(322),
      maeByHorizon: {
        model: Array.from({ length: H }, (_, h) => 201 + h + d), linear: Array.from({ length: H }, (_, h) => 220 + 5 * h), seasonalNaive: Array.from({ length: H }, () => 322),
      },
    },
  });
  const runs = [run(5, -10), run(6, 0), run(7, 10)];
  it('mean and sample sd of MAE, RMSE, MAPE and each horizon day, per model', () => {
    const s = birthsSummary(runs);
    expect(s.errors.model.mae.mean).toBeCloseTo(220, 10);
    expect(s.errors.model.mae.sd).toBeCloseTo(10, 10);
    expect(s.errors.model.rmse.sd).toBeCloseTo(12.5, 10);
    expect(s.errors.linear.mae.sd).toBe(0);
    expect(s.maeByHorizon.model).toHaveLength(H);
    expect(s.maeByHorizon.model[0].mean).toBeCloseTo(201, 10);
    expect(s.maeByHorizon.model[13].values).toEqual([204, 214, 224]);
    expect(s.maeByHorizon.linear[13].mean).toBe(285);
  });
  it('the table claims the orderings the spread allows, by horizon too', () => {
    const t = birthsSeededTable(seeded(runs, [5, 6, 7]));
    expect(t).toContain('| GRU encoder–decoder | 220.0 ± 10.0 | 275.0 ± 12.5 | 2.20 ± 0.10% |');
    expect(t).toContain('- MAE, GRU vs ridge: GRU better (intervals mean ± sd separate)');
    // h = 1: 201 ± 10 vs 220 (211 < 220: separated); later days separate further
    expect(t).toContain('- by horizon, GRU vs ridge: GRU lower at h = 1–14; ridge lower at h = none; within the spread at h = none');
    expect(t).toContain('| 7 | 2 / 4 | 230.0 | 265.0 | 322.0 |');
  });
  it('a horizon day within the spread is said to be so', () => {
    const close = runs.map((r) => ({ ...r, test: { ...r.test, maeByHorizon: { ...r.test.maeByHorizon, linear: r.test.maeByHorizon.linear.map((v, h) => (h === 0 ? 205 : v)) } } }));
    expect(birthsSeededTable(seeded(close, [5, 6, 7]))).toContain('GRU lower at h = 2–14; ridge lower at h = none; within the spread at h = 1');
  });
});

describe('g2p over seeds', () => {
  const errors = (per: number, wer: number) => ({ per, wer, count: 100 });
  // PER 0.07, 0.072, 0.074 → 7.20 ± 0.20%; WER 0.29, 0.30, 0.31 → 30.00 ± 1.00%; first ref. 0.3 points higher;
  // the baseline is the same for every seed (0.50 / 0.97 → sd 0), far above: separated.
  const run = (seed: number, d: number): G2PRun => ({
    seed, options: { ...defaultG2POptions, seed }, epochs, bestEpoch: 2, split: { train: 900, val: 50, test: 100 },
    test: {
      model: { ...errors(0.072 + d / 500, 0.30 + d / 100), firstReference: errors(0.075 + d / 500, 0.303 + d / 100), decoding: 'beam 4, length penalty 1' },
      baseline: { ...errors(0.5, 0.97), firstReference: errors(0.505, 0.972) },
    },
  });
  const runs = [run(1, -1), run(2, 0), run(3, 1)];
  it('mean and sample sd of PER and WER for both scorings and the baseline, from the raw per-seed values', () => {
    const s = g2pSummary(runs);
    expect(s.model.per.mean).toBeCloseTo(0.072, 12);
    expect(s.model.per.sd).toBeCloseTo(0.002, 12);
    expect(s.model.wer.values).toEqual([0.29, 0.30, 0.31]);
    expect(s.model.wer.sd).toBeCloseTo(0.01, 12);
    expect(s.firstReference.per.mean).toBeCloseTo(0.075, 12);
    expect(s.baseline.wer.sd).toBeCloseTo(0, 12);
  });
  it('the table gives mean ± sd of both scorings, the baseline, the ordering and each seed', () => {
    const t = g2pSeededTable(seeded(runs, [1, 2, 3]));
    expect(t).toContain('PER and WER, mean ± sd over 3 seeds (1, 2, 3); the split is the same for every seed');
    expect(t).toContain('| bi-GRU 128 encoder, bahdanau attention decoder, label smoothing 0.1, beam 4, length penalty 1, any listed pronunciation | 7.20 ± 0.20% | 30.00 ± 1.00% |');
    expect(g2pSeededTable(seeded(runs.map((x) => ({ ...x, options: { ...x.options, labelSmoothing: 0 } })), [1, 2, 3]))).toContain('| bi-GRU 128 encoder, bahdanau attention decoder, beam 4, length penalty 1, any listed');
    expect(t).toContain('| same outputs, first pronunciation only | 7.50 ± 0.20% | 30.30 ± 1.00% |');
    expect(t).toContain('| letter baseline, any listed pronunciation | 50.00 ± 0.00% | 97.00 ± 0.00% |');
    expect(t).toContain('PER model better (intervals mean ± sd separate)');
    expect(t).toContain('| 3 | 2 / 4 | 7.40% | 31.00% | 7.70% | 31.30% |');
    expect(g2pSeededTable(seeded(runs.slice(0, 1), [1]))).toContain('no ordering claimed (1 seed; the protocol needs 3)');
  });
});
