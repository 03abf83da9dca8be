// Sequence-to-sequence building blocks: an Encoder (Embedding → GRU/LSTM/RNN, optionally bidirectional) and a
// Decoder (a GRU/LSTM/RNN layer) with one of three ways to read the source: the plain Cho et al. 2014 context vector
// (default: a fixed summary c fed at every step), Bahdanau (additive) attention on the previous state, or Luong
// (dot / general) attention on the new state. Seq2Seq ties them and trains with teacher forcing;
// decoding (greedy, beam search) is in decode.ts. Batches are batch-first token ids with lengths.
//
//   encoder: h_1..h_S = RNN(E_x x_1..x_S);  c = [h→_S ; h←_1] (last layer);  s_0 = tanh(W_b c + b_b)
//   cho:      s_t = rnn([E_y y_{t−1}; c], s_{t−1});            logits = W_o [s_t; c; E_y y_{t−1}] + b_o
//   bahdanau: c_t = attend(s_{t−1});  s_t = rnn([E_y y_{t−1}; c_t], s_{t−1});  logits = W_o [s_t; c_t; E_y y_{t−1}] + b_o
//   luong:    s_t = rnn(E_y y_{t−1}, s_{t−1});  c_t = attend(s_t);  h̃_t = tanh(W_c [c_t; s_t]);  logits = W_o h̃_t + b_o
//             (global attention; teacher forcing runs the whole target in one fused recurrent node)
//   luong with input feeding (Luong et al. 2015, §3.3): s_t = rnn([E_y y_{t−1}; h̃_{t−1}], s_{t−1}), h̃_0 = 0 — the
//             decoder sees where it attended before (runs step by step, like Bahdanau)
//
// Glossary: B batch, S source length, T target length, E embedding, H hidden, M memory width (D·H_enc), V vocabulary.
import { check, fmtShape } from '../errors.js';
import { Rng } from '../random.js';
import { concat, indexSelect, reshape, slice, tanh } from '../tensor/ops.js';
import { Tensor } from '../tensor/tensor.js';
import { crossEntropy } from './losses.js';
import { AdditiveAttention, LuongAttention, type Attention, type AttentionResult } from './attention.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { GRU } from './gru.js';
import { Linear } from './linear.js';
import { LSTM } from './lstm.js';
import { Module } from './module.js';
import { RNN } from './rnn.js';

/**
 * The recurrent layer of a model: `'gru'`, `'lstm'` or `'rnn'` (the same union as the exported {@link CellKind}).
 * @inline
 */
export type CellKind = 'gru' | 'lstm' | 'rnn';
/**
 * How a {@link Decoder} reads the source: `'none'` (Cho et al. 2014: the fixed summary c fed at every step),
 * `'bahdanau'` (additive attention on the previous state), `'luong-dot'` or `'luong-general'` (Luong et al. 2015,
 * attention on the new state).
 */
export type AttentionKind = 'none' | 'bahdanau' | 'luong-dot' | 'luong-general';

/**
 * A padded batch of token ids, batch-first: ids[b·S + s], valid for s < lengths[b].
 * @property ids - `[B·S]` token ids, row b at `b·S … b·S + S − 1`, padded past its length.
 * @property lengths - `[B]` valid lengths.
 * @property B - the number of rows.
 * @property S - the padded length.
 */
export interface TokenBatch { ids: Int32Array; lengths: Int32Array; B: number; S: number }

/**
 * Pads id sequences into a TokenBatch (pad id 0).
 * @param pad - the id written past each sequence's end (default 0).
 * @example
 * ```ts
 * padTokens([[5, 6, 7], [8]]);  // { ids: Int32Array [5, 6, 7, 8, 0, 0], lengths: Int32Array [3, 1], B: 2, S: 3 }
 * ```
 */
export function padTokens(seqs: readonly ArrayLike<number>[], pad = 0): TokenBatch {
  const B = seqs.length, S = Math.max(1, ...seqs.map((s) => s.length));
  const ids = new Int32Array(B * S).fill(pad), lengths = new Int32Array(B);
  seqs.forEach((s, b) => { for (let i = 0; i < s.length; i++) ids[b * S + i] = s[i]; lengths[b] = s.length; });
  return { ids, lengths, B, S };
}

