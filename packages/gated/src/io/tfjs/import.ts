// TensorFlow.js / Keras import: a Layers model (model.json written by `model.save` or the tfjs converter, plus its
// weight shards) → a StackModel computing what TF.js computes. Layers: InputLayer, Embedding (mask_zero), Masking,
// GRU (reset_after both ways), LSTM, SimpleRNN, Bidirectional (merge concat / sum / mul / ave), Dense, Dropout,
// Activation. Activations are taken as written — TF.js's default recurrent activation is hard_sigmoid =
// max(0, min(1, 0.2x + 0.5)), which runs on the general loop (gated's fused GRU has σ gates) — never swapped for σ.
// Keras gate orders (GRU z, r, h; LSTM i, f, c, o) are converted to PyTorch's by io/convert.ts.
import { GatedError } from '../../errors.js';
import { parseJsonLimited } from '../../limits.js';
import { Tensor } from '../../tensor/tensor.js';
import { kerasToTorch, type CellType } from '../convert.js';
import { StackModel, type ActivationFn, type LayerSpec, type RecurrentSpec, type StackConfig } from '../stack.js';
import { readWeights, type ShardSource } from './_weights.js';

export type { ShardSource } from './_weights.js';

const fail = (msg: string): never => { throw new GatedError('FORMAT', `TF.js model: ${msg}`); };
const unsupported = (msg: string): never => { throw new GatedError('UNSUPPORTED', `TF.js model: ${msg}`); };

