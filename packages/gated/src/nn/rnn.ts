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

/** The activation of an Elman {@link RNN} or {@link RNNCell}: `'tanh'` (default) or `'relu'`, as PyTorch's `nonlinearity`. */
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

/** Options of {@link RNN}: those of {@link RecurrentOptions} plus `nonlinearity`. */
export interface RNNOptions extends RecurrentOptions {
  /** `'tanh'` (default) or `'relu'`. */
  nonlinearity?: Nonlinearity;
}

export function checkNonlinearity(kind: string, v: string): Nonlinearity {
  if (v !== 'tanh' && v !== 'relu') throw new GatedError('INVALID_ARGUMENT', `${kind}: nonlinearity must be 'tanh' or 'relu', got '${v}'`);
  return v;
}

/**
 * Multi-layer Elman RNN over a sequence, like torch.nn.RNN.
 * For each step t of each layer, with h the previous hidden state (h0 at t = 0):
 * ```
 * h' = act(W_ih x + b_ih + W_hh h + b_hh),   act = tanh (default) or relu
 * ```
 * x is the input for layer 0 and the previous layer's output for the others (with `dropout` between layers in
 * training mode). The whole call is one autograd node with a fused BPTT backward.
 *
 * Options: {@link RNNOptions} (inputSize, hiddenSize, numLayers = 1, nonlinearity = 'tanh', bias = true,
 * batchFirst = false, dropout = 0, bidirectional = false).
 *
 * Shape (D = 2 if bidirectional else 1, L = numLayers):
 * - input `x`: `[T, B, I]`, `[B, T, I]` with batchFirst, or unbatched `[T, I]`
 * - `h0`: `[L·D, B, H]` (`[L·D, H]` unbatched), default zeros; `lengths`: `[B]` (see {@link RecurrentInput})
 * - `output`: `[T, B, D·H]` (`[B, T, D·H]` with batchFirst, `[T, D·H]` unbatched), zero past each length
 * - `h`: `[L·D, B, H]`, the final state of each layer and direction
 *
 * Parameters, named and initialised like PyTorch (all ~ U(−1/√H, 1/√H)), for layer k (`_reverse` suffix for the
 * backward direction): `weight_ih_l{k}` `[H, I]` (`[H, D·H]` for k > 0), `weight_hh_l{k}` `[H, H]`,
 * `bias_ih_l{k}` `[H]`, `bias_hh_l{k}` `[H]`.
 *
 * @throws ArgumentError for an unknown or out-of-range option or nonlinearity; ShapeError (from `forward`) when
 * `x`, `h0` or `lengths` do not have the shapes above.
 *
 * @example
 * ```ts
 * import { RNN, tensor } from 'gated';
 * const rnn = new RNN({ inputSize: 4, hiddenSize: 8, nonlinearity: 'relu', bidirectional: true });
 * const x = tensor(new Float32Array(6 * 2 * 4).map(Math.random), [6, 2, 4]);   // [T, B, I]
 * const { output, h } = rnn.forward(x, { lengths: [6, 3] });                    // [6, 2, 16] (zeros past t = 3 in row 1), [2, 2, 8]
 * ```
 */
export class RNN extends RecurrentBase {
  /** `'tanh'` or `'relu'`, as given (default `'tanh'`). */
  readonly nonlinearity: Nonlinearity;
  /** @internal */
  protected readonly kind = 'RNN';
  /** @internal the cell's equations (kernels side); not part of the public API */
  protected readonly math: CellMath;

  constructor(opts: RNNOptions) {
    super('RNN', 1, opts, ['nonlinearity']);
    this.nonlinearity = checkNonlinearity('RNN', opts.nonlinearity ?? 'tanh');
    this.math = rnnMath(this.nonlinearity);
  }

  /**
   * Runs the layers over `x`.
   * @param x - the input sequence batch (see Shape above).
   * @param opts - `h0`, `lengths` (see {@link RecurrentInput}).
   * @property output - `[T, B, D·H]` (`[B, T, D·H]` with batchFirst, `[T, D·H]` unbatched): the last layer's state at every step.
   * @property h - `[L·D, B, H]`: the final state of every layer and direction.
   * @throws ShapeError when a shape does not fit; ArgumentError for an invalid length or a `c0`.
   */
  forward(x: Tensor, opts: RecurrentInput = {}): { output: Tensor; h: Tensor } {
    const { output, h } = this.run(x, opts);
    return { output, h };
  }
}
