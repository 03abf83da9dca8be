// Typed errors at the recurrent layers' boundary: bad options, shapes, states and lengths name what was wrong.
import { describe, expect, it } from 'vitest';
import { ArgumentError, GRU, GRUCell, LSTM, RNN, ShapeError, zeros } from '../../src/index.js';

describe('recurrent layer errors', () => {
  it('rejects unknown and invalid options', () => {
    expect(() => new GRU({ inputSize: 4, hiddenSize: 8, hiddensize: 3 } as never)).toThrowError(ArgumentError);
    expect(() => new GRU({ inputSize: 4, hiddenSize: 8, hiddensize: 3 } as never)).toThrowError("GRU: unknown option 'hiddensize'");
    expect(() => new GRU({ inputSize: 4, hiddenSize: 0 })).toThrowError('GRU: hiddenSize must be an integer ≥ 1, got 0');
    expect(() => new LSTM({ inputSize: 4, hiddenSize: 8, projSize: 8 })).toThrowError('projSize must be smaller than hiddenSize (8), got 8');
    expect(() => new RNN({ inputSize: 4, hiddenSize: 8, nonlinearity: 'sigmoid' as never })).toThrowError("nonlinearity must be 'tanh' or 'relu', got 'sigmoid'");
    expect(() => new GRUCell({ inputSize: 4, hiddenSize: 8, numLayers: 2 } as never)).toThrowError("GRUCell: unknown option 'numLayers'");
    expect(() => new GRU({ inputSize: 4, hiddenSize: 8, dropout: 1.5 })).toThrowError('dropout must be in [0, 1], got 1.5');
  });

  it('names both sizes when the input does not fit', () => {
    const m = new GRU({ inputSize: 64, hiddenSize: 8 });
    expect(() => m.forward(zeros([5, 2, 63]))).toThrowError(ShapeError);
    expect(() => m.forward(zeros([5, 2, 63]))).toThrowError('GRU.forward: input size must be 64, got x of shape [5, 2, 63]');
    expect(() => m.forward(zeros([5, 2, 64]), { h0: zeros([1, 3, 8]) })).toThrowError('GRU.forward: h0 must have shape [1, 2, 8], got [1, 3, 8]');
    expect(() => m.forward(zeros([2, 64, 1, 1]))).toThrowError(/x must be 3-d/);
    expect(() => m.forward(zeros([5, 2, 64]), { hx: zeros([1, 2, 8]) } as never)).toThrowError("GRU.forward: unknown option 'hx'");
  });

  it('checks lengths and LSTM state pairs', () => {
    const m = new GRU({ inputSize: 3, hiddenSize: 4 });
    const x = zeros([5, 2, 3]);
    expect(() => m.forward(x, { lengths: [5] })).toThrowError('lengths must have one entry per batch element (2), got 1');
    expect(() => m.forward(x, { lengths: [6, 1] })).toThrowError('lengths[0] must be an integer in [1, 5] (the sequence length), got 6');
    expect(() => m.forward(x, { lengths: [0, 1] })).toThrowError('lengths[0] must be an integer in [1, 5]');
    expect(() => m.forward(x, { lengths: [NaN, 1] })).toThrowError('got NaN');
    expect(() => m.forward(x, { lengths: [2.5, 1] })).toThrowError('got 2.5');
    const l = new LSTM({ inputSize: 3, hiddenSize: 4 });
    expect(() => l.forward(x, { h0: zeros([1, 2, 4]) })).toThrowError('LSTM.forward: give h0 and c0 together, or neither');
    expect(() => m.forward(x, { c0: zeros([1, 2, 4]) })).toThrowError('GRU.forward: c0 is only for LSTM');
  });
});
