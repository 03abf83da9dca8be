// Weight-layout converters: the gate orders spelled out on 1-unit layers (so a wrong permutation cannot hide), exact
// round trips, and equivalence of a GRU / LSTM before and after a trip through the Keras layout (where biases merge).
import { describe, expect, it } from 'vitest';
import { kerasToTorch, onnxToTorch, torchToKeras, torchToOnnx, type CellType, type TorchRecurrentWeights } from '../../src/io/convert.js';
import { GRU } from '../../src/nn/gru.js';
import { LSTM } from '../../src/nn/lstm.js';
import { manualSeed, Rng } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import { expectClose } from './onnx/_close.js';

const G: Record<CellType, number> = { gru: 3, lstm: 4, rnn: 1 };
function random(cell: CellType, H: number, I: number, rng: Rng, bias = true): TorchRecurrentWeights {
  const r = (n: number, shape: number[]) => new Tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
  const GH = G[cell] * H;
  return { weightIh: r(GH * I, [GH, I]), weightHh: r(GH * H, [GH, H]), biasIh: bias ? r(GH, [GH]) : null, biasHh: bias ? r(GH, [GH]) : null };
}
const same = (a: TorchRecurrentWeights, b: TorchRecurrentWeights) => {
  for (const k of ['weightIh', 'weightHh', 'biasIh', 'biasHh'] as const) {
    if (a[k] === null) expect(b[k]).toBeNull(); else expectClose(b[k]!, a[k]!, k, 0, 0);
  }
};

describe('gate orders on one unit', () => {
  it('GRU: torch r, z, n → Keras z, r, h and ONNX z, r, h', () => {
    const w = { weightIh: tensor([1, 2, 3], [3, 1]), weightHh: tensor([4, 5, 6], [3, 1]), biasIh: tensor([7, 8, 9]), biasHh: tensor([10, 11, 12]) };
    const k = torchToKeras('gru', w);
    expect(Array.from(k.kernel.data)).toEqual([2, 1, 3]);
    expect(Array.from(k.recurrentKernel.data)).toEqual([5, 4, 6]);
    expect(Array.from(k.bias!.data)).toEqual([8, 7, 9, 11, 10, 12]);
    expect(Array.from(torchToKeras('gru', w, { resetAfter: false }).bias!.data)).toEqual([19, 17, 21]);
    const o = torchToOnnx('gru', [w]);
    expect(Array.from(o.W.data)).toEqual([2, 1, 3]);
    expect(Array.from(o.B!.data)).toEqual([8, 7, 9, 11, 10, 12]);
  });
  it('LSTM: torch i, f, g, o → Keras i, f, c, o and ONNX i, o, f, c', () => {
    const w = { weightIh: tensor([1, 2, 3, 4], [4, 1]), weightHh: tensor([5, 6, 7, 8], [4, 1]), biasIh: tensor([1, 1, 1, 1]), biasHh: tensor([0, 1, 2, 3]) };
    expect(Array.from(torchToKeras('lstm', w).kernel.data)).toEqual([1, 2, 3, 4]);
    expect(Array.from(torchToKeras('lstm', w).bias!.data)).toEqual([1, 2, 3, 4]);
    const o = torchToOnnx('lstm', [w]);
    expect(Array.from(o.W.data)).toEqual([1, 4, 2, 3]);
    expect(Array.from(o.R.data)).toEqual([5, 8, 6, 7]);
    expect(Array.from(o.B!.data)).toEqual([1, 1, 1, 1, 0, 3, 1, 2]);
  });
  it('Keras kernels are transposed: [I, G·H]', () => {
    const rng = new Rng(1), w = random('gru', 2, 3, rng), k = torchToKeras('gru', w);
    expect(k.kernel.shape).toEqual([3, 6]); expect(k.recurrentKernel.shape).toEqual([2, 6]);
    // kernel[i, z-block j] = W_iz[j, i], and W_iz is torch rows H..2H
    expect(k.kernel.data[1 * 6 + 0]).toBe(w.weightIh.data[2 * 3 + 1]);
  });
});

