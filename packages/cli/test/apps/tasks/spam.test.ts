// Spam: tokenisation, character encoding and stratified split on hand data, the logistic-regression baseline on a
// separable toy, and the quick pipeline on the real SpamAssassin corpus (the GRU classifier beats the majority class).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../gated/src/random.js';
import { CharVocab, WordVocab, dedupeDocs, jaccard, messageChars, shingles, spamBatches, splitDocs, tokenizeMessage, type SpamDoc } from '../../../src/apps/tasks/spam-data.js';
import { BowLogReg, charSpamOptions, defaultSpamOptions, quickSpamOptions, spamDefaults, spamDocs, spamProbs, testSpam, trainSpam, type SpamOptions } from '../../../src/apps/tasks/spam.js';
import { spamAssassin } from '../../../src/task-datasets.js';

describe('spam data', () => {
  it('keeps the subject and body words, drops headers, HTML and quoted-printable breaks, caps the count', () => {
    const raw = 'From: a@b.c\nSubject: WIN $1000 now!\nX-Spam: yes\n\n<p>Click <b>here</b> to cl=\naim &amp; 25 prizes</p>';
    expect(tokenizeMessage(raw, 100)).toEqual(['win', '$', '<num>', 'now', '!', 'click', 'here', 'to', 'claim', '<num>', 'prizes']);
    expect(tokenizeMessage(raw, 3)).toEqual(['win', '$', '<num>']);
  });
  it('characters: the same cleaned text (subject + body, lower-cased), whitespace runs one space, the first maxChars code points', () => {
    const raw = 'From: a@b.c\nSubject: WIN $1000 now!\nX-Spam: yes\n\n<p>Click <b>here</b>   to cl=\naim &amp; 25\tprizes 🎉</p>';
    const text = 'win $1000 now! click here to claim 25 prizes 🎉';
    expect(messageChars(raw, 1000).join('')).toBe(text);
    expect(messageChars(raw, 1000)).toHaveLength([...text].length);   // the emoji is one character (code point), not two
    expect(messageChars(raw, 1000).at(-1)).toBe('🎉');
    expect(messageChars(raw, 9)).toEqual([...'win $1000']);
    expect(messageChars('Subject: x\n\n', 5)).toEqual(['x']);
    // spamDocs adds characters only when asked; the word tokens are the same either way
    const m = [{ id: '1', group: 'spam-1', text: raw }];
    expect(spamDocs(m, 100)[0].chars).toBeUndefined();
    expect(spamDocs(m, 100, 9)[0]).toEqual({ ...spamDocs(m, 100)[0], chars: [...'win $1000'] });
  });
  it('character vocabulary: from the training documents only, rare characters and the cap → unknown', () => {
    const doc = (id: string, s: string): SpamDoc => ({ id, label: 0, tokens: [], chars: [...s] });
    // 'a' in 3 documents, 'b' in 2, 'c' in 2 (ties by character), 'z' in 1 (rare), 'Ω' only outside training
    const train = [doc('1', 'aab'), doc('2', 'abc'), doc('3', 'acz')];
    const v = CharVocab.fit(train, 100);
    expect(v.words).toEqual(['<pad>', '<unk>', 'a', 'b', 'c']);
    expect(v.ids(doc('t', 'abzΩ'))).toEqual([2, 3, 1, 1]);
    expect(v.ids(doc('e', ''))).toEqual([1]);   // an empty message is one <unk>, as at word level
    expect(CharVocab.fit(train, 3).words).toEqual(['<pad>', '<unk>', 'a']);
    // a document made without characters is an error, not an empty message
    expect(() => v.ids({ id: 'w', label: 0, tokens: ['x'] })).toThrow(/no characters/);
    // batches read the characters: one row per document, as long as its characters
    const b = spamBatches([doc('x', 'abc'), doc('y', 'a')], v, 2);
    expect(b).toHaveLength(1);
    expect(Array.from(b[0].lengths)).toEqual([1, 3]);
    expect(Array.from(b[0].ids)).toEqual([2, 0, 0, 2, 3, 4]);
  });
  it('level char: the classifier reads characters of the training split only, the baseline the same words', () => {
    const doc = (i: number, label: 0 | 1, s: string): SpamDoc => ({ id: String(i), label, tokens: s.split(' '), chars: [...s] });
    const mk = (n: number, extra = '') => Array.from({ length: n }, (_, i) => (i % 2 ? doc(i, 1, `buy now${extra}`) : doc(i, 0, `meet at noon${extra}`)));
    const split = { train: mk(40), val: mk(10, ' Ω'), test: mk(10, ' Ω') };
    const o = { level: 'char' as const, embed: 4, hidden: 4, epochs: 1, batch: 8 };
    const t = trainSpam(split, o), w = trainSpam(split, { ...o, level: 'word' });
    expect(t.inputs).toBeInstanceOf(CharVocab);
    expect(t.inputs.words).not.toContain('Ω');
    expect(t.dir.config.chars).toEqual(t.inputs.words);
    expect(t.dir.config.model.vocabSize).toBe(t.inputs.size);
    expect(t.dir.config.training.level).toBe('char');
    expect(t.vocab.words).toEqual(w.vocab.words);
    expect(Array.from(t.baseline.w)).toEqual(Array.from(w.baseline.w));
    expect(w.inputs).toBe(w.vocab);
    expect(w.dir.config.chars).toBeUndefined();
    const r = testSpam(t.model, t.baseline, t.vocab, split.test, t.inputs);
    expect(r.model.count).toBe(10);
    // documents without characters cannot train a character model
    expect(() => trainSpam({ ...split, train: split.train.map(({ chars: _c, ...d }) => d) }, o)).toThrow(/no characters/);
    expect(() => trainSpam(split, { ...o, maxChars: 0 })).toThrow(/maxChars/);
  });
  it('level defaults: word is defaultSpamOptions itself; char changes only what charSpamOptions names', () => {
    expect(spamDefaults()).toEqual(defaultSpamOptions);
    const c = spamDefaults('char');
    expect(c.level).toBe('char');
    for (const k of Object.keys(defaultSpamOptions) as (keyof SpamOptions)[]) expect(c[k], k).toEqual(k in charSpamOptions ? charSpamOptions[k] : defaultSpamOptions[k]);
    expect(Object.keys(charSpamOptions)).not.toContain('maxTokens');   // the baseline's words are the word level's
  });
  it('splits 80/10/10 with the same spam share in every part', () => {
    const docs: SpamDoc[] = Array.from({ length: 200 }, (_, i) => ({ id: String(i), label: i < 60 ? 1 : 0, tokens: ['x'] }));
    const s = splitDocs(docs, 2);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([160, 20, 20]);
    for (const part of [s.train, s.val, s.test]) expect(part.filter((d) => d.label === 1).length / part.length).toBeCloseTo(0.3, 10);
  });
  it('near-duplicates are removed before splitting: no pair across the splits is a near-copy, distinct messages all stay', () => {
    const rng = new Rng(7), word = () => `w${rng.int(2000)}`;
    const originals: SpamDoc[] = Array.from({ length: 300 }, (_, i) => ({ id: `o${i}`, label: (i % 3 === 0 ? 1 : 0) as 0 | 1, tokens: Array.from({ length: 40 + rng.int(40) }, word) }));
    // copies of the first 60: exact, last word changed, a word appended — all Jaccard ≥ 0.9 on 5-token shingles
    const copies: SpamDoc[] = originals.slice(0, 60).map((d, i) => ({
      id: `c${i}`, label: d.label,
      tokens: i % 3 === 0 ? [...d.tokens] : i % 3 === 1 ? [...d.tokens.slice(0, -1), 'changed'] : [...d.tokens, 'extra'],
    }));
    const mixed = [...originals, ...copies];
    for (let i = mixed.length - 1; i > 0; i--) { const j = rng.int(i + 1); [mixed[i], mixed[j]] = [mixed[j], mixed[i]]; }
    const d = dedupeDocs(mixed);
    expect(d.removed).toBe(60);
    expect(d.clusters).toBe(60);
    expect(d.mixedLabels).toBe(0);
    // one member of every original's cluster is kept, in input order
    const root = (id: string) => (id.startsWith('c') ? `o${id.slice(1)}` : id);
    expect(new Set(d.docs.map((x) => root(x.id))).size).toBe(300);
    expect(d.docs.map((x) => mixed.indexOf(x))).toEqual([...d.docs.map((x) => mixed.indexOf(x))].sort((a, b) => a - b));
    // the split of the kept messages has no near-duplicate pair across parts (checked exhaustively)
    const sp = splitDocs(d.docs, 1), parts = [sp.train, sp.val, sp.test].map((p) => p.map((x) => shingles(x.tokens)));
    let worst = 0;
    for (let a = 0; a < 3; a++) for (let b = a + 1; b < 3; b++) for (const x of parts[a]) for (const y of parts[b]) worst = Math.max(worst, jaccard(x, y));
    expect(worst).toBeLessThan(0.8);
    // without removal the same split would put copies on both sides
    const raw = splitDocs(mixed, 1), ids = (p: SpamDoc[]) => new Set(p.map((x) => root(x.id)));
    const trainIds = ids(raw.train);
    expect([...raw.test, ...raw.val].filter((x) => trainIds.has(root(x.id))).length).toBeGreaterThan(0);
  });
  it('shingles and Jaccard on hand data', () => {
    const a = shingles('a b c d e f'.split(' ')), b = shingles('a b c d e g'.split(' '));
    expect([a.size, b.size]).toEqual([2, 2]);
    expect(jaccard(a, b)).toBeCloseTo(1 / 3, 12);
    expect(shingles(['x', 'y']).size).toBe(1);
  });
  it('logistic regression separates a toy where one word decides', () => {
    const docs: SpamDoc[] = Array.from({ length: 40 }, (_, i) => ({ id: String(i), label: i % 2 ? 1 : 0, tokens: i % 2 ? ['buy', 'now'] : ['meeting', 'now'] }));
    const vocab = WordVocab.fit(docs, 10), m = BowLogReg.fit(docs, vocab, [1, 1]);
    expect(m.prob({ id: 'a', label: 1, tokens: ['buy'] }, vocab)).toBeGreaterThan(0.9);
    expect(m.prob({ id: 'b', label: 0, tokens: ['meeting'] }, vocab)).toBeLessThan(0.1);
  });
});

