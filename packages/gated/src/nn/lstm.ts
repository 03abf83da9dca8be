// LSTM — long short-term memory (Hochreiter & Schmidhuber, 1997), PyTorch's semantics and parameter names.
//
// Weight blocks, gate order i, f, g, o:  weight_ih_l{k} [4H, I],  weight_hh_l{k} [4H, P],  optional weight_hr_l{k} [P, H]
//   i = σ(W_ii x + b_ii + W_hi h + b_hi)     input gate
//   f = σ(W_if x + b_if + W_hf h + b_hf)     forget gate
//   g = tanh(W_ig x + b_ig + W_hg h + b_hg)  cell candidate
//   o = σ(W_io x + b_io + W_ho h + b_ho)     output gate
//   c' = f ⊙ c + i ⊙ g;   m = o ⊙ tanh(c');   h' = m, or h' = W_hr m with projSize = P (then h has P units)
//
// Backward (per step): dm = dh (or dh W_hr), dc̄ = dc + dm ⊙ o ⊙ (1 − tanh²c'),
//   dĩ = dc̄ ⊙ g ⊙ i(1−i), df̃ = dc̄ ⊙ c ⊙ f(1−f), dg̃ = dc̄ ⊙ i ⊙ (1−g²), dõ = dm ⊙ tanh c' ⊙ o(1−o),
//   dc_prev = dc̄ ⊙ f, dh_prev = [dĩ df̃ dg̃ dõ] · W_hh.  Weight gradients: one GEMM each after the loop.
//
// Dimensions: T time, B batch, I input, H hidden (cell), P = projSize || H (size of h).
import type { F32 } from '../kernels/api.js';
import { kernels } from '../kernels/select.js';
import type { Tensor } from '../tensor/tensor.js';
import { check } from '../errors.js';
import { biasPairs, checkGateBiasInit, setGateBias, type GateBiasInit } from './init.js';
import {
  RecurrentBase, accumulateWeightGrads, addOutputGrad, allActive, carryInactive, firstSlot, inputProjection, sequenceBackwardDir,
  sequenceCache, sequenceForwardDir, stateIndex, timeOf, zeroInactive, type CellMath, type DirBackward, type DirCache, type DirGrads, type DirRun, type DirStateGrads,
  type RecurrentInput, type RecurrentOptions,
} from './_recurrent.js';

