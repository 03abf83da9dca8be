// ONNX export of a StackModel (Embedding, GRU / LSTM / RNN with any options, Linear, LayerNorm, Dropout — dropped, as
// in eval mode — and activations) as an opset-17 graph that onnxruntime runs. Inputs: `input` (int64 ids [T, B] or
// float [T, B, F]; batch first when the model is) and, on request, `lengths` (int32 [B]) and per recurrent layer k
// the initial states `h0.k` [L·D, B, H] (`c0.k` for LSTM). Outputs: `output`, and `h_n.k` (`c_n.k`) per recurrent layer.
// The model's config travels in the metadata (`gated.stack`), so gated → ONNX → gated restores the same stack.
import { GatedError } from '../../errors.js';
import { GATES, specActs } from '../_general_rnn.js';
import type { StackModel } from '../stack.js';
import { torchLayerWeights, torchToOnnx } from '../convert.js';
import { DT, GraphBuilder, floats } from './_builder.js';

/** Options of {@link exportOnnx}: which optional inputs the graph gets. */
export interface OnnxExportOptions {
  /** Add an int32 `lengths` input [B] (sequence_lens of every recurrent node). */
  lengths?: boolean;
  /** Add initial-state inputs `h0.k` (and `c0.k`) for each recurrent layer k. */
  states?: boolean;
}

const ONNX_ACT: Record<string, string> = {
  relu: 'Relu', tanh: 'Tanh', sigmoid: 'Sigmoid', affine: 'Affine', leakyrelu: 'LeakyRelu', thresholdedrelu: 'ThresholdedRelu',
  scaledtanh: 'ScaledTanh', hardsigmoid: 'HardSigmoid', elu: 'Elu', softsign: 'Softsign', softplus: 'Softplus',
};

/**
 * Serialises `model` (a StackModel, in inference semantics) as ONNX bytes.
 * The graph (opset 17, run by onnxruntime) has the input `input` — int64 ids `[T, B]` or float features `[T, B, F]`
 * (batch first when the model is) — and on request `lengths` (int32 `[B]`) and, per recurrent layer k, `h0.k` (and
 * `c0.k`) `[L·D, B, H]`; outputs `output` and `h_n.k` (`c_n.k`). Dropout is left out (eval mode). The config travels in
 * the metadata, so `onnxToStack(exportOnnx(m))` restores the same stack.
 * @throws FormatError (`STATE_DICT`) when a parameter is missing.
 * @example
 * ```ts
 * const bytes = exportOnnx(model, { lengths: true });
 * // Python: onnxruntime.InferenceSession(bytes).run(None, {'input': x, 'lengths': lens})
 * ```
 */
