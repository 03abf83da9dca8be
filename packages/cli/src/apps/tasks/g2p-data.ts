// G2P data: CMUdict entries → (letters, ARPAbet phonemes) pairs with a seeded 90/5/5 split of words, the two
// vocabularies, length-bucketed batches, and the trivial baseline (each letter → its most frequent phoneme).
//
// Cleaning (documented in docs/tasks.md): words of letters A–Z and apostrophes only; the first pronunciation of a
// word is the training target, its alternates 'WORD(1)' … are kept as further references for scoring; stress digits
// removed (AH0/AH1/AH2 → AH: the usual 39-phoneme set).
import { GatedError, Rng, shuffle, padTokens, type TokenBatch } from 'gated';

/** A word, its first pronunciation (the training target) and the dictionary's other pronunciations, if any. */
export interface G2PEntry { word: string; phones: string[]; alts?: string[][] }

/** Every acceptable pronunciation of an entry, the first one first (what multi-reference scoring compares against). */
export const references = (e: G2PEntry): string[][] => (e.alts ? [e.phones, ...e.alts] : [e.phones]);
/** A split of the words; `seed` is the shuffle's (the committed lists in data/g2p/ are seed G2P_SPLIT_SEED's). */
export interface G2PSplit { train: G2PEntry[]; val: G2PEntry[]; test: G2PEntry[]; seed: number }

/** The seed of the split every G2P run uses (docs/tasks.md; its validation and test word lists are committed): a
 * training seed changes the initial weights, the batch order and dropout, never the words. */
export const G2P_SPLIT_SEED = 1;

