// ONNX → StackModel: recognises a layer stack in an ONNX graph — Gather on a weight table (Embedding), GRU / LSTM /
// RNN nodes, MatMul (+ Add) or Gemm on weights (Linear), LayerNormalization, activations — along the path from the
// data input to the first output, skipping the reshaping glue exporters put between them (Transpose, Reshape,
// Squeeze, …). A gated export carries its config in the metadata and only its weights are read from the graph.
// Then it checks itself: the lifted stack must reproduce the graph's first output on a probe input, or it is an
// UNSUPPORTED error — a graph is never silently approximated. Use `loadOnnx(...).run` for graphs that are not stacks.
import { GatedError } from '../../errors.js';
import { parseJsonLimited } from '../../limits.js';
import { Rng } from '../../random.js';
import { Tensor } from '../../tensor/tensor.js';
import { onnxToTorch } from '../convert.js';
import { parseStackConfig } from '../_stack_config.js';
import { StackModel, type ActivationFn, type LayerSpec, type RecurrentSpec, type StackConfig } from '../stack.js';
import type { Attrs } from './_attrs.js';
import { parseActivations } from './_recurrent.js';
import { loadOnnx, type OnnxModel } from './import.js';

const GLUE = new Set(['Transpose', 'Reshape', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout', 'Flatten', 'Cast']);
const ACTS: Record<string, ActivationFn> = {
  Relu: 'relu', Tanh: 'tanh', Sigmoid: 'sigmoid', Softmax: 'softmax', LogSoftmax: 'logsoftmax', HardSigmoid: 'hardsigmoid',
  LeakyRelu: 'leakyrelu', Elu: 'elu', Softsign: 'softsign', Softplus: 'softplus',
};

interface Found { spec: LayerSpec; weights: Record<string, Tensor> }
type Node = OnnxModel['nodes'][number];

/**
 * Reads a layer stack out of an ONNX model (bytes or a loaded OnnxModel); verified against the graph.
 * The stack is found along the path from the first input to the first output (Gather on a weight table → Embedding,
 * GRU / LSTM / RNN nodes, MatMul + Add or Gemm → Linear, LayerNormalization, activations, skipping reshaping glue),
 * and checked: it must reproduce the graph's first output on a probe input.
 * @throws UnsupportedError when the graph is not such a stack or the lifted stack does not reproduce it; FormatError for malformed bytes.
 * @example
 * ```ts
 * const model = onnxToStack(onnxBytes);        // e.g. torch.onnx.export of nn.GRU → Linear
 * model.train();                                // fine-tune it, then exportOnnx(model) again
 * ```
 */
export function onnxToStack(src: Uint8Array | OnnxModel): StackModel {
  const m = src instanceof Uint8Array ? loadOnnx(src) : src;
  const main = m.inputs[0];
  if (!main) throw new GatedError('UNSUPPORTED', 'onnxToStack: the graph has no input');
  const seqLens = new Set(m.nodes.filter((n) => ['GRU', 'LSTM', 'RNN'].includes(n.opType)).map((n) => n.inputs[4]).filter(Boolean));
  const lengthsInput = m.inputs.find((i) => i !== main && seqLens.has(i.name));
  const extra = m.inputs.filter((i) => i !== main && i !== lengthsInput);
  if (extra.length) throw new GatedError('UNSUPPORTED', `onnxToStack: graph inputs ${extra.map((i) => `'${i.name}'`).join(', ')} (initial states?) have no place in a layer stack; run the graph with loadOnnx(...).run instead`);
  const ids = main.type.startsWith('int');
  const meta = m.metadata['gated.stack'];
  const path = dataPath(m, main.name);
  const found = path.flatMap((n, k) => recognise(m, n, path[k + 1], meta !== undefined));

  let layers: LayerSpec[], weights: Record<string, Tensor>[];
  if (meta !== undefined) {
    let cfg: StackConfig;
    try { cfg = parseStackConfig(parseJsonLimited(meta, "metadata 'gated.stack'")); } catch (e) { throw new GatedError('FORMAT', `onnxToStack: metadata 'gated.stack' is not a valid config (${(e as Error).message})`); }
    ({ layers, weights } = assign(cfg.layers, found));
    return verify(m, { ...cfg, layers }, weights, main.name, lengthsInput?.name, [cfg.batchFirst]);
  }
  ({ layers, weights } = mergeRecurrent(found));
  const cfg: StackConfig = { format: 'gated-stack', version: 1, input: ids ? 'ids' : 'float', batchFirst: false, layers };
  return verify(m, cfg, weights, main.name, lengthsInput?.name, [false, true]);
}

/**
 * Nodes between the data input and the first graph output, in execution order: they depend on the input through
 * values (shape arithmetic — Shape, ConstantOfShape — excluded) and the output depends on them.
 */
function dataPath(m: OnnxModel, input: string): Node[] {
  const tainted = new Set([input]), fromInput: Node[] = [];
  for (const n of m.nodes) {
    if (n.opType === 'Shape' || n.opType === 'ConstantOfShape' || n.opType === 'Size') continue;
    if (!n.inputs.some((i) => tainted.has(i))) continue;
    n.outputs.forEach((o) => o && tainted.add(o));
    fromInput.push(n);
  }
  const needed = new Set([m.outputs[0]?.name]);
  const keep = new Set<Node>();
  for (let k = fromInput.length - 1; k >= 0; k--) {
    const n = fromInput[k];
    if (!n.outputs.some((o) => needed.has(o))) continue;
    keep.add(n);
    n.inputs.forEach((i) => needed.add(i));
  }
  return fromInput.filter((n) => keep.has(n));
}

/** The layer a path node is, if any. `lenient` (a gated export, checked against its metadata): glue of any kind. */
function recognise(m: OnnxModel, n: Node, next: Node | undefined, lenient: boolean): Found[] {
  const where = `onnxToStack: node '${n.name}' (${n.opType})`, init = (i: number) => m.initializer(n.inputs[i] ?? '');
  const attrs = n.attrs;
  switch (n.opType) {
    case 'Gather': {
      const w = init(0);
      if (!w || w.ndim !== 2 || attrs.int('axis', 0) !== 0) throw new GatedError('UNSUPPORTED', `${where}: only a Gather of rows from a 2-d weight table (an Embedding) fits a stack`);
      return [{ spec: { type: 'embedding', numEmbeddings: w.shape[0], embeddingDim: w.shape[1] }, weights: { weight: w } }];
    }
    case 'MatMul': case 'Gemm': {
      const gemm = n.opType === 'Gemm', w = init(1);
      if (!w || w.ndim !== 2 || (gemm && (attrs.int('transA', 0) || attrs.float('alpha', 1) !== 1 || attrs.float('beta', 1) !== 1))) {
        throw new GatedError('UNSUPPORTED', `${where}: only x · W (+ b) with W a weight fits a Linear layer`);
      }
      const tB = gemm && attrs.int('transB', 0) !== 0, [In, Out] = tB ? [w.shape[1], w.shape[0]] : w.shape;
      const weight = tB ? w : transpose2(w);
      let bias = gemm ? init(2) : undefined;
      if (!gemm && next?.opType === 'Add' && next.inputs.includes(n.outputs[0])) bias = m.initializer(next.inputs.find((i) => i !== n.outputs[0]) ?? '');
      if (bias && bias.size !== Out) throw new GatedError('UNSUPPORTED', `${where}: bias of ${bias.size} values for ${Out} outputs`);
      return [{ spec: { type: 'linear', inFeatures: In, outFeatures: Out, bias: !!bias }, weights: bias ? { weight, bias: new Tensor(bias.data, [Out]) } : { weight } }];
    }
    case 'Add': return []; // a Linear's bias (checked by verification)
    case 'LayerNormalization': {
      const scale = init(1), bias = init(2);
      if (!scale) throw new GatedError('UNSUPPORTED', `${where}: Scale must be a weight`);
      if (attrs.int('axis', -1) !== -scale.ndim) throw new GatedError('UNSUPPORTED', `${where}: normalising over axes other than the last ${scale.ndim}`);
      return [{ spec: { type: 'layernorm', normalizedShape: scale.shape, eps: attrs.float('epsilon', 1e-5) }, weights: { weight: scale, bias: bias ?? new Tensor(new Float32Array(scale.size), scale.shape) } }];
    }
    case 'GRU': case 'LSTM': case 'RNN': return [recurrent(m, n, attrs, where)];
    default: {
      if (GLUE.has(n.opType) || (lenient && !ACTS[n.opType])) return [];
      const fn = ACTS[n.opType];
      if (!fn) throw new GatedError('UNSUPPORTED', `${where}: operator ${n.opType} on the data path has no layer in a gated stack`);
      if ((fn === 'softmax' || fn === 'logsoftmax') && m.opset < 13) throw new GatedError('UNSUPPORTED', `${where}: opset < 13 softmax flattens axes`);
      return [{ spec: { type: 'activation', fn, ...(fn === 'hardsigmoid' ? { alpha: attrs.float('alpha', 0.2), beta: attrs.float('beta', 0.5) } : fn === 'leakyrelu' ? { alpha: attrs.float('alpha', 0.01) } : fn === 'elu' ? { alpha: attrs.float('alpha', 1) } : {}) }, weights: {} }];
    }
  }
}

function recurrent(m: OnnxModel, n: Node, attrs: Attrs, where: string): Found {
  const cell = n.opType.toLowerCase() as RecurrentSpec['type'], W = m.initializer(n.inputs[1]), R = m.initializer(n.inputs[2]);
  const B = n.inputs[3] ? m.initializer(n.inputs[3]) : undefined;
  if (!W || !R || (n.inputs[3] && !B)) throw new GatedError('UNSUPPORTED', `${where}: W, R and B must be weights (initializers)`);
  if (n.inputs[5] || n.inputs[6] || n.inputs[7]) {
    // torch exports zero initial states computed from the input's shape: allowed, verification checks they are zero
    if (n.inputs[7]) throw new GatedError('UNSUPPORTED', `${where}: LSTM peepholes have no PyTorch / gated layer`);
  }
  const dir = attrs.string('direction', 'forward');
  if (dir === 'reverse') throw new GatedError('UNSUPPORTED', `${where}: a reverse-only layer has no PyTorch / gated layer`);
  if (attrs.int('layout', 0) !== 0 || attrs.int('input_forget', 0) !== 0) throw new GatedError('UNSUPPORTED', `${where}: layout=1 / input_forget have no gated layer`);
  const D = dir === 'bidirectional' ? 2 : 1, H = R.shape[2];
  const names = attrs.strings('activations');
  let activations: RecurrentSpec['activations'];
  if (names) {
    const acts = parseActivations(names, attrs.floats('activation_alpha') ?? [], attrs.floats('activation_beta') ?? [], where);
    const k = acts.length / (acts.length === (cell === 'gru' ? 2 : cell === 'lstm' ? 3 : 1) * D ? D : 1);
    if (D === 2 && acts.length === 2 * k && JSON.stringify(acts.slice(0, k)) !== JSON.stringify(acts.slice(k))) {
      throw new GatedError('UNSUPPORTED', `${where}: the two directions use different activations`);
    }
    activations = acts.slice(0, k).map((a) => ({ name: a.name, alpha: a.alpha, beta: a.beta }));
  }
  const clip = attrs.float('clip');
  const spec: RecurrentSpec = {
    type: cell, inputSize: W.shape[2], hiddenSize: H, bias: !!B, bidirectional: D === 2,
    ...(cell === 'gru' ? { resetAfter: attrs.int('linear_before_reset', 0) !== 0 } : {}),
    ...(activations ? { activations } : {}), ...(clip !== undefined ? { clip } : {}),
  };
  const weights: Record<string, Tensor> = {};
  onnxToTorch(cell, { W, R, B: B ?? null }).forEach((w, d) => {
    const sfx = `_l0${d === 1 ? '_reverse' : ''}`;
    weights[`weight_ih${sfx}`] = w.weightIh; weights[`weight_hh${sfx}`] = w.weightHh;
    if (w.biasIh && w.biasHh) { weights[`bias_ih${sfx}`] = w.biasIh; weights[`bias_hh${sfx}`] = w.biasHh; }
  });
  return { spec, weights };
}

/** Consecutive single-layer recurrent nodes of one kind → one multi-layer spec (PyTorch's num_layers). */
function mergeRecurrent(found: Found[]): { layers: LayerSpec[]; weights: Record<string, Tensor>[] } {
  const layers: LayerSpec[] = [], weights: Record<string, Tensor>[] = [];
  for (const f of found) {
    const prev = layers[layers.length - 1] as RecurrentSpec | undefined, s = f.spec;
    if (prev && (s.type === 'gru' || s.type === 'lstm' || s.type === 'rnn') && prev.type === s.type) {
      const { inputSize: _a, numLayers: _b, ...p } = prev, { inputSize: _c, ...q } = s as RecurrentSpec;
      if (JSON.stringify(p) === JSON.stringify(q) && s.inputSize === prev.hiddenSize * (prev.bidirectional ? 2 : 1)) {
        const l = prev.numLayers ?? 1, w = weights[weights.length - 1];
        for (const [k, v] of Object.entries(f.weights)) w[k.replace('_l0', `_l${l}`)] = v;
        prev.numLayers = l + 1;
        continue;
      }
    }
    layers.push({ ...s }); weights.push({ ...f.weights });
  }
  return { layers, weights };
}

/** Pairs a gated export's config layers with the weights found in its graph. */
function assign(cfgLayers: LayerSpec[], found: Found[]): { layers: LayerSpec[]; weights: Record<string, Tensor>[] } {
  const weighted = found.filter((f) => f.spec.type !== 'activation');
  let k = 0;
  const weights = cfgLayers.map((s) => {
    if (s.type === 'dropout' || s.type === 'activation' || s.type === 'masking') return {};
    const n = s.type === 'gru' || s.type === 'lstm' || s.type === 'rnn' ? s.numLayers ?? 1 : 1, out: Record<string, Tensor> = {};
    for (let l = 0; l < n; l++) {
      const f = weighted[k++];
      if (!f || f.spec.type !== s.type) throw new GatedError('FORMAT', `onnxToStack: the graph does not match its 'gated.stack' metadata at a ${s.type} layer`);
      for (const [name, v] of Object.entries(f.weights)) out[name.replace('_l0', `_l${l}`)] = v;
    }
    return out;
  });
  return { layers: cfgLayers, weights };
}

function verify(m: OnnxModel, cfg: StackConfig, weights: Record<string, Tensor>[], input: string, lengths: string | undefined, layouts: boolean[]): StackModel {
  let worst = Infinity;
  for (const bf of layouts) {
    const model = new StackModel({ ...cfg, batchFirst: bf });
    const sd: Record<string, Tensor> = {};
    weights.forEach((w, i) => { for (const [k, v] of Object.entries(w)) sd[`layers.${i}.${k}`] = v; });
    model.loadStateDict(sd);
    model.eval();
    const diff = probe(m, model, input, lengths);
    if (diff <= 1e-4) return model;
    worst = Math.min(worst, diff);
  }
  throw new GatedError('UNSUPPORTED', `onnxToStack: the graph is not a layer stack gated can express (the recognised stack differs from it by ${worst.toExponential(2)} on a probe input); run it with loadOnnx(...).run instead`);
}

function probe(m: OnnxModel, model: StackModel, input: string, lengths: string | undefined): number {
  const info = m.inputs.find((i) => i.name === input)!, bf = model.config.batchFirst, rng = new Rng(1234);
  const fixed = (i: number, dflt: number): number => (typeof info.shape?.[i] === 'number' ? info.shape[i] as number : dflt);
  const T = fixed(bf ? 1 : 0, 4), B = fixed(bf ? 0 : 1, 2), lens = lengths ? Array.from({ length: B }, (_, b) => Math.max(1, T - b)) : undefined;
  const first = model.config.layers[0];
  let x: Tensor;
  if (model.config.input === 'ids') {
    const V = first.type === 'embedding' ? first.numEmbeddings : 2, v = Array.from({ length: T * B }, () => Math.floor(rng.next() * V));
    x = new Tensor(Float32Array.from(v), bf ? [B, T] : [T, B], { dtype: 'int64', intData: BigInt64Array.from(v, BigInt) });
  } else {
    const F = fixed(2, first.type === 'gru' || first.type === 'lstm' || first.type === 'rnn' ? first.inputSize : first.type === 'linear' ? first.inFeatures : 1);
    x = new Tensor(Float32Array.from({ length: T * B * F }, () => rng.normal()), bf ? [B, T, F] : [T, B, F]);
  }
  let want: Tensor, got: Tensor;
  try {
    want = m.run({ [input]: x, ...(lengths && lens ? { [lengths]: { data: Int32Array.from(lens), shape: [B] } } : {}) })[m.outputs[0].name];
    got = model.forward(x, { lengths: lens });
  } catch (e) {
    if (e instanceof GatedError) return Infinity;
    throw e;
  }
  if (want.shape.join() !== got.shape.join()) return Infinity;
  let d = 0;
  for (let i = 0; i < want.size; i++) d = Math.max(d, Math.abs(want.data[i] - got.data[i]) / (1 + Math.abs(want.data[i])));
  return Number.isNaN(d) ? Infinity : d;
}

function transpose2(w: Tensor): Tensor {
  const [r, c] = w.shape, out = new Float32Array(w.size);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = w.data[i * c + j];
  return new Tensor(out, [c, r]);
}
