// RNN — the plain Elman network, PyTorch's semantics and parameter names. The baseline whose gradients vanish.
//
//   h' = act(W_ih x + b_ih + W_hh h + b_hh),   act = tanh (default) or relu
//   weight_ih_l{k} [H, I], weight_hh_l{k} [H, H]
//
// Backward (per step): dã = dh ⊙ act'(h'),  dh_prev = dã · W_hh.  Through T steps the gradient is multiplied by
// W_hhᵀ diag(act') T times — the product that vanishes or explodes with W_hh's largest singular value.
//
// Dimensions: T time, B batch, I input, H hidden.
import { GatedError } from '../errors.js';
import type { F32 } from '../kernels/api.js';
import { kernels } from '../kernels/select.js';
import type { Tensor } from '../tensor/tensor.js';
import {
  RecurrentBase, accumulateWeightGrads, addOutputGrad, allActive, carryInactive, firstSlot, inputProjection, stateIndex,
  timeOf, zeroInactive, type CellMath, type DirCache, type DirGrads, type DirRun, type RecurrentInput, type RecurrentOptions,
} from './_recurrent.js';

export type Nonlinearity = 'tanh' | 'relu';

export function rnnMath(nonlinearity: Nonlinearity): CellMath {
  const relu = nonlinearity === 'relu';
  return {
    gates: 1,

    forward(run: DirRun): DirCache {
      const { T, B, H } = run, k = kernels();
      const gi = inputProjection(run, 1);                   // [T, B, H]
      const hx = new Float32Array((T + 1) * B * H);         // [T+1, B, H]
      hx.set(run.h0, firstSlot(run) * B * H);
      const gh = new Float32Array(B * H);
      for (let s = 0; s < T; s++) {
        const t = timeOf(run, s), { prev, next } = stateIndex(run, t);
        k.gemm(false, true, B, H, H, 1, hx, prev * B * H, H, run.whh, 0, H, 0, gh, 0, H);
        if (run.bhh) k.addRowVector(B, H, run.bhh, 0, gh, 0);
        k.rnnStepForward(B, H, relu, gi, t * B * H, gh, 0, hx, next * B * H);
        if (!allActive(run, t)) carryInactive(run, t, H, hx, prev * B * H, hx, next * B * H);
      }
      return { hx, save: new Float32Array(0) };
    },

    backward(run: DirRun, { hx }: DirCache, dy: F32, dhN: F32, _dcN: F32 | null, g: DirGrads) {
      const { T, B, H } = run, k = kernels();
      const dG = new Float32Array(T * B * H);               // [T, B, H] pre-activation, by time
      let dh = dhN.slice(), dhPrev = new Float32Array(B * H);
      for (let s = T - 1; s >= 0; s--) {
        const t = timeOf(run, s), { next } = stateIndex(run, t), active = allActive(run, t);
        addOutputGrad(run, t, dy, dh);
        k.rnnStepBackward(B, H, relu, dh, 0, hx, next * B * H, dG, t * B * H);
        if (!active) zeroInactive(run, t, H, dG, t * B * H);
        k.gemm(false, false, B, H, H, 1, dG, t * B * H, H, run.whh, 0, H, 0, dhPrev, 0, H);
        if (!active) carryInactive(run, t, H, dh, 0, dhPrev, 0);
        [dh, dhPrev] = [dhPrev, dh];
      }
      accumulateWeightGrads(run, 1, dG, dG, hx, g);
      return { dh0: dh, dc0: null };
    },
  };
}

export interface RNNOptions extends RecurrentOptions {
  nonlinearity?: Nonlinearity;
}

export function checkNonlinearity(kind: string, v: string): Nonlinearity {
  if (v !== 'tanh' && v !== 'relu') throw new GatedError('INVALID_ARGUMENT', `${kind}: nonlinearity must be 'tanh' or 'relu', got '${v}'`);
  return v;
}

/** Multi-layer Elman RNN over a sequence, like torch.nn.RNN. */
export class RNN extends RecurrentBase {
  readonly nonlinearity: Nonlinearity;
  protected readonly kind = 'RNN';
  /** @internal the cell's equations (kernels side); not part of the public API */
  protected readonly math: CellMath;

  constructor(opts: RNNOptions) {
    super('RNN', 1, opts, ['nonlinearity']);
    this.nonlinearity = checkNonlinearity('RNN', opts.nonlinearity ?? 'tanh');
    this.math = rnnMath(this.nonlinearity);
  }

  forward(x: Tensor, opts: RecurrentInput = {}): { output: Tensor; h: Tensor } {
    const { output, h } = this.run(x, opts);
    return { output, h };
  }
}
