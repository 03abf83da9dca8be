// Seq2Seq: teacher-forced loss gradchecks for every decoder kind (Luong also with input feeding), beam search of
// width 1 equals greedy decoding,
// attention weights come back normalised over each source length, and a tiny model learns to reverse sequences.
import { describe, expect, it } from 'vitest';
import { beamDecode, greedyDecode } from '../../src/nn/decode.js';
import { Seq2Seq, padTokens, type AttentionKind, type CellKind } from '../../src/nn/seq2seq.js';
import { manualSeed, Rng } from '../../src/random.js';
import { Adam } from '../../src/train/optim/adam.js';
import { expectGradcheck } from '../_util/gradcheck.js';

/** Decoder kinds; '+feeding' is Luong general attention with input feeding. */
type Kind = AttentionKind | 'luong-general+feeding';
const kinds: Kind[] = ['none', 'bahdanau', 'luong-dot', 'luong-general', 'luong-general+feeding'];
const make = (kind: Kind, cell: CellKind = 'gru', seed = 1): Seq2Seq => {
  manualSeed(seed);
  const feeding = kind === 'luong-general+feeding', attention: AttentionKind = feeding ? 'luong-general' : (kind as AttentionKind);
  return new Seq2Seq({ srcVocab: 7, tgtVocab: 8, embed: 4, hidden: 5, bidirectional: attention !== 'luong-dot', cell, attention, attentionSize: 3, bos: 0, eos: 1, inputFeeding: feeding });
};
const src = padTokens([[1, 2, 3, 4], [5, 6], [2, 2, 3]]);
const tgt = padTokens([[2, 3], [4, 5, 6, 7], [3]]);

describe('Seq2Seq.loss', () => {
  for (const att of kinds) {
    it(`gradchecks through encoder and decoder (${att})`, () => {
      const m = make(att, att === 'luong-general' ? 'lstm' : 'gru');
      const params = m.parameters();
      expectGradcheck(() => m.loss(src, tgt).loss, params, { maxPerTensor: 4, what: att });
    });
  }
  it('stepping one token at a time (scheduled-sampling path, always feeding the truth) gives the fused teacher-forced loss', () => {
    for (const att of kinds) {
      const m = make(att, att === 'luong-dot' ? 'lstm' : 'gru', 11);
      const fused = m.loss(src, tgt).loss.item(), stepped = m.loss(src, tgt, { teacherForcing: 1 - 1e-12 }).loss.item();
      expect(Math.abs(fused - stepped), att).toBeLessThan(1e-5);
    }
  });
  it('label smoothing ε mixes the target with uniform over the counted tokens: L(ε) = (1 − ε)·L(0) + ε·L(1)', () => {
    const m = make('bahdanau'), L = (e: number): number => m.loss(src, tgt, { labelSmoothing: e }).loss.item();
    expect(L(0)).toBe(m.loss(src, tgt).loss.item());
    expect(Math.abs(L(1) - L(0))).toBeGreaterThan(1e-3);                    // the option reaches the loss
    expect(L(0.1)).toBeCloseTo(0.9 * L(0) + 0.1 * L(1), 5);
  });
  it('counts target tokens plus one end symbol per row', () => {
    expect(make('none').loss(src, tgt).count).toBe(2 + 4 + 1 + 3);
  });
  it('input feeding is for Luong attention only; it widens the decoder cell input by the hidden size', () => {
    expect(() => new Seq2Seq({ srcVocab: 7, tgtVocab: 8, embed: 4, hidden: 5, attention: 'bahdanau', inputFeeding: true, bos: 0, eos: 1 }))
      .toThrow(/inputFeeding needs Luong attention/);
    expect(make('luong-general+feeding').decoder.rnn.inputSize).toBe(4 + 5);
    expect(make('luong-general').decoder.rnn.inputSize).toBe(4);
  });
});

describe('decoding', () => {
  for (const att of kinds) {
    it(`beam width 1 equals greedy (${att}); weights sum to 1 over each source length`, () => {
      const m = make(att, 'gru', 7).eval();
      const srcs = padTokens(Array.from({ length: 9 }, (_, i) => Array.from({ length: 1 + (i % 5) }, (_, j) => 1 + ((i * 3 + j * 5) % 6))));
      const g = greedyDecode(m, srcs, 6), b = beamDecode(m, srcs, { width: 1, maxLen: 6 });
      expect(b.tokens).toEqual(g.tokens);
      expect(b.weights).toEqual(g.weights);
      g.weights.forEach((steps, i) => {
        expect(steps.length).toBe(Math.min(g.tokens[i].length + 1, 7));
        for (const w of steps) {
          if (att === 'none') { expect(w).toEqual([]); continue; }
          expect(w.length).toBe(srcs.lengths[i]);
          expect(w.reduce((p, q) => p + q, 0)).toBeCloseTo(1, 5);
        }
      });
      // a wider beam finds no lower-scoring (length-normalised) output than width 1 here (up to float32 GEMM rounding:
      // rows are batched differently)
      const b4 = beamDecode(m, srcs, { width: 4, maxLen: 6 });
      b4.scores.forEach((s, i) => expect(s).toBeGreaterThanOrEqual(b.scores[i] - 1e-6));
    });
  }

  // skipped on the reference (js) kernels: 240 training steps take long there and exercise no other code path
  it.skipIf(process.env.GATED_BACKEND === 'js')('learns to reverse short sequences (Bahdanau), greedy and beam agree on them', { timeout: 60_000 }, () => {
    const m = make('bahdanau', 'gru', 3);
    const rng = new Rng(4);
    const seqs = Array.from({ length: 64 }, () => Array.from({ length: 2 + rng.int(3) }, () => 2 + rng.int(5)));
    const opt = new Adam(m.parameters(), { lr: 0.03 });
    for (let epoch = 0; epoch < 60; epoch++) {
      for (let i = 0; i < 64; i += 16) {
        const part = seqs.slice(i, i + 16);
        opt.zeroGrad();
        m.loss(padTokens(part.map((s) => s.map((x) => x - 1))), padTokens(part.map((s) => [...s].reverse()))).loss.backward();
        opt.step();
      }
    }
    m.eval();
    const test = seqs.slice(0, 16);
    const g = greedyDecode(m, padTokens(test.map((s) => s.map((x) => x - 1))), 6);
    const right = g.tokens.filter((t, i) => JSON.stringify(t) === JSON.stringify([...test[i]].reverse())).length;
    expect(right).toBeGreaterThanOrEqual(14);
    const b = beamDecode(m, padTokens(test.map((s) => s.map((x) => x - 1))), { width: 3, maxLen: 6 });
    expect(b.tokens.filter((t, i) => JSON.stringify(t) === JSON.stringify(g.tokens[i])).length).toBeGreaterThanOrEqual(14);
  });
});
