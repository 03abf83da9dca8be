// TF.js / Keras import checked against TensorFlow.js itself (@tensorflow/tfjs, cpu backend): each model is built in
// TF.js with random weights, saved the way `model.save` writes it (model.json + one weight shard), loaded by gated,
// and both predict the same random batch; outputs must agree within |Δ| ≤ 1e-5 + 1e-4·|expected|.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GatedError } from '../../../src/errors.js';
import { loadTfjs } from '../../../src/io/tfjs/import.js';
import { Rng } from '../../../src/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { expectClose } from '../onnx/_close.js';

/** model.json + shard, as `model.save` lays them out on disk. */
export async function saveTfjs(model: tf.LayersModel): Promise<{ json: string; shards: Record<string, Uint8Array> }> {
  let out: { json: string; shards: Record<string, Uint8Array> } | null = null;
  await model.save(tf.io.withSaveHandler(async (a) => {
    const json = JSON.stringify({ format: 'layers-model', generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`, modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: a.weightSpecs }] });
    out = { json, shards: { 'group1-shard1of1.bin': new Uint8Array(a.weightData as ArrayBuffer) } };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return out!;
}

/** Random weights (not TF.js's initialisers, some of which are zeros): U(−0.8, 0.8). */
function randomize(model: tf.LayersModel, rng: Rng): void {
  model.setWeights(model.getWeights().map((w) => tf.tensor(Float32Array.from({ length: w.size }, () => rng.uniform(-0.8, 0.8)), w.shape)));
}

interface Case { name: string; build: () => tf.Sequential; input: 'ids' | 'float'; T: number; B: number; F?: number; V?: number; pad?: boolean }

const L = tf.layers;
const seq = (...layers: tf.layers.Layer[]): tf.Sequential => { const m = tf.sequential(); layers.forEach((l) => m.add(l)); return m; };

const CASES: Case[] = [
  { name: 'Embedding → GRU (TF.js defaults: hard_sigmoid, reset_after=false) → Dense softmax', input: 'ids', T: 6, B: 3, V: 12,
    build: () => seq(L.embedding({ inputDim: 12, outputDim: 5, inputLength: 6 }), L.gru({ units: 7, returnSequences: true }), L.dense({ units: 12, activation: 'softmax' })) },
  { name: 'GRU with sigmoid gates (Cho reset-before on the fused path), last output only', input: 'float', T: 5, B: 2, F: 4,
    build: () => seq(L.gru({ units: 6, recurrentActivation: 'sigmoid', inputShape: [5, 4] }), L.dense({ units: 3 })) },
  { name: 'LSTM defaults (hard_sigmoid) → Dropout → Dense relu', input: 'float', T: 5, B: 3, F: 3,
    build: () => seq(L.lstm({ units: 5, returnSequences: true, inputShape: [5, 3] }), L.dropout({ rate: 0.5 }), L.dense({ units: 4, activation: 'relu' })) },
  { name: 'LSTM sigmoid without bias, SimpleRNN relu', input: 'float', T: 4, B: 2, F: 3,
    build: () => seq(L.lstm({ units: 4, recurrentActivation: 'sigmoid', useBias: false, returnSequences: true, inputShape: [4, 3] }), L.simpleRNN({ units: 3, activation: 'relu', returnSequences: true })) },
  ...(['concat', 'sum', 'mul', 'ave'] as const).map((mergeMode): Case => ({
    name: `Bidirectional GRU merge ${mergeMode} → Bidirectional LSTM (last output)`, input: 'float', T: 5, B: 2, F: 3,
    build: () => seq(L.bidirectional({ layer: L.gru({ units: 4, returnSequences: true }) as tf.RNN, mergeMode, inputShape: [5, 3] }),
      L.bidirectional({ layer: L.lstm({ units: 3 }) as tf.RNN }), L.dense({ units: 2, activation: 'sigmoid' })),
  })),
  { name: 'Embedding mask_zero → GRU (masked steps) → Dense', input: 'ids', T: 6, B: 3, V: 9, pad: true,
    build: () => seq(L.embedding({ inputDim: 9, outputDim: 4, inputLength: 6, maskZero: true }), L.gru({ units: 5, returnSequences: true }), L.dense({ units: 2 })) },
  { name: 'Masking → Bidirectional LSTM → GRU last output (masked)', input: 'float', T: 6, B: 3, F: 2, pad: true,
    build: () => seq(L.masking({ maskValue: 0, inputShape: [6, 2] }), L.bidirectional({ layer: L.lstm({ units: 3, returnSequences: true }) as tf.RNN }), L.gru({ units: 2 })) },
  { name: 'SimpleRNN tanh stack → Activation', input: 'float', T: 7, B: 2, F: 2,
    build: () => seq(L.simpleRNN({ units: 4, returnSequences: true, inputShape: [7, 2] }), L.simpleRNN({ units: 3, returnSequences: true }), L.activation({ activation: 'softsign' })) },
];

describe('TF.js Layers models → gated, against TensorFlow.js', () => {
  beforeAll(async () => { await tf.setBackend('cpu'); });

  for (const c of CASES) {
    it(c.name, async () => {
      const rng = new Rng(c.name.length), model = c.build();
      randomize(model, rng);
      const { T, B } = c;
      let xTf: tf.Tensor, xG: Tensor;
      if (c.input === 'ids') {
        const ids = Float32Array.from({ length: B * T }, () => 1 + Math.floor(rng.next() * (c.V! - 1)));
        if (c.pad) for (let b = 0; b < B; b++) for (let t = T - b; t < T; t++) ids[b * T + t] = 0; // trailing padding
        xTf = tf.tensor2d(ids, [B, T]); xG = new Tensor(ids, [B, T]);
      } else {
        const d = Float32Array.from({ length: B * T * c.F! }, () => rng.normal());
        if (c.pad) for (let b = 0; b < B; b++) for (let t = T - b - 1; t < T; t++) d.fill(0, (b * T + t) * c.F!, (b * T + t + 1) * c.F!);
        xTf = tf.tensor3d(d, [B, T, c.F!]); xG = new Tensor(d, [B, T, c.F!]);
      }
      const want = model.predict(xTf) as tf.Tensor, { json, shards } = await saveTfjs(model);
      const ours = loadTfjs(json, shards).forward(xG);
      expectClose(ours, { data: want.dataSync() as Float32Array, shape: want.shape }, c.name);
    });
  }

  it('rejects a shard path that leaves the model directory, and truncated shards', async () => {
    const m = seq(L.dense({ units: 2, inputShape: [3] }));
    const { json, shards } = await saveTfjs(m);
    const bad = JSON.parse(json);
    bad.weightsManifest[0].paths = ['../../etc/passwd'];
    expect(() => loadTfjs(bad, shards)).toThrow(/no '\.\.'/);
    expect(() => loadTfjs(json, { 'group1-shard1of1.bin': shards['group1-shard1of1.bin'].subarray(4) })).toThrow(GatedError);
  });

  it('names an unsupported layer', () => {
    const json = { format: 'layers-model', modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Conv1D', config: { name: 'c' } }] } }, weightsManifest: [] };
    expect(() => loadTfjs(json, {})).toThrow(/layer 0 'c' \(Conv1D\)/);
  });
});