/** save: [T, B, 5H] = i, f, g, o, tanh(c'); m: [T, B, H] kept only with a projection. */
export const lstmMath: CellMath = {
  gates: 4,

  forward(run: DirRun): DirCache {
    const { T, B, H, P } = run, k = kernels(), G4 = 4 * H, S = 5 * H, proj = run.whr !== null;
    if (k.lstmSequenceForward && run.lengths === null && !proj) {   // the whole time loop in one kernel call
      const d = sequenceForwardDir(run, 5 * H);
      k.lstmSequenceForward(T, B, run.I, H, run.reverse, run.x, d.wih, d.bih, d.whh, d.bhh, d.hx, d.cx!, d.save);
      return sequenceCache(d);
    }
    const gi = inputProjection(run, 4);                       // [T, B, 4H]
    const hx = new Float32Array((T + 1) * B * P);             // [T+1, B, P]
    const cx = new Float32Array((T + 1) * B * H);             // [T+1, B, H]
    hx.set(run.h0, firstSlot(run) * B * P);
    cx.set(run.c0!, firstSlot(run) * B * H);
    const gh = new Float32Array(B * G4), save = new Float32Array(T * B * S);
    const m = proj ? new Float32Array(T * B * H) : undefined;
    for (let s = 0; s < T; s++) {
      const t = timeOf(run, s), { prev, next } = stateIndex(run, t);
      k.gemm(false, true, B, G4, P, 1, hx, prev * B * P, P, run.whh, 0, P, 0, gh, 0, G4);
      if (run.bhh) k.addRowVector(B, G4, run.bhh, 0, gh, 0);
      if (m) {
        k.lstmStepForward(B, H, gi, t * B * G4, gh, 0, cx, prev * B * H, cx, next * B * H, m, t * B * H, save, t * B * S);
        k.gemm(false, true, B, P, H, 1, m, t * B * H, H, run.whr!, 0, H, 0, hx, next * B * P, P);
      } else {
        k.lstmStepForward(B, H, gi, t * B * G4, gh, 0, cx, prev * B * H, cx, next * B * H, hx, next * B * H, save, t * B * S);
      }
      if (!allActive(run, t)) {
        carryInactive(run, t, P, hx, prev * B * P, hx, next * B * P);
        carryInactive(run, t, H, cx, prev * B * H, cx, next * B * H);
      }
    }
    return { hx, cx, save, m };
  },

  backward(run: DirRun, { hx, cx, save, m }: DirCache, dy: F32, dhN: F32, dcN: F32 | null, g: DirGrads) {
    const { T, B, H, P } = run, k = kernels(), G4 = 4 * H, S = 5 * H;
    if (k.lstmSequenceBackward && run.lengths === null && !m) {   // the whole time loop in one kernel call
      const d = sequenceBackwardDir({ run, cache: { hx, cx, save }, dy, dhN, dcN, g });
      k.lstmSequenceBackward(T, B, run.I, H, run.reverse, run.x, d.wih, d.whh, d.hx, d.cx!, d.save, d.dy, d.dh, d.dc!,
        g.dx, d.dwih, d.dbih, d.dwhh, d.dbhh);
      return { dh0: d.dh, dc0: d.dc };
    }
    const dG = new Float32Array(T * B * G4);                  // [T, B, 4H] pre-activation, by time
    const dhs = m ? new Float32Array(T * B * P) : null;       // [T, B, P] ∂L/∂h per step, for dW_hr
    const dm = m ? new Float32Array(B * H) : null;
    let dh = dhN.slice(), dhPrev = new Float32Array(B * P);
    let dc = dcN ? dcN.slice() : new Float32Array(B * H), dcPrev = new Float32Array(B * H);
    for (let s = T - 1; s >= 0; s--) {
      const t = timeOf(run, s), { prev } = stateIndex(run, t), active = allActive(run, t);
      addOutputGrad(run, t, dy, dh);
      if (dm && dhs) {
        dhs.set(dh, t * B * P);
        if (!active) zeroInactive(run, t, P, dhs, t * B * P);
        k.gemm(false, false, B, H, P, 1, dh, 0, P, run.whr!, 0, H, 0, dm, 0, H);
      }
      k.lstmStepBackward(B, H, dm ?? dh, 0, dc, 0, cx!, prev * B * H, save, t * B * S, dG, t * B * G4, dcPrev, 0);
      if (!active) { zeroInactive(run, t, G4, dG, t * B * G4); carryInactive(run, t, H, dc, 0, dcPrev, 0); }
      k.gemm(false, false, B, P, G4, 1, dG, t * B * G4, G4, run.whh, 0, P, 0, dhPrev, 0, P);
      if (!active) carryInactive(run, t, P, dh, 0, dhPrev, 0);
      [dh, dhPrev] = [dhPrev, dh];
      [dc, dcPrev] = [dcPrev, dc];
    }
    accumulateWeightGrads(run, 4, dG, dG, hx, g);
    if (m && dhs) k.gemm(true, false, P, H, T * B, 1, dhs, 0, P, m, 0, H, 1, g.whr!, 0, H);
    return { dh0: dh, dc0: dc };
  },

  forwardPair(fwd: DirRun, rev: DirRun): [DirCache, DirCache] | null {
    const k = kernels();
    if (!k.lstmBidirectionalForward || fwd.lengths !== null || fwd.whr !== null) return null;
    const f = sequenceForwardDir(fwd, 5 * fwd.H), r = sequenceForwardDir(rev, 5 * rev.H);
    k.lstmBidirectionalForward(fwd.T, fwd.B, fwd.I, fwd.H, fwd.x, f, r);
    return [sequenceCache(f), sequenceCache(r)];
  },

  backwardPair(fwd: DirBackward, rev: DirBackward): [DirStateGrads, DirStateGrads] | null {
    const k = kernels(), { T, B, I, H, x, lengths } = fwd.run;
    if (!k.lstmBidirectionalBackward || lengths !== null || fwd.cache.m) return null;
    const f = sequenceBackwardDir(fwd), r = sequenceBackwardDir(rev);
    k.lstmBidirectionalBackward(T, B, I, H, x, fwd.g.dx, f, r);
    return [{ dh0: f.dh, dc0: f.dc }, { dh0: r.dh, dc0: r.dc }];
  },
};

/** Options of {@link LSTM}: those of {@link RecurrentOptions} plus `projSize`. */
export interface LSTMOptions extends RecurrentOptions {
  /** Size of the projected hidden state h (0 = no projection), like PyTorch's proj_size. */
  projSize?: number;
  /**
   * Initial bias of the forget gate f (slice [H, 2H] of each bias_ih / bias_hh), instead of PyTorch's
   * U(−1/√H, 1/√H) (the default, unchanged when omitted). A number b sets b_if = b and b_hf = 0, so the effective
   * bias b_if + b_hf is b — Keras' `unit_forget_bias=True` is b = 1 (Gers et al. 2000; Jozefowicz et al. 2015).
   * `{ chrono: T_max }` is chrono initialisation (Tallec & Ollivier 2018): b_if ~ log U(1, T_max − 1) per unit and
   * the input gate's b_ii = −b_if (b_hi = b_hf = 0). Every other parameter keeps its PyTorch draw. Needs `bias: true`.
   * @example new LSTM({ inputSize: 10, hiddenSize: 64, forgetBias: 1 })
   */
  forgetBias?: GateBiasInit;
}

