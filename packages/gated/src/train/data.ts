// Character data for language models: a vocabulary, seeded splits and shuffles, and padded time-major batches
// with lengths. Id 0 is the boundary token: it starts every line as input and ends it as target. Also numeric
// sequences as padded batch-first tensors (featureBatches).
import { GatedError } from '../errors.js';
import type { Rng } from '../random.js';
import { Tensor } from '../tensor/tensor.js';

export const BOUNDARY = 0;
/** Target id of padded positions, skipped by the loss (PyTorch's ignore_index default). */
export const IGNORE = -100;

/** Characters (Unicode code points) ↔ ids; id 0 is the line boundary. */
export class CharVocab {
  /** The characters by id; `chars[0]` is `''`, the line boundary. */
  readonly chars: string[];
  private readonly index: Map<string, number>;

  constructor(chars: readonly string[]) {
    this.chars = ['', ...chars];
    this.index = new Map(chars.map((c, i) => [c, i + 1]));
    if (this.index.size !== chars.length) throw new GatedError('INVALID_ARGUMENT', 'CharVocab: characters must be distinct');
  }

  /** The sorted set of characters in `texts`. */
  static fromTexts(texts: Iterable<string>): CharVocab {
    const set = new Set<string>();
    for (const t of texts) for (const c of t) set.add(c);
    return new CharVocab([...set].sort());
  }

  /** The number of ids, the boundary included. */
  get size(): number { return this.chars.length; }

  /** Whether `c` has an id. */
  has(c: string): boolean { return this.index.has(c); }

  /** Ids of the characters of `text`; an unknown character is an error naming it and where it is. */
  encode(text: string): Int32Array {
    const cs = Array.from(text), out = new Int32Array(cs.length);
    cs.forEach((c, i) => {
      const id = this.index.get(c);
      if (id === undefined) throw new GatedError('INVALID_ARGUMENT', `character ${JSON.stringify(c)} at position ${i} is not in the model's vocabulary`);
      out[i] = id;
    });
    return out;
  }

  /** The text of `ids` (the boundary id decodes to nothing). */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) s += this.chars[ids[i]] ?? '';
    return s;
  }

  /** The characters without the boundary, for `config.json`; `new CharVocab(['', ...json])` restores the vocabulary. */
  toJSON(): string[] { return this.chars.slice(1); }
}

/** Fisher–Yates shuffle in place with a seeded generator. */
export function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/**
 * Seeded split: the first `valFraction` of a shuffled copy is validation.
 * @throws ArgumentError when valFraction is not in [0, 1).
 * @property train - the rest, in shuffled order.
 * @property val - the first `round(n · valFraction)` items of the shuffled copy.
 */
export function splitTrainVal<T>(items: readonly T[], valFraction: number, rng: Rng): { train: T[]; val: T[] } {
  if (!(valFraction >= 0 && valFraction < 1)) throw new GatedError('INVALID_ARGUMENT', `valFraction must be in [0, 1), got ${valFraction}`);
  const s = shuffle([...items], rng), nVal = Math.round(s.length * valFraction);
  return { train: s.slice(nVal), val: s.slice(0, nVal) };
}

/**
 * A padded batch, time-major: inputs/targets [T, B]; lengths per element.
 * @property T - the padded length (time steps).
 * @property B - the number of sequences.
 * @property inputs - `[T, B]` ids, time-major (0 past each length).
 * @property targets - `[T, B]` ids (−100, ignored by {@link crossEntropy}, past each length).
 * @property lengths - `[B]` lengths.
 */
export interface Batch {
  T: number;
  B: number;
  inputs: Int32Array;   // [T, B] ids (0 past the end)
  targets: Int32Array;  // [T, B] ids (IGNORE past the end)
  lengths: number[];    // [B]
}

/** Line → (input, target): input = boundary + chars, target = chars + boundary. */
export function lineToExample(ids: Int32Array): { input: Int32Array; target: Int32Array } {
  const input = new Int32Array(ids.length + 1), target = new Int32Array(ids.length + 1);
  input.set(ids, 1); target.set(ids, 0);
  input[0] = BOUNDARY; target[ids.length] = BOUNDARY;
  return { input, target };
}

/** Packs examples into one padded time-major batch. */
export function padBatch(examples: readonly { input: Int32Array; target: Int32Array }[]): Batch {
  const B = examples.length, T = Math.max(...examples.map((e) => e.input.length));
  const inputs = new Int32Array(T * B), targets = new Int32Array(T * B).fill(IGNORE);
  examples.forEach((e, b) => {
    for (let t = 0; t < e.input.length; t++) { inputs[t * B + b] = e.input[t]; targets[t * B + b] = e.target[t]; }
  });
  return { T, B, inputs, targets, lengths: examples.map((e) => e.input.length) };
}

