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
 * files and the CLI's `--optimizer`. `weightDecay`: L2 added to the gradient, decoupled for AdamW; omitted or null,
 * the optimizer's default (0; AdamW 0.01).
 * @throws ArgumentError for an unknown name or a negative weight decay.
 * @example
 * ```ts
 * const opt = makeOptimizer('adamw', model.parameters(), 1e-3, 0.1);
 * ```
 */
export function makeOptimizer(name: OptimizerName, params: Tensor[], lr: number, weightDecay: number | null = null): Optimizer {
  const wd = weightDecay === null ? {} : { weightDecay };
  switch (name) {
    case 'adam': return new Adam(params, { lr, ...wd });
    case 'adamw': return new AdamW(params, { lr, ...wd });
    case 'sgd': return new SGD(params, { lr, momentum: 0.9, ...wd });
    case 'rmsprop': return new RMSprop(params, { lr, ...wd });
    default: throw new GatedError('INVALID_ARGUMENT', `optimizer must be one of ${optimizerNames.join(', ')}, got '${String(name)}'`);
  }
}
