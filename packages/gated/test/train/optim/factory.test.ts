// makeOptimizer: optimizers by name (the CLI's --optimizer, --weight-decay), with PyTorch's defaults unless told.
import { expect, it } from 'vitest';
import { ArgumentError, makeOptimizer, tensor } from '../../../src/index.js';

const params = () => [tensor([1, 2], [2], { requiresGrad: true })];
const wd = (o: unknown): number => (o as { weightDecay: number }).weightDecay;

it("weight decay: the optimizer's PyTorch default when null or omitted, else as given", () => {
  expect(wd(makeOptimizer('adam', params(), 1e-3))).toBe(0);
  expect(wd(makeOptimizer('adamw', params(), 1e-3, null))).toBe(0.01);
  expect(wd(makeOptimizer('sgd', params(), 1e-3))).toBe(0);
  for (const name of ['adam', 'adamw', 'sgd', 'rmsprop'] as const) expect(wd(makeOptimizer(name, params(), 1e-3, 0.1))).toBe(0.1);
});

it('rejects a negative weight decay and an unknown name', () => {
  expect(() => makeOptimizer('adamw', params(), 1e-3, -1)).toThrowError(ArgumentError);
  expect(() => makeOptimizer('adagrad' as never, params(), 1e-3)).toThrowError(/optimizer must be one of/);
});
