// Spam data: SpamAssassin messages → word tokens of the subject and body (headers dropped, HTML tags and
// quoted-printable soft breaks removed, lower-cased, numbers → <num>) or the characters of that same cleaned text, a
// seeded stratified 80/10/10 split, frequency-capped vocabularies, and length-bucketed batches for the recurrent classifier.
import { GatedError, Rng, shuffle } from 'gated';

/** One message: its word tokens, and its characters (code points) when the documents were made for the character level. */
export interface SpamDoc { tokens: string[]; label: 0 | 1; id: string; chars?: string[] }
export interface SpamSplit { train: SpamDoc[]; val: SpamDoc[]; test: SpamDoc[] }

/**
 * The text both tokenizers read: the Subject header line, then the body, with quoted-printable soft breaks and escapes,
 * HTML tags and entities replaced, lower-cased (so case is not information for either level).
 */
export function cleanMessage(raw: string): string {
  const cut = raw.search(/\r?\n\r?\n/);
  const head = cut >= 0 ? raw.slice(0, cut) : '', body = cut >= 0 ? raw.slice(cut) : raw;
  const subject = /^subject:(.*)$/im.exec(head)?.[1] ?? '';
  return `${subject}\n${body}`
    .replace(/=\r?\n/g, '')                       // quoted-printable soft line breaks
    .replace(/=([0-9A-F]{2})/g, ' ')              // quoted-printable escapes
    .replace(/<[^>]*>/g, ' ')                     // HTML tags
    .replace(/&[a-z]+;|&#\d+;/gi, ' ')            // HTML entities
    .toLowerCase();
}

/** Word tokens of one raw message (the first `maxTokens`): its Subject header line, then the body. */
export function tokenizeMessage(raw: string, maxTokens: number): string[] {
  const out: string[] = [];
  for (const m of cleanMessage(raw).matchAll(/[a-z][a-z']*|\d+|[$!]/g)) {
    out.push(/^\d/.test(m[0]) ? '<num>' : m[0]);
    if (out.length >= maxTokens) break;
  }
  return out;
}

/**
 * Characters of one raw message: the first `maxChars` code points of cleanMessage's text with each run of whitespace
 * (spaces, line breaks, the gaps removed tags leave) made one space and the ends trimmed, so that the budget holds text.
 */
export function messageChars(raw: string, maxChars: number): string[] {
  const out: string[] = [];
  for (const c of cleanMessage(raw).replace(/\s+/g, ' ').trim()) {
    if (out.length >= maxChars) break;
    out.push(c);
  }
  return out;
}

/** What near-duplicate removal did: the documents kept (first of each cluster, input order) and what went. */
export interface Dedup { docs: SpamDoc[]; removed: number; clusters: number; mixedLabels: number; threshold: number }

const fnv = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

/** Hashed k-token shingles of a document (one shingle of all its tokens when it has fewer than k). */
export function shingles(tokens: readonly string[], k = 5): Set<number> {
  const out = new Set<number>();
  if (tokens.length <= k) { out.add(fnv(tokens.join(' '))); return out; }
  for (let i = 0; i + k <= tokens.length; i++) out.add(fnv(tokens.slice(i, i + k).join(' ')));
  return out;
}

export function jaccard(a: ReadonlySet<number>, b: ReadonlySet<number>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter || 1);
}

/**
 * Near-duplicate removal, to run before splitting so that no copy of a training message is in validation or test:
 * documents whose 5-token shingle sets have Jaccard similarity ≥ `threshold` are one cluster (transitively), and only
 * the cluster's first document is kept. Candidates come from MinHash with locality-sensitive hashing (64 hashes in
 * 16 bands of 4: a pair at Jaccard 0.8 is a candidate with probability 0.9998); each candidate pair is then checked
 * exactly. Clusters holding both labels are counted (`mixedLabels`) and keep their first document too.
 */
export function dedupeDocs(docs: readonly SpamDoc[], threshold = 0.8): Dedup {
  const sh = docs.map((d) => shingles(d.tokens)), H = 64, R = 4;
  const parent = docs.map((_, i) => i);
  const find = (i: number): number => { while (parent[i] !== i) { parent[i] = parent[parent[i]]; i = parent[i]; } return i; };
  const buckets = new Map<string, number[]>();
  sh.forEach((set, i) => {
    const mins = new Uint32Array(H).fill(0xffffffff);
    for (const x of set) {
      for (let j = 0; j < H; j++) {
        let h = Math.imul(x ^ Math.imul(j + 1, 0x9e3779b1), 0x85ebca6b);
        h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
        if (h >>> 0 < mins[j]) mins[j] = h >>> 0;
      }
    }
    for (let b = 0; b < H / R; b++) {
      const key = `${b}:${Array.from(mins.subarray(b * R, b * R + R)).join(',')}`;
      const l = buckets.get(key);
      if (l) l.push(i); else buckets.set(key, [i]);
    }
  });
  const checked = new Set<string>();
  for (const members of buckets.values()) {
    for (let a = 0; a < members.length; a++) for (let b = a + 1; b < members.length; b++) {
      const i = members[a], j = members[b], key = `${i},${j}`;
      if (checked.has(key) || find(i) === find(j)) continue;
      checked.add(key);
      if (jaccard(sh[i], sh[j]) >= threshold) { const ri = find(i), rj = find(j); parent[Math.max(ri, rj)] = Math.min(ri, rj); }
    }
  }
  const byRoot = new Map<number, number[]>();
  docs.forEach((_, i) => { const r = find(i); const l = byRoot.get(r); if (l) l.push(i); else byRoot.set(r, [i]); });
  let mixedLabels = 0, clusters = 0;
  for (const m of byRoot.values()) if (m.length > 1) { clusters++; if (new Set(m.map((i) => docs[i].label)).size > 1) mixedLabels++; }
  const kept = [...byRoot.values()].map((m) => m[0]).sort((a, b) => a - b).map((i) => docs[i]);
  return { docs: kept, removed: docs.length - kept.length, clusters, mixedLabels, threshold };
}

/** Seeded split keeping the spam share equal in every part (80/10/10 by default). */
export function splitDocs(docs: readonly SpamDoc[], seed: number, valFraction = 0.1, testFraction = 0.1): SpamSplit {
  const rng = new Rng(seed), out: SpamSplit = { train: [], val: [], test: [] };
  for (const label of [0, 1] as const) {
    const part = shuffle(docs.filter((d) => d.label === label), rng);
    const nTest = Math.round(part.length * testFraction), nVal = Math.round(part.length * valFraction);
    out.test.push(...part.slice(0, nTest)); out.val.push(...part.slice(nTest, nTest + nVal)); out.train.push(...part.slice(nTest + nVal));
  }
  return { train: shuffle(out.train, rng), val: shuffle(out.val, rng), test: shuffle(out.test, rng) };
}

/** The `n` items in the most lists (each list counted once per item; at least 2 lists; ties by item). */
function mostFrequent(lists: Iterable<readonly string[]>, n: number): string[] {
  const df = new Map<string, number>();
  for (const l of lists) for (const w of new Set(l)) df.set(w, (df.get(w) ?? 0) + 1);
  return [...df].filter(([, k]) => k >= 2).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, Math.max(0, n)).map(([w]) => w);
}

/** Word ids: 0 padding, 1 unknown, then the `size` − 2 words in the most training documents (at least 2; ties by word). */
export class WordVocab {
  private readonly index = new Map<string, number>();
  constructor(readonly words: readonly string[]) { words.forEach((w, i) => this.index.set(w, i)); }
  static fit(docs: readonly SpamDoc[], size: number): WordVocab { return new WordVocab(['<pad>', '<unk>', ...mostFrequent(docs.map((d) => d.tokens), size - 2)]); }
  get size(): number { return this.words.length; }
  encode(tokens: readonly string[]): number[] { return tokens.map((t) => this.index.get(t) ?? 1); }
  /** The classifier's input ids of a document: its word ids (a document without tokens becomes one <unk>). */
  ids(d: SpamDoc): number[] { return d.tokens.length ? this.encode(d.tokens) : [1]; }
}

/**
 * Character ids for the character-level classifier: 0 padding, 1 unknown, then the `size` − 2 characters in the most
 * training documents (at least 2; ties by character); any other character, rare or unseen in training, is unknown.
 */
export class CharVocab extends WordVocab {
  static override fit(docs: readonly SpamDoc[], size: number): CharVocab { return new CharVocab(['<pad>', '<unk>', ...mostFrequent(docs.map(docChars), size - 2)]); }
  /** The classifier's input ids of a document: its character ids (a document without characters becomes one <unk>). */
  override ids(d: SpamDoc): number[] { const c = docChars(d); return c.length ? this.encode(c) : [1]; }
}

function docChars(d: SpamDoc): string[] {
  if (!d.chars) throw new GatedError('INVALID_ARGUMENT', `spam: document ${d.id} has no characters (make the documents with spamDocs(…, maxChars))`);
  return d.chars;
}

export interface SpamBatch { ids: Int32Array; lengths: Int32Array; B: number; T: number; labels: Int32Array }

/** Batches of documents of similar length, as ids of `vocab` (words, or characters for a CharVocab). */
export function spamBatches(docs: readonly SpamDoc[], vocab: WordVocab, size: number, rng?: Rng): SpamBatch[] {
  const enc = docs.map((d) => ({ ids: vocab.ids(d), label: d.label }));
  let order = enc;
  if (rng) {
    const s = shuffle([...enc], rng), pool = size * 20;
    order = [];
    for (let i = 0; i < s.length; i += pool) order.push(...s.slice(i, i + pool).sort((a, b) => a.ids.length - b.ids.length));
  } else order = [...enc].sort((a, b) => a.ids.length - b.ids.length);
  const out: SpamBatch[] = [];
  for (let i = 0; i < order.length; i += size) {
    const part = order.slice(i, i + size), B = part.length, T = Math.max(...part.map((p) => p.ids.length));
    const ids = new Int32Array(B * T);
    part.forEach((p, b) => ids.set(p.ids, b * T));
    out.push({ ids, lengths: Int32Array.from(part, (p) => p.ids.length), B, T, labels: Int32Array.from(part, (p) => p.label) });
  }
  return rng ? shuffle(out, rng) : out;
}
