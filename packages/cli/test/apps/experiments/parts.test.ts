// The experiments' parts on small inputs: task generators, singular values, parameter counts by formula, the music
// NLL (padding and masking checked against a direct per-sequence computation), the shipped music data, the gate report,
// and every experiment's JSON shape, figure and table at toy sizes.
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { RecurrentHead } from '../../../src/apps/experiments/common.js';
import type { InitKind } from '../../../src/apps/experiments/common.js';
import { copyExperiment, copyFigure, copySelection, copyTable } from '../../../src/apps/experiments/copy.js';
import { runSeeds } from '../../../src/apps/experiments/seeds.js';
import { costExperiment, costFigure, costTable } from '../../../src/apps/experiments/cost.js';
import { gatesFigure, gatesHtml, inspectGates } from '../../../src/apps/experiments/gates.js';
import { singularValues } from '../../../src/apps/experiments/linalg.js';
import { musicExperiment, musicNll, type MusicData } from '../../../src/apps/experiments/music.js';
import { musicFigure, musicTable } from '../../../src/apps/experiments/music-report.js';
import { ADDING_BASELINE, addingBatch, copyBatch } from '../../../src/apps/experiments/tasks.js';
import { CharLM } from '../../../../gated/src/models/charlm.js';
import { gruGates } from '../../../../gated/src/nn/inspect.js';
import { Rng, manualSeed } from '../../../../gated/src/random.js';
import { Tensor } from '../../../../gated/src/tensor/tensor.js';
import { CharVocab } from '../../../../gated/src/train/data.js';

describe('tasks', () => {
  it('adding: two markers, one in each half; the target is their sum; predicting 1 gives MSE ≈ 1/6', () => {
    const T = 20, B = 4000, { x, y } = addingBatch(T, B, new Rng(1));
    let sq = 0;
    for (let b = 0; b < B; b++) {
      const marked: number[] = [];
      for (let t = 0; t < T; t++) if (x.data[(t * B + b) * 2 + 1] === 1) marked.push(t);
      expect(marked.length).toBe(2);
      expect(marked[0]).toBeLessThan(T / 2);
      expect(marked[1]).toBeGreaterThanOrEqual(T / 2);
      expect(y.data[b]).toBeCloseTo(x.data[(marked[0] * B + b) * 2] + x.data[(marked[1] * B + b) * 2], 6);
      sq += (y.data[b] - 1) ** 2;
    }
    expect(Math.abs(sq / B - ADDING_BASELINE)).toBeLessThan(0.01);
  });

  it('copy: k symbols, D blanks, go, k − 1 blanks; targets are the symbols', () => {
    const k = 3, D = 4, S = 5, B = 2, b = copyBatch(k, D, S, B, new Rng(2)), V = S + 2;
    expect(b.x.shape).toEqual([D + 2 * k, B, V]);
    expect(b.first).toBe(k + D);
    for (let i = 0; i < B; i++) {
      const sym = (t: number) => Array.from({ length: V }, (_, c) => b.x.data[(t * B + i) * V + c]).indexOf(1);
      for (let t = 0; t < k; t++) expect(sym(t)).toBe(b.targets[t * B + i] + 1);
      for (let t = k; t < D + 2 * k; t++) expect(sym(t)).toBe(t === k + D ? S + 1 : 0);
    }
  });
});

describe('singularValues', () => {
  it('matches known decompositions', () => {
    const sv = singularValues([3, 0, 4, 5], 2, 2); // AᵀA = [[25, 20], [20, 25]]: eigenvalues 45, 5
    expect(sv[0]).toBeCloseTo(Math.sqrt(45), 10);
    expect(sv[1]).toBeCloseTo(Math.sqrt(5), 10);
    const c = Math.cos(0.3), s = Math.sin(0.3); // rotation · diag(2, 0.5, 7) has singular values 7, 2, 0.5
    expect(singularValues([2 * c, -0.5 * s, 0, 2 * s, 0.5 * c, 0, 0, 0, 7], 3, 3).map((v) => +v.toFixed(10))).toEqual([7, 2, 0.5]);
  });
  it('Σσ² is the squared Frobenius norm and Πσ = |det| for a random matrix', () => {
    const rng = new Rng(5), n = 6, w = Array.from({ length: n * n }, () => rng.uniform(-1, 1));
    const sv = singularValues(w, n, n);
    expect(sv.reduce((a, v) => a + v * v, 0)).toBeCloseTo(w.reduce((a, v) => a + v * v, 0), 9);
    expect(sv.reduce((a, v) => a * v, 1)).toBeCloseTo(Math.abs(det(w, n)), 9);
    expect([...sv].sort((a, b) => b - a)).toEqual(sv);
  });
});

