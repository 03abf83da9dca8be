// A layer stack — the model that the interchange formats hold: Embedding → recurrent layers → LayerNorm / Dropout /
// Linear / activations, described by a JSON config (`format: 'gated-stack'`) and a PyTorch-named state dict
// (`layers.0.weight`, `layers.1.weight_ih_l0`, …). ONNX and TF.js imports build one; ONNX export writes one out;
// `gated convert` moves it between formats. Recurrent layers with PyTorch's semantics are gated's own GRU / LSTM / RNN
// (trainable); options PyTorch lacks — other activations, cell clip, Keras masks — run on the general inference loop
// of onnx/_recurrent.ts. Keras conventions are explicit options: `merge` (Bidirectional merge_mode),
// `returnSequences: false` (the last output only), `masking` layers and `maskZero` embeddings.
import { GatedError, check } from '../errors.js';
import { Dropout } from '../nn/dropout.js';
import { Embedding } from '../nn/embedding.js';
import { GRU } from '../nn/gru.js';
import { LayerNorm } from '../nn/layernorm.js';
import { Linear } from '../nn/linear.js';
import { LSTM } from '../nn/lstm.js';
import { Module } from '../nn/module.js';
import { RNN } from '../nn/rnn.js';
import { concat, relu, reshape, sigmoid, slice, tanh } from '../tensor/ops.js';
import { logSoftmax, softmax } from '../tensor/softmax.js';
import { Tensor } from '../tensor/tensor.js';
import { act, applyAct, type ActName } from './onnx/_recurrent.js';
import { GeneralRecurrent, isFusable, specActs, type RecurrentSpec } from './_general_rnn.js';
import { parameterCount, parseStackConfig, type ActivationFn, type StackConfig } from './_stack_config.js';
import { decodeModelDir, encodeModelDir, type Files } from './checkpoint.js';

export type { RecurrentSpec } from './_general_rnn.js';

export type { ActivationFn, LayerSpec, StackConfig } from './_stack_config.js';

/** Options of {@link StackModel.run}: lengths and initial states. */
export interface StackInput {
  /** Valid length of each batch element (PyTorch packed semantics: outputs past the end are zero). */
  lengths?: number[] | Int32Array | null;
  /**
   * Initial states per recurrent layer, in layer order: h [L·D, B, H] (and c for LSTM); zeros when absent.
   * @property h - `[L·D, B, H]`.
   * @property c - LSTM only: `[L·D, B, H]`.
   */
  initialStates?: { h: Tensor; c?: Tensor }[];
}

/**
 * Per recurrent layer, its final states (h [L·D, B, H], c for LSTM), in layer order.
 * @property output - the last layer's output.
 * @property states - per recurrent layer, in layer order: its final `h` `[L·D, B, H]` (and `c` for an LSTM).
 * @property h - the final hidden state `[L·D, B, H]`.
 * @property c - LSTM only: the final cell state `[L·D, B, H]`.
 */
export interface StackOutput { output: Tensor; states: { h: Tensor; c?: Tensor }[] }

/**
 * A layer stack described by JSON: Embedding → recurrent layers → LayerNorm / Dropout / Linear / activations — the
 * model the interchange formats hold. {@link loadOnnx} + {@link onnxToStack} and {@link loadTfjs} build one, and
 * {@link exportOnnx} writes one out; its state dict has PyTorch names (`layers.0.weight`, `layers.1.weight_ih_l0`, …).
 * Recurrent layers with PyTorch's semantics are gated's own {@link GRU} / {@link LSTM} / {@link RNN} (trainable);
 * options PyTorch lacks (other activations, cell clip, Keras masks) run on a general inference-only loop.
 *
 * Shape: input ids `[T, B]` (`[B, T]` with batchFirst; for `input: 'ids'`) or features `[T, B, F]` (`[B, T, F]`)
 * → the last layer's output.
 * @throws FormatError (`FORMAT`) for an invalid config, naming the layer and field; ShapeError (from `run`) for an
 * input of the wrong rank.
 * @example
 * ```ts
 * import { StackModel, exportOnnx, zeros } from 'gated';
 * const model = new StackModel({ format: 'gated-stack', version: 1, input: 'float', batchFirst: true, layers: [
 *   { type: 'lstm', inputSize: 3, hiddenSize: 16 },
 *   { type: 'linear', inFeatures: 16, outFeatures: 1 },
 * ] });
 * const y = model.forward(zeros([8, 20, 3]));      // [8, 20, 1]
 * const onnx = exportOnnx(model);                  // bytes of a .onnx file
 * ```
 */
