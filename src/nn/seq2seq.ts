// Sequence-to-sequence building blocks: an Encoder (Embedding → GRU/LSTM/RNN, optionally bidirectional) and a
// Decoder that steps a cell with one of three ways to read the source: the plain Cho et al. 2014 context vector
// (default: a fixed summary c fed at every step), Bahdanau (additive) attention on the previous state, or Luong
// (dot / general) attention on the new state with input feeding. Seq2Seq ties them and trains with teacher forcing;
// decoding (greedy, beam search) is in decode.ts. Batches are batch-first token ids with lengths.
//
//   encoder: h_1..h_S = RNN(E_x x_1..x_S);  c = [h→_S ; h←_1] (last layer);  s_0 = tanh(W_b c + b_b)
//   cho:      s_t = cell([E_y y_{t−1}; c], s_{t−1});            logits = W_o [s_t; c; E_y y_{t−1}] + b_o
//   bahdanau: c_t = attend(s_{t−1});  s_t = cell([E_y y_{t−1}; c_t], s_{t−1});  logits = W_o [s_t; c_t; E_y y_{t−1}] + b_o
//   luong:    s_t = cell([E_y y_{t−1}; h̃_{t−1}], s_{t−1});  c_t = attend(s_t);  h̃_t = tanh(W_c [c_t; s_t]);  logits = W_o h̃_t + b_o
//
// Glossary: B batch, S source length, T target length, E embedding, H hidden, M memory width (D·H_enc), V vocabulary.
import { check, fmtShape } from '../errors.js';
import { Rng } from '../random.js';
import { concat, reshape, slice, tanh } from '../tensor/ops.js';
import { Tensor } from '../tensor/tensor.js';
import { crossEntropy } from '../train/losses.js';
import { AdditiveAttention, LuongAttention, type Attention, type AttentionResult } from './attention.js';
import { GRUCell, LSTMCell, RNNCell } from './cells.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { GRU } from './gru.js';
import { Linear } from './linear.js';
import { LSTM } from './lstm.js';
import { Module } from './module.js';
import { RNN } from './rnn.js';

export type CellKind = 'gru' | 'lstm' | 'rnn';
export type AttentionKind = 'none' | 'bahdanau' | 'luong-dot' | 'luong-general';

/** A padded batch of token ids, batch-first: ids[b·S + s], valid for s < lengths[b]. */
export interface TokenBatch { ids: Int32Array; lengths: Int32Array; B: number; S: number }

/** Pads id sequences into a TokenBatch (pad id 0). */
export function padTokens(seqs: readonly ArrayLike<number>[], pad = 0): TokenBatch {
  const B = seqs.length, S = Math.max(1, ...seqs.map((s) => s.length));
  const ids = new Int32Array(B * S).fill(pad), lengths = new Int32Array(B);
  seqs.forEach((s, b) => { for (let i = 0; i < s.length; i++) ids[b * S + i] = s[i]; lengths[b] = s.length; });
  return { ids, lengths, B, S };
}

export interface EncoderOptions {
  vocabSize: number; embed: number; hidden: number;
  layers?: number; cell?: CellKind; bidirectional?: boolean; dropout?: number;
}

/** What the decoder reads: the memory [B, S, M] (zeros past each length), its lengths, and the summary c [B, M]. */
export interface Memory { memory: Tensor; lengths: Int32Array; summary: Tensor }

export class Encoder extends Module {
  readonly embed: Embedding;
  readonly rnn: GRU | LSTM | RNN;
  readonly outputSize: number;
  constructor(o: EncoderOptions) {
    super();
    const layers = o.layers ?? 1, D = o.bidirectional ? 2 : 1;
    const ro = { inputSize: o.embed, hiddenSize: o.hidden, numLayers: layers, bidirectional: o.bidirectional ?? false, dropout: o.dropout ?? 0, batchFirst: true };
    this.embed = new Embedding(o.vocabSize, o.embed);
    const cell = o.cell ?? 'gru';
    this.rnn = cell === 'gru' ? new GRU(ro) : cell === 'lstm' ? new LSTM(ro) : new RNN(ro);
    this.outputSize = D * o.hidden;
  }

