// SGD with momentum, dampening, Nesterov and L2 weight decay — exactly torch.optim.SGD's update rule.
// For parameter θ with gradient g at step t (μ momentum, τ dampening, λ weight decay, γ lr):
//   g ← −g if maximize;  g ← g + λ·θ
//   b ← g                      on the parameter's first step (no dampening; PyTorch's clone of d_p)
//   b ← μ·b + (1 − τ)·g        afterwards                                   (only when μ ≠ 0)
//   d = g + μ·b if nesterov, else b   (d = g when μ = 0)
//   θ ← θ − γ·d
// Buffers: momentum_buffer (only when μ ≠ 0).
import { check, checkOptions } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Optimizer, checkBool, checkNonNegative, type HyperValue } from './optimizer.js';

/** Options of {@link SGD}; names and defaults as `torch.optim.SGD`. */
export interface SGDOptions {
  /** Learning rate (required, like PyTorch). */
  lr: number;
  /** μ (default 0). */
  momentum?: number;
  /** τ, dampening of the momentum (default 0). */
  dampening?: number;
  /** λ, L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening = 0). */
  nesterov?: boolean;
  /** Maximise the objective instead of minimising it (default false). */
  maximize?: boolean;
}

/**
 * Stochastic gradient descent with momentum, exactly `torch.optim.SGD`'s update. For parameter θ with gradient g
 * (μ momentum, τ dampening, λ weight decay, γ lr):
 * ```
 * g ← −g if maximize;  g ← g + λ·θ
 * b ← g on the first step, then b ← μ·b + (1 − τ)·g      (only when μ ≠ 0; buffer momentum_buffer)
 * d = g + μ·b if nesterov, else b   (d = g when μ = 0)
 * θ ← θ − γ·d
 * ```
 * `lr` is required, like PyTorch.
 * @throws ArgumentError without `lr`, for a negative hyper-parameter, or nesterov without momentum > 0 and dampening 0.
 * @example
 * ```ts
 * import { Linear, SGD, mse, tensor } from 'gated';
 * const model = new Linear(3, 1);
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true });
 * for (let step = 0; step < 10; step++) {
 *   opt.zeroGrad();
 *   mse(model.forward(tensor([[1, 2, 3]])), tensor([[1]])).backward();
 *   opt.step();
 * }
 * ```
 */
export class SGD extends Optimizer {
  readonly name = 'SGD';
  /** μ (default 0). */
  momentum = 0;
  /** τ (default 0). */
  dampening = 0;
  /** λ (default 0). */
  weightDecay = 0;
  /** Nesterov momentum (default false). */
  nesterov = false;
  /** Maximise instead of minimise (default false). */
  maximize = false;

  constructor(params: readonly Tensor[], opts: SGDOptions) {
    checkOptions('SGD', opts, ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize']);
    check(typeof opts?.lr === 'number', 'INVALID_ARGUMENT', () => `SGD: lr is required (like torch.optim.SGD), got ${String(opts?.lr)}`);
    super(params, opts.lr);
    this.setHyper({ momentum: opts.momentum ?? 0, dampening: opts.dampening ?? 0, weightDecay: opts.weightDecay ?? 0,
      nesterov: opts.nesterov ?? false, maximize: opts.maximize ?? false });
  }

  protected hyper(): Record<string, HyperValue> {
    return { momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov, maximize: this.maximize };
  }

  protected setHyper(h: Record<string, HyperValue>): void {
    checkNonNegative('momentum', h.momentum); checkNonNegative('dampening', h.dampening); checkNonNegative('weightDecay', h.weightDecay);
    checkBool('nesterov', h.nesterov); checkBool('maximize', h.maximize);
    check(!h.nesterov || ((h.momentum as number) > 0 && h.dampening === 0), 'INVALID_ARGUMENT',
      () => `SGD: nesterov needs momentum > 0 and dampening = 0, got momentum ${String(h.momentum)}, dampening ${String(h.dampening)}`);
    this.momentum = h.momentum as number; this.dampening = h.dampening as number; this.weightDecay = h.weightDecay as number;
    this.nesterov = h.nesterov as boolean; this.maximize = h.maximize as boolean;
  }

  protected bufferNames(): string[] { return this.momentum !== 0 ? ['momentum_buffer'] : []; }

  protected update(i: number, p: Float32Array, g: Float32Array): void {
    const { lr, momentum: mu, dampening: tau, weightDecay: wd, nesterov, maximize } = this;
    const first = !this.buffers[i].has('momentum_buffer');
    const b = mu !== 0 ? this.buffer(i, 'momentum_buffer') : null; // [size of θ]
    for (let k = 0; k < p.length; k++) {
      let d = maximize ? -g[k] : g[k];
      if (wd !== 0) d += wd * p[k];
      if (b) {
        b[k] = first ? d : mu * b[k] + (1 - tau) * d;
        d = nesterov ? d + mu * b[k] : b[k];
      }
      p[k] = p[k] - lr * d;
    }
  }
}
