// Many-to-one sequence classification: Embedding → GRU/LSTM/RNN (optionally bidirectional) over a padded
// batch with lengths (packed semantics: padding never reaches the state) → pooling over time → Linear to class logits.
// Pooling: mean or max over the valid outputs, or last = the final state of each direction (top layer).
//
// Glossary: B batch, T time (padded), E embedding, H hidden, D directions, C classes.
import { concat, reshape, slice } from '../tensor/ops.js';
import type { Tensor } from '../tensor/tensor.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { GRU } from './gru.js';
import { Linear } from './linear.js';
import { LSTM } from './lstm.js';
import { Module } from './module.js';
import { poolTime, type PoolMode } from './pooling.js';
import { RNN } from './rnn.js';
import type { CellKind } from './seq2seq.js';

export interface SequenceClassifierOptions {
  vocabSize: number; embed: number; hidden: number; classes: number;
  layers?: number; cell?: CellKind; bidirectional?: boolean; pool?: PoolMode;
  /** Dropout on the embeddings and on the pooled vector (training mode only). */
  dropout?: number;
}

export class SequenceClassifier extends Module {
  readonly embed: Embedding;
  readonly rnn: GRU | LSTM | RNN;
  readonly drop: Dropout;
  readonly head: Linear;
  readonly pool: PoolMode;
  constructor(readonly options: SequenceClassifierOptions) {
    super();
    const o = options, D = o.bidirectional ? 2 : 1;
    this.embed = new Embedding(o.vocabSize, o.embed, { paddingIdx: 0 });
    const ro = { inputSize: o.embed, hiddenSize: o.hidden, numLayers: o.layers ?? 1, bidirectional: o.bidirectional ?? false, batchFirst: true };
    const cell = o.cell ?? 'gru';
    this.rnn = cell === 'gru' ? new GRU(ro) : cell === 'lstm' ? new LSTM(ro) : new RNN(ro);
    this.drop = new Dropout(o.dropout ?? 0);
    this.head = new Linear(D * o.hidden, o.classes);
    this.pool = o.pool ?? 'mean';
  }

  /** ids [B·T] batch-first (0 = padding), lengths [B] → logits [B, C]. */
  forward(ids: Int32Array, B: number, T: number, lengths: Int32Array): Tensor {
    const x = this.drop.forward(this.embed.forward(ids, [B, T]));                   // [B, T, E]
    const { output, h } = this.rnn.forward(x, { lengths });                         // [B, T, D·H], [L·D, B, H]
    let pooled: Tensor;
    if (this.pool === 'last') {
      const D = this.rnn.bidirectional ? 2 : 1, L = this.rnn.numLayers, H = this.rnn.hiddenSize;
      const dirs = Array.from({ length: D }, (_, d) => reshape(slice(h, 0, (L - 1) * D + d, (L - 1) * D + d + 1), [B, H]));
      pooled = D === 1 ? dirs[0] : concat(dirs, 1);
    } else pooled = poolTime(output, lengths, this.pool);
    return this.head.forward(this.drop.forward(pooled));
  }
}