export class StackModel extends Module {
  /** The validated configuration. */
  readonly config: StackConfig;
  /** One module per entry of `config.layers` (parameter names `layers.<i>.…`). */
  layers: Module[];

  constructor(config: StackConfig) {
    super();
    this.config = parseStackConfig(config);
    const bf = this.config.batchFirst;
    let masked = false; // a Keras mask reaches this layer: its recurrent layer must run the general loop
    this.layers = this.config.layers.map((s): Module => {
      if ((s.type === 'embedding' && s.maskZero) || s.type === 'masking') masked = true;
      switch (s.type) {
        case 'embedding': return new Embedding(s.numEmbeddings, s.embeddingDim, s.paddingIdx === null || s.paddingIdx === undefined ? {} : { paddingIdx: s.paddingIdx });
        case 'linear': return new Linear(s.inFeatures, s.outFeatures, { bias: s.bias ?? true });
        case 'layernorm': return new LayerNorm(s.normalizedShape, { eps: s.eps ?? 1e-5, elementwiseAffine: s.elementwiseAffine ?? true, bias: s.bias ?? true });
        case 'dropout': return new Dropout(s.p);
        case 'activation': case 'masking': return new Passthrough();
        default: {
          const common = { inputSize: s.inputSize, hiddenSize: s.hiddenSize, numLayers: s.numLayers ?? 1, bias: s.bias ?? true, batchFirst: bf, bidirectional: s.bidirectional ?? false };
          const general = masked || !isFusable(s);
          if (s.returnSequences === false) masked = false;
          if (general) return new GeneralRecurrent(s, bf);
          if (s.type === 'gru') return new GRU({ ...common, resetAfter: s.resetAfter ?? true });
          if (s.type === 'lstm') return new LSTM(common);
          return new RNN({ ...common, nonlinearity: specActs(s)[0].name === 'relu' ? 'relu' : 'tanh' });
        }
      }
    });
  }

  /**
   * x: ids (Int32Array / number[] with `shape`, or an integer Tensor) or a float Tensor → the last layer's output.
   * @param opts - lengths, initial states, and `shape` (`[T, B]` or `[B, T]`) for a flat array of ids.
   */
  forward(x: Tensor | Int32Array | number[], opts: StackInput & { shape?: number[] } = {}): Tensor {
    return this.run(x, opts).output;
  }