export function exportOnnx(model: StackModel, opts: OnnxExportOptions = {}): Uint8Array {
  const cfg = model.config, bf = cfg.batchFirst, g = new GraphBuilder(), sd = model.stateDict();
  const w = (i: number, name: string): import('../../tensor/tensor.js').Tensor => {
    const t = sd[`layers.${i}.${name}`];
    if (!t) throw new GatedError('STATE_DICT', `exportOnnx: the model has no parameter layers.${i}.${name}`);
    return t;
  };
  const seqDims = bf ? ['B', 'T'] : ['T', 'B'];
  let cur = g.input('input', cfg.input === 'ids' ? DT.INT64 : DT.FLOAT, cfg.input === 'ids' ? seqDims : [...seqDims, firstWidth(cfg)]);
  if (bf) cur = g.node('Transpose', [cur], { perm: cfg.input === 'ids' ? [1, 0] : [1, 0, 2] })[0];
  const lengths = opts.lengths ? g.input('lengths', DT.INT32, ['B']) : '';
  const stateOuts: [string, number[]][] = []; // registered after `output`, which stays the first graph output
  let seq = true, width = cfg.input === 'ids' ? 0 : firstWidth(cfg), rec = 0;

  cfg.layers.forEach((s, i) => {
    const where = `exportOnnx: layer ${i} (${s.type})`;
    switch (s.type) {
      case 'embedding':
        if (s.maskZero) throw new GatedError('UNSUPPORTED', `${where}: Keras mask_zero masks have no ONNX equivalent`);
        cur = g.node('Gather', [g.init(`layers.${i}.weight`, w(i, 'weight').data, [s.numEmbeddings, s.embeddingDim]), cur], { axis: 0 })[0];
        width = s.embeddingDim;
        break;
      case 'masking': throw new GatedError('UNSUPPORTED', `${where}: Keras Masking has no ONNX equivalent`);
      case 'dropout': break; // inference: identity
      case 'linear': {
        const W = w(i, 'weight'), t = new Float32Array(W.size);
        for (let o = 0; o < s.outFeatures; o++) for (let k = 0; k < s.inFeatures; k++) t[k * s.outFeatures + o] = W.data[o * s.inFeatures + k];
        cur = g.node('MatMul', [cur, g.init(`layers.${i}.weight_t`, t, [s.inFeatures, s.outFeatures])])[0];
        if (s.bias ?? true) cur = g.node('Add', [cur, g.init(`layers.${i}.bias`, w(i, 'bias').data, [s.outFeatures])])[0];
        width = s.outFeatures;
        break;
      }
      case 'layernorm': {
        const ns = s.normalizedShape, n = ns.reduce((a, b) => a * b, 1), affine = s.elementwiseAffine ?? true;
        const scale = affine ? w(i, 'weight').data : new Float32Array(n).fill(1);
        const bias = affine && (s.bias ?? true) ? w(i, 'bias').data : new Float32Array(n);
        cur = g.node('LayerNormalization', [cur, g.init(`layers.${i}.weight`, scale, ns), g.init(`layers.${i}.bias`, bias, ns)],
          { axis: -ns.length, epsilon: s.eps ?? 1e-5 }, 1, ['epsilon'])[0];
        break;
      }
      case 'activation':
        cur = activation(g, cur, s.fn, s.alpha, s.beta, where);
        break;
      default: {
        const L = s.numLayers ?? 1, D = s.bidirectional ? 2 : 1, H = s.hiddenSize, op = s.type.toUpperCase();
        const acts = specActs(s), k = rec++;
        const attrs: Record<string, ReturnType<typeof floats> | number | string | string[]> = { hidden_size: H, direction: D === 2 ? 'bidirectional' : 'forward' };
        if (s.type === 'gru') attrs.linear_before_reset = s.resetAfter ?? true ? 1 : 0;
        const defaults = s.type === 'gru' ? ['sigmoid', 'tanh'] : s.type === 'lstm' ? ['sigmoid', 'tanh', 'tanh'] : ['tanh'];
        if (acts.some((a, j) => a.name !== defaults[j] || a.alpha || a.beta)) {
          const names = acts.map((a) => ONNX_ACT[a.name]);
          attrs.activations = D === 2 ? [...names, ...names] : names;
          const withAlpha = acts.filter((a) => ['affine', 'leakyrelu', 'thresholdedrelu', 'scaledtanh', 'hardsigmoid', 'elu'].includes(a.name));
          const withBeta = acts.filter((a) => ['affine', 'scaledtanh', 'hardsigmoid'].includes(a.name));
          if (withAlpha.length) attrs.activation_alpha = floats(Array(D).fill(withAlpha.map((a) => a.alpha)).flat());
          if (withBeta.length) attrs.activation_beta = floats(Array(D).fill(withBeta.map((a) => a.beta)).flat());
        }
        if (s.clip !== undefined && s.clip !== null) attrs.clip = s.clip;
        const h0 = opts.states ? g.input(`h0.${k}`, DT.FLOAT, [L * D, 'B', H]) : '';
        const c0 = opts.states && s.type === 'lstm' ? g.input(`c0.${k}`, DT.FLOAT, [L * D, 'B', H]) : '';
        const hs: string[] = [], cs: string[] = [];
        for (let l = 0; l < L; l++) {
          const dirs = Array.from({ length: D }, (_, d) => torchLayerWeights(sd, l, d as 0 | 1, `layers.${i}.`));
          const ow = torchToOnnx(s.type, dirs), In = l === 0 ? s.inputSize : D * H, GH = GATES[s.type] * H;
          const ins = [cur, g.init(`layers.${i}.W_l${l}`, ow.W.data, [D, GH, In]), g.init(`layers.${i}.R_l${l}`, ow.R.data, [D, GH, H]),
            ow.B ? g.init(`layers.${i}.B_l${l}`, ow.B.data, [D, 2 * GH]) : '', lengths,
            h0 ? sliceStates(g, h0, l * D, (l + 1) * D) : ''];
          if (s.type === 'lstm') ins.push(c0 ? sliceStates(g, c0, l * D, (l + 1) * D) : '');
          while (ins[ins.length - 1] === '') ins.pop();
          const outs = g.node(op, ins, attrs, s.type === 'lstm' ? 3 : 2, ['clip']);
          // Y [T, D, B, H] → [T, B, D·H]
          cur = g.node('Reshape', [g.node('Transpose', [outs[0]], { perm: [0, 2, 1, 3] })[0], g.ints('shape', [0, 0, -1])])[0];
          hs.push(outs[1]); if (s.type === 'lstm') cs.push(outs[2]);
        }
        g.nodeNamed(L > 1 ? 'Concat' : 'Identity', hs, [`h_n.${k}`], L > 1 ? { axis: 0 } : {});
        stateOuts.push([`h_n.${k}`, [L * D, H]]);
        if (cs.length) { g.nodeNamed(L > 1 ? 'Concat' : 'Identity', cs, [`c_n.${k}`], L > 1 ? { axis: 0 } : {}); stateOuts.push([`c_n.${k}`, [L * D, H]]); }
        const merge = s.merge ?? 'concat';
        if (s.returnSequences === false) {
          // final outputs of the last layer: Y_h [D, B, H]
          const last = hs[hs.length - 1];
          if (D === 1 || merge === 'concat') cur = g.node('Reshape', [g.node('Transpose', [last], { perm: [1, 0, 2] })[0], g.ints('shape', [0, -1])])[0];
          else cur = mergeOp(g, sq0(g, sliceStates(g, last, 0, 1)), sq0(g, sliceStates(g, last, 1, 2)), merge);
          seq = false;
          width = merge === 'concat' ? D * H : H;
        } else if (D === 2 && merge !== 'concat') {
          const half = (a: number): string => g.node('Slice', [cur, g.ints('starts', [a * H]), g.ints('ends', [(a + 1) * H]), g.ints('axes', [2])])[0];
          cur = mergeOp(g, half(0), half(1), merge);
          width = H;
        } else width = D * H;
      }
    }
  });
  const outName = 'output';
  if (bf && seq) g.nodeNamed('Transpose', [cur], [outName], { perm: [1, 0, 2] });
  else g.nodeNamed('Identity', [cur], [outName]);
  g.output(outName, DT.FLOAT, seq ? [...seqDims, width] : ['B', width]);
  for (const [name, [n, h]] of stateOuts) g.output(name, DT.FLOAT, [n, 'B', h]);
  return g.build({ opset: 17, name: 'gated-stack', metadata: { 'gated.stack': JSON.stringify(cfg) } });
}