  forward(src: TokenBatch): Memory {
    const { B, S } = src;
    const x = this.embed.forward(src.ids, [B, S]);                                 // [B, S, E]
    const { output, h } = this.rnn.forward(x, { lengths: src.lengths });           // [B, S, M], [L·D, B, H]
    const D = this.rnn.bidirectional ? 2 : 1, L = this.rnn.numLayers, H = this.rnn.hiddenSize;
    const last = Array.from({ length: D }, (_, d) => reshape(slice(h, 0, (L - 1) * D + d, (L - 1) * D + d + 1), [B, H]));
    return { memory: output, lengths: src.lengths, summary: D === 1 ? last[0] : concat(last, 1) };
  }
}

export interface DecoderOptions {
  vocabSize: number; embed: number; hidden: number;
  /** Width M of the encoder memory and summary. */
  memorySize: number;
  attention?: AttentionKind; cell?: CellKind;
  /** Size of the additive attention's hidden layer (default: hidden). */
  attentionSize?: number;
  /** Dropout on the output layer's input (training mode only). */
  dropout?: number;
}

/** The decoder's recurrent state for a batch of rows. */
export interface DecoderState { h: Tensor; c: Tensor | null; feed: Tensor | null }

/** The memory as the decoder uses it: keys precomputed once per batch. */
export interface DecoderMemory extends Memory { keys: Tensor | null }

export interface StepResult { logits: Tensor; state: DecoderState; weights: Tensor | null }

export class Decoder extends Module {
  readonly embed: Embedding;
  readonly bridge: Linear;
  readonly cell: GRUCell | LSTMCell | RNNCell;
  readonly attn: (Module & Attention) | null;
  readonly combine: Linear | null;
  readonly dropout: Dropout;
  readonly out: Linear;
  readonly attention: AttentionKind;
  readonly hidden: number;
  constructor(o: DecoderOptions) {
    super();
    const att = o.attention ?? 'none', H = o.hidden, M = o.memorySize, E = o.embed;
    check(['none', 'bahdanau', 'luong-dot', 'luong-general'].includes(att), 'INVALID_ARGUMENT',
      () => `Decoder: attention must be none, bahdanau, luong-dot or luong-general, got '${String(att)}'`);
    this.attention = att; this.hidden = H;
    this.embed = new Embedding(o.vocabSize, E);
    this.bridge = new Linear(M, H);
    const luong = att === 'luong-dot' || att === 'luong-general';
    const inSize = E + (luong ? H : M), kind = o.cell ?? 'gru';
    this.cell = kind === 'gru' ? new GRUCell({ inputSize: inSize, hiddenSize: H }) : kind === 'lstm' ? new LSTMCell({ inputSize: inSize, hiddenSize: H }) : new RNNCell({ inputSize: inSize, hiddenSize: H });
    this.attn = att === 'bahdanau' ? new AdditiveAttention(H, M, o.attentionSize ?? H)
      : luong ? new LuongAttention(att === 'luong-dot' ? 'dot' : 'general', H, M) : null;
    this.combine = luong ? new Linear(M + H, H, { bias: false }) : null;
    this.dropout = new Dropout(o.dropout ?? 0);
    this.out = new Linear(luong ? H : H + M + E, o.vocabSize);
  }

  /** Keys once per batch, and the initial state s_0 = tanh(W_b c + b_b). */
  start(mem: Memory): { mem: DecoderMemory; state: DecoderState } {
    const B = mem.summary.shape[0], H = this.hidden;
    const h = tanh(this.bridge.forward(mem.summary));
    const isLstm = this.cell instanceof LSTMCell;
    const luong = this.attention === 'luong-dot' || this.attention === 'luong-general';
    return {
      mem: { ...mem, keys: this.attn ? this.attn.keys(mem.memory) : null },
      state: { h, c: isLstm ? new Tensor(new Float32Array(B * H), [B, H]) : null, feed: luong ? new Tensor(new Float32Array(B * H), [B, H]) : null },
    };
  }

  private runCell(x: Tensor, s: DecoderState): DecoderState {
    if (this.cell instanceof LSTMCell) { const r = this.cell.forward(x, { h: s.h, c: s.c! }); return { h: r.h, c: r.c, feed: s.feed }; }
    return { h: this.cell.forward(x, s.h), c: null, feed: s.feed };
  }

  forward(prev: Int32Array, state: DecoderState, mem: DecoderMemory): StepResult { return this.step(prev, state, mem); }

