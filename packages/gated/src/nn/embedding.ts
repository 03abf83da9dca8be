// Embedding: a lookup table of row vectors indexed by integers, like torch.nn.Embedding (weight ~ N(0, 1)).
// One autograd node: forward gathers rows, backward scatter-adds the output gradient into them (repeated indices add up);
// the paddingIdx row is zero at initialisation and never receives a gradient, as in PyTorch.
//
// Dimensions: N table size (numEmbeddings), D embedding size, S the indices' shape (K = its element count).
import { check, checkOptions, fmtShape } from '../errors.js';
import { Tensor, record, sizeOf, type Shape } from '../tensor/tensor.js';
import { isCount, normalInit } from './init.js';
import { Module } from './module.js';

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  /** Row that stays a fixed (zero-initialised) padding vector: output as usual, no gradient. Negative counts from the end. */
  paddingIdx?: number;
}

/** Integer indices for {@link Embedding.forward}: an `Int32Array`, a `number[]`, or an integer (or integral float) tensor. */
export type EmbeddingIndices = Int32Array | readonly number[] | Tensor;

/**
 * A lookup table of N vectors of size D, like `torch.nn.Embedding`: `weight` `[N, D]` ~ N(0, 1), indexed by integers.
 * The `paddingIdx` row starts at zero and never receives a gradient; repeated indices add their gradients.
 *
 * Shape: indices of any shape S (integers in [0, N)) → output `[...S, D]`.
 *
 * @throws ArgumentError for sizes that are not integers ≥ 0, an out-of-range `paddingIdx` or, from `forward`, an
 * index outside [0, N); ShapeError when `shape` does not match the number of indices.
 *
 * @example
 * ```ts
 * import { Embedding } from 'gated';
 * const embed = new Embedding(10, 3, { paddingIdx: 0 });
 * const x = embed.forward([1, 2, 4, 5, 4, 3, 2, 9], [2, 4]);   // [2, 4, 3]
 * ```
 */
export class Embedding extends Module {
  /** N: the number of rows (the vocabulary size). */
  readonly numEmbeddings: number;
  /** D: the size of each row. */
  readonly embeddingDim: number;
  /** Normalised to [0, N), or null. */
  readonly paddingIdx: number | null;
  /** `[N, D]` ~ N(0, 1), the padding row zero. */
  readonly weight: Tensor; // [N, D]

  constructor(numEmbeddings: number, embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    checkOptions('Embedding', opts, ['paddingIdx']);
    check(isCount(numEmbeddings, 0) && isCount(embeddingDim, 0), 'INVALID_ARGUMENT',
      () => `Embedding: numEmbeddings and embeddingDim must be integers ≥ 0, got ${numEmbeddings}, ${embeddingDim}`);
    const N = numEmbeddings, p = opts.paddingIdx;
    check(p === undefined || (Number.isInteger(p) && p >= -N && p < N), 'INVALID_ARGUMENT',
      () => `Embedding: paddingIdx must be an integer in [${-N}, ${N}), got ${p}`);
    this.numEmbeddings = N; this.embeddingDim = embeddingDim;
    this.paddingIdx = p === undefined ? null : p < 0 ? p + N : p;
    const w = normalInit([N, embeddingDim]);
    if (this.paddingIdx !== null) w.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
    this.weight = this.param('weight', w);
  }

  /**
   * indices (any shape S; integer tensors, Int32Array or number[]) → [...S, D]. `shape` gives S for flat arrays
   * (default [K]); for a Tensor it defaults to the tensor's shape.
   */
  forward(indices: EmbeddingIndices, shape?: Shape): Tensor {
    const N = this.numEmbeddings, D = this.embeddingDim, W = this.weight;
    const idx = readIndices(indices);
    const S = shape ? [...shape] : indices instanceof Tensor ? indices.shape : [idx.length];
    check(sizeOf(S) === idx.length && S.every((d) => Number.isInteger(d) && d >= 0), 'SHAPE_MISMATCH',
      () => `Embedding.forward: ${idx.length} indices do not fill shape ${fmtShape(S)}`);
    const y = new Float32Array(idx.length * D); // [K, D]
    for (let k = 0; k < idx.length; k++) {
      const r = idx[k];
      check(Number.isInteger(r) && r >= 0 && r < N, 'INVALID_ARGUMENT',
        () => `Embedding.forward: index ${r} (at flat position ${k}) is out of range: expected an integer in [0, ${N})`);
      y.set(W.data.subarray(r * D, (r + 1) * D), k * D);
    }
    return record({
      name: 'embedding', inputs: [W], numOutputs: 1,
      backward: ([dy]) => [embeddingBackward(idx, N, D, this.paddingIdx, dy)],
    }, [new Tensor(y, [...S, D])])[0];
  }
}

/** dW [N, D]: row idx[k] += dy[k] for every k, except the padding row. */
function embeddingBackward(idx: ArrayLike<number>, N: number, D: number, paddingIdx: number | null, dy: Float32Array): Float32Array {
  const dW = new Float32Array(N * D);
  for (let k = 0; k < idx.length; k++) {
    const r = idx[k];
    if (r === paddingIdx) continue;
    for (let j = 0, o = r * D, i = k * D; j < D; j++) dW[o + j] += dy[i + j];
  }
  return dW;
}

/** The indices as plain numbers (a private copy, so later edits of the caller's array cannot change the backward). */
function readIndices(indices: EmbeddingIndices): Float64Array {
  if (indices instanceof Tensor) {
    const src = indices.intData ?? indices.data;
    return Float64Array.from(src as ArrayLike<number | bigint>, Number);
  }
  check(indices instanceof Int32Array || Array.isArray(indices), 'INVALID_ARGUMENT',
    () => `Embedding.forward: indices must be an Int32Array, a number[] or a Tensor, got ${Object.prototype.toString.call(indices)}`);
  return Float64Array.from(indices);
}
