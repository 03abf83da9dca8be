// Optimizers by name, for configuration files and the CLI (`--optimizer adam`), with PyTorch's defaults.
import { GatedError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

export const optimizerNames = ['adam', 'adamw', 'sgd', 'rmsprop'] as const;
export type OptimizerName = (typeof optimizerNames)[number];

export function makeOptimizer(name: OptimizerName, params: Tensor[], lr: number): Optimizer {
  switch (name) {
    case 'adam': return new Adam(params, { lr });
    case 'adamw': return new AdamW(params, { lr });
    case 'sgd': return new SGD(params, { lr, momentum: 0.9 });
    case 'rmsprop': return new RMSprop(params, { lr });
    default: throw new GatedError('INVALID_ARGUMENT', `optimizer must be one of ${optimizerNames.join(', ')}, got '${String(name)}'`);
  }
}
