// hiddenGradients: the per-step ∂L/∂h_t read off a step-by-step cell run must equal what the fused layer (checked
// against PyTorch) gives: ∂L/∂h_t is the h0-gradient of the layer run over x[t:] from h_t, and the weight gradients
// summed over the steps are the layer's own BPTT weight gradients.
import { describe, expect, it } from 'vitest';
import { hiddenGradients, meanRowNorm, type OneLayer } from '../../../src/apps/experiments/hidden-grads.js';
import { GRU } from '../../../../gated/src/nn/gru.js';
import { LSTM } from '../../../../gated/src/nn/lstm.js';
import { RNN } from '../../../../gated/src/nn/rnn.js';
import { Rng, manualSeed } from '../../../../gated/src/random.js';
import { Tensor } from '../../../../gated/src/tensor/tensor.js';
import { expectClose } from '../../../../gated/test/_util/close.js';

const T = 7, B = 3, I = 4, H = 5;
// a loss on the last state that weights every unit differently: L = Σ_b Σ_j c_j · tanh(h_T[b, j])
const coef = new Tensor(Float32Array.from({ length: H }, (_, j) => 0.5 + j), [H]);
const lossOf = (hT: Tensor): Tensor => hT.tanh().mul(coef).sum();

const layers: [string, () => OneLayer][] = [
  ['GRU (reset after)', () => new GRU({ inputSize: I, hiddenSize: H })],
  ['GRU (reset before)', () => new GRU({ inputSize: I, hiddenSize: H, resetAfter: false })],
  ['LSTM', () => new LSTM({ inputSize: I, hiddenSize: H })],
  ['tanh RNN', () => new RNN({ inputSize: I, hiddenSize: H })],
];

describe('hiddenGradients', () => {
  for (const [name, make] of layers) {
    it(`${name}: ∂L/∂h_t equals the fused layer's h0-gradient from h_t, weight gradients equal BPTT's`, () => {
      manualSeed(21);
      const layer = make(), rng = new Rng(2);
      const x = new Tensor(Float32Array.from({ length: T * B * I }, () => rng.uniform(-2, 2)), [T, B, I]);
      const g = hiddenGradients(layer, x, lossOf);
      expect(g.dh).toHaveLength(T + 1);
      // states h_t (and c_t) from the fused layer: run it on x[:t] from zeros
      const lstm = layer instanceof LSTM;
      for (const t of [0, 2, T - 1, T]) {
        let h0 = new Tensor(new Float32Array(B * H), [1, B, H]), c0 = new Tensor(new Float32Array(B * H), [1, B, H]);
        if (t > 0) {
          const r = (layer as LSTM).forward(new Tensor(x.data.slice(0, t * B * I), [t, B, I]));
          h0 = r.h; if (lstm) c0 = r.c;
        }
        if (t === T) { // the loss itself reads h_T
          const hT = new Tensor(h0.data.slice(), [B, H], { requiresGrad: true });
          lossOf(hT).backward();
          expectClose(g.dh[T], hT.grad!.data, { atol: 1e-6, rtol: 1e-5, what: `${name} dh[T]` });
          continue;
        }
        const hLeaf = new Tensor(h0.data.slice(), [1, B, H], { requiresGrad: true });
        const cLeaf = new Tensor(c0.data.slice(), [1, B, H], { requiresGrad: true });
        const rest = new Tensor(x.data.slice(t * B * I), [T - t, B, I]);
        const { h } = lstm ? (layer as LSTM).forward(rest, { h0: hLeaf, c0: cLeaf }) : (layer as GRU).forward(rest, { h0: hLeaf });
        layer.zeroGrad();
        lossOf(h.reshape([B, H])).backward();
        expectClose(g.dh[t], hLeaf.grad!.data, { atol: 1e-6, rtol: 1e-4, what: `${name} dh[${t}]` });
        if (lstm) expectClose(g.dc![t], cLeaf.grad!.data, { atol: 1e-6, rtol: 1e-4, what: `${name} dc[${t}]` });
      }
      // weight gradients: the whole sequence through the fused layer
      layer.zeroGrad();
      lossOf(layer.forward(x).h.reshape([B, H])).backward();
      const cellGrads = new Map(g.cell.namedParameters().map(([n, p]) => [n, p.grad!.data]));
      for (const [n, p] of layer.namedParameters()) {
        expectClose(cellGrads.get(n.replace(/_l0$/, ''))!, p.grad!.data, { atol: 1e-5, rtol: 1e-4, what: `${name} ${n}` });
      }
    });
  }

  it('meanRowNorm is the mean of the per-row Euclidean norms', () => {
    expect(meanRowNorm(Float32Array.from([3, 4, 0, 0, 1, 0]), 3, 2)).toBeCloseTo((5 + 0 + 1) / 3, 12);
  });

  it('rejects stacked layers and wrong input shapes with typed errors', () => {
    const x = new Tensor(new Float32Array(2 * 1 * 3), [2, 1, 3]);
    expect(() => hiddenGradients(new GRU({ inputSize: 3, hiddenSize: 2, numLayers: 2 }), x, (h) => h.sum())).toThrow(/one-layer, one-direction/);
    expect(() => hiddenGradients(new GRU({ inputSize: 4, hiddenSize: 2 }), x, (h) => h.sum())).toThrow(/x must be \[T, B, 4\], got \[2, 1, 3\]/);
  });
});
