// Optimizers by name, for configuration files and the CLI (`--optimizer adam`), with PyTorch's defaults.
import { GatedError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Adam, AdamW } from './adam.js';
import type { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** The names {@link makeOptimizer} accepts. */
export const optimizerNames = ['adam', 'adamw', 'sgd', 'rmsprop'] as const;
/** `'adam'`, `'adamw'`, `'sgd'` or `'rmsprop'`. */
export type OptimizerName = (typeof optimizerNames)[number];

/**
 * An optimizer by name with PyTorch's defaults and learning rate `lr` (SGD gets momentum 0.9), for configuration
 * files and the CLI's `--optimizer`.
 * @throws ArgumentError for an unknown name.
 * @example
 * ```ts
 * const opt = makeOptimizer('adamw', model.parameters(), 1e-3);
 * ```
 */
export function makeOptimizer(name: OptimizerName, params: Tensor[], lr: number): Optimizer {
  switch (name) {
    case 'adam': return new Adam(params, { lr });
    case 'adamw': return new AdamW(params, { lr });
    case 'sgd': return new SGD(params, { lr, momentum: 0.9 });
    case 'rmsprop': return new RMSprop(params, { lr });
    default: throw new GatedError('INVALID_ARGUMENT', `optimizer must be one of ${optimizerNames.join(', ')}, got '${String(name)}'`);
  }
}
