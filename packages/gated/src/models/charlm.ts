// The character-level language model of the main job: Embedding → GRU | LSTM | RNN → Linear, with PyTorch names
// (embed.weight, rnn.weight_ih_l0, …, head.weight, head.bias), plus sampling (temperature, top-k) and evaluation.
import { GatedError } from '../errors.js';
import { checkParameterCount, MAX_LAYERS } from '../limits.js';
import { Embedding } from '../nn/embedding.js';
import { GRU } from '../nn/gru.js';
import { Linear } from '../nn/linear.js';
import { LSTM } from '../nn/lstm.js';
import { Module } from '../nn/module.js';
import { RNN } from '../nn/rnn.js';
import { Dropout } from '../nn/dropout.js';
import type { Rng } from '../random.js';
import { Tensor, noGrad } from '../tensor/tensor.js';
import { crossEntropy } from '../nn/losses.js';
import { BOUNDARY, IGNORE, type Batch, type CharVocab } from '../train/data.js';

/** Which recurrent layer a model uses: `'gru'` ({@link GRU}), `'lstm'` ({@link LSTM}) or `'rnn'` ({@link RNN}). */
export type CellKind = 'gru' | 'lstm' | 'rnn';

/** The architecture of a {@link CharLM} (stored as `config.json` in a model directory). */
export interface CharLMConfig {
  /** V: ids are in [0, V) (the {@link CharVocab} size). */
  vocabSize: number;
  /** The recurrent layer: `'gru'`, `'lstm'` or `'rnn'`. */
  cell: CellKind;
  /** E: the embedding size. */
  embed: number;
  /** H: the recurrent hidden size. */
  hidden: number;
  /** L: stacked recurrent layers. */
  layers: number;
  /** Dropout on the recurrent output (and between layers when L > 1), in training mode. */
  dropout: number;
}

/**
 * Recurrent state carried between calls: h [L, B, H] (and c for LSTM).
 * @property h - `[L, B, H]` hidden state.
 * @property c - `[L, B, H]` LSTM cell state.
 */
export interface LMState { h: Tensor; c?: Tensor }

/**
 * Parameters of a CharLM: embedding V·E, first recurrent layer G·H·(E + H + 2), each further one G·H·(2H + 2), head
 * V·H + V (G gates: GRU 3, LSTM 4, RNN 1). Exact while it is below 2^53; beyond, a float that is simply too large.
 */
export function charLMParameterCount(c: Pick<CharLMConfig, 'vocabSize' | 'cell' | 'embed' | 'hidden' | 'layers'>): number {
  const { vocabSize: V, embed: E, hidden: H, layers: L } = c, G = { gru: 3, lstm: 4, rnn: 1 }[c.cell] ?? 1;
  return V * E + G * H * (E + H + 2) + (L - 1) * G * H * (2 * H + 2) + V * H + V;
}

/**
 * Throws INVALID_ARGUMENT when the sizes are beyond the documented limits (MAX_LAYERS layers, MAX_PARAMETERS
 * parameters) — before anything is allocated. Names the sizes as `prefix` + key (e.g. '--hidden'). Without a
 * vocabSize (not known yet), the count is a lower bound.
 */
export function checkCharLMSize(c: Pick<CharLMConfig, 'cell' | 'embed' | 'hidden' | 'layers'> & { vocabSize?: number }, prefix = ''): void {
  if (c.layers > MAX_LAYERS) throw new GatedError('INVALID_ARGUMENT', `${prefix}layers ${c.layers} exceeds the limit of ${MAX_LAYERS} recurrent layers`);
  const tokens = c.vocabSize === undefined ? '' : ` and ${c.vocabSize} tokens`;
  checkParameterCount(`a ${String(c.cell).toUpperCase()} language model with ${prefix}hidden ${c.hidden}, ${prefix}layers ${c.layers}, ${prefix}embed ${c.embed}${tokens}`,
    charLMParameterCount({ ...c, vocabSize: c.vocabSize ?? 0 }));
}

/**
 * The character-level language model of `gated train`: Embedding → GRU / LSTM / RNN → Dropout → Linear, with
 * PyTorch's parameter names (`embed.weight`, `rnn.weight_ih_l0`, …, `head.weight`, `head.bias`). Time-major.
 *
 * Shape: inputs `[T, B]` ids → logits `[T, B, V]`, state h `[L, B, H]` (and c).
 * @throws ArgumentError for an unknown cell or invalid sizes.
 * @example
 * ```ts
 * const vocab = CharVocab.fromTexts(names);
 * const model = new CharLM({ vocabSize: vocab.size, cell: 'gru', embed: 32, hidden: 256, layers: 2, dropout: 0.1 });
 * const [batch] = lineBatches(names.map((n) => vocab.encode(n)), 64);
 * const { loss } = model.batchLoss(batch);
 * sample(model, vocab, new Rng(1), { temperature: 0.8 });   // a new name
 * ```
 */
export class CharLM extends Module {
  /** A copy of the configuration it was built with. */
  readonly config: CharLMConfig;
  /** `[V, E]` character embedding. */
  embed: Embedding;
  /** The recurrent layers (time-major). */
  rnn: GRU | LSTM | RNN;
  /** Dropout on the recurrent output. */
  drop: Dropout;
  /** `[H] → [V]` logits. */
  head: Linear;