function firstWidth(cfg: StackModel['config']): number {
  const s = cfg.layers.find((l) => l.type !== 'dropout' && l.type !== 'activation' && l.type !== 'masking');
  if (!s) return 1;
  if (s.type === 'linear') return s.inFeatures;
  if (s.type === 'layernorm') return s.normalizedShape[s.normalizedShape.length - 1];
  if (s.type === 'gru' || s.type === 'lstm' || s.type === 'rnn') return s.inputSize;
  return 1;
}

const sliceStates = (g: GraphBuilder, v: string, a: number, b: number): string =>
  g.node('Slice', [v, g.ints('starts', [a]), g.ints('ends', [b]), g.ints('axes', [0])])[0];
const sq0 = (g: GraphBuilder, v: string): string => g.node('Squeeze', [v, g.ints('axes', [0])])[0];

function mergeOp(g: GraphBuilder, a: string, b: string, merge: string): string {
  if (merge === 'sum') return g.node('Add', [a, b])[0];
  if (merge === 'mul') return g.node('Mul', [a, b])[0];
  if (merge === 'ave') return g.node('Mul', [g.node('Add', [a, b])[0], g.init('half', Float32Array.of(0.5), [])])[0];
  throw new GatedError('UNSUPPORTED', `exportOnnx: bidirectional merge '${merge}'`);
}

function activation(g: GraphBuilder, x: string, fn: string, alpha: number | undefined, beta: number | undefined, where: string): string {
  switch (fn) {
    case 'linear': return x;
    case 'relu': return g.node('Relu', [x])[0];
    case 'tanh': return g.node('Tanh', [x])[0];
    case 'sigmoid': return g.node('Sigmoid', [x])[0];
    case 'softsign': return g.node('Softsign', [x])[0];
    case 'softplus': return g.node('Softplus', [x])[0];
    case 'softmax': return g.node('Softmax', [x], { axis: -1 })[0];
    case 'logsoftmax': return g.node('LogSoftmax', [x], { axis: -1 })[0];
    case 'hardsigmoid': return g.node('HardSigmoid', [x], { alpha: alpha ?? 0.2, beta: beta ?? 0.5 }, 1, ['alpha', 'beta'])[0];
    case 'leakyrelu': return g.node('LeakyRelu', [x], { alpha: alpha ?? 0.01 }, 1, ['alpha'])[0];
    case 'elu': return g.node('Elu', [x], { alpha: alpha ?? 1 }, 1, ['alpha'])[0];
    default: throw new GatedError('UNSUPPORTED', `${where}: activation '${fn}' has no ONNX export`);
  }
}
