// ONNX → gated layer stack (onnxToStack) and the PyTorch → gated paths: a torch.onnx.export file and a PyTorch
// state_dict (safetensors) each become a StackModel whose outputs equal PyTorch's within 1e-5; gated → ONNX → gated
// restores the same config and weights.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GatedError } from '../../../src/errors.js';
import { exportOnnx } from '../../../src/io/onnx/export.js';
import { onnxToStack } from '../../../src/io/onnx/lift.js';
import { readSafetensors, readSafetensorsMetadata } from '../../../src/io/safetensors.js';
import { StackModel, type LayerSpec, type StackConfig } from '../../../src/io/stack.js';
import { manualSeed, Rng } from '../../../src/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { expectClose } from './_close.js';

const DIR = fileURLToPath(new URL('../../fixtures/onnx/torch/', import.meta.url));
const TORCH = ['emb_gru_linear', 'emb_lstm_linear', 'emb_gru_bidir_layers2_batch_first', 'emb_lstm_bidir_layers2', 'lstm_nobias_batch_first'];
const read = (f: string) => new Uint8Array(readFileSync(DIR + f));

interface TorchSpec { cell: 'gru' | 'lstm' | 'rnn'; vocab?: number; inputSize: number; hiddenSize: number; out: number; numLayers?: number; bidirectional?: boolean; batchFirst?: boolean; bias?: boolean; layerNorm?: boolean; final?: string; nonlinearity?: 'tanh' | 'relu' }

/** The generator's torch Stack as a gated config, and its state_dict names → gated's. */
function fromTorchSpec(c: TorchSpec): { cfg: StackConfig; rename: (k: string) => string } {
  const D = c.bidirectional ? 2 : 1, layers: LayerSpec[] = [];
  const idx: Record<string, number> = {};
  if (c.vocab) { idx.embed = layers.length; layers.push({ type: 'embedding', numEmbeddings: c.vocab, embeddingDim: c.inputSize }); }
  idx.rnn = layers.length;
  layers.push({ type: c.cell, inputSize: c.inputSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers ?? 1, bidirectional: !!c.bidirectional, bias: c.bias ?? true, ...(c.cell === 'rnn' ? { nonlinearity: c.nonlinearity ?? 'tanh' } : {}) });
  if (c.layerNorm) { idx.norm = layers.length; layers.push({ type: 'layernorm', normalizedShape: [D * c.hiddenSize] }); }
  layers.push({ type: 'dropout', p: 0.3 });
  idx.head = layers.length; layers.push({ type: 'linear', inFeatures: D * c.hiddenSize, outFeatures: c.out });
  if (c.final) layers.push({ type: 'activation', fn: c.final as 'softmax' });
  return { cfg: { format: 'gated-stack', version: 1, input: c.vocab ? 'ids' : 'float', batchFirst: !!c.batchFirst, layers }, rename: (k) => k.replace(/^(\w+)\./, (_, m: string) => `layers.${idx[m]}.`) };
}

describe('PyTorch → gated', () => {
  for (const name of TORCH) {
    it(`${name}: torch.onnx.export file → onnxToStack`, () => {
      const io = readSafetensors(read(`${name}.io.safetensors`));
      const model = onnxToStack(read(`${name}.onnx`));
      expectClose(model.forward(io.input), io['out.output'], `${name} output`);
      const spec = JSON.parse(readSafetensorsMetadata(read(`${name}.io.safetensors`)).config) as TorchSpec;
      expect(model.config.batchFirst).toBe(!!spec.batchFirst);
      const rec = model.config.layers.find((l) => l.type === spec.cell) as { numLayers?: number };
      expect(rec.numLayers ?? 1).toBe(spec.numLayers ?? 1); // the exporter's per-layer nodes merged back
    });
    it(`${name}: state_dict (safetensors) → StackModel`, () => {
      const io = readSafetensors(read(`${name}.io.safetensors`)), sd = readSafetensors(read(`${name}.state.safetensors`));
      const { cfg, rename } = fromTorchSpec(JSON.parse(readSafetensorsMetadata(read(`${name}.state.safetensors`)).config));
      const model = new StackModel(cfg);
      model.loadStateDict(Object.fromEntries(Object.entries(sd).map(([k, v]) => [rename(k), v])));
      model.eval();
      expectClose(model.forward(io.input), io['out.output'], `${name} output`);
    });
  }

  it('a graph with initial-state inputs is not a stack: typed error naming them', () => {
    expect(() => onnxToStack(read('rnn_relu_bidir_h0.onnx'))).toThrow(GatedError);
    expect(() => onnxToStack(read('rnn_relu_bidir_h0.onnx'))).toThrow(/'h0'/);
  });
});

describe('gated → ONNX → gated', () => {
  const configs: [string, StackConfig][] = [
    ['ids → GRU ×2 bidirectional → LayerNorm → linear', { format: 'gated-stack', version: 1, input: 'ids', batchFirst: true, layers: [
      { type: 'embedding', numEmbeddings: 10, embeddingDim: 4 }, { type: 'gru', inputSize: 4, hiddenSize: 5, numLayers: 2, bidirectional: true },
      { type: 'layernorm', normalizedShape: [10] }, { type: 'linear', inFeatures: 10, outFeatures: 10 }] }],
    ['float → LSTM hard-sigmoid, last output, ave → linear → softmax', { format: 'gated-stack', version: 1, input: 'float', batchFirst: false, layers: [
      { type: 'lstm', inputSize: 3, hiddenSize: 4, bidirectional: true, merge: 'ave', returnSequences: false, activations: [{ name: 'hardsigmoid' }, { name: 'tanh' }, { name: 'tanh' }] },
      { type: 'linear', inFeatures: 4, outFeatures: 3 }, { type: 'activation', fn: 'softmax' }] }],
  ];
  for (const [name, cfg] of configs) {
    it(name, () => {
      manualSeed(3);
      const a = new StackModel(cfg).eval(), b = onnxToStack(exportOnnx(a));
      expect(b.config).toEqual(a.config);
      const sa = a.stateDict(), sb = b.stateDict();
      expect(Object.keys(sb).sort()).toEqual(Object.keys(sa).sort());
      for (const k of Object.keys(sa)) expectClose(sb[k], sa[k], k, 0, 0);
      const rng = new Rng(2), x = cfg.input === 'ids'
        ? new Tensor(Float32Array.from({ length: 12 }, () => Math.floor(rng.next() * 10)), [3, 4])
        : new Tensor(Float32Array.from({ length: 5 * 2 * 3 }, () => rng.normal()), [5, 2, 3]);
      expectClose(b.forward(x), a.forward(x), `${name} output`, 0, 0);
    });
  }
});