/**
 * Multi-layer LSTM over a sequence, like torch.nn.LSTM.
 * For each step t of each layer, with h, c the previous states (h0, c0 at t = 0):
 * ```
 * i  = σ(W_ii x + b_ii + W_hi h + b_hi)        input gate
 * f  = σ(W_if x + b_if + W_hf h + b_hf)        forget gate
 * g  = tanh(W_ig x + b_ig + W_hg h + b_hg)     cell candidate
 * o  = σ(W_io x + b_io + W_ho h + b_ho)        output gate
 * c' = f ⊙ c + i ⊙ g
 * h' = o ⊙ tanh(c')                            (projSize P > 0: h' = W_hr (o ⊙ tanh(c')), P units)
 * ```
 * x is the input for layer 0 and the previous layer's output for the others (with `dropout` between layers in
 * training mode). The whole call is one autograd node with a fused BPTT backward.
 *
 * Options: {@link LSTMOptions} (inputSize, hiddenSize, numLayers = 1, bias = true, batchFirst = false, dropout = 0,
 * bidirectional = false, projSize = 0).
 *
 * Shape (D = 2 if bidirectional else 1, L = numLayers, P = projSize or H):
 * - input `x`: `[T, B, I]`, `[B, T, I]` with batchFirst, or unbatched `[T, I]`
 * - `h0`: `[L·D, B, P]` and `c0`: `[L·D, B, H]` (no batch dimension when unbatched), both or neither; default zeros
 * - `lengths`: `[B]` (see {@link RecurrentInput})
 * - `output`: `[T, B, D·P]` (`[B, T, D·P]` with batchFirst, `[T, D·P]` unbatched), zero past each length
 * - `h`: `[L·D, B, P]` and `c`: `[L·D, B, H]`, the final states of each layer and direction
 *
 * Parameters, named and initialised like PyTorch (all ~ U(−1/√H, 1/√H)), for layer k (`_reverse` suffix for the
 * backward direction): `weight_ih_l{k}` `[4H, I]` (`[4H, D·P]` for k > 0) = [W_ii; W_if; W_ig; W_io],
 * `weight_hh_l{k}` `[4H, P]`, `bias_ih_l{k}` `[4H]`, `bias_hh_l{k}` `[4H]`, and with projSize `weight_hr_l{k}` `[P, H]`;
 * gate order i, f, g, o.
 *
 * @throws ArgumentError for an unknown or out-of-range option (projSize must be < hiddenSize); ShapeError (from
 * `forward`) when `x`, `h0`, `c0` or `lengths` do not have the shapes above.
 *
 * @example
 * ```ts
 * import { LSTM, tensor, zeros } from 'gated';
 * const lstm = new LSTM({ inputSize: 10, hiddenSize: 20, numLayers: 2, batchFirst: true });
 * const x = tensor(new Float32Array(3 * 5 * 10).map(Math.random), [3, 5, 10]);  // [B, T, I]
 * const h0 = zeros([2, 3, 20]), c0 = zeros([2, 3, 20]);                         // [L·D, B, H]
 * const { output, h, c } = lstm.forward(x, { h0, c0 });                         // [3, 5, 20], [2, 3, 20], [2, 3, 20]
 * ```
 */
export class LSTM extends RecurrentBase {
  /** @internal */
  protected readonly kind = 'LSTM';
  /** @internal the cell's equations (kernels side); not part of the public API */
  protected readonly math = lstmMath;

  constructor(opts: LSTMOptions) {
    super('LSTM', 4, opts, ['projSize', 'forgetBias'], opts.projSize ?? 0);
    initForgetBias('LSTM', this.namedParameters(), this.hiddenSize, this.bias, opts.forgetBias);
  }

  /**
   * Returns output [T, B, D·P], h [L·D, B, P], c [L·D, B, H]. h0 and c0 come together or not at all.
   * @param x - the input sequence batch (see Shape above).
   * @param opts - `h0` and `c0`, `lengths` (see {@link RecurrentInput}).
   * @throws ShapeError when a shape does not fit; ArgumentError for an invalid length, or `h0` without `c0`.
   * @property output - `[T, B, D·P]` (`[B, T, D·P]` with batchFirst, `[T, D·P]` unbatched): the last layer's h at every step.
   * @property h - `[L·D, B, P]`: the final hidden state of every layer and direction.
   * @property c - `[L·D, B, H]`: the final cell state of every layer and direction.
   */
  forward(x: Tensor, opts: RecurrentInput = {}): { output: Tensor; h: Tensor; c: Tensor } {
    const { output, h, c } = this.run(x, opts);
    return { output, h, c: c! };
  }
}

/** LSTMOptions.forgetBias applied to every layer and direction (LSTM and LSTMCell). */
export function initForgetBias(kind: string, named: [string, Tensor][], H: number, bias: boolean, spec: GateBiasInit | undefined): void {
  if (spec === undefined) return;
  checkGateBiasInit(`${kind}: forgetBias`, spec);
  check(bias, 'INVALID_ARGUMENT', `${kind}: forgetBias needs bias: true`);
  for (const [bih, bhh] of biasPairs(named)) {
    const bf = setGateBias(bih, bhh, H, 1, spec);
    if (typeof spec === 'number') continue;
    bih.data.set(bf.map((v) => -v), 0);             // chrono: input gate b_ii = −b_if, b_hi = 0
    bhh.data.fill(0, 0, H);
  }
}