  constructor(config: CharLMConfig) {
    super();
    const { vocabSize, cell, embed, hidden, layers, dropout } = config;
    this.config = { ...config };
    if ([vocabSize, embed, hidden, layers].every((n) => Number.isInteger(n) && n >= 1)) checkCharLMSize(config);
    this.embed = new Embedding(vocabSize, embed);
    const opts = { inputSize: embed, hiddenSize: hidden, numLayers: layers, dropout: layers > 1 ? dropout : 0 };
    if (cell === 'gru') this.rnn = new GRU(opts);
    else if (cell === 'lstm') this.rnn = new LSTM(opts);
    else if (cell === 'rnn') this.rnn = new RNN(opts);
    else throw new GatedError('INVALID_ARGUMENT', `cell must be gru, lstm or rnn, got '${String(cell)}'`);
    this.drop = new Dropout(dropout);
    this.head = new Linear(hidden, vocabSize);
  }

  /**
   * inputs: [T, B] ids → logits [T, B, V] and the final state.
   * @property logits - `[T, B, V]`.
   * @property state - the final state, to carry into the next chunk of a stream.
   */
  forward(inputs: Int32Array, T: number, B: number, opts: { lengths?: number[]; state?: LMState | null } = {}): { logits: Tensor; state: LMState } {
    const x = this.embed.forward(inputs, [T, B]);
    const s = opts.state ?? null;
    const r: { output: Tensor; h: Tensor; c?: Tensor } = this.rnn.forward(x, { h0: s?.h ?? null, c0: s?.c ?? null, lengths: opts.lengths });
    const logits = this.head.forward(this.drop.forward(r.output));
    const state: LMState = r.c ? { h: r.h, c: r.c } : { h: r.h };
    return { logits, state };
  }

  /**
   * Mean cross-entropy (nats per character) of a batch, and the number of scored characters.
   * @property loss - the mean cross entropy over the batch's non-padding targets, shape `[]`.
   * @property count - how many characters were scored.
   * @property state - the final state.
   */
  batchLoss(b: Batch, state?: LMState | null): { loss: Tensor; count: number; state: LMState } {
    const { logits, state: next } = this.forward(b.inputs, b.T, b.B, { lengths: b.lengths.every((n) => n === b.T) ? undefined : b.lengths, state });
    let count = 0;
    for (const t of b.targets) if (t !== IGNORE) count++;
    const loss = crossEntropy(logits.reshape([b.T * b.B, this.config.vocabSize]), b.targets, { ignoreIndex: IGNORE });
    return { loss, count, state: next };
  }
}

/** Mean loss in nats per character over batches, in eval mode and without a graph (state carried for streams). */
export function evaluateLoss(model: CharLM, batches: readonly Batch[], carryState = false): number {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let nll = 0, n = 0, state: LMState | null = null;
      for (const b of batches) {
        const r = model.batchLoss(b, carryState ? state : null);
        nll += r.loss.item() * r.count; n += r.count;
        state = r.state;
      }
      return n ? nll / n : NaN;
    });
  } finally { model.train(wasTraining); }
}

/** Options of {@link sample}. */
export interface SampleOptions {
  /** The text to continue (default `''`: start at the line boundary). */
  prompt?: string;
  /** Divides the logits before the softmax; > 0 (default 1; lower is more conservative). */
  temperature?: number;
  /** Sample among the k most likely characters only (default 0: all). */
  topK?: number;
  /** The most characters to generate (default 64). */
  maxLength?: number;
  /** Stop at the boundary token (lines/names); streams run to maxLength. */
  stopAtBoundary?: boolean;
}

/** Draws one continuation of `prompt` character by character (the prompt is included in the result). */
export function sample(model: CharLM, vocab: CharVocab, rng: Rng, opts: SampleOptions = {}): string {
  const temperature = opts.temperature ?? 1, topK = opts.topK ?? 0, maxLength = opts.maxLength ?? 64, prompt = opts.prompt ?? '';
  if (!(temperature > 0)) throw new GatedError('INVALID_ARGUMENT', `temperature must be > 0, got ${temperature}`);
  if (!(Number.isInteger(topK) && topK >= 0)) throw new GatedError('INVALID_ARGUMENT', `topK must be an integer ≥ 0, got ${topK}`);
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const V = model.config.vocabSize;
      const ids = [BOUNDARY, ...vocab.encode(prompt)];
      let { logits, state } = model.forward(Int32Array.from(ids), ids.length, 1);
      let last = logits.data.subarray((ids.length - 1) * V, ids.length * V);
      let out = prompt;
      for (let i = 0; i < maxLength; i++) {
        const next = pick(last, temperature, topK, rng);
        if (next === BOUNDARY && opts.stopAtBoundary !== false) break;
        out += vocab.chars[next];
        ({ logits, state } = model.forward(Int32Array.of(next), 1, 1, { state }));
        last = logits.data;
      }
      return out;
    });
  } finally { model.train(wasTraining); }
}

/** Samples an index from softmax(logits / temperature), restricted to the top k when k > 0. */
function pick(logits: Float32Array, temperature: number, topK: number, rng: Rng): number {
  const idx = Array.from(logits.keys());
  if (topK > 0 && topK < idx.length) idx.sort((a, b) => logits[b] - logits[a]).splice(topK);
  const max = Math.max(...idx.map((i) => logits[i]));
  const w = idx.map((i) => Math.exp((logits[i] - max) / temperature));
  let u = rng.next() * w.reduce((a, b) => a + b, 0);
  for (let k = 0; k < idx.length; k++) { u -= w[k]; if (u <= 0) return idx[k]; }
  return idx[idx.length - 1];
}