const ACT: Record<string, ActivationFn> = {
  linear: 'linear', tanh: 'tanh', sigmoid: 'sigmoid', relu: 'relu', softmax: 'softmax', elu: 'elu', softplus: 'softplus',
  softsign: 'softsign', hard_sigmoid: 'hardsigmoid', hardSigmoid: 'hardsigmoid',
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function activationOf(v: unknown, where: string): ActivationFn {
  const name = v === null || v === undefined ? 'linear' : isObj(v) ? (v.class_name as string) : v;
  if (typeof name !== 'string' || !Object.hasOwn(ACT, name)) return unsupported(`${where}: activation ${JSON.stringify(name)} is not supported (${Object.keys(ACT).join(', ')})`);
  return ACT[name];
}

/** The parsed model.json: its layer list (Sequential or a Functional chain) and weights manifest. */
function layersOf(json: unknown): { layers: { class_name: string; config: Obj }[]; manifest: unknown } {
  let j = json;
  if (typeof j === 'string') j = parseJsonLimited(j, 'TF.js model: model.json');
  if (!isObj(j)) return fail('model.json must be a JSON object');
  if (j.format !== undefined && j.format !== 'layers-model') unsupported(`format '${String(j.format)}' is not a Layers model (graph models are not supported)`);
  let topo = j.modelTopology;
  if (isObj(topo) && isObj(topo.model_config)) topo = topo.model_config;
  if (!isObj(topo) || !isObj(topo.config)) return fail('modelTopology must hold { class_name, config }');
  const cls = topo.class_name, cfg = topo.config;
  const layers = Array.isArray(cfg) ? cfg : cfg.layers;
  if (!Array.isArray(layers) || layers.length > 1000) return fail('modelTopology.config.layers must be an array (at most 1000)');
  for (const [i, l] of layers.entries()) if (!isObj(l) || typeof l.class_name !== 'string' || !isObj(l.config)) fail(`layer ${i} must be { class_name, config }`);
  if (cls === 'Model' || cls === 'Functional') {
    // a Functional model that is a chain: every layer takes the previous one's output
    layers.forEach((l: Obj, i: number) => {
      const inbound = l.inbound_nodes as unknown[];
      if (i === 0) return;
      const prev = (layers[i - 1].config as Obj).name, ok = Array.isArray(inbound) && inbound.length === 1 && JSON.stringify(inbound).includes(JSON.stringify(prev));
      if (!ok) unsupported(`functional model layer ${i} ('${String((l.config as Obj).name)}') is not fed by the previous layer alone; only chains are supported`);
    });
  } else if (cls !== 'Sequential') return unsupported(`model class '${String(cls)}' (expected Sequential or a Functional chain)`);
  return { layers: layers as { class_name: string; config: Obj }[], manifest: j.weightsManifest };
}

/**
 * Loads a TF.js Layers model: `modelJson` (text or parsed) and its shards (by manifest path).
 * Layers: InputLayer, Embedding (mask_zero), Masking, GRU (reset_after both ways), LSTM, SimpleRNN, Bidirectional
 * (merge concat / sum / mul / ave), Dense, Dropout, Activation; Keras gate orders are converted to PyTorch's, and
 * activations are taken as written (TF.js's default hard_sigmoid runs on the general loop). In Node,
 * `readTfjsModel(path)` from `gated/node` reads the files for you.
 * @throws FormatError (`FORMAT`) for a malformed model.json or weights; UnsupportedError for a layer, activation or
 * model class gated does not implement.
 * @example
 * ```ts
 * const json = await (await fetch('/model/model.json')).text();
 * const shard = new Uint8Array(await (await fetch('/model/group1-shard1of1.bin')).arrayBuffer());
 * const model = loadTfjs(json, { 'group1-shard1of1.bin': shard });
 * const y = model.forward(x);                   // what tf.loadLayersModel(...).predict(x) computes
 * ```
 */
export function loadTfjs(modelJson: string | object, shards: ShardSource): StackModel {
  const { layers, manifest } = layersOf(modelJson);
  const weights = readWeights(manifest ?? [], shards);
  const byLayer = (name: string): Map<string, Tensor> => {
    const m = new Map<string, Tensor>();
    for (const [k, v] of weights) if (k === name || k.startsWith(`${name}/`)) m.set(k.slice(name.length + 1), v);
    return m;
  };
  const pick = (ws: Map<string, Tensor>, suffix: string, where: string, dir?: 'forward' | 'backward'): Tensor => {
    const hits = [...ws.entries()].filter(([k]) => (k === suffix || k.endsWith(`/${suffix}`)) && (!dir || k.split('/').some((p) => p.startsWith(dir))));
    if (hits.length !== 1) return fail(`${where}: expected one weight '${suffix}'${dir ? ` (${dir})` : ''}, found ${hits.length}`);
    return hits[0][1];
  };

  const specs: LayerSpec[] = [], sds: Record<string, Tensor>[] = [];
  let input: 'ids' | 'float' = 'float';
  const push = (s: LayerSpec, sd: Record<string, Tensor> = {}): void => { specs.push(s); sds.push(sd); };

  layers.forEach((l, i) => {
    const c = l.config, name = String(c.name ?? ''), where = `layer ${i} '${name}' (${l.class_name})`, ws = byLayer(name);
    switch (l.class_name) {
      case 'InputLayer': break;
      case 'Embedding': {
        if (i > (layers[0].class_name === 'InputLayer' ? 1 : 0)) unsupported(`${where}: an Embedding must be the first layer`);
        const W = pick(ws, 'embeddings', where);
        if (W.ndim !== 2) fail(`${where}: embeddings must be 2-d`);
        input = 'ids';
        push({ type: 'embedding', numEmbeddings: W.shape[0], embeddingDim: W.shape[1], maskZero: c.mask_zero === true }, { weight: W });
        break;
      }
      case 'Masking': push({ type: 'masking', maskValue: typeof c.mask_value === 'number' ? c.mask_value : 0 }); break;
      case 'Dropout': case 'SpatialDropout1D': case 'GaussianNoise': case 'GaussianDropout': case 'AlphaDropout': break; // identity at inference
      case 'Activation': push({ type: 'activation', fn: activationOf(c.activation, where) }); break;
      case 'Dense': {
        const K = pick(ws, 'kernel', where);
        if (K.ndim !== 2) fail(`${where}: kernel must be 2-d`);
        const [In, Out] = K.shape, t = new Float32Array(K.size);
        for (let a = 0; a < In; a++) for (let b = 0; b < Out; b++) t[b * In + a] = K.data[a * Out + b];
        const useBias = c.use_bias !== false, sd: Record<string, Tensor> = { weight: new Tensor(t, [Out, In]) };
        if (useBias) sd.bias = pick(ws, 'bias', where);
        push({ type: 'linear', inFeatures: In, outFeatures: Out, bias: useBias }, sd);
        const fn = activationOf(c.activation, where);
        if (fn !== 'linear') push({ type: 'activation', fn });
        break;
      }
      case 'GRU': case 'LSTM': case 'SimpleRNN': {
        const { spec, sd } = recurrent(l.class_name, c, ws, where, pick, false, 'concat');
        push(spec, sd);
        break;
      }
      case 'Bidirectional': {
        const inner = c.layer;
        if (!isObj(inner) || typeof inner.class_name !== 'string' || !isObj(inner.config)) return fail(`${where}: needs the wrapped 'layer'`);
        if (c.backward_layer) unsupported(`${where}: a custom backward_layer`);
        const merge = c.merge_mode === undefined ? 'concat' : c.merge_mode;
        if (merge !== 'concat' && merge !== 'sum' && merge !== 'mul' && merge !== 'ave') return unsupported(`${where}: merge_mode ${JSON.stringify(merge)} (expected concat, sum, mul or ave)`);
        const { spec, sd } = recurrent(inner.class_name, inner.config, ws, `${where} → ${inner.class_name}`, pick, true, merge);
        push(spec, sd);
        break;
      }
      default: unsupported(`${where}: layer class '${l.class_name}' is not supported (InputLayer, Embedding, Masking, GRU, LSTM, SimpleRNN, Bidirectional, Dense, Dropout, Activation)`);
    }
  });
  if (!specs.length) fail('the model has no layers gated can run');
  const cfg: StackConfig = { format: 'gated-stack', version: 1, input, batchFirst: true, layers: specs };
  const model = new StackModel(cfg);
  const sd: Record<string, Tensor> = {};
  sds.forEach((w, i) => { for (const [k, v] of Object.entries(w)) sd[`layers.${i}.${k}`] = v; });
  model.loadStateDict(sd);
  return model.eval();
}

function recurrent(cls: string, c: Obj, ws: Map<string, Tensor>, where: string,
  pick: (ws: Map<string, Tensor>, suffix: string, where: string, dir?: 'forward' | 'backward') => Tensor,
  bidirectional: boolean, merge: 'concat' | 'sum' | 'mul' | 'ave'): { spec: RecurrentSpec; sd: Record<string, Tensor> } {
  const cell: CellType = cls === 'GRU' ? 'gru' : cls === 'LSTM' ? 'lstm' : cls === 'SimpleRNN' ? 'rnn' : unsupported(`${where}: wrapped layer '${cls}' is not GRU, LSTM or SimpleRNN`);
  if (c.return_state === true) unsupported(`${where}: return_state=true`);
  if (c.stateful === true) unsupported(`${where}: stateful=true`);
  if (c.go_backwards === true) unsupported(`${where}: go_backwards=true outside Bidirectional`);
  const units = c.units;
  if (!Number.isInteger(units) || (units as number) < 1) fail(`${where}: units must be an integer ≥ 1, got ${JSON.stringify(units)}`);
  const act = activationOf(c.activation ?? 'tanh', `${where} activation`);
  const recAct = cell === 'rnn' ? null : activationOf(c.recurrent_activation ?? 'hard_sigmoid', `${where} recurrent_activation`);
  for (const a of [act, recAct]) if (a === 'softmax' || a === 'logsoftmax') unsupported(`${where}: ${a} as a recurrent activation`);
  const toAct = (a: ActivationFn): { name: Exclude<ActivationFn, 'softmax' | 'logsoftmax' | 'linear'> | 'affine' } => (a === 'linear' ? { name: 'affine' } : { name: a as never });
  const activations = cell === 'gru' ? [toAct(recAct!), toAct(act)] : cell === 'lstm' ? [toAct(recAct!), toAct(act), toAct(act)] : [toAct(act)];
  const resetAfter = cell === 'gru' ? c.reset_after === true : undefined, useBias = c.use_bias !== false;
  const sd: Record<string, Tensor> = {};
  let inputSize = 0;
  (bidirectional ? (['forward', 'backward'] as const) : [undefined]).forEach((dir, d) => {
    const t = kerasToTorch(cell, {
      kernel: pick(ws, 'kernel', where, dir), recurrentKernel: pick(ws, 'recurrent_kernel', where, dir),
      bias: useBias ? pick(ws, 'bias', where, dir) : null,
    }, { resetAfter: resetAfter ?? true });
    if (t.weightHh.shape[1] !== units) fail(`${where}: recurrent_kernel is for ${t.weightHh.shape[1]} units, config says ${String(units)}`);
    inputSize = t.weightIh.shape[1];
    const sfx = `_l0${d === 1 ? '_reverse' : ''}`;
    sd[`weight_ih${sfx}`] = t.weightIh; sd[`weight_hh${sfx}`] = t.weightHh;
    if (t.biasIh && t.biasHh) { sd[`bias_ih${sfx}`] = t.biasIh; sd[`bias_hh${sfx}`] = t.biasHh; }
  });
  const spec: RecurrentSpec = {
    type: cell, inputSize, hiddenSize: units as number, bias: useBias, bidirectional,
    ...(cell === 'gru' ? { resetAfter } : {}), activations: activations as RecurrentSpec['activations'],
    ...(bidirectional ? { merge } : {}), returnSequences: c.return_sequences === true,
  };
  return { spec, sd };
}
