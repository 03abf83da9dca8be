// Builds the optimizers of the fixture cases by name, for the parity and state-dict tests.
import type { Tensor } from '../../src/tensor/tensor.js';
import { Adam, AdamW, type AdamOptions } from '../../src/train/optim/adam.js';
import type { Optimizer } from '../../src/train/optim/optimizer.js';
import { RMSprop, type RMSpropOptions } from '../../src/train/optim/rmsprop.js';
import { SGD, type SGDOptions } from '../../src/train/optim/sgd.js';

export interface OptimCase {
  name: string;
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop';
  options: Record<string, unknown>;
  shapes: number[][];
  steps: number;
  /** torch's per-parameter step count after the last step (null: no step state, e.g. SGD or never stepped). */
  stepCounts: (number | null)[];
  /** 1-based step → indices of parameters whose grad was None at that step. */
  skip: Record<string, number[]>;
}

export function makeOptimizer(c: Pick<OptimCase, 'optimizer' | 'options'>, params: Tensor[]): Optimizer {
  switch (c.optimizer) {
    case 'SGD': return new SGD(params, c.options as unknown as SGDOptions);
    case 'Adam': return new Adam(params, c.options as AdamOptions);
    case 'AdamW': return new AdamW(params, c.options as AdamOptions);
    case 'RMSprop': return new RMSprop(params, c.options as RMSpropOptions);
  }
}