function det(w: number[], n: number): number {
  const a = [...w];
  let d = 1;
  for (let i = 0; i < n; i++) {
    let p = i;
    for (let r = i + 1; r < n; r++) if (Math.abs(a[r * n + i]) > Math.abs(a[p * n + i])) p = r;
    if (p !== i) { for (let c = 0; c < n; c++) [a[i * n + c], a[p * n + c]] = [a[p * n + c], a[i * n + c]]; d = -d; }
    d *= a[i * n + i];
    for (let r = i + 1; r < n; r++) { const f = a[r * n + i] / a[i * n + i]; for (let c = i; c < n; c++) a[r * n + c] -= f * a[i * n + c]; }
  }
  return d;
}

describe('cost', () => {
  it('counts parameters as gates·(H·I + H·H + 2H) and times every model', () => {
    const r = costExperiment({ hiddens: [3, 8], inputSize: 5, T: 4, batch: 2, repeats: 1 });
    expect(r.rows.map((x) => [x.model, x.hidden])).toEqual([['rnn', 3], ['gru', 3], ['lstm', 3], ['rnn', 8], ['gru', 8], ['lstm', 8]]);
    for (const x of r.rows) {
      expect(x.params).toBe(x.formula);
      expect(x.forwardMs).toBeGreaterThan(0);
      expect(x.forwardBackwardMinMs).toBeLessThanOrEqual(x.forwardBackwardMs);
    }
    expect(r.rows.find((x) => x.model === 'gru' && x.hidden === 8)!.params).toBe(3 * (8 * 5 + 8 * 8 + 16));
    expect(costFigure(r)).toContain('hidden size H');
    expect(costTable(r).split('\n')).toHaveLength(2 + 6 + 1);
  });
});

describe('copy (toy size)', () => {
  it('returns one run per model and delay with a curve, a figure and a table', () => {
    const o = { delays: [1, 3], k: 2, symbols: 3, hidden: 6, batch: 4, maxSteps: 4, evalEvery: 2, evalSize: 8, testSize: 16, inits: ['pytorch', 'bias1'] as InitKind[] };
    const r = copyExperiment(o);
    expect(r.chance).toBeCloseTo(1 / 3);
    expect(r.runs.map((x) => [x.model, x.init, x.D])).toEqual([
      ['rnn', 'pytorch', 1], ['gru', 'pytorch', 1], ['gru', 'bias1', 1], ['lstm', 'pytorch', 1], ['lstm', 'bias1', 1],
      ['rnn', 'pytorch', 3], ['gru', 'pytorch', 3], ['gru', 'bias1', 3], ['lstm', 'pytorch', 3], ['lstm', 'bias1', 3],
    ]);
    for (const x of r.runs) {
      expect(x.curve.map((p) => p[0])).toEqual(x.stepsToTarget === null ? [0, 2, 4] : x.curve.map((p) => p[0]));
      for (const a of [x.accuracy, x.testAccuracy]) { expect(a).toBeGreaterThanOrEqual(0); expect(a).toBeLessThanOrEqual(1); }
    }
    const seeded = runSeeds('copy', [0, 1], copySelection, (seed) => copyExperiment({ ...o, seed }));
    expect(seeded.perSeed.map((x) => x.options.seed)).toEqual([0, 1]);
    expect(copyFigure(seeded)).toContain('delay D');
    expect(copyTable(seeded)).toContain('| gru | bias1 | 3 |');
    expect(copyTable(seeded)).toContain('over 2 seeds (0, 1)');
  });
});

// Three tiny "pieces" with known notes, including a rest and different lengths.
const toyMusic = (rng: Rng, n: number): number[][][] => Array.from({ length: n }, (_, i) =>
  Array.from({ length: 3 + i * 2 }, (_, t) => (t === 1 ? [] : [21 + rng.int(88), 60 + rng.int(12)])));

