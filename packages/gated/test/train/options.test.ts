// Unknown option keys are errors everywhere options are taken (a typo must not silently fall back to a default).
import { expect, it } from 'vitest';
import { Adam, AdamW, ArgumentError, Embedding, LayerNorm, Linear, RMSprop, SGD, binaryCrossEntropyWithLogits, crossEntropy, mse, tensor } from '../../src/index.js';

it('rejects unknown option keys with the name and the allowed keys', () => {
  const p = [tensor([1], [1], { requiresGrad: true })];
  const cases: [() => unknown, string][] = [
    [() => new Linear(2, 3, { bais: false } as never), "Linear: unknown option 'bais'; expected any of bias"],
    [() => new Embedding(4, 2, { padding_idx: 0 } as never), "Embedding: unknown option 'padding_idx'"],
    [() => new LayerNorm(4, { epsilon: 1e-3 } as never), "LayerNorm: unknown option 'epsilon'"],
    [() => new Adam(p, { learningRate: 1 } as never), "Adam: unknown option 'learningRate'"],
    [() => new AdamW(p, { weight_decay: 0 } as never), "AdamW: unknown option 'weight_decay'"],
    [() => new SGD(p, { lr: 0.1, nesterow: true } as never), "SGD: unknown option 'nesterow'"],
    [() => new RMSprop(p, { beta: 0.9 } as never), "RMSprop: unknown option 'beta'"],
    [() => crossEntropy(tensor([[1, 2]]), [0], { ignore_index: 1 } as never), "crossEntropy: unknown option 'ignore_index'"],
    [() => mse(tensor([1]), tensor([1]), { reduce: 'sum' } as never), "mse: unknown option 'reduce'"],
    [() => binaryCrossEntropyWithLogits(tensor([1]), tensor([1]), { pos_weight: 2 } as never), "binaryCrossEntropyWithLogits: unknown option 'pos_weight'"],
  ];
  for (const [f, msg] of cases) {
    expect(f).toThrowError(ArgumentError);
    expect(f).toThrowError(msg);
  }
});
