// Many-to-one sequence classification: Embedding (token ids) or numeric features → GRU/LSTM/RNN (optionally
// bidirectional) over a padded batch with lengths (packed semantics: padding never reaches the state) → pooling over
// time → Linear to class logits.
// Pooling: mean or max over the valid outputs, or last = the final state of each direction (top layer).
//
// Glossary: B batch, T time (padded), E embedding, F features, H hidden, D directions, C classes.
import { concat, reshape, slice } from '../tensor/ops.js';
import { GatedError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { GRU } from './gru.js';
import { Linear } from './linear.js';
import { LSTM } from './lstm.js';
import { Module } from './module.js';
import { poolTime, type PoolMode } from './pooling.js';
import { RNN } from './rnn.js';
import type { CellKind } from './seq2seq.js';

/**
 * Either token ids (`vocabSize` and `embed`: an Embedding with padding id 0 feeds the recurrent layer) or numeric
 * features (`inputSize`: the `[B, T, F]` input feeds it directly).
 * Names and defaults: `hidden` H and `classes` C are required; `layers` 1, `cell` `'gru'`, `bidirectional` false,
 * `pool` `'mean'`, `dropout` 0.
 * @property hidden - H: the recurrent layer's hidden size.
 * @property classes - C: the number of classes (logits per sequence).
 * @property layers - stacked recurrent layers (default 1).
 * @property cell - `'gru'` (default), `'lstm'` or `'rnn'`.
 * @property bidirectional - whether the recurrent layer runs both ways (default false).
 * @property pool - how outputs become one vector: `'mean'` (default), `'max'` or `'last'` (the final state of each direction of the top layer); see {@link poolTime}.
 * @property embed - E: the embedding width (with `vocabSize`).
 */
export interface SequenceClassifierOptions {
  /** Token ids: vocabulary size (id 0 is padding) and embedding width E. */
  vocabSize?: number; embed?: number;
  /** Numeric sequences: features per step F. */
  inputSize?: number;
  hidden: number; classes: number;
  layers?: number; cell?: CellKind; bidirectional?: boolean; pool?: PoolMode;
  /** Dropout on the embeddings and on the pooled vector (training mode only). */
  dropout?: number;
}

/**
 * A many-to-one classifier: a recurrent layer over each sequence, pooled over time, then a Linear layer to logits.
 * @example
 * const model = new SequenceClassifier({ inputSize: 3, hidden: 32, classes: 2 });
 * const logits = model.forward(x, lengths);            // x [B, T, 3] → [B, 2]
 * @example
 * const text = new SequenceClassifier({ vocabSize: 5000, embed: 64, hidden: 64, classes: 2, pool: 'max' });
 * const logitsOfIds = text.forward(ids, B, T, lengths);  // ids [B·T] batch-first, 0 = padding → [B, 2]
 * Like PyTorch's usual recipe: [Embedding (padding id 0) →] GRU / LSTM / RNN (batch-first, with lengths, so
 * padding never reaches the state) → pooling over time → Dropout → Linear. Train it with {@link crossEntropy} on
 * the logits. Child modules (and parameter prefixes): `embed` (token ids only), `rnn`, `drop`, `head`.
 *
 * Shape: numeric `x` `[B, T, F]` or token `ids` `[B·T]` batch-first, `lengths` `[B]` → logits `[B, C]`.
 * @throws ArgumentError when the options give both or neither of (vocabSize, embed) and inputSize, or `forward`
 * gets the other kind of input.
 */
export class SequenceClassifier extends Module {
  /** Token embedding `[vocabSize, embed]` (padding row 0), or null for numeric features. */
  readonly embed: Embedding | null;
  /** The recurrent layer (batch-first). */
  readonly rnn: GRU | LSTM | RNN;
  /** Dropout on the embeddings (or features) and the pooled vector. */
  readonly drop: Dropout;
  /** `[D·hidden] → [classes]`. */
  readonly head: Linear;
  /** The pooling mode (default `'mean'`). */
  readonly pool: PoolMode;
  /** @param options - the model's options, kept as given. */
  constructor(readonly options: SequenceClassifierOptions) {
    super();
    const o = options, D = o.bidirectional ? 2 : 1;
    const tokens = o.vocabSize !== undefined || o.embed !== undefined;
    if (tokens === (o.inputSize !== undefined) || (tokens && (o.vocabSize === undefined || o.embed === undefined))) {
      throw new GatedError('INVALID_ARGUMENT', 'SequenceClassifier: give either vocabSize and embed (token ids) or inputSize (numeric features), '
        + `got ${JSON.stringify({ vocabSize: o.vocabSize, embed: o.embed, inputSize: o.inputSize })}`);
    }
    this.embed = tokens ? new Embedding(o.vocabSize!, o.embed!, { paddingIdx: 0 }) : null;
    const ro = { inputSize: tokens ? o.embed! : o.inputSize!, hiddenSize: o.hidden, numLayers: o.layers ?? 1, bidirectional: o.bidirectional ?? false, batchFirst: true };
    const cell = o.cell ?? 'gru';
    this.rnn = cell === 'gru' ? new GRU(ro) : cell === 'lstm' ? new LSTM(ro) : new RNN(ro);
    this.drop = new Dropout(o.dropout ?? 0);
    this.head = new Linear(D * o.hidden, o.classes);
    this.pool = o.pool ?? 'mean';
  }

  /** Numeric features: x [B, T, F] batch-first, lengths [B] (default: all T) → logits [B, C]. */
  forward(x: Tensor, lengths?: ArrayLike<number>): Tensor;
  /** Token ids: ids [B·T] batch-first (0 = padding), lengths [B] → logits [B, C]. */
  forward(ids: Int32Array, B: number, T: number, lengths: Int32Array): Tensor;
  forward(input: Tensor | Int32Array, a?: ArrayLike<number> | number, T?: number, idLengths?: Int32Array): Tensor {
    let x: Tensor, lengths: ArrayLike<number> | undefined, B: number;   // x [B, T, E or F]
    if (input instanceof Tensor) {
      if (this.embed) throw new GatedError('INVALID_ARGUMENT', 'SequenceClassifier.forward: this model embeds token ids (vocabSize/embed); call forward(ids, B, T, lengths)');
      x = this.drop.forward(input); lengths = a as ArrayLike<number> | undefined; B = input.shape[0];   // [B, T, F]
    } else {
      if (!this.embed) throw new GatedError('INVALID_ARGUMENT', 'SequenceClassifier.forward: this model reads numeric features (inputSize); call forward(x [B, T, F], lengths)');
      B = a as number;
      x = this.drop.forward(this.embed.forward(input, [B, T!])); lengths = idLengths;  // [B, T, E]
    }
    const { output, h } = this.rnn.forward(x, { lengths: lengths ?? null }); // [B, T, D·H], [L·D, B, H]
    let pooled: Tensor;
    if (this.pool === 'last') {
      const D = this.rnn.bidirectional ? 2 : 1, L = this.rnn.numLayers, H = this.rnn.hiddenSize;
      const dirs = Array.from({ length: D }, (_, d) => reshape(slice(h, 0, (L - 1) * D + d, (L - 1) * D + d + 1), [B, H]));
      pooled = D === 1 ? dirs[0] : concat(dirs, 1);
    } else pooled = poolTime(output, lengths ?? null, this.pool);
    return this.head.forward(this.drop.forward(pooled));
  }
}