describe('music', () => {
  it('NLL per step over padded, masked batches equals the direct per-sequence computation', () => {
    manualSeed(7);
    const model = new RecurrentHead('gru', 88, 5, 88), seqs = toyMusic(new Rng(3), 3);
    let nll = 0, steps = 0;
    for (const seq of seqs) {
      // input at t: the notes of t − 1 (nothing at t = 0); output: Bernoulli logits for the notes of t
      const T = seq.length, x = new Float32Array(T * 88);
      seq.forEach((notes, t) => { if (t + 1 < T) for (const n of notes) x[(t + 1) * 88 + n - 21] = 1; });
      const logits = model.forward(new Tensor(x, [T, 1, 88])).data;
      seq.forEach((notes, t) => {
        for (let p = 0; p < 88; p++) {
          const z = logits[t * 88 + p], on = notes.includes(p + 21);
          nll -= on ? -Math.log1p(Math.exp(-z)) : -Math.log1p(Math.exp(z));
        }
      });
      steps += T;
    }
    expect(musicNll(model, seqs, 2)).toBeCloseTo(nll / steps, 4);
    expect(musicNll(model, seqs, 1)).toBeCloseTo(nll / steps, 4);
  });

  it('runs every model with early stopping and reports the paper beside it', () => {
    const rng = new Rng(4), data: MusicData = { train: toyMusic(rng, 4), valid: toyMusic(rng, 2), test: toyMusic(rng, 2) };
    const r = musicExperiment(data, { hidden: { rnn: 4, gru: 3, lstm: 3, 'gru-cho': 3 }, maxEpochs: 2, batch: 2 });
    expect(r.results.map((x) => x.model)).toEqual(['rnn', 'gru', 'lstm', 'gru-cho']);
    for (const x of r.results) {
      for (const k of ['params', 'trainNll', 'validNll', 'testNll'] as const) expect(Number.isFinite(x[k])).toBe(true);
      expect(x.curve).toHaveLength(x.epochs);
      expect(x.validNll).toBe(Math.min(...x.curve));
    }
    expect(r.results[1].params).toBe(3 * (3 * 88 + 3 * 3 + 6) + 3 * 88 + 88);
    expect(musicTable(r)).toContain('8.54');
    expect(musicFigure(r)).toContain('validation NLL per epoch');
    expect(() => musicExperiment({ ...data, test: [] })).toThrow(/'test' must be a non-empty list/);
    expect(() => musicExperiment({ ...data, train: [[[20]]] }, { models: ['gru'] })).toThrow(/pitch 20 in train\[0\] step 0 is outside the piano range/);
  });

  it('ships the data sets intact (split sizes and checksums of data/music/README.md)', () => {
    for (const [file, sizes, sha] of [
      ['jsb_chorales', [229, 76, 77], '7bb5680a2bb2945d7f63aae99e94eac966396089c3cd497e34f478324b17290a'],
      ['nottingham', [694, 173, 170], '4823655f4094d9e2bc797f11eadf0a46bd026b923df172972455568130c9da8f'],
    ] as const) {
      const raw = gunzipSync(readFileSync(new URL(`../../../data/music/${file}.json.gz`, import.meta.url)));
      expect(createHash('sha256').update(raw).digest('hex')).toBe(sha);
      const d = JSON.parse(raw.toString('utf8')) as MusicData;
      expect([d.train.length, d.valid.length, d.test.length]).toEqual(sizes);
    }
  });
});

describe('gates', () => {
  const vocab = new CharVocab([...' .,Tacefhlstuw']);
  const text = 'The cat, was full.';
  it('reports per-character means, per-unit gates and state changes that match gruGates', () => {
    manualSeed(9);
    const model = new CharLM({ vocabSize: vocab.size, cell: 'gru', embed: 4, hidden: 6, layers: 2, dropout: 0.5 });
    const rep = inspectGates(model, vocab, text);
    expect(rep.chars).toEqual([...text]);
    expect(rep.nextNll).toHaveLength(text.length - 1);
    expect(rep.layers.map((l) => [l.layer, l.hidden, l.z.length, l.z[0].length])).toEqual([[0, 6, text.length, 6], [1, 6, text.length, 6]]);
    model.eval();
    const traces = gruGates(model.rnn as never, model.embed.forward(vocab.encode(text), [text.length, 1]));
    for (const [i, L] of rep.layers.entries()) {
      for (let t = 0; t < text.length; t++) {
        // the report keeps 4 significant digits
        const near = (a: number, b: number): void => expect(Math.abs(a - b)).toBeLessThanOrEqual(6e-4 * Math.max(1, Math.abs(b)));
        near(L.meanZ[t], L.z[t].reduce((a, b) => a + b, 0) / 6);
        near(L.r[t][2], traces[i].r.data[t * 6 + 2]);
        near(L.dh[t], traces[i].dh.data[t]);
      }
    }
    for (const nll of rep.nextNll) expect(nll).toBeGreaterThan(0);
    const svg = gatesFigure(rep), html = gatesHtml(rep, { units: 3 });
    expect(svg).toContain('layer 1 (6 units)');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/(src|href)=["']?https?:/); // self-contained
    expect(html).toContain('z, 3 units');
  });
  it('needs a GRU model and text from its vocabulary', () => {
    const lstm = new CharLM({ vocabSize: vocab.size, cell: 'lstm', embed: 4, hidden: 6, layers: 1, dropout: 0 });
    expect(() => inspectGates(lstm, vocab, text)).toThrow(/inspect needs a GRU model, this one is LSTM/);
    const gru = new CharLM({ vocabSize: vocab.size, cell: 'gru', embed: 4, hidden: 6, layers: 1, dropout: 0 });
    expect(() => inspectGates(gru, vocab, 'The dog')).toThrow(/character "d" at position 4 is not in the model's vocabulary/);
  });
});