/** Cleans a CMUdict record (see the file header). */
export function cleanCmudict(dict: Record<string, string>): G2PEntry[] {
  // One string per phoneme symbol, shared by every entry: ~120k words hold ~850k phonemes, and a training run's full
  // garbage collections (triggered by the tensors' memory) mark every live object, so fewer objects make them cheap.
  const symbols = new Map<string, string>();
  const intern = (p: string): string => { const s = symbols.get(p); if (s !== undefined) return s; symbols.set(p, p); return p; };
  const out: G2PEntry[] = [], byWord = new Map<string, G2PEntry>();
  const phones = (pron: string): string[] => pron.trim().split(/\s+/).map((p) => intern(p.replace(/[0-9]/g, '')));
  for (const [key, pron] of Object.entries(dict)) {
    if (!/^[A-Z][A-Z']*$/.test(key)) continue;            // alternates 'WORD(1)', abbreviations, punctuation entries
    const e: G2PEntry = { word: key, phones: phones(pron) };
    out.push(e); byWord.set(key, e);
  }
  // alternates in their numbered order; one that equals a pronunciation already listed (after stress removal) is dropped
  const alts = Object.entries(dict).map(([key, pron]) => ({ m: /^([A-Z][A-Z']*)\((\d+)\)$/.exec(key), pron })).filter((a) => a.m && byWord.has(a.m[1]))
    .sort((a, b) => (a.m![1] < b.m![1] ? -1 : a.m![1] > b.m![1] ? 1 : Number(a.m![2]) - Number(b.m![2])));
  for (const { m, pron } of alts) {
    const e = byWord.get(m![1])!, p = phones(pron);
    if (references(e).some((r) => r.join(' ') === p.join(' '))) continue;
    (e.alts ??= []).push(p);
  }
  return out;
}

/** Seeded split of words: `fractions` of validation and test (default 5% each), the rest training. */
export function splitEntries(entries: readonly G2PEntry[], seed = G2P_SPLIT_SEED, valFraction = 0.05, testFraction = 0.05): G2PSplit {
  const sorted = [...entries].sort((a, b) => (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  const all = shuffle(sorted, new Rng(seed));
  const nVal = Math.round(all.length * valFraction), nTest = Math.round(all.length * testFraction);
  return { test: all.slice(0, nTest), val: all.slice(nTest, nTest + nVal), train: all.slice(nTest + nVal), seed };
}

/** Symbols ↔ ids; id 0 is reserved (padding for letters, the start symbol for phonemes). */
export class SymbolVocab {
  private readonly index = new Map<string, number>();
  constructor(readonly symbols: readonly string[]) { symbols.forEach((s, i) => this.index.set(s, i)); }
  get size(): number { return this.symbols.length; }
  id(s: string): number {
    const i = this.index.get(s);
    if (i === undefined) throw new GatedError('INVALID_ARGUMENT', `unknown symbol '${s}' (known: ${this.symbols.slice(2).join(' ')})`);
    return i;
  }
  encode(xs: readonly string[]): number[] { return xs.map((s) => this.id(s)); }
  decode(ids: readonly number[]): string[] { return ids.map((i) => this.symbols[i]); }
}

export const BOS = 0, EOS = 1;

/** Letters: '<pad>' then the letters seen; phonemes: '<s>', '</s>', then the phonemes seen (sorted). */
export function buildVocabs(entries: readonly G2PEntry[]): { letters: SymbolVocab; phonemes: SymbolVocab } {
  const ls = new Set<string>(), ps = new Set<string>();
  for (const e of entries) { for (const c of e.word) ls.add(c); for (const p of e.phones) ps.add(p); }
  return { letters: new SymbolVocab(['<pad>', ...[...ls].sort()]), phonemes: new SymbolVocab(['<s>', '</s>', ...[...ps].sort()]) };
}

export interface G2PBatch { src: TokenBatch; tgt: TokenBatch }

/** Letters of a word as ids (unknown letters are an error naming them). */
export const encodeWord = (letters: SymbolVocab, word: string): number[] => letters.encode([...word.toUpperCase()]);

/**
 * Words and pronunciations as symbol ids in four flat arrays: word i's letters are letters[letterStart[i] ..
 * letterStart[i + 1]), its phonemes phones[phoneStart[i] .. phoneStart[i + 1]). A training set held this way is four
 * objects instead of ~4 per word, so the garbage collections a training run triggers have little to mark.
 */
export interface EncodedWords { size: number; letters: Int32Array; letterStart: Int32Array; phones: Int32Array; phoneStart: Int32Array }

export function encodeEntries(entries: readonly G2PEntry[], letters: SymbolVocab, phonemes: SymbolVocab): EncodedWords {
  const size = entries.length, letterStart = new Int32Array(size + 1), phoneStart = new Int32Array(size + 1);
  entries.forEach((e, i) => { letterStart[i + 1] = letterStart[i] + e.word.length; phoneStart[i + 1] = phoneStart[i] + e.phones.length; });
  const ls = new Int32Array(letterStart[size]), ps = new Int32Array(phoneStart[size]);
  entries.forEach((e, i) => { ls.set(encodeWord(letters, e.word), letterStart[i]); ps.set(phonemes.encode(e.phones), phoneStart[i]); });
  return { size, letters: ls, letterStart, phones: ps, phoneStart };
}

/**
 * Batches of about `size` words of similar length (less padding): with `rng`, words are shuffled, sorted by length
 * within pools of 50 batches, and the batches shuffled; without it, sorted by length once (evaluation).
 */
export function g2pBatches(words: EncodedWords, size: number, rng?: Rng): G2PBatch[] {
  const { letters, letterStart: ls, phones, phoneStart: ps } = words;
  const byLen = (a: number, b: number): number => (ls[a + 1] - ls[a]) - (ls[b + 1] - ls[b]) || (ps[a + 1] - ps[a]) - (ps[b + 1] - ps[b]);
  const all = Array.from({ length: words.size }, (_, i) => i);
  let order: number[];
  if (rng) {
    const s = shuffle(all, rng), pool = size * 50;
    order = [];
    for (let i = 0; i < s.length; i += pool) order.push(...s.slice(i, i + pool).sort(byLen));
  } else order = all.sort(byLen);
  const batches: G2PBatch[] = [];
  for (let i = 0; i < order.length; i += size) {
    const part = order.slice(i, i + size);
    batches.push({ src: padTokens(part.map((w) => letters.subarray(ls[w], ls[w + 1]))), tgt: padTokens(part.map((w) => phones.subarray(ps[w], ps[w + 1]))) });
  }
  return rng ? shuffle(batches, rng) : batches;
}

/**
 * The trivial baseline: learned from training words whose letter and phoneme counts are equal (read as a 1:1
 * alignment), each letter maps to its most frequent phoneme; a word's pronunciation is its letters mapped in order.
 */
export class LetterBaseline {
  constructor(readonly table: Record<string, string>) {}
  static fit(train: readonly G2PEntry[]): LetterBaseline {
    const counts = new Map<string, Map<string, number>>();
    for (const e of train) {
      if (e.word.length !== e.phones.length) continue;
      [...e.word].forEach((c, i) => {
        const m = counts.get(c) ?? new Map<string, number>();
        m.set(e.phones[i], (m.get(e.phones[i]) ?? 0) + 1);
        counts.set(c, m);
      });
    }
    const table: Record<string, string> = {};
    for (const [c, m] of [...counts].sort()) table[c] = [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    return new LetterBaseline(table);
  }
  predict(word: string): string[] { return [...word.toUpperCase()].flatMap((c) => (this.table[c] ? [this.table[c]] : [])); }
}
