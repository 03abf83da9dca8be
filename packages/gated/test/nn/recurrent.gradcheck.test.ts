// Finite-difference gradient checks of every recurrent layer and cell, independent of PyTorch:
// x, h0, c0 and every parameter, through both reset conventions, projections, lengths, bidirectional stacks.
import { describe, it } from 'vitest';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell, Rng, Tensor, manualSeed } from '../../src/index.js';
import { expectGradcheck } from '../_util/gradcheck.js';

const rand = (rng: Rng, shape: number[], scale = 0.8): Tensor => {
  const t = new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(-scale, scale);
  t.requiresGrad = true;
  return t;
};

type Layer = GRU | LSTM | RNN;
const cases: [string, () => Layer, { T: number; B: number; lengths?: number[]; state: boolean }][] = [
  ['GRU reset-after, 2 layers bidirectional, lengths', () => new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true }), { T: 5, B: 3, lengths: [5, 2, 3], state: true }],
  ['GRU reset-before, bidirectional, lengths', () => new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true, resetAfter: false }), { T: 4, B: 2, lengths: [1, 4], state: true }],
  ['GRU reset-before, 2 layers, no bias, batchFirst', () => new GRU({ inputSize: 2, hiddenSize: 3, numLayers: 2, bias: false, batchFirst: true, resetAfter: false }), { T: 4, B: 2, state: false }],
  ['LSTM with projection, bidirectional, lengths', () => new LSTM({ inputSize: 3, hiddenSize: 5, projSize: 2, bidirectional: true }), { T: 4, B: 3, lengths: [2, 4, 1], state: true }],
  ['LSTM 2 layers', () => new LSTM({ inputSize: 2, hiddenSize: 3, numLayers: 2 }), { T: 5, B: 2, state: true }],
  ['RNN tanh bidirectional, lengths', () => new RNN({ inputSize: 3, hiddenSize: 4, bidirectional: true }), { T: 5, B: 2, lengths: [3, 5], state: true }],
  ['RNN relu 2 layers', () => new RNN({ inputSize: 3, hiddenSize: 4, numLayers: 2, nonlinearity: 'relu' }), { T: 4, B: 2, state: false }],
];

describe('recurrent layers: finite-difference gradients', () => {
  for (const [name, make, { T, B, lengths, state }] of cases) {
    it(name, () => {
      manualSeed(7);
      const m = make(), rng = new Rng(11);
      const D = m.bidirectional ? 2 : 1, P = m.projSize || m.hiddenSize, LD = m.numLayers * D;
      const x = rand(rng, m.batchFirst ? [B, T, m.inputSize] : [T, B, m.inputSize]);
      const isLstm = m instanceof LSTM;
      const h0 = state ? rand(rng, [LD, B, P]) : null, c0 = state && isLstm ? rand(rng, [LD, B, m.hiddenSize]) : null;
      const inputs = [x, ...(h0 ? [h0] : []), ...(c0 ? [c0] : []), ...m.parameters()];
      const names = ['x', ...(h0 ? ['h0'] : []), ...(c0 ? ['c0'] : []), ...m.namedParameters().map(([n]) => n)];
      expectGradcheck(() => {
        const r: { output: Tensor; h: Tensor; c?: Tensor } = m.forward(x, { h0, c0, lengths });
        return r.c ? [r.output, r.h, r.c] : [r.output, r.h];
      }, inputs, { names, what: name, maxPerTensor: 12, eps: name.includes('relu') ? 2e-3 : 1e-2 }); // small steps keep relu away from its kink
    });
  }
});

describe('cells: finite-difference gradients through a 3-step loop', () => {
  const loops: [string, () => GRUCell | LSTMCell | RNNCell][] = [
    ['GRUCell', () => new GRUCell({ inputSize: 3, hiddenSize: 4 })],
    ['GRUCell reset-before', () => new GRUCell({ inputSize: 3, hiddenSize: 4, resetAfter: false })],
    ['LSTMCell', () => new LSTMCell({ inputSize: 3, hiddenSize: 4 })],
    ['RNNCell relu', () => new RNNCell({ inputSize: 3, hiddenSize: 4, nonlinearity: 'relu' })],
  ];
  for (const [name, make] of loops) {
    it(name, () => {
      manualSeed(3);
      const cell = make(), rng = new Rng(5);
      const xs = [0, 1, 2].map(() => rand(rng, [2, 3]));
      const h0 = rand(rng, [2, 4]), c0 = rand(rng, [2, 4]);
      expectGradcheck(() => {
        const outs: Tensor[] = [];
        if (cell instanceof LSTMCell) {
          let s = { h: h0, c: c0 };
          for (const x of xs) { s = cell.forward(x, s); outs.push(s.h); }
          outs.push(s.c);
        } else {
          let h = h0;
          for (const x of xs) { h = cell.forward(x, h); outs.push(h); }
        }
        return outs;
      }, [...xs, h0, ...(cell instanceof LSTMCell ? [c0] : []), ...cell.parameters()], { what: name });
    });
  }
});
