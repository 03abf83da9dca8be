// SequenceClassifier on numeric features: the same numbers as GRU → mean pooling → Linear built by hand from its
// weights, lengths honoured; token and feature models refuse each other's input with typed errors.
import { describe, expect, it } from 'vitest';
import { GRU, Linear, SequenceClassifier, manualSeed, noGrad, poolTime, tensor } from '../../src/index.js';

describe('SequenceClassifier', () => {
  it('numeric path: equals GRU (batch-first, lengths) → mean pool → Linear with the same weights', () => {
    manualSeed(4);
    const B = 3, T = 4, F = 2, model = new SequenceClassifier({ inputSize: F, hidden: 6, classes: 3 });
    const x = tensor(Array.from({ length: B * T * F }, (_, i) => Math.cos(i)), [B, T, F]), lengths = [4, 2, 3];
    const gru = new GRU({ inputSize: F, hiddenSize: 6, batchFirst: true }), head = new Linear(6, 3);
    gru.loadStateDict(model.rnn.stateDict()); head.loadStateDict(model.head.stateDict());
    model.eval();
    noGrad(() => {
      const want = head.forward(poolTime(gru.forward(x, { lengths }).output, lengths, 'mean'));
      expect(Array.from(model.forward(x, lengths).data)).toEqual(Array.from(want.data));
      expect(model.forward(x).shape).toEqual([B, 3]);       // no lengths: every sequence is T long
    });
    expect(model.namedParameters().map(([n]) => n).some((n) => n.startsWith('embed'))).toBe(false);
  });

  it('options and inputs that do not match are typed errors', () => {
    expect(() => new SequenceClassifier({ hidden: 4, classes: 2 })).toThrow(/either vocabSize and embed .* or inputSize/);
    expect(() => new SequenceClassifier({ inputSize: 2, vocabSize: 10, embed: 4, hidden: 4, classes: 2 })).toThrow(/either vocabSize and embed/);
    expect(() => new SequenceClassifier({ vocabSize: 10, hidden: 4, classes: 2 })).toThrow(/either vocabSize and embed/);
    const tokens = new SequenceClassifier({ vocabSize: 10, embed: 4, hidden: 4, classes: 2 });
    expect(() => tokens.forward(tensor(new Float32Array(8), [1, 4, 2]))).toThrow(/embeds token ids/);
    const numeric = new SequenceClassifier({ inputSize: 2, hidden: 4, classes: 2 });
    expect(() => numeric.forward(new Int32Array(4), 1, 4, new Int32Array([4]))).toThrow(/reads numeric features/);
  });
});