  /**
   * Like `forward`, also returning the final states of every recurrent layer.
   * @param opts - lengths, initial states, and `shape` for a flat array of ids.
   * @throws ShapeError when the input does not fit the config; ArgumentError for an embedding that is not first.
   */
  run(x: Tensor | Int32Array | number[], opts: StackInput & { shape?: number[] } = {}): StackOutput {
    const cfg = this.config, bf = cfg.batchFirst;
    let cur: Tensor, mask: Float32Array | null = null; // mask [T, B] time-major, 1 = step runs
    const states: StackOutput['states'] = [];
    let ids: ArrayLike<number> | null = null, idShape: number[] = [];
    if (cfg.input === 'ids') {
      const shape = x instanceof Tensor ? x.shape : opts.shape;
      check(shape && shape.length === 2, 'SHAPE_MISMATCH', () => `StackModel: ids must be 2-d [${bf ? 'B, T' : 'T, B'}] (give \`shape\` for a flat array), got ${JSON.stringify(shape)}`);
      ids = x instanceof Tensor ? (x.intData ? Array.from(x.intData, Number) : x.data) : x;
      idShape = shape!.slice();
      cur = new Tensor(new Float32Array(0), [0]);
    } else {
      check(x instanceof Tensor && x.ndim === 3, 'SHAPE_MISMATCH', () => `StackModel: input must be a 3-d float Tensor [${bf ? 'B, T' : 'T, B'}, F], got ${x instanceof Tensor ? JSON.stringify(x.shape) : typeof x}`);
      cur = x;
    }
    const [T, B] = bf ? [(ids ? idShape : cur.shape)[1], (ids ? idShape : cur.shape)[0]] : [(ids ? idShape : cur.shape)[0], (ids ? idShape : cur.shape)[1]];
    const lengths = opts.lengths ? Array.from(opts.lengths) : null;
    cfg.layers.forEach((s, i) => {
      const m = this.layers[i];
      switch (s.type) {
        case 'embedding': {
          check(ids !== null, 'INVALID_ARGUMENT', `StackModel: layer ${i} (embedding) must come first, on an 'ids' input`);
          cur = (m as Embedding).forward(ids instanceof Int32Array ? ids : Int32Array.from(ids!), idShape);
          if (s.maskZero) mask = timeMask(T, B, bf, (t, b) => ids![bf ? b * T + t : t * B + b] !== 0);
          break;
        }
        case 'masking': {
          const F = cur.shape[2], d = cur.data, mv = s.maskValue;
          mask = timeMask(T, B, bf, (t, b) => {
            const o = (bf ? b * T + t : t * B + b) * F;
            for (let f = 0; f < F; f++) if (d[o + f] !== mv) return true;
            return false;
          });
          const keep = new Float32Array(cur.size); // Keras: masked steps are zeroed
          for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) {
            const o = bf ? b * T + t : t * B + b;
            if (mask[t * B + b]) keep.fill(1, o * F, (o + 1) * F);
          }
          cur = cur.mul(new Tensor(keep, cur.shape));
          break;
        }
        case 'linear': cur = (m as Linear).forward(cur); break;
        case 'layernorm': cur = (m as LayerNorm).forward(cur); break;
        case 'dropout': cur = (m as Dropout).forward(cur); break;
        case 'activation': cur = activation(cur, s.fn, s.alpha, s.beta); break;
        default: {
          const init = opts.initialStates?.[states.length], h0 = init?.h ?? null, c0 = s.type === 'lstm' ? init?.c ?? null : null;
          const out: { output: Tensor; h: Tensor; c?: Tensor } = m instanceof GeneralRecurrent
            ? m.forward(cur, { lengths, mask, h0, c0 }) : (m as GRU | LSTM | RNN).forward(cur, s.type === 'lstm' ? { lengths, h0, c0 } : { lengths, h0 });
          states.push(out.c ? { h: out.h, c: out.c } : { h: out.h });
          cur = postRecurrent(s, out.output, out.h, bf);
          if (s.returnSequences === false) mask = null;
        }
      }
    });
    return { output: cur, states };
  }
}

/** A layer with no parameters (activations, masking): handled by StackModel itself. */
class Passthrough extends Module {
  forward(x: Tensor): Tensor { return x; }
}

function timeMask(T: number, B: number, _bf: boolean, keep: (t: number, b: number) => boolean): Float32Array {
  const m = new Float32Array(T * B);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) m[t * B + b] = keep(t, b) ? 1 : 0;
  return m;
}

/** Bidirectional merge of the two halves of the last dim, and Keras's return_sequences=False (final outputs). */
function postRecurrent(s: RecurrentSpec, output: Tensor, h: Tensor, bf: boolean): Tensor {
  const D = s.bidirectional ? 2 : 1, H = s.hiddenSize, L = s.numLayers ?? 1, merge = s.merge ?? 'concat';
  if (s.returnSequences === false) {
    // final state of each direction of the last layer: h [L·D, B, H] → D × [B, H]
    const B = h.shape[1], halves = Array.from({ length: D }, (_, d) => reshape(slice(h, 0, (L - 1) * D + d, (L - 1) * D + d + 1), [B, H]));
    return D === 1 ? halves[0] : mergeHalves(halves[0], halves[1], merge, 1);
  }
  if (D === 1 || merge === 'concat') return output;
  const ax = output.ndim - 1;
  void bf;
  return mergeHalves(slice(output, ax, 0, H), slice(output, ax, H, 2 * H), merge, ax);
}