  /** One step for every row: previous tokens [B] → logits [B, V], the new state, attention weights [B, S] (or null). */
  step(prev: Int32Array, state: DecoderState, mem: DecoderMemory): StepResult {
    check(prev.length === state.h.shape[0], 'SHAPE_MISMATCH', () => `Decoder.step: ${prev.length} previous tokens for a state of ${fmtShape(state.h.shape)}`);
    const e = this.embed.forward(prev);                                               // [B, E]
    if (this.attention === 'none') {
      const s = this.runCell(concat([e, mem.summary], 1), state);
      return { logits: this.out.forward(this.dropout.forward(concat([s.h, mem.summary, e], 1))), state: s, weights: null };
    }
    if (this.attention === 'bahdanau') {
      const a: AttentionResult = this.attn!.forward(state.h, mem.keys!, mem.memory, mem.lengths);
      const s = this.runCell(concat([e, a.context], 1), state);
      return { logits: this.out.forward(this.dropout.forward(concat([s.h, a.context, e], 1))), state: s, weights: a.weights };
    }
    const s = this.runCell(concat([e, state.feed!], 1), state);
    const a = this.attn!.forward(s.h, mem.keys!, mem.memory, mem.lengths);
    const feed = tanh(this.combine!.forward(concat([a.context, s.h], 1)));
    return { logits: this.out.forward(this.dropout.forward(feed)), state: { ...s, feed }, weights: a.weights };
  }
}

export interface Seq2SeqOptions {
  srcVocab: number; tgtVocab: number;
  embed: number; hidden: number;
  encoderLayers?: number; bidirectional?: boolean; cell?: CellKind;
  attention?: AttentionKind; attentionSize?: number; dropout?: number;
  /** Target ids of the start and end symbols. */
  bos: number; eos: number;
}

export class Seq2Seq extends Module {
  readonly encoder: Encoder;
  readonly decoder: Decoder;
  readonly bos: number;
  readonly eos: number;
  constructor(readonly options: Seq2SeqOptions) {
    super();
    const o = options;
    this.encoder = new Encoder({ vocabSize: o.srcVocab, embed: o.embed, hidden: o.hidden, layers: o.encoderLayers, cell: o.cell, bidirectional: o.bidirectional, dropout: o.dropout });
    this.decoder = new Decoder({
      vocabSize: o.tgtVocab, embed: o.embed, hidden: o.hidden, memorySize: this.encoder.outputSize, attention: o.attention,
      cell: o.cell, attentionSize: o.attentionSize, dropout: o.dropout,
    });
    this.bos = o.bos; this.eos = o.eos;
  }

  forward(src: TokenBatch): Memory { return this.encoder.forward(src); }

  /**
   * Teacher-forced mean cross entropy over the target tokens and the final end symbol. `tgt` holds the targets
   * without start/end symbols. With `teacherForcing` < 1 each step feeds the model's own argmax instead of the truth
   * with probability 1 − teacherForcing (scheduled sampling, per row).
   */
  loss(src: TokenBatch, tgt: TokenBatch, opts: { teacherForcing?: number; rng?: Rng } = {}): { loss: Tensor; count: number } {
    check(src.B === tgt.B, 'SHAPE_MISMATCH', () => `Seq2Seq.loss: ${src.B} sources for ${tgt.B} targets`);
    const B = tgt.B, T = tgt.S + 1, tf = opts.teacherForcing ?? 1, rng = opts.rng ?? new Rng(0);
    const started = this.decoder.start(this.encoder.forward(src));
    let state = started.state;
    const targets = new Int32Array(T * B).fill(-100), logits: Tensor[] = [];
    let prev = new Int32Array(B).fill(this.bos), count = 0;
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const n = tgt.lengths[b];
        if (t < n) targets[t * B + b] = tgt.ids[b * tgt.S + t]; else if (t === n) targets[t * B + b] = this.eos;
        if (t <= n) count++;
      }
      const r = this.decoder.step(prev, state, started.mem);
      logits.push(r.logits); state = r.state;
      const next = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        const truth = t < tgt.lengths[b] ? tgt.ids[b * tgt.S + t] : this.eos;
        next[b] = tf >= 1 || rng.next() < tf ? truth : argmaxRow(r.logits.data, b, r.logits.shape[1]);
      }
      prev = next;
    }
    return { loss: crossEntropy(concat(logits, 0), targets), count };
  }
}

/** Index of the largest value in row b of a [rows, n] matrix (the first one on ties). */
export function argmaxRow(x: Float32Array, b: number, n: number): number {
  let best = 0, bv = -Infinity;
  for (let j = 0; j < n; j++) if (x[b * n + j] > bv) { bv = x[b * n + j]; best = j; }
  return best;
}