/**
 * Options of {@link Encoder}.
 * @property vocabSize - source token ids are in [0, vocabSize).
 * @property embed - E: the embedding size.
 * @property hidden - H: the recurrent layer's hidden size (per direction).
 * @property layers - stacked recurrent layers (default 1).
 * @property cell - `'gru'` (default), `'lstm'` or `'rnn'`.
 * @property bidirectional - whether the encoder runs both ways, making M = 2H (default false).
 * @property dropout - dropout between recurrent layers in training mode (default 0).
 */
export interface EncoderOptions {
  vocabSize: number; embed: number; hidden: number;
  layers?: number; cell?: CellKind; bidirectional?: boolean; dropout?: number;
}

/**
 * What the decoder reads: the memory [B, S, M] (zeros past each length), its lengths, and the summary c [B, M].
 * @property memory - `[B, S, M]`: the top layer's output at every source position, zero past each length.
 * @property lengths - `[B]` source lengths.
 * @property summary - `[B, M]`: c = [h→_S ; h←_1], the last states of the top layer's directions.
 */
export interface Memory { memory: Tensor; lengths: Int32Array; summary: Tensor }

/**
 * The encoder of a {@link Seq2Seq}: Embedding → GRU / LSTM / RNN (batch-first, with lengths, optionally
 * bidirectional) over a padded batch of source ids; returns the memory for attention and a summary vector.
 *
 * Shape: `src` a {@link TokenBatch} (B rows of length S) → memory `[B, S, M]`, summary `[B, M]`, M = D·hidden.
 * Child modules: `embed`, `rnn`.
 */
export class Encoder extends Module {
  /** Source embedding `[vocabSize, E]`. */
  readonly embed: Embedding;
  /** The recurrent layer (batch-first). */
  readonly rnn: GRU | LSTM | RNN;
  /** M = D·hidden: the width of the memory and the summary. */
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

  /**
   * Encodes a padded batch.
   * @throws ShapeError or ArgumentError from the layers when ids or lengths are out of range.
   */
  forward(src: TokenBatch): Memory {
    const { B, S } = src;
    const x = this.embed.forward(src.ids, [B, S]);                                 // [B, S, E]
    const { output, h } = this.rnn.forward(x, { lengths: src.lengths });           // [B, S, M], [L·D, B, H]
    const D = this.rnn.bidirectional ? 2 : 1, L = this.rnn.numLayers, H = this.rnn.hiddenSize;
    const last = Array.from({ length: D }, (_, d) => reshape(slice(h, 0, (L - 1) * D + d, (L - 1) * D + d + 1), [B, H]));
    return { memory: output, lengths: src.lengths, summary: D === 1 ? last[0] : concat(last, 1) };
  }
}

/**
 * Options of {@link Decoder}.
 * @property vocabSize - V: target token ids are in [0, V).
 * @property embed - E: the target embedding size.
 * @property hidden - H: the decoder's hidden size.
 * @property attention - how the source is read (default `'none'`); see {@link AttentionKind}.
 * @property cell - `'gru'` (default), `'lstm'` or `'rnn'`.
 */
export interface DecoderOptions {
  vocabSize: number; embed: number; hidden: number;
  /** Width M of the encoder memory and summary. */
  memorySize: number;
  attention?: AttentionKind; cell?: CellKind;
  /** Recurrent layers of the decoder (default 1). */
  layers?: number;
  /** Size of the additive attention's hidden layer (default: hidden). */
  attentionSize?: number;
  /** Dropout on the output layer's input (training mode only). */
  dropout?: number;
  /** Luong attention only: feed the previous attentional state h̃_{t−1} into the cell (default false). */
  inputFeeding?: boolean;
}

/**
 * The decoder's recurrent state for a batch of rows: h (and c for LSTM) [L, B, H]; with input feeding h̃ [B, H].
 * @property h - `[L, B, H]` hidden states.
 * @property c - `[L, B, H]` LSTM cell states, or null.
 * @property feed - with input feeding: h̃ `[B, H]`, the last attentional state.
 */
export interface DecoderState { h: Tensor; c: Tensor | null; feed?: Tensor }