function mergeHalves(a: Tensor, b: Tensor, merge: string, axis: number): Tensor {
  switch (merge) {
    case 'concat': return concat([a, b], axis);
    case 'sum': return a.add(b);
    case 'mul': return a.mul(b);
    case 'ave': return a.add(b).mul(0.5);
    default: throw new GatedError('UNSUPPORTED', `bidirectional merge '${merge}' is not supported (concat, sum, mul, ave)`);
  }
}

function activation(x: Tensor, fn: ActivationFn, alpha?: number, beta?: number): Tensor {
  switch (fn) {
    case 'linear': return x;
    case 'relu': return relu(x);
    case 'tanh': return tanh(x);
    case 'sigmoid': return sigmoid(x);
    case 'softmax': return softmax(x, -1);
    case 'logsoftmax': return logSoftmax(x, -1);
    default: { // inference-only elementwise functions
      const a = act(fn, alpha, beta);
      return new Tensor(x.data.map((v) => applyAct(a, v)), x.shape);
    }
  }
}

// ------------------------------------------------------------------------------------------ model directories

/** A 'gated-stack' model directory: model.safetensors (the state dict) + config.json (the StackConfig). */
export function encodeStackDir(model: StackModel): Files {
  return encodeModelDir({ weights: model.stateDict(), config: model.config });
}

/**
 * A StackModel from a model directory's files: a 'gated-stack' directory, or a character language model written by
 * `gated train` ('gated-charlm': Embedding → GRU / LSTM / RNN → Dropout → Linear, its weights renamed).
 * @throws FormatError (`CHECKPOINT`) when the config is neither format or does not match the weights; (`FORMAT`) for an invalid config.
 */
export function decodeStackDir(files: Files): StackModel {
  const dir = decodeModelDir<Record<string, unknown>>(files), c = dir.config;
  if (c?.format === 'gated-charlm') {
    const m = c.model as { vocabSize: number; cell: 'gru' | 'lstm' | 'rnn'; embed: number; hidden: number; layers: number; dropout: number } | undefined;
    if (!m || typeof m !== 'object') throw new GatedError('CHECKPOINT', 'config.json (gated-charlm) has no model section');
    const cfg: StackConfig = { format: 'gated-stack', version: 1, input: 'ids', batchFirst: false, layers: [
      { type: 'embedding', numEmbeddings: m.vocabSize, embeddingDim: m.embed },
      { type: m.cell, inputSize: m.embed, hiddenSize: m.hidden, numLayers: m.layers },
      { type: 'dropout', p: m.dropout },
      { type: 'linear', inFeatures: m.hidden, outFeatures: m.vocabSize },
    ] };
    const prefix: Record<string, string> = { embed: 'layers.0', rnn: 'layers.1', head: 'layers.3' };
    const model = new StackModel(cfg);
    model.loadStateDict(Object.fromEntries(Object.entries(dir.weights).map(([k, v]) => [k.replace(/^(embed|rnn|head)\./, (_, p: string) => `${prefix[p]}.`), v])));
    return model.eval();
  }
  if (c?.format !== 'gated-stack') throw new GatedError('CHECKPOINT', `config.json format must be 'gated-stack' or 'gated-charlm', got ${JSON.stringify(c?.format)}`);
  const cfg = parseStackConfig(c), want = parameterCount(cfg), have = Object.values(dir.weights).reduce((s, t) => s + t.size, 0);
  if (want !== have) throw new GatedError('CHECKPOINT', `config.json describes ${want} parameter values but model.safetensors holds ${have}`);
  const model = new StackModel(cfg);
  model.loadStateDict(dir.weights);
  return model.eval();
}
