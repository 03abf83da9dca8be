// Several seeds per number: the aggregation the tables print (mean, sample sd, min, max from the raw per-seed values),
// the "intervals separate" rule, curve bands, and a seeded run of a real experiment at toy size whose table is
// checked against numbers recomputed here from result.json's raw per-seed values.
import { describe, expect, it } from 'vitest';
import { addingExperiment, addingSelection, addingTable } from '../../../src/apps/experiments/adding.js';
import { curveBand, fmtSpread, runSeeds, seedList, separated, spread } from '../../../src/apps/experiments/seeds.js';

describe('spread', () => {
  it('mean and sample sd (n − 1) of the raw values', () => {
    const s = spread([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);   // Σ(x − 5)² = 32
    expect([s.min, s.max, s.n]).toEqual([2, 9, 8]);
    expect(s.values).toEqual([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(spread([0.0052, 0.0031, 0.0074]).sd).toBeCloseTo(0.00215, 5);
  });
  it('one value: sd 0; formatting "m ± sd" only with several seeds', () => {
    expect(spread([3]).sd).toBe(0);
    expect(fmtSpread(spread([3]), 2)).toBe('3.00');
    expect(fmtSpread(spread([1, 2, 3]), 2)).toBe('2.00 ± 1.00');
    expect(fmtSpread(spread([1e-3, 3e-3]), -2)).toBe('2.0e-3 ± 1.4e-3');
  });
  it('rejects empty and non-finite input', () => {
    expect(() => spread([])).toThrowError('spread: no values');
    expect(() => spread([1, Number.NaN])).toThrowError('values must be finite');
  });
  it('orderings only where mean ± sd intervals separate, with at least 3 seeds', () => {
    expect(separated(spread([1, 1.1, 0.9]), spread([2, 2.1, 1.9]))).toBe(true);
    expect(separated(spread([1, 2, 3]), spread([2, 3, 4]))).toBe(false);
    expect(separated(spread([1, 1.1]), spread([5, 5.1]))).toBe(false);
  });
});

describe('runSeeds and curveBand', () => {
  it('runs each seed in turn and records them with their times', () => {
    const r = runSeeds('toy', seedList(4, 3), 'none', (s) => ({ v: s * 2 }));
    expect(r.seeds).toEqual([4, 5, 6]);
    expect(r.perSeed).toEqual([{ v: 8 }, { v: 10 }, { v: 12 }]);
    expect(r.perSeedSeconds!.map((x) => x.seed)).toEqual([4, 5, 6]);
    expect(() => seedList(0, 0)).toThrowError('seeds must be an integer ≥ 1');
  });
  it('bands: mean and min–max per x; a curve that stopped early holds its last value', () => {
    const { mean, band } = curveBand([[[0, 1], [10, 0.5], [20, 0.1]], [[0, 0.8], [10, 0.2]]]);
    expect(mean).toEqual([[0, 0.9], [10, 0.35], [20, 0.15000000000000002]]);
    expect(band).toEqual([[0, 0.8, 1], [10, 0.2, 0.5], [20, 0.1, 0.2]]);
  });
});

describe('a seeded experiment: the table is the aggregate of the raw per-seed numbers', () => {
  it('adding at toy size over 3 seeds', () => {
    const o = { lengths: [6], models: ['rnn' as const, 'gru' as const], inits: ['pytorch' as const], hidden: 4, batch: 4, maxSteps: 4, evalEvery: 2, evalSize: 8, testSize: 8 };
    const r = JSON.parse(JSON.stringify(runSeeds('adding', [0, 1, 2], addingSelection, (seed) => addingExperiment({ ...o, seed }))));
    expect(r.perSeed.map((x: { options: { seed: number } }) => x.options.seed)).toEqual([0, 1, 2]);
    const gru = r.perSeed.map((x: { runs: { model: string; testMse: number }[] }) => x.runs.find((y) => y.model === 'gru')!.testMse) as number[];
    expect(new Set(gru).size).toBe(3);   // the seeds differ
    const mean = gru.reduce((a, v) => a + v, 0) / 3, sd = Math.sqrt(gru.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
    const row = addingTable(r).split('\n').find((l) => l.startsWith('| gru |'))!;
    expect(row).toContain(`${mean.toFixed(4)} ± ${sd.toFixed(4)}`);
    expect(row).toContain('| pytorch | 6 |');
    expect(addingTable(r)).toContain('mean ± sd over 3 seeds (0, 1, 2)');
  });
});