/** Batches of `batchSize` lines (the last may be smaller), in a seeded random order when `rng` is given. */
export function lineBatches(lines: readonly Int32Array[], batchSize: number, rng?: Rng): Batch[] {
  const order = lines.map((_, i) => i);
  if (rng) shuffle(order, rng);
  const out: Batch[] = [];
  for (let i = 0; i < order.length; i += batchSize) out.push(padBatch(order.slice(i, i + batchSize).map((k) => lineToExample(lines[k]))));
  return out;
}

/**
 * A continuous stream cut into `B` parallel tracks, each read in chunks of `chunk` steps (truncated BPTT):
 * chunk k of track b covers stream positions b·W + k·chunk … (W = track width). The hidden state is carried
 * from chunk k to k+1 of the same track.
 */
export function streamChunks(ids: Int32Array, batchSize: number, chunk: number): Batch[] {
  const W = Math.floor((ids.length - 1) / batchSize);
  if (W < 1) throw new GatedError('INVALID_ARGUMENT', `stream of ${ids.length} characters is too short for batch size ${batchSize}`);
  const out: Batch[] = [];
  for (let s = 0; s < W; s += chunk) {
    const T = Math.min(chunk, W - s), B = batchSize;
    const inputs = new Int32Array(T * B), targets = new Int32Array(T * B);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
      inputs[t * B + b] = ids[b * W + s + t];
      targets[t * B + b] = ids[b * W + s + t + 1];
    }
    out.push({ T, B, inputs, targets, lengths: new Array<number>(B).fill(T) });
  }
  return out;
}

/** A batch of numeric sequences, batch-first and zero-padded (see {@link featureBatches}). */
export interface FeatureBatch {
  /** `[B, T, F]` inputs, zeros past each sequence's length (T = the longest in the batch). */
  x: Tensor;
  /** `[B]` targets (class indices or values), in the batch's order. */
  y: Float32Array;
  /** `[B]` sequence lengths, for a recurrent layer's `lengths` (packed semantics). */
  lengths: number[];
  /** `[B]` positions of the batch's sequences in the input. */
  indices: number[];
}

/**
 * Numeric sequences `[N][T_n][F]` (a sequence of feature vectors, or of plain numbers when F = 1) with one target
 * each → batches of `batchSize` (the last may be smaller) as padded batch-first tensors `x [B, T, F]`, in a seeded
 * random order when `rng` is given. The numeric counterpart of {@link lineBatches}.
 * @throws GatedError `INVALID_ARGUMENT` for unequal counts, an empty sequence, a feature size that varies, or a
 * non-finite value (naming the sequence and step).
 * @example
 * const batches = featureBatches([[0.1, 0.5], [0.3, 0.2, 0.9]], [1, 0], 2);   // x [2, 3, 1], lengths [2, 3]
 */
export function featureBatches(sequences: readonly (readonly (number | readonly number[])[])[], targets: ArrayLike<number>, batchSize: number, rng?: Rng): FeatureBatch[] {
  const bad = (msg: string): never => { throw new GatedError('INVALID_ARGUMENT', `featureBatches: ${msg}`); };
  if (sequences.length !== targets.length) bad(`${sequences.length} sequences for ${targets.length} targets`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) bad(`batchSize must be a whole number ≥ 1, got ${batchSize}`);
  const first = sequences[0]?.[0], F = typeof first === 'number' ? 1 : first?.length ?? 0;
  sequences.forEach((s, n) => {
    if (s.length === 0) bad(`sequence ${n} is empty`);
    s.forEach((v, t) => {
      const row = typeof v === 'number' ? [v] : v;
      if (row.length !== F) bad(`sequence ${n}, step ${t} has ${row.length} features, expected ${F} (as sequence 0, step 0)`);
      for (const x of row) if (!Number.isFinite(x)) bad(`sequence ${n}, step ${t} holds ${x}`);
    });
  });
  const order = sequences.map((_, i) => i);
  if (rng) shuffle(order, rng);
  const out: FeatureBatch[] = [];
  for (let i = 0; i < order.length; i += batchSize) {
    const indices = order.slice(i, i + batchSize), B = indices.length;
    const lengths = indices.map((k) => sequences[k].length), T = Math.max(...lengths);
    const x = new Float32Array(B * T * F);
    indices.forEach((k, b) => sequences[k].forEach((v, t) => x.set(typeof v === 'number' ? [v] : v, (b * T + t) * F)));
    out.push({ x: new Tensor(x, [B, T, F]), y: Float32Array.from(indices, (k) => targets[k]), lengths, indices });
  }
  return out;
}