/**
 * The memory as the decoder uses it: keys precomputed once per batch.
 * @property keys - the attention keys `[B, S, ·]`, or null without attention.
 * @property memory - `[B, S, M]` (see {@link Memory}).
 * @property lengths - `[B]` source lengths.
 * @property summary - `[B, M]` (see {@link Memory}).
 */
export interface DecoderMemory extends Memory { keys: Tensor | null }

/**
 * logits [B, T, V]; weights [B, T, S] (null for the context-vector decoder).
 * @property logits - `[B, T, V]` unnormalised scores of the next token at each fed position.
 * @property state - the decoder state after the last position.
 * @property weights - `[B, T, S]` attention weights, or null for the context-vector decoder.
 */
export interface StepResult { logits: Tensor; state: DecoderState; weights: Tensor | null }

/** Each row of x [B, ·] repeated T times: [B, T, ·]. */
function repeatRows(x: Tensor, T: number): Tensor {
  const [B, W] = x.shape;
  return reshape(indexSelect(x, Array.from({ length: B * T }, (_, i) => Math.floor(i / T))), [B, T, W]);
}

/**
 * Runs a whole teacher-forced target at once where the cell input does not depend on attention (Cho: the fixed c;
 * Luong: attention reads the new states) — one fused recurrent node — and step by step for Bahdanau.
 * The decoder of a {@link Seq2Seq}. Equations (y the previous target token, s the state, c the summary):
 * ```
 * none:     s_t = rnn([E y_{t−1}; c], s_{t−1});              logits = W_o [s_t; c; E y_{t−1}] + b_o
 * bahdanau: c_t = attend(s_{t−1}); s_t = rnn([E y_{t−1}; c_t], s_{t−1}); logits = W_o [s_t; c_t; E y_{t−1}] + b_o
 * luong:    s_t = rnn(E y_{t−1}, s_{t−1}); c_t = attend(s_t); h̃_t = tanh(W_c [c_t; s_t]); logits = W_o h̃_t + b_o
 * ```
 * with s_0 = tanh(W_b c + b_b) in every layer. Child modules: `embed`, `bridge` (W_b), `rnn`, `attn`, `combine`
 * (W_c), `dropout`, `out` (W_o).
 * @throws ArgumentError for an unknown attention, or inputFeeding without Luong attention.
 */
export class Decoder extends Module {
  /** Target embedding `[V, E]`. */
  readonly embed: Embedding;
  /** W_b, b_b: `[M] → [H]`, the summary to the initial state. */
  readonly bridge: Linear;
  /** The recurrent layer (batch-first). */
  readonly rnn: GRU | LSTM | RNN;
  /** The attention module, or null for `'none'`. */
  readonly attn: (Module & Attention) | null;
  /** Luong's W_c: `[M + H] → [H]`, no bias; null otherwise. */
  readonly combine: Linear | null;
  /** Dropout on the output layer's input. */
  readonly dropout: Dropout;
  /** W_o, b_o: to `[V]` logits. */
  readonly out: Linear;
  /** The attention kind (default `'none'`). */
  readonly attention: AttentionKind;
  /** H: the hidden size. */
  readonly hidden: number;
  /** The number of recurrent layers (default 1). */
  readonly layers: number;
  /** Whether h̃_{t−1} is fed into the cell (Luong only; default false). */
  readonly inputFeeding: boolean;
  constructor(o: DecoderOptions) {
    super();
    const att = o.attention ?? 'none', H = o.hidden, M = o.memorySize, E = o.embed;
    check(['none', 'bahdanau', 'luong-dot', 'luong-general'].includes(att), 'INVALID_ARGUMENT',
      () => `Decoder: attention must be none, bahdanau, luong-dot or luong-general, got '${String(att)}'`);
    const luong = att === 'luong-dot' || att === 'luong-general';
    check(!o.inputFeeding || luong, 'INVALID_ARGUMENT', () => `Decoder: inputFeeding needs Luong attention, got attention '${att}'`);
    this.attention = att; this.hidden = H; this.layers = o.layers ?? 1; this.inputFeeding = o.inputFeeding ?? false;
    this.embed = new Embedding(o.vocabSize, E);
    this.bridge = new Linear(M, H);
    const ro = { inputSize: E + (luong ? (this.inputFeeding ? H : 0) : M), hiddenSize: H, numLayers: this.layers, batchFirst: true };
    const kind = o.cell ?? 'gru';
    this.rnn = kind === 'gru' ? new GRU(ro) : kind === 'lstm' ? new LSTM(ro) : new RNN(ro);
    this.attn = att === 'bahdanau' ? new AdditiveAttention(H, M, o.attentionSize ?? H)
      : luong ? new LuongAttention(att === 'luong-dot' ? 'dot' : 'general', H, M) : null;
    this.combine = luong ? new Linear(M + H, H, { bias: false }) : null;
    this.dropout = new Dropout(o.dropout ?? 0);
    this.out = new Linear(luong ? H : H + M + E, o.vocabSize);
  }

