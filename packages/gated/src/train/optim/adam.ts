// Adam and AdamW — exactly torch.optim.Adam / torch.optim.AdamW, bias correction and amsgrad included.
// For parameter θ with gradient g at its step t (β1, β2 betas, ε eps, λ weight decay, γ lr):
//   g ← −g if maximize
//   Adam:   g ← g + λ·θ                 (L2 penalty folded into the gradient)
//   AdamW:  θ ← θ·(1 − γ·λ)             (decoupled weight decay, applied before the moment update)
//   m ← β1·m + (1 − β1)·g               (exp_avg)
//   v ← β2·v + (1 − β2)·g²              (exp_avg_sq);   amsgrad: v̂ ← max(v̂, v) (max_exp_avg_sq) and use v̂ below
//   θ ← θ − (γ / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
// Buffers: exp_avg, exp_avg_sq (+ max_exp_avg_sq with amsgrad).
import { check, checkOptions } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Optimizer, checkBool, checkNonNegative, type HyperValue } from './optimizer.js';

/** Options of {@link Adam} and {@link AdamW}; names and defaults as `torch.optim.Adam` / `AdamW`. */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Moment decay rates (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** λ (default 0 for Adam, 0.01 for AdamW — PyTorch's defaults). */
  weightDecay?: number;
  /** Use the maximum of past second moments (AMSGrad; default false). */
  amsgrad?: boolean;
  /** Maximise the objective instead of minimising it (default false). */
  maximize?: boolean;
}

/**
 * Adam, exactly `torch.optim.Adam` (bias correction and amsgrad included). For parameter θ with gradient g at its
 * step t (β1, β2 betas, ε eps, λ weight decay, γ lr):
 * ```
 * g ← −g if maximize;  g ← g + λ·θ
 * m ← β1·m + (1 − β1)·g              (exp_avg)
 * v ← β2·v + (1 − β2)·g²             (exp_avg_sq; amsgrad: v̂ ← max(v̂, v) and v̂ is used below)
 * θ ← θ − (γ / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * ```
 * Defaults: lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0.
 * @throws ArgumentError for a hyper-parameter out of range (betas in [0, 1)) or an unknown option.
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 3e-4, betas: [0.9, 0.98] });
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class Adam extends Optimizer {
  get name(): string { return 'Adam'; }
  /** [β1, β2] (default [0.9, 0.999]). */
  betas: readonly [number, number] = [0.9, 0.999];
  /** ε (default 1e-8). */
  eps = 1e-8;
  /** λ (default 0 for Adam, 0.01 for AdamW). */
  weightDecay = 0;
  /** AMSGrad (default false). */
  amsgrad = false;
  /** Maximise instead of minimise (default false). */
  maximize = false;
  /** AdamW's decoupled decay instead of Adam's L2 gradient term. */
  protected get decoupled(): boolean { return false; }

  constructor(params: readonly Tensor[], opts: AdamOptions = {}) {
    checkOptions(new.target.name, opts, ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize']);
    super(params, opts.lr ?? 1e-3);
    this.setHyper({ betas: opts.betas ?? [0.9, 0.999], eps: opts.eps ?? 1e-8, weightDecay: opts.weightDecay ?? this.defaultWeightDecay(),
      amsgrad: opts.amsgrad ?? false, maximize: opts.maximize ?? false });
  }

  /** λ when the options give none: 0 for Adam (AdamW: 0.01). */
  protected defaultWeightDecay(): number { return 0; }

  protected hyper(): Record<string, HyperValue> {
    return { betas: [...this.betas], eps: this.eps, weightDecay: this.weightDecay, amsgrad: this.amsgrad, maximize: this.maximize };
  }

  protected setHyper(h: Record<string, HyperValue>): void {
    const b = h.betas;
    check(Array.isArray(b) && b.length === 2 && b.every((x) => typeof x === 'number' && x >= 0 && x < 1), 'INVALID_ARGUMENT',
      () => `${this.name}: betas must be two numbers in [0, 1), got ${JSON.stringify(b)}`);
    checkNonNegative('eps', h.eps); checkNonNegative('weightDecay', h.weightDecay);
    checkBool('amsgrad', h.amsgrad); checkBool('maximize', h.maximize);
    this.betas = [b[0], b[1]]; this.eps = h.eps as number; this.weightDecay = h.weightDecay as number;
    this.amsgrad = h.amsgrad as boolean; this.maximize = h.maximize as boolean;
  }

  protected bufferNames(): string[] { return this.amsgrad ? ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq'] : ['exp_avg', 'exp_avg_sq']; }

  protected update(i: number, p: Float32Array, g: Float32Array, t: number): void {
    const { lr, eps, weightDecay: wd, amsgrad, maximize, decoupled } = this, [b1, b2] = this.betas;
    const m = this.buffer(i, 'exp_avg'), v = this.buffer(i, 'exp_avg_sq'); // [size of θ]
    const vmax = amsgrad ? this.buffer(i, 'max_exp_avg_sq') : null;
    const stepSize = lr / (1 - b1 ** t), bc2Sqrt = Math.sqrt(1 - b2 ** t), decay = 1 - lr * wd;
    for (let k = 0; k < p.length; k++) {
      let gk = maximize ? -g[k] : g[k];
      let theta = p[k];
      if (decoupled) theta *= decay;
      else if (wd !== 0) gk += wd * theta;
      m[k] = b1 * m[k] + (1 - b1) * gk;
      v[k] = b2 * v[k] + (1 - b2) * gk * gk;
      let vk = v[k];
      if (vmax) { if (vk > vmax[k]) vmax[k] = vk; vk = vmax[k]; }
      p[k] = theta - stepSize * m[k] / (Math.sqrt(vk) / bc2Sqrt + eps);
    }
  }
}

/**
 * AdamW: Adam with decoupled weight decay (default λ = 0.01, like torch.optim.AdamW).
 * AdamW, exactly `torch.optim.AdamW`: Adam with decoupled weight decay θ ← θ·(1 − γ·λ), applied before the moment
 * update instead of adding λ·θ to the gradient. Options {@link AdamOptions}; weightDecay defaults to 0.01.
 * @example
 * ```ts
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 * ```
 */
export class AdamW extends Adam {
  override get name(): string { return 'AdamW'; }
  protected override get decoupled(): boolean { return true; }
  protected override defaultWeightDecay(): number { return 0.01; }
}
