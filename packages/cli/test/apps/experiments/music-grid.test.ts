// The music protocol on toy data: the selection grid never reads the test split (its sequences throw when touched
// before the selection is saved), the rule picks the lowest validation NLL per model, the final seeds are evaluated on
// test once each, and grid runs of disjoint models merge into one notebook.
import { describe, expect, it } from 'vitest';
import { mergeMusicGrids, musicGrid, musicGridSelection, musicProtocol, selectSettings, type MusicCandidate, type MusicGrid, type MusicGridResult } from '../../../src/apps/experiments/music-grid.js';
import { musicOptions, type MusicData, type MusicFit } from '../../../src/apps/experiments/music.js';
import type { ModelKind } from '../../../src/apps/experiments/common.js';
import { Rng } from '../../../../gated/src/random.js';

const toyMusic = (rng: Rng, n: number): number[][][] => Array.from({ length: n }, (_, i) =>
  Array.from({ length: 3 + i * 2 }, (_, t) => (t === 1 ? [] : [21 + rng.int(88), 60 + rng.int(12)])));

const tiny = { models: ['rnn', 'gru'] as ModelKind[], hidden: { rnn: 4, gru: 3 }, maxEpochs: 2, batch: 2 };
const grid: MusicGrid = { weightNoise: [0, 0.1], lr: [3e-3], seed: 0 };

/** A test split whose sequences throw when read while `locked()` is true; `reads` counts element reads after. */
function guardedTest(seqs: number[][][], locked: () => boolean): { test: number[][][]; reads: () => number } {
  let reads = 0;
  const test = new Proxy(seqs, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) {
        if (locked()) throw new Error(`test sequence ${key} read before the selection`);
        reads++;
      }
      return Reflect.get(target, key, receiver);
    },
  });
  return { test, reads: () => reads };
}

describe('music grid', () => {
  it('trains every model × setting on train/validation and has no test number', () => {
    const rng = new Rng(5), data = { train: toyMusic(rng, 4), valid: toyMusic(rng, 2), get test(): number[][][] { throw new Error('the grid read the test split'); } };
    const { candidates, models } = musicGrid(data, musicOptions(tiny), grid);
    expect(candidates.map((c) => `${c.model} ${c.weightNoise} ${c.lr}`)).toEqual(['rnn 0 0.003', 'rnn 0.1 0.003', 'gru 0 0.003', 'gru 0.1 0.003']);
    expect(models).toHaveLength(4);
    for (const c of candidates) {
      expect('testNll' in c.fit).toBe(false);
      expect(c.fit.validNll).toBe(Math.min(...c.fit.curve));
      expect(c.fit.setting).toEqual({ weightNoise: c.weightNoise, lr: c.lr });
    }
  });

  it('the protocol reads test only after the selection is saved, once per final seed and model', () => {
    const rng = new Rng(6), train = toyMusic(rng, 4), valid = toyMusic(rng, 2);
    let selected = false;
    const guard = guardedTest(toyMusic(rng, 2), () => !selected);
    const data: MusicData = { train, valid, test: guard.test };
    const saves: MusicGridResult[] = [];
    const r = musicProtocol(data, tiny, grid, [0, 1], undefined, undefined, (soFar) => { saves.push(soFar); if (soFar.selected.length) selected = true; });
    expect(saves[0].perSeed).toEqual([]);           // the first save: grid and selection, no test number yet
    expect(saves[0].selected.map((s) => s.model)).toEqual(['rnn', 'gru']);
    expect(r.seeds).toEqual([0, 1]);
    expect(r.perSeed.map((p) => p.results.map((x) => x.model))).toEqual([['rnn', 'gru'], ['rnn', 'gru']]);
    // 2 seeds × 2 models, each evaluation reads the 2 test sequences once
    expect(guard.reads()).toBe(2 * 2 * 2);
    for (const [i, sel] of r.selected.entries()) {
      const c = r.candidates.find((x) => x.model === sel.model && x.weightNoise === sel.weightNoise && x.lr === sel.lr)!;
      // seed 0's final is the grid's own run of the selected setting; seed 1 is trained afresh with that setting
      expect(r.perSeed[0].results[i].validNll).toBe(c.fit.validNll);
      expect(r.perSeed[1].results[i].setting).toEqual({ weightNoise: sel.weightNoise, lr: sel.lr });
      for (const p of r.perSeed) expect(Number.isFinite(p.results[i].testNll)).toBe(true);
    }
    expect(r.selection).toBe(musicGridSelection(grid));
    expect(r.selection).toContain('test is never evaluated for a candidate');
  });
});