  /**
   * Keys once per batch, and the initial state: s_0 = tanh(W_b c + b_b) in every layer (c_0 = 0 for LSTM).
   * @property mem - the memory with its keys.
   * @property state - the initial state.
   */
  start(mem: Memory): { mem: DecoderMemory; state: DecoderState } {
    const B = mem.summary.shape[0], H = this.hidden, L = this.layers;
    const s0 = reshape(tanh(this.bridge.forward(mem.summary)), [1, B, H]);
    const h = L === 1 ? s0 : concat(Array.from({ length: L }, () => s0), 0);
    const c = this.rnn instanceof LSTM ? new Tensor(new Float32Array(L * B * H), [L, B, H]) : null;
    return {
      mem: { ...mem, keys: this.attn ? this.attn.keys(mem.memory) : null },
      state: this.inputFeeding ? { h, c, feed: new Tensor(new Float32Array(B * H), [B, H]) } : { h, c },
    };
  }

  private runRnn(x: Tensor, s: DecoderState): { output: Tensor; state: DecoderState } {
    const r = this.rnn.forward(x, { h0: s.h, c0: s.c });
    return { output: r.output, state: { h: r.h, c: 'c' in r ? (r.c as Tensor) : null } };
  }

  /** The same as {@link Decoder.step}. */
  forward(prev: Int32Array, state: DecoderState, mem: DecoderMemory): StepResult { return this.step(prev, state, mem); }

  /** Runs `one` over the T positions of e [B, T, E] one at a time, carrying the state; logits and weights joined on T. */
  private stepwise(e: Tensor, state: DecoderState, one: (et: Tensor, s: DecoderState) => StepResult): StepResult {
    const T = e.shape[1], logits: Tensor[] = [], weights: Tensor[] = [];
    let s = state;
    for (let t = 0; t < T; t++) {
      const r = one(T === 1 ? e : slice(e, 1, t, t + 1), s);
      logits.push(r.logits); weights.push(r.weights!);
      s = r.state;
    }
    return { logits: T === 1 ? logits[0] : concat(logits, 1), state: s, weights: T === 1 ? weights[0] : concat(weights, 1) };
  }

