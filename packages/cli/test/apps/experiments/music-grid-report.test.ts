// The tables of a music --grid run from hand-built numbers: the grid shows validation NLL with the selection in bold,
// the final table's mean ± sd is computed from the raw per-seed values, and orderings follow `separated`.
import { describe, expect, it } from 'vitest';
import { musicGridFigure, musicGridTable, musicGridTables, musicOrderings } from '../../../src/apps/experiments/music-grid-report.js';
import type { MusicGridResult } from '../../../src/apps/experiments/music-grid.js';
import { musicOptions, type MusicRun } from '../../../src/apps/experiments/music.js';
import type { ModelKind } from '../../../src/apps/experiments/common.js';

const run = (model: ModelKind, testNll: number, validNll = testNll - 0.1): MusicRun =>
  ({ model, hidden: 2, params: 10, trainNll: validNll - 0.5, validNll, testNll, bestEpoch: 3, epochs: 5, seconds: 7, curve: [validNll + 1, validNll], setting: { weightNoise: 0.1, lr: 1e-3 } });

const grid = { weightNoise: [0, 0.1], lr: [1e-3], seed: 0 };
const cand = (model: ModelKind, weightNoise: number, validNll: number) => ({ model, weightNoise, lr: 1e-3, seed: 0, fit: { ...run(model, 0, validNll), testNll: undefined } });
const result = (tests: Record<string, number[]>): MusicGridResult => ({
  experiment: 'music', seeds: [0, 1, 2], selection: 's', grid,
  candidates: [cand('rnn', 0, 8.61), cand('rnn', 0.1, 8.47), cand('gru', 0, 8.52), cand('gru', 0.1, 8.39)],
  selected: [{ model: 'rnn', weightNoise: 0.1, lr: 1e-3, validNll: 8.47 }, { model: 'gru', weightNoise: 0.1, lr: 1e-3, validNll: 8.39 }],
  perSeed: [0, 1, 2].map((seed) => ({ experiment: 'music', dataset: 'jsb', options: { ...musicOptions({ models: ['rnn', 'gru'] }), seed }, results: [run('rnn', tests.rnn[seed]), run('gru', tests.gru[seed])] })),
});

describe('music grid report', () => {
  it('the grid table holds validation numbers only, the selected cell in bold', () => {
    const t = musicGridTable(result({ rnn: [8.6, 8.7, 8.8], gru: [8.4, 8.5, 8.6] }));
    expect(t).toContain('| σ 0, lr 0.001 | σ 0.1, lr 0.001 |');
    expect(t).toContain('| tanh-RNN | 8.610 (8.11; 3/5) | **8.470 (7.97; 3/5)** |');
    expect(t).toContain('rnn σ 0.1, lr 0.001 (valid 8.470)');
    expect(t).not.toMatch(/test/i);
  });
  it('final table: mean ± sample sd of the raw per-seed test NLL, the paper beside it', () => {
    const t = musicGridTables(result({ rnn: [8.6, 8.7, 8.8], gru: [8.41, 8.45, 8.55] }));
    expect(t).toContain('**8.70 ± 0.10** | 9.10 |');              // mean 8.7, sd sqrt(0.02 / 2) = 0.1
    expect(t).toContain('**8.47 ± 0.07** | 8.54 |');              // mean 8.47, sd sqrt((0.0036 + 0.0004 + 0.0064) / 2) = 0.072
    expect(t).toContain('mean ± sd over 3 seeds (0, 1, 2)');
    expect(musicGridFigure(result({ rnn: [8.6, 8.7, 8.8], gru: [8.4, 8.5, 8.6] }))).toContain('<svg');
  });
  it('claims an ordering only where mean ± sd intervals separate with 3 seeds', () => {
    const runs = (r: number[], g: number[]) => [...r.map((x) => run('rnn', x)), ...g.map((x) => run('gru', x))];
    expect(musicOrderings(runs([8.9, 9.0, 9.1], [8.4, 8.5, 8.6]))).toContain('(mean ± sd intervals separate): gru < rnn; within the spread: none');
    expect(musicOrderings(runs([8.5, 8.7, 8.9], [8.4, 8.5, 8.6]))).toContain('separate): none; within the spread: gru < rnn');
    expect(musicOrderings(runs([9.0, 9.1], [8.4, 8.5]))).toContain('none claimed (2 seeds');
  });
});
