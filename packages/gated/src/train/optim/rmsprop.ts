// RMSprop, plain / with momentum / centered — exactly torch.optim.RMSprop's update rule.
// For parameter θ with gradient g (α smoothing, ε eps, λ weight decay, μ momentum, γ lr):
//   g ← −g if maximize;  g ← g + λ·θ
//   s ← α·s + (1 − α)·g²                              (square_avg)
//   centered:  ḡ ← α·ḡ + (1 − α)·g  (grad_avg),  a = √(s − ḡ²) + ε;   otherwise a = √s + ε
//   μ > 0:     b ← μ·b + g / a (momentum_buffer),  θ ← θ − γ·b;          otherwise θ ← θ − γ·g / a
// Buffers: square_avg (+ momentum_buffer when μ > 0, + grad_avg when centered), all starting at zero.
import { checkOptions } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Optimizer, checkBool, checkNonNegative, type HyperValue } from './optimizer.js';

/** Options of {@link RMSprop}; names and defaults as `torch.optim.RMSprop`. */
export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Smoothing constant α (default 0.99). */
  alpha?: number;
  /** ε, added to the denominator (default 1e-8). */
  eps?: number;
  /** λ, L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** μ (default 0). */
  momentum?: number;
  /** Normalise by the estimated variance instead of the uncentered second moment (default false). */
  centered?: boolean;
  /** Maximise the objective instead of minimising it (default false). */
  maximize?: boolean;
}

/**
 * RMSprop, exactly `torch.optim.RMSprop`. For parameter θ with gradient g (α smoothing, ε eps, λ weight decay,
 * μ momentum, γ lr):
 * ```
 * g ← −g if maximize;  g ← g + λ·θ
 * s ← α·s + (1 − α)·g²                                   (square_avg)
 * centered: ḡ ← α·ḡ + (1 − α)·g, a = √(s − ḡ²) + ε;   otherwise a = √s + ε
 * μ > 0: b ← μ·b + g / a, θ ← θ − γ·b;                  otherwise θ ← θ − γ·g / a
 * ```
 * Defaults: lr 1e-2, alpha 0.99, eps 1e-8, weightDecay 0, momentum 0, centered false.
 * @throws ArgumentError for a negative hyper-parameter or an unknown option.
 * @example
 * ```ts
 * const opt = new RMSprop(model.parameters(), { lr: 1e-3, momentum: 0.9, centered: true });
 * ```
 */
export class RMSprop extends Optimizer {
  readonly name = 'RMSprop';
  /** α (default 0.99). */
  alpha = 0.99;
  /** ε (default 1e-8). */
  eps = 1e-8;
  /** λ (default 0). */
  weightDecay = 0;
  /** μ (default 0). */
  momentum = 0;
  /** Centered variant (default false). */
  centered = false;
  /** Maximise instead of minimise (default false). */
  maximize = false;

  constructor(params: readonly Tensor[], opts: RMSpropOptions = {}) {
    checkOptions('RMSprop', opts, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize']);
    super(params, opts.lr ?? 1e-2);
    this.setHyper({ alpha: opts.alpha ?? 0.99, eps: opts.eps ?? 1e-8, weightDecay: opts.weightDecay ?? 0, momentum: opts.momentum ?? 0,
      centered: opts.centered ?? false, maximize: opts.maximize ?? false });
  }

  protected hyper(): Record<string, HyperValue> {
    return { alpha: this.alpha, eps: this.eps, weightDecay: this.weightDecay, momentum: this.momentum, centered: this.centered, maximize: this.maximize };
  }

  protected setHyper(h: Record<string, HyperValue>): void {
    checkNonNegative('alpha', h.alpha); checkNonNegative('eps', h.eps); checkNonNegative('weightDecay', h.weightDecay);
    checkNonNegative('momentum', h.momentum); checkBool('centered', h.centered); checkBool('maximize', h.maximize);
    this.alpha = h.alpha as number; this.eps = h.eps as number; this.weightDecay = h.weightDecay as number;
    this.momentum = h.momentum as number; this.centered = h.centered as boolean; this.maximize = h.maximize as boolean;
  }

  protected bufferNames(): string[] {
    return ['square_avg', ...(this.momentum > 0 ? ['momentum_buffer'] : []), ...(this.centered ? ['grad_avg'] : [])];
  }

  protected update(i: number, p: Float32Array, g: Float32Array): void {
    const { lr, alpha, eps, weightDecay: wd, momentum: mu, maximize } = this;
    const s = this.buffer(i, 'square_avg'); // [size of θ]
    const gAvg = this.centered ? this.buffer(i, 'grad_avg') : null, b = mu > 0 ? this.buffer(i, 'momentum_buffer') : null;
    for (let k = 0; k < p.length; k++) {
      let gk = maximize ? -g[k] : g[k];
      if (wd !== 0) gk += wd * p[k];
      s[k] = alpha * s[k] + (1 - alpha) * gk * gk;
      let a: number;
      if (gAvg) { gAvg[k] = alpha * gAvg[k] + (1 - alpha) * gk; a = Math.sqrt(s[k] - gAvg[k] * gAvg[k]) + eps; }
      else a = Math.sqrt(s[k]) + eps;
      if (b) { b[k] = mu * b[k] + gk / a; p[k] = p[k] - lr * b[k]; }
      else p[k] = p[k] - lr * gk / a;
    }
  }
}