  /**
   * Feeds tokens prev (ids [B·T], batch-first: the previous target token of each position) from `state`:
   * logits [B, T, V], the final state, attention weights [B, T, S]. T = 1 is one decoding step.
   */
  step(prev: Int32Array, state: DecoderState, mem: DecoderMemory): StepResult {
    const B = state.h.shape[1], T = prev.length / B;
    check(Number.isInteger(T) && T >= 1, 'SHAPE_MISMATCH', () => `Decoder.step: ${prev.length} previous tokens do not fill rows of a state ${fmtShape(state.h.shape)}`);
    const e = this.embed.forward(prev, [B, T]);                                       // [B, T, E]
    if (this.attention === 'none') {
      const c = repeatRows(mem.summary, T);                                           // [B, T, M]
      const r = this.runRnn(concat([e, c], 2), state);
      return { logits: this.out.forward(this.dropout.forward(concat([r.output, c, e], 2))), state: r.state, weights: null };
    }
    if (this.attention === 'bahdanau') {
      return this.stepwise(e, state, (et, s) => {                                     // et: [B, 1, E]
        const top = reshape(slice(s.h, 0, this.layers - 1, this.layers), [B, this.hidden]);
        const a: AttentionResult = this.attn!.forward(top, mem.keys!, mem.memory, mem.lengths);
        const ctx = reshape(a.context, [B, 1, a.context.shape[1]]);
        const r = this.runRnn(concat([et, ctx], 2), s);
        const logits = this.out.forward(this.dropout.forward(concat([r.output, ctx, et], 2)));
        return { logits, state: r.state, weights: reshape(a.weights, [B, 1, a.weights.shape[1]]) };
      });
    }
    if (this.inputFeeding) {
      return this.stepwise(e, state, (et, s) => {
        const r = this.runRnn(concat([et, reshape(s.feed!, [B, 1, this.hidden])], 2), s);
        const a = this.attn!.forward(r.output, mem.keys!, mem.memory, mem.lengths);   // [B, 1, M], [B, 1, S]
        const feed = tanh(this.combine!.forward(concat([a.context, r.output], 2))); // h̃_t [B, 1, H]
        const logits = this.out.forward(this.dropout.forward(feed));
        return { logits, state: { ...r.state, feed: reshape(feed, [B, this.hidden]) }, weights: a.weights };
      });
    }
    const r = this.runRnn(e, state);                                                  // [B, T, H]
    const a = this.attn!.forward(r.output, mem.keys!, mem.memory, mem.lengths);       // [B, T, M], [B, T, S]
    const feed = tanh(this.combine!.forward(concat([a.context, r.output], 2)));
    return { logits: this.out.forward(this.dropout.forward(feed)), state: r.state, weights: a.weights };
  }
}

/**
 * Options of {@link Seq2Seq}.
 * @property srcVocab - source token ids are in [0, srcVocab).
 * @property tgtVocab - V: target token ids are in [0, tgtVocab), including `bos` and `eos`.
 * @property embed - E: the embedding size of both sides.
 * @property hidden - H: the hidden size of both sides.
 * @property encoderLayers - default 1.
 * @property decoderLayers - default 1.
 * @property bidirectional - a bidirectional encoder (default false).
 * @property cell - `'gru'` (default), `'lstm'` or `'rnn'`, for both sides.
 * @property attention - default `'none'`; see {@link AttentionKind}.
 * @property attentionSize - the additive attention's hidden size (default: hidden).
 * @property dropout - between encoder layers and before the output layer (default 0).
 * @property eos - the target id of the end symbol.
 */
export interface Seq2SeqOptions {
  srcVocab: number; tgtVocab: number;
  embed: number; hidden: number;
  encoderLayers?: number; decoderLayers?: number; bidirectional?: boolean; cell?: CellKind;
  attention?: AttentionKind; attentionSize?: number; dropout?: number;
  /** Luong attention: feed h̃_{t−1} into the decoder cell (Luong et al. 2015). */
  inputFeeding?: boolean;
  /** Target ids of the start and end symbols. */
  bos: number; eos: number;
}

/**
 * An encoder–decoder for sequence transduction (Cho et al. 2014; Bahdanau et al. 2015; Luong et al. 2015): an
 * {@link Encoder} and a {@link Decoder} trained with teacher forcing on padded batches of token ids. Decode with
 * {@link greedyDecode} or {@link beamDecode}.
 *
 * Shape: `loss(src, tgt)` with B source rows and B target rows → a scalar mean cross entropy over the target tokens
 * and each row's end symbol.
 * @example
 * ```ts
 * import { Adam, Seq2Seq, beamDecode, padTokens } from 'gated';
 * const model = new Seq2Seq({ srcVocab: 30, tgtVocab: 40, embed: 32, hidden: 64, attention: 'bahdanau', bos: 1, eos: 2 });
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * const { loss } = model.loss(padTokens([[5, 6, 7], [8, 9]]), padTokens([[10, 11], [12, 13, 14]]));
 * opt.zeroGrad(); loss.backward(); opt.step();
 * const out = beamDecode(model.eval(), padTokens([[5, 6, 7]]), { width: 4, maxLen: 20 });   // out.tokens[0]
 * ```
 */
