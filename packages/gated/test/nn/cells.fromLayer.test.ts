// GRUCell / LSTMCell / RNNCell.fromLayer: a trained layer stepped one time step at a time gives the layer's own
// outputs (both directions, stacked layers), and bad layer choices are typed errors.
import { describe, expect, it } from 'vitest';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, manualSeed, noGrad, slice, reshape, tensor, type Tensor } from '../../src/index.js';
import { GatedError } from '../../src/errors.js';

const T = 6, B = 2, I = 3, H = 5;
const x = tensor(Array.from({ length: T * B * I }, (_, i) => Math.sin(0.7 * i)), [T, B, I]);
const step = (t: number, input: Tensor) => reshape(slice(input, 0, t, t + 1), [B, input.shape[2]]);
const close = (a: ArrayLike<number>, b: ArrayLike<number>) => { for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-5); };

describe('cells from trained layers', () => {
  it('GRU: a 2-layer stack stepped by two cells equals the layer (reset after and before)', () => {
    for (const resetAfter of [true, false]) {
      manualSeed(1);
      const gru = new GRU({ inputSize: I, hiddenSize: H, numLayers: 2, resetAfter });
      const c0 = GRUCell.fromLayer(gru, 0), c1 = GRUCell.fromLayer(gru, 1);
      expect(c1.inputSize).toBe(H);
      noGrad(() => {
        const { output } = gru.forward(x);
        let h0: Tensor | null = null, h1: Tensor | null = null;
        for (let t = 0; t < T; t++) { h0 = c0.forward(step(t, x), h0); h1 = c1.forward(h0, h1); close(h1.data, step(t, output).data); }
      });
    }
  });

  it('GRU bidirectional: the reverse cell run backwards in time gives the second half of the output', () => {
    manualSeed(2);
    const gru = new GRU({ inputSize: I, hiddenSize: H, bidirectional: true });
    const rev = GRUCell.fromLayer(gru, 0, { reverse: true });
    noGrad(() => {
      const { output } = gru.forward(x);                                  // [T, B, 2H]
      let h: Tensor | null = null;
      for (let t = T - 1; t >= 0; t--) { h = rev.forward(step(t, x), h); close(h.data, slice(step(t, output), 1, H, 2 * H).data); }
    });
  });

  it('LSTM and RNN: stacks stepped by cells equal the layers', () => {
    manualSeed(3);
    const lstm = new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2 }), rnn = new RNN({ inputSize: I, hiddenSize: H, numLayers: 2, nonlinearity: 'relu' });
    const l0 = LSTMCell.fromLayer(lstm, 0), l1 = LSTMCell.fromLayer(lstm, 1), r0 = RNNCell.fromLayer(rnn, 0), r1 = RNNCell.fromLayer(rnn, 1);
    expect(r1.nonlinearity).toBe('relu');
    noGrad(() => {
      const lo = lstm.forward(x).output, ro = rnn.forward(x).output;
      let s0: { h: Tensor; c: Tensor } | null = null, s1: { h: Tensor; c: Tensor } | null = null, h0: Tensor | null = null, h1: Tensor | null = null;
      for (let t = 0; t < T; t++) {
        s0 = l0.forward(step(t, x), s0); s1 = l1.forward(s0.h, s1); close(s1.h.data, step(t, lo).data);
        h0 = r0.forward(step(t, x), h0); h1 = r1.forward(h0, h1); close(h1.data, step(t, ro).data);
      }
    });
  });

  it('the cell holds a copy: training the cell does not change the layer', () => {
    const gru = new GRU({ inputSize: I, hiddenSize: H });
    const cell = GRUCell.fromLayer(gru);
    cell.weight_hh.data[0] += 1;
    expect(gru.stateDict().weight_hh_l0.data[0]).not.toBe(cell.weight_hh.data[0]);
  });

  it('a layer that does not exist, a reverse direction of a one-way layer and an LSTM projection are typed errors', () => {
    const gru = new GRU({ inputSize: I, hiddenSize: H, numLayers: 2 });
    expect(() => GRUCell.fromLayer(gru, 2)).toThrow(/layer must be an integer in \[0, 1\].*got 2/);
    expect(() => GRUCell.fromLayer(gru, 0, { reverse: true })).toThrow(/reverse: true needs a bidirectional layer/);
    expect(() => LSTMCell.fromLayer(new LSTM({ inputSize: I, hiddenSize: H, projSize: 2 }))).toThrow(GatedError);
  });
});