const fit = (model: ModelKind, validNll: number): MusicFit => ({ model, hidden: 1, params: 1, trainNll: validNll - 0.3, validNll, bestEpoch: 1, epochs: 1, seconds: 0, curve: [validNll] });
const cand = (model: ModelKind, weightNoise: number, lr: number, validNll: number): MusicCandidate => ({ model, weightNoise, lr, seed: 0, fit: fit(model, validNll) });

describe('selectSettings', () => {
  it('picks the lowest validation NLL per model, the earlier on a tie, skipping non-finite', () => {
    const s = selectSettings([
      cand('rnn', 0, 1e-3, 8.61), cand('rnn', 0, 3e-3, 8.58), cand('rnn', 0.1, 1e-3, 8.47), cand('rnn', 0.1, 3e-3, 8.52),
      cand('gru', 0, 1e-3, Number.NaN), cand('gru', 0, 3e-3, 8.40), cand('gru', 0.15, 1e-3, 8.40), cand('gru', 0.15, 3e-3, 8.43),
    ]);
    expect(s).toEqual([
      { model: 'rnn', weightNoise: 0.1, lr: 1e-3, validNll: 8.47 },
      { model: 'gru', weightNoise: 0, lr: 3e-3, validNll: 8.40 },
    ]);
  });
  it('fails when a model has no finite candidate', () => {
    expect(() => selectSettings([cand('lstm', 0, 1e-3, Number.POSITIVE_INFINITY)])).toThrow(/no candidate of lstm has a finite validation NLL/);
  });
});

describe('mergeMusicGrids', () => {
  const part = (models: ModelKind[], cpu: number): MusicGridResult => ({
    experiment: 'music', seeds: [0, 1], selection: 's', grid, complete: true, seconds: 10 * cpu, cpuSeconds: cpu,
    candidates: models.map((m) => cand(m, 0, 3e-3, 8)), selected: models.map((m) => ({ model: m, weightNoise: 0, lr: 3e-3, validNll: 8 })),
    gridSeconds: { seconds: 5 * cpu, cpuSeconds: cpu / 2 }, perSeedSeconds: [{ seed: 0, seconds: 1, cpuSeconds: 1 }, { seed: 1, seconds: cpu, cpuSeconds: cpu }],
    perSeed: [0, 1].map((seed) => ({ experiment: 'music' as const, dataset: 'jsb' as const, options: { ...musicOptions({ models }), seed }, results: models.map((m) => ({ ...fit(m, 8), testNll: 8 + seed })) })),
  });
  it('concatenates models, sums CPU seconds and keeps the longest wall time', () => {
    const m = mergeMusicGrids([part(['rnn', 'gru'], 3), part(['lstm'], 5)]);
    expect(m.selected.map((s) => s.model)).toEqual(['rnn', 'gru', 'lstm']);
    expect(m.candidates).toHaveLength(3);
    expect(m.perSeed[1].results.map((x) => [x.model, x.testNll])).toEqual([['rnn', 9], ['gru', 9], ['lstm', 9]]);
    expect(m.perSeed[0].options.models).toEqual(['rnn', 'gru', 'lstm']);
    expect([m.cpuSeconds, m.seconds, m.gridSeconds]).toEqual([8, 50, { seconds: 25, cpuSeconds: 4 }]);
    expect(m.perSeedSeconds?.[1]).toEqual({ seed: 1, seconds: 5, cpuSeconds: 8 });
  });
  it('refuses overlapping models, incomplete parts and different seeds', () => {
    expect(() => mergeMusicGrids([part(['rnn'], 1), part(['rnn'], 1)])).toThrow(/a model appears in two parts/);
    expect(() => mergeMusicGrids([part(['rnn'], 1), { ...part(['gru'], 1), complete: false }])).toThrow(/incomplete/);
    expect(() => mergeMusicGrids([part(['rnn'], 1), { ...part(['gru'], 1), seeds: [0, 2] }])).toThrow(/differ in seeds/);
  });
});