export class Seq2Seq extends Module {
  /** The encoder. */
  readonly encoder: Encoder;
  /** The decoder (its memory size is the encoder's output size). */
  readonly decoder: Decoder;
  /** The target id of the start symbol. */
  readonly bos: number;
  /** The target id of the end symbol. */
  readonly eos: number;
  /** @param options - the model's options, kept as given. */
  constructor(readonly options: Seq2SeqOptions) {
    super();
    const o = options;
    this.encoder = new Encoder({ vocabSize: o.srcVocab, embed: o.embed, hidden: o.hidden, layers: o.encoderLayers, cell: o.cell, bidirectional: o.bidirectional, dropout: o.dropout });
    this.decoder = new Decoder({
      // Luong 'dot' scores sᵀh, so the decoder state is as wide as the memory (2·hidden with a bidirectional encoder)
      vocabSize: o.tgtVocab, embed: o.embed, hidden: o.attention === 'luong-dot' ? this.encoder.outputSize : o.hidden,
      memorySize: this.encoder.outputSize, attention: o.attention, layers: o.decoderLayers,
      cell: o.cell, attentionSize: o.attentionSize, dropout: o.dropout, inputFeeding: o.inputFeeding,
    });
    this.bos = o.bos; this.eos = o.eos;
  }

  /** Encodes `src` (the same as `encoder.forward`). */
  forward(src: TokenBatch): Memory { return this.encoder.forward(src); }

  /**
   * Teacher-forced mean cross entropy over the target tokens and the final end symbol. `tgt` holds the targets
   * without start/end symbols. With `teacherForcing` < 1 each step feeds the model's own argmax instead of the truth
   * with probability 1 − teacherForcing (scheduled sampling, per row; runs step by step). `labelSmoothing` ε mixes
   * each one-hot target with the uniform distribution (see {@link crossEntropy}); 0 by default.
   * @throws ShapeError when `src` and `tgt` have different numbers of rows.
   * @property loss - the mean cross entropy, shape `[]`.
   * @property count - how many target tokens it averages over (end symbols included).
   */
  loss(src: TokenBatch, tgt: TokenBatch, opts: { teacherForcing?: number; rng?: Rng; labelSmoothing?: number } = {}): { loss: Tensor; count: number } {
    check(src.B === tgt.B, 'SHAPE_MISMATCH', () => `Seq2Seq.loss: ${src.B} sources for ${tgt.B} targets`);
    const B = tgt.B, T = tgt.S + 1, tf = opts.teacherForcing ?? 1, rng = opts.rng ?? new Rng(0);
    const { mem, state } = this.decoder.start(this.encoder.forward(src));
    const truth = (b: number, t: number): number => (t < tgt.lengths[b] ? tgt.ids[b * tgt.S + t] : t === tgt.lengths[b] ? this.eos : -100);
    const targets = Int32Array.from({ length: B * T }, (_, i) => truth(Math.floor(i / T), i % T));   // [B, T]
    const count = targets.reduce((n, y) => n + (y >= 0 ? 1 : 0), 0);
    const prevOf = (b: number, t: number): number => (t === 0 ? this.bos : Math.max(truth(b, t - 1), this.eos));
    let logits: Tensor;
    if (tf >= 1) logits = this.decoder.step(Int32Array.from({ length: B * T }, (_, i) => prevOf(Math.floor(i / T), i % T)), state, mem).logits;
    else {
      const steps: Tensor[] = [];
      let s = state, prev = new Int32Array(B).fill(this.bos);
      for (let t = 0; t < T; t++) {
        const r = this.decoder.step(prev, s, mem);
        steps.push(r.logits); s = r.state;
        const V = r.logits.shape[2];
        prev = Int32Array.from({ length: B }, (_, b) => (rng.next() < tf ? Math.max(truth(b, t), this.eos) : argmaxRow(r.logits.data, b, V)));
      }
      logits = concat(steps, 1);
    }
    return { loss: crossEntropy(reshape(logits, [B * T, logits.shape[2]]), targets, { labelSmoothing: opts.labelSmoothing ?? 0 }), count };
  }
}

/** Index of the largest value in row b of a [rows, n] matrix (the first one on ties). */
export function argmaxRow(x: Float32Array, b: number, n: number): number {
  let best = 0, bv = -Infinity;
  for (let j = 0; j < n; j++) if (x[b * n + j] > bv) { bv = x[b * n + j]; best = j; }
  return best;
}