describe('round trips', () => {
  for (const cell of ['gru', 'lstm', 'rnn'] as const) {
    for (const bias of [true, false]) {
      it(`${cell}${bias ? '' : ' without bias'}: torch → ONNX → torch and torch → Keras → torch are exact`, () => {
        const rng = new Rng(cell.length + Number(bias)), fwd = random(cell, 3, 4, rng, bias), rev = random(cell, 3, 4, rng, bias);
        const back = onnxToTorch(cell, torchToOnnx(cell, [fwd, rev]));
        same(fwd, back[0]); same(rev, back[1]);
        if (cell === 'gru' || !bias) same(fwd, kerasToTorch(cell, torchToKeras(cell, fwd), { resetAfter: true }));
      });
    }
  }
  it('a reset-before GRU and an LSTM compute the same after Keras → torch, where the two biases merged', () => {
    manualSeed(4);
    const rng = new Rng(9), x = new Tensor(Float32Array.from({ length: 5 * 2 * 3 }, () => rng.normal()), [5, 2, 3]);
    for (const m of [new GRU({ inputSize: 3, hiddenSize: 4, resetAfter: false }), new LSTM({ inputSize: 3, hiddenSize: 4 })]) {
      const cell = m instanceof GRU ? 'gru' : 'lstm', sd = m.stateDict();
      const w = { weightIh: sd.weight_ih_l0, weightHh: sd.weight_hh_l0, biasIh: sd.bias_ih_l0, biasHh: sd.bias_hh_l0 };
      const t = kerasToTorch(cell, torchToKeras(cell, w, { resetAfter: false }), { resetAfter: false });
      expect(Array.from(t.biasHh!.data).every((v) => v === 0)).toBe(true);
      const m2 = m instanceof GRU ? new GRU({ inputSize: 3, hiddenSize: 4, resetAfter: false }) : new LSTM({ inputSize: 3, hiddenSize: 4 });
      m2.loadStateDict({ weight_ih_l0: t.weightIh, weight_hh_l0: t.weightHh, bias_ih_l0: t.biasIh!, bias_hh_l0: t.biasHh! });
      expectClose(m2.forward(x).output, m.forward(x).output, `${cell} output`, 1e-6, 1e-5);
    }
  });
  it('rejects mismatched shapes with a typed error', () => {
    const w = random('gru', 2, 3, new Rng(0));
    expect(() => torchToOnnx('lstm', [w])).toThrow(/weightHh/);
    expect(() => kerasToTorch('gru', torchToKeras('gru', w), { resetAfter: false })).toThrow(/bias/);
  });
});

describe('stack model directories', () => {
  it('round-trip through model.safetensors + config.json; a config claiming more weights than the file holds is refused before allocating', async () => {
    const { StackModel, encodeStackDir, decodeStackDir } = await import('../../src/io/stack.js');
    manualSeed(1);
    const m = new StackModel({ format: 'gated-stack', version: 1, input: 'ids', batchFirst: false, layers: [
      { type: 'embedding', numEmbeddings: 6, embeddingDim: 3 }, { type: 'lstm', inputSize: 3, hiddenSize: 2, numLayers: 2, bidirectional: true }, { type: 'linear', inFeatures: 4, outFeatures: 6 }] });
    const files = encodeStackDir(m), back = decodeStackDir(files);
    const x = Int32Array.from([0, 1, 2, 3, 4, 5]);
    expectClose(back.forward(x, { shape: [3, 2] }), m.eval().forward(x, { shape: [3, 2] }), 'output', 0, 0);
    const cfg = JSON.parse(new TextDecoder().decode(files['config.json']));
    cfg.layers[0].numEmbeddings = 16_000_000;
    expect(() => decodeStackDir({ ...files, 'config.json': new TextEncoder().encode(JSON.stringify(cfg)) })).toThrow(/describes \d+ parameter values but model.safetensors holds 288/);
  });
});
