// The number-agreement language: sentences have exactly the asked distance between subject and verb and exactly the
// asked number of attractors (nouns of the other number), no other count noun unless asked; the label is the
// subject's number; the training distribution covers its range; and a tiny training run has the JSON, figure and table.
import { describe, expect, it } from 'vitest';
import {
  ATTRACTOR_PREPS, NOUNS, NEUTRAL, VOCAB, agreementExperiment, agreementFigure, agreementSelection, agreementSentence, agreementTable, encodeSentences, sampleSentence,
} from '../../../src/apps/experiments/agreement.js';
import { runSeeds } from '../../../src/apps/experiments/seeds.js';
import { Rng } from '../../../../gated/src/random.js';

const singular = new Set(NOUNS.map((n) => n[0])), plural = new Set(NOUNS.map((n) => n[1]));

/** Reads a sentence back: subject number, words between subject and verb, nouns of each number in the clause. */
function parse(words: string[]) {
  expect(words[0]).toBe('the');
  const subjPlural = plural.has(words[1]);
  expect(subjPlural || singular.has(words[1])).toBe(true);
  const clause = words.slice(2);
  const other = clause.filter((w) => (subjPlural ? singular : plural).has(w)).length;
  const same = clause.filter((w) => (subjPlural ? plural : singular).has(w)).length;
  return { subjPlural, distance: clause.length, other, same, clause };
}

describe('agreement sentences', () => {
  it('exact distance and attractor count, label = the subject number, across a grid', () => {
    const rng = new Rng(1);
    for (const d of [0, 1, 4, 7, 13, 40]) for (const a of [0, 1, 2, 4]) {
      if (a > 0 && d < 1 + 3 * a) { expect(() => agreementSentence(rng, d, a)).toThrowError(/distance ≥/); continue; }
      for (let i = 0; i < 20; i++) {
        const s = agreementSentence(rng, d, a);
        const p = parse(s.words);
        expect([p.distance, p.other, p.same]).toEqual([d, a, 0]);
        expect(p.subjPlural).toBe(s.plural);
        expect([s.distance, s.attractors]).toEqual([d, a]);
        if (d > 0) expect(p.clause[0]).toBe('who');
        // each attractor is "PREP the NOUN"; every other clause word is number-neutral
        p.clause.forEach((w, j) => {
          if (singular.has(w) || plural.has(w)) { expect(p.clause[j - 1]).toBe('the'); expect(ATTRACTOR_PREPS).toContain(p.clause[j - 2]); }
          else expect(['who', 'the', ...NEUTRAL, ...ATTRACTOR_PREPS]).toContain(w);
        });
      }
    }
  });

  it('same-number noun phrases when asked, and both subject numbers in about equal shares', () => {
    const rng = new Rng(2);
    const s = agreementSentence(rng, 13, 1, true, 2), p = parse(s.words);
    expect([p.subjPlural, p.other, p.same, p.distance]).toEqual([true, 1, 2, 13]);
    let pl = 0;
    for (let i = 0; i < 2000; i++) if (agreementSentence(rng, 5, 0).plural) pl++;
    expect(Math.abs(pl / 2000 - 0.5)).toBeLessThan(0.05);
  });

  it('the training distribution: distances in range, noun phrases ≤ the cap and fitting, attractors counted right', () => {
    const rng = new Rng(3), seen = new Set<number>();
    for (let i = 0; i < 3000; i++) {
      const s = sampleSentence(rng, 5, 20, 3), p = parse(s.words);
      expect(p.distance).toBeGreaterThanOrEqual(5); expect(p.distance).toBeLessThanOrEqual(20);
      expect(p.other).toBe(s.attractors);
      expect(p.other + p.same).toBeLessThanOrEqual(Math.min(3, Math.floor((p.distance - 1) / 3)));
      seen.add(p.distance);
    }
    expect(seen.size).toBe(16);
  });

  it('one-hot encoding with lengths and labels', () => {
    const ss = [agreementSentence(new Rng(4), 3, 0, true), agreementSentence(new Rng(5), 0, 0, false)];
    const { x, lengths, labels } = encodeSentences(ss);
    expect(x.shape).toEqual([5, 2, VOCAB.length]);
    expect(lengths).toEqual([5, 2]);
    expect(Array.from(labels)).toEqual([1, 0]);
    const row = (t: number, b: number) => Array.from(x.data.subarray((t * 2 + b) * VOCAB.length, (t * 2 + b + 1) * VOCAB.length));
    expect(VOCAB[row(1, 0).indexOf(1)]).toBe(ss[0].words[1]);
    expect(row(3, 1).every((v) => v === 0)).toBe(true);   // padding
  });
});

describe('agreement experiment (toy size)', () => {
  it('a fixed-distance and a mixed run per model; the table and figure over two seeds', () => {
    const o = { models: ['rnn' as const, 'gru' as const], inits: ['pytorch' as const], hidden: 4, batch: 8, steps: 3, distances: [2, 7], mixed: 7, attractorCounts: [0, 2], testSize: 10 };
    const r = agreementExperiment(o);
    expect(r.runs.map((x) => [x.model, x.train])).toEqual([['rnn', [2, 2]], ['gru', [2, 2]], ['rnn', [7, 7]], ['gru', [7, 7]], ['rnn', [0, 7]], ['gru', [0, 7]]]);
    expect(r.runs[0].tests.map((t) => [t.distance, t.attractors])).toEqual([[2, 0]]);          // 2 attractors do not fit in 2 words
    expect(r.runs[2].tests.map((t) => [t.distance, t.attractors])).toEqual([[7, 0], [7, 2]]);
    expect(r.runs[4].tests.map((t) => [t.distance, t.attractors])).toEqual([[2, 0], [7, 0], [7, 2]]);
    const seeded = runSeeds('agreement', [0, 1], agreementSelection, (seed) => agreementExperiment({ ...o, seed }));
    expect(agreementTable(seeded)).toContain('| gru | pytorch |');
    expect(agreementFigure(seeded)).toContain('against attractors');
  });
});