// Skipped on the reference (js) kernels: training takes minutes there; the kernels are compared on both backends elsewhere.
describe.skipIf(process.env.GATED_BACKEND === 'js')('spam quick pipeline on SpamAssassin', () => {
  it('(--quick settings) the GRU classifier beats the majority class; the baseline is reported on the same test set', () => {
    const split = splitDocs(spamDocs(spamAssassin(), quickSpamOptions.maxTokens!), 1);
    const t = trainSpam(split, quickSpamOptions);
    const test = split.test.slice(0, 250);
    const r = testSpam(t.model, t.baseline, t.vocab, test);
    const majority = test.filter((d) => d.label === 0).length / test.length;
    expect(r.model.accuracy).toBeGreaterThan(majority + 0.1);
    expect(r.model.f1).toBeGreaterThan(0.7);
    for (const m of [r.model, r.baseline]) { expect(m.rocAuc).toBeGreaterThan(0.8); expect(m.prAuc).toBeGreaterThan(0.6); expect(m.rocAuc).toBeLessThanOrEqual(1); }
    expect(r.baseline.count).toBe(250);
    // single-document probabilities agree with the batched evaluation's decisions
    const p = spamProbs(t.model, test.slice(0, 20), t.vocab);
    expect(p.every((x) => x >= 0 && x <= 1)).toBe(true);
  }, 120_000);
});
