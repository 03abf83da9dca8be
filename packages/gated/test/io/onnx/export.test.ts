// ONNX export, checked by an outside runtime: onnxruntime-node runs the exported graph and must agree with gated's own
// forward within 1e-5 (+1e-4 relative); gated's importer must too (gated → ONNX → gated).
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../../src/io/onnx/export.js';
import { loadOnnx } from '../../../src/io/onnx/import.js';
import { StackModel, type LayerSpec, type StackConfig } from '../../../src/io/stack.js';
import { manualSeed, Rng } from '../../../src/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { expectClose } from './_close.js';

const stack = (input: 'ids' | 'float', layers: LayerSpec[], batchFirst = false): StackConfig => ({ format: 'gated-stack', version: 1, input, batchFirst, layers });

interface Case { name: string; cfg: StackConfig; T: number; B: number; lengths?: number[]; states?: boolean }

const CASES: Case[] = [
  { name: 'ids → GRU 2 layers bidirectional → dropout → linear, lengths, initial states', T: 6, B: 3, lengths: [6, 2, 4], states: true,
    cfg: stack('ids', [{ type: 'embedding', numEmbeddings: 13, embeddingDim: 5 }, { type: 'gru', inputSize: 5, hiddenSize: 7, numLayers: 2, bidirectional: true },
      { type: 'dropout', p: 0.4 }, { type: 'linear', inFeatures: 14, outFeatures: 13 }]) },
  { name: 'float batch-first → LSTM bidirectional → LayerNorm → linear → log-softmax', T: 5, B: 2,
    cfg: stack('float', [{ type: 'lstm', inputSize: 4, hiddenSize: 6, bidirectional: true }, { type: 'layernorm', normalizedShape: [12] },
      { type: 'linear', inFeatures: 12, outFeatures: 3 }, { type: 'activation', fn: 'logsoftmax' }], true) },
  { name: 'ids → RNN relu 2 layers → linear (no bias) → softmax, states', T: 4, B: 2, states: true,
    cfg: stack('ids', [{ type: 'embedding', numEmbeddings: 9, embeddingDim: 3 }, { type: 'rnn', inputSize: 3, hiddenSize: 5, numLayers: 2, nonlinearity: 'relu' },
      { type: 'linear', inFeatures: 5, outFeatures: 9, bias: false }, { type: 'activation', fn: 'softmax' }]) },
  { name: 'Cho reset-before GRU with clip and hard-sigmoid gates (general path)', T: 5, B: 2, lengths: [5, 3],
    cfg: stack('float', [{ type: 'gru', inputSize: 3, hiddenSize: 4, resetAfter: false, clip: 0.8, activations: [{ name: 'hardsigmoid', alpha: 0.2, beta: 0.5 }, { name: 'tanh' }] },
      { type: 'linear', inFeatures: 4, outFeatures: 2 }]) },
  { name: 'LSTM without bias, custom activations, bidirectional ave, last output only', T: 4, B: 3,
    cfg: stack('float', [{ type: 'lstm', inputSize: 3, hiddenSize: 4, bias: false, bidirectional: true, merge: 'ave', returnSequences: false,
      activations: [{ name: 'hardsigmoid', alpha: 0.3, beta: 0.4 }, { name: 'softsign' }, { name: 'elu', alpha: 0.7 }] }, { type: 'linear', inFeatures: 4, outFeatures: 2 }], true) },
  { name: 'RNN bidirectional sum, GRU bidirectional mul, GRU last output concat', T: 3, B: 2,
    cfg: stack('float', [{ type: 'rnn', inputSize: 2, hiddenSize: 3, bidirectional: true, merge: 'sum' },
      { type: 'gru', inputSize: 3, hiddenSize: 3, bidirectional: true, merge: 'mul' },
      { type: 'gru', inputSize: 3, hiddenSize: 2, bidirectional: true, returnSequences: false }, { type: 'activation', fn: 'tanh' }]) },
];

function inputs(c: Case, rng: Rng): { x: Tensor; feeds: Record<string, ort.Tensor>; h0: Record<string, Tensor> } {
  const { T, B, cfg } = c, shape = cfg.batchFirst ? [B, T] : [T, B], feeds: Record<string, ort.Tensor> = {};
  let x: Tensor;
  if (cfg.input === 'ids') {
    const V = (cfg.layers[0] as { numEmbeddings: number }).numEmbeddings, ids = Array.from({ length: T * B }, () => Math.floor(rng.next() * V));
    x = new Tensor(Float32Array.from(ids), shape, { dtype: 'int64', intData: BigInt64Array.from(ids, BigInt) });
    feeds.input = new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), shape);
  } else {
    const F = (cfg.layers[0] as { inputSize: number }).inputSize, d = Float32Array.from({ length: T * B * F }, () => rng.normal());
    x = new Tensor(d, [...shape, F]);
    feeds.input = new ort.Tensor('float32', d, [...shape, F]);
  }
  if (c.lengths) feeds.lengths = new ort.Tensor('int32', Int32Array.from(c.lengths), [B]);
  return { x, feeds, h0: {} };
}

describe('ONNX export → onnxruntime-node', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      manualSeed(7);
      const model = new StackModel(c.cfg).eval(), rng = new Rng(11);
      const { x, feeds } = inputs(c, rng);
      // initial states: random, fed to both
      const h0s: { h: Tensor; c?: Tensor }[] = [];
      if (c.states) {
        let k = 0;
        for (const s of c.cfg.layers) {
          if (s.type !== 'gru' && s.type !== 'lstm' && s.type !== 'rnn') continue;
          const n = (s.numLayers ?? 1) * (s.bidirectional ? 2 : 1), shape = [n, c.B, s.hiddenSize];
          const h = new Tensor(Float32Array.from({ length: n * c.B * s.hiddenSize }, () => rng.normal()), shape);
          feeds[`h0.${k}`] = new ort.Tensor('float32', h.data, shape);
          h0s.push({ h }); k++;
        }
      }
      const ours = model.run(x, { lengths: c.lengths, initialStates: c.states ? h0s : undefined });
      const bytes = exportOnnx(model, { lengths: !!c.lengths, states: c.states });
      const session = await ort.InferenceSession.create(bytes);
      const theirs = await session.run(feeds);
      expectClose({ data: theirs.output.data as Float32Array, shape: theirs.output.dims }, ours.output, `${c.name}: onnxruntime output`);
      ours.states.forEach((st, k) => {
        expectClose({ data: theirs[`h_n.${k}`].data as Float32Array, shape: theirs[`h_n.${k}`].dims }, st.h, `h_n.${k}`);
        if (st.c) expectClose({ data: theirs[`c_n.${k}`].data as Float32Array, shape: theirs[`c_n.${k}`].dims }, st.c, `c_n.${k}`);
      });
      // gated's own importer on the same file
      const back = loadOnnx(bytes).run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, { data: v.data as Float32Array, shape: [...v.dims] }])));
      expectClose(back.output, ours.output, `${c.name}: gated import of the export`);
    });
  }

  it('refuses what ONNX cannot express, naming the layer', () => {
    const m = new StackModel(stack('float', [{ type: 'masking', maskValue: 0 }, { type: 'gru', inputSize: 2, hiddenSize: 2 }]));
    expect(() => exportOnnx(m)).toThrow(/layer 0 \(masking\)/);
  });
});
