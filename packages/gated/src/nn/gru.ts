// GRU — the Gated Recurrent Unit (Cho et al., 2014), PyTorch's semantics and parameter names.
//
// Weight blocks, gate order r, z, n:  weight_ih_l{k} = [W_ir; W_iz; W_in]  [3H, I],  weight_hh_l{k} = [W_hr; W_hz; W_hn]  [3H, H]
//   r  = σ(W_ir x + b_ir + W_hr h + b_hr)            reset gate: how much of the past feeds the candidate
//   z  = σ(W_iz x + b_iz + W_hz h + b_hz)            update gate: how much of the past is kept
//   n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))    candidate ĥ — reset AFTER the recurrent product (PyTorch, cuDNN,
//                                                     Keras reset_after=True, ONNX linear_before_reset=1), the default
//   n  = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)    reset BEFORE it (Cho 2014, Keras reset_after=False, ONNX default):
//                                                     option `resetAfter: false`
//   h' = (1 − z) ⊙ n + z ⊙ h
//
// Backward (per step, dh = ∂L/∂h'):  dn̂ = dh ⊙ (1 − z) ⊙ (1 − n²),  dz̃ = dh ⊙ (h − n) ⊙ z(1 − z),
//   reset after:  dr̃ = dn̂ ⊙ (W_hn h + b_hn) ⊙ r(1 − r);  ∂(W_hn h + b_hn) = dn̂ ⊙ r
//   reset before: d(r ⊙ h) = dn̂ W_hn;  dr̃ = d(r ⊙ h) ⊙ h ⊙ r(1 − r)
//   dh_prev = z ⊙ dh + (gate gradients) · W_hh (+ r ⊙ d(r ⊙ h) before).  Weight gradients: one GEMM each after the loop.
//
// Dimensions: T time, B batch, I input, H hidden.
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

/** PyTorch's convention: reset applied to (W_hn h + b_hn). save: [T, B, 4H] = r, z, n, W_hn h + b_hn. */
export const gruResetAfter: CellMath = {
  gates: 3,

  forward(run: DirRun): DirCache {
    const { T, B, H } = run, k = kernels(), G3 = 3 * H;
    if (k.gruSequenceForward && run.lengths === null) {           // the whole time loop in one kernel call
      const d = sequenceForwardDir(run, 4 * H);
      k.gruSequenceForward(T, B, run.I, H, run.reverse, run.x, d.wih, d.bih, d.whh, d.bhh, d.hx, d.save);
      return sequenceCache(d);
    }
    const gi = inputProjection(run, 3);                       // [T, B, 3H]
    const hx = new Float32Array((T + 1) * B * H);             // [T+1, B, H]
    hx.set(run.h0, firstSlot(run) * B * H);
    const gh = new Float32Array(B * G3);                      // [B, 3H]
    const save = new Float32Array(T * B * 4 * H);             // [T, B, 4H]
    for (let s = 0; s < T; s++) {
      const t = timeOf(run, s), { prev, next } = stateIndex(run, t);
      k.gemm(false, true, B, G3, H, 1, hx, prev * B * H, H, run.whh, 0, H, 0, gh, 0, G3);
      if (run.bhh) k.addRowVector(B, G3, run.bhh, 0, gh, 0);
      k.gruStepForward(B, H, gi, t * B * G3, gh, 0, hx, prev * B * H, hx, next * B * H, save, t * B * 4 * H);
      if (!allActive(run, t)) carryInactive(run, t, H, hx, prev * B * H, hx, next * B * H);
    }
    return { hx, save };
  },

  backward(run: DirRun, { hx, save }: DirCache, dy: F32, dhN: F32, _dcN: F32 | null, g: DirGrads) {
    const { T, B, H } = run, k = kernels(), G3 = 3 * H;
    if (k.gruSequenceBackward && run.lengths === null) {          // the whole time loop in one kernel call
      const d = sequenceBackwardDir({ run, cache: { hx, save }, dy, dhN, dcN: null, g });
      k.gruSequenceBackward(T, B, run.I, H, run.reverse, run.x, d.wih, d.whh, d.hx, d.save, d.dy, d.dh,
        g.dx, d.dwih, d.dbih, d.dwhh, d.dbhh);
      return { dh0: d.dh, dc0: null };
    }
    const dgi = new Float32Array(T * B * G3), dgh = new Float32Array(T * B * G3); // [T, B, 3H] by time
    let dh = dhN.slice(), dhPrev = new Float32Array(B * H);                          // [B, H]
    for (let s = T - 1; s >= 0; s--) {
      const t = timeOf(run, s), { prev } = stateIndex(run, t);
      addOutputGrad(run, t, dy, dh);
      k.gruStepBackward(B, H, dh, 0, hx, prev * B * H, save, t * B * 4 * H, dgi, t * B * G3, dgh, t * B * G3, dhPrev, 0);
      if (!allActive(run, t)) {
        zeroInactive(run, t, G3, dgi, t * B * G3); zeroInactive(run, t, G3, dgh, t * B * G3);
        carryInactive(run, t, H, dh, 0, dhPrev, 0);
      }
      k.gemm(false, false, B, H, G3, 1, dgh, t * B * G3, G3, run.whh, 0, H, 1, dhPrev, 0, H);
      [dh, dhPrev] = [dhPrev, dh];
    }
    accumulateWeightGrads(run, 3, dgi, dgh, hx, g);
    return { dh0: dh, dc0: null };
  },

  forwardPair(fwd: DirRun, rev: DirRun): [DirCache, DirCache] | null {
    const k = kernels();
    if (!k.gruBidirectionalForward || fwd.lengths !== null) return null;
    const f = sequenceForwardDir(fwd, 4 * fwd.H), r = sequenceForwardDir(rev, 4 * rev.H);
    k.gruBidirectionalForward(fwd.T, fwd.B, fwd.I, fwd.H, fwd.x, f, r);
    return [sequenceCache(f), sequenceCache(r)];
  },

  backwardPair(fwd: DirBackward, rev: DirBackward): [DirStateGrads, DirStateGrads] | null {
    const k = kernels(), { T, B, I, H, x, lengths } = fwd.run;
    if (!k.gruBidirectionalBackward || lengths !== null) return null;
    const f = sequenceBackwardDir(fwd), r = sequenceBackwardDir(rev);
    k.gruBidirectionalBackward(T, B, I, H, x, fwd.g.dx, f, r);
    return [{ dh0: f.dh, dc0: null }, { dh0: r.dh, dc0: null }];
  },
};

/** Cho 2014: reset applied to h before W_hn. save: [T, B, 4H] = r, z, n, r ⊙ h. */
export const gruResetBefore: CellMath = {
  gates: 3,

  forward(run: DirRun): DirCache {
    const { T, B, H } = run, k = kernels(), G3 = 3 * H, S = 4 * H;
    const gi = inputProjection(run, 3);                       // [T, B, 3H]
    const hx = new Float32Array((T + 1) * B * H);             // [T+1, B, H]
    hx.set(run.h0, firstSlot(run) * B * H);
    const ghRZ = new Float32Array(B * 2 * H), ghN = new Float32Array(B * H);
    const save = new Float32Array(T * B * S);                 // [T, B, 4H]
    for (let s = 0; s < T; s++) {
      const t = timeOf(run, s), { prev, next } = stateIndex(run, t), so = t * B * S;
      k.gemm(false, true, B, 2 * H, H, 1, hx, prev * B * H, H, run.whh, 0, H, 0, ghRZ, 0, 2 * H);
      if (run.bhh) k.addRowVector(B, 2 * H, run.bhh, 0, ghRZ, 0);
      k.gruResetBeforeGates(B, H, gi, t * B * G3, ghRZ, 0, hx, prev * B * H, save, so);
      k.gemm(false, true, B, H, H, 1, save, so + 3 * H, S, run.whh, 2 * H * H, H, 0, ghN, 0, H);
      if (run.bhh) k.addRowVector(B, H, run.bhh, 2 * H, ghN, 0);
      k.gruResetBeforeBlend(B, H, gi, t * B * G3, ghN, 0, hx, prev * B * H, hx, next * B * H, save, so);
      if (!allActive(run, t)) carryInactive(run, t, H, hx, prev * B * H, hx, next * B * H);
    }
    return { hx, save };
  },

  backward(run: DirRun, { hx, save }: DirCache, dy: F32, dhN: F32, _dcN: F32 | null, g: DirGrads) {
    const { T, B, H } = run, k = kernels(), G3 = 3 * H, S = 4 * H;
    // dgi [T, B, 3H]: pre-activation gradients; its n block is also ∂L/∂(W_hn (r ⊙ h) + b_hn)
    const dgi = new Float32Array(T * B * G3), dRh = new Float32Array(B * H);
    let dh = dhN.slice(), dhPrev = new Float32Array(B * H);
    for (let s = T - 1; s >= 0; s--) {
      const t = timeOf(run, s), { prev } = stateIndex(run, t), go = t * B * G3, so = t * B * S;
      addOutputGrad(run, t, dy, dh);
      k.gruResetBeforeBackwardBlend(B, H, dh, 0, hx, prev * B * H, save, so, dgi, go, dhPrev, 0);
      k.gemm(false, false, B, H, H, 1, dgi, go + 2 * H, G3, run.whh, 2 * H * H, H, 0, dRh, 0, H);
      k.gruResetBeforeBackwardGates(B, H, dRh, 0, hx, prev * B * H, save, so, dgi, go, dhPrev, 0);
      if (!allActive(run, t)) { zeroInactive(run, t, G3, dgi, go); carryInactive(run, t, H, dh, 0, dhPrev, 0); }
      k.gemm(false, false, B, H, 2 * H, 1, dgi, go, G3, run.whh, 0, H, 1, dhPrev, 0, H);
      [dh, dhPrev] = [dhPrev, dh];
    }
    accumulateWeightGrads(run, 3, dgi, null, hx, g);
    const TB = T * B;
    k.gemm(true, false, 2 * H, H, TB, 1, dgi, 0, G3, hx, run.reverse ? B * H : 0, H, 1, g.whh, 0, H); // W_hr, W_hz
    k.gemm(true, false, H, H, TB, 1, dgi, 2 * H, G3, save, 3 * H, S, 1, g.whh, 2 * H * H, H);         // W_hn · (r ⊙ h)
    if (g.bhh) k.sumRowsInto(TB, G3, dgi, 0, g.bhh, 0);
    return { dh0: dh, dc0: null };
  },
};

/** Options of {@link GRU}: those of {@link RecurrentOptions} plus `resetAfter`. */
export interface GRUOptions extends RecurrentOptions {
  /** true (default): PyTorch's reset after W_hn h; false: Cho 2014's reset before it. */
  resetAfter?: boolean;
  /**
   * Initial bias of the update gate z (slice [H, 2H] of each bias_ih / bias_hh), instead of PyTorch's
   * U(−1/√H, 1/√H) (the default, unchanged when omitted). With h' = (1 − z) ⊙ n + z ⊙ h, a positive bias starts z near
   * 1, "keep": a number b sets b_iz = b and b_hz = 0; `{ chrono: T_max }` draws b_iz ~ log U(1, T_max − 1) per unit
   * (Tallec & Ollivier 2018, in PyTorch's sign convention), b_hz = 0. Every other parameter keeps its PyTorch draw.
   * Needs `bias: true`. @example new GRU({ inputSize: 2, hiddenSize: 64, updateBias: { chrono: 100 } })
   */
  updateBias?: GateBiasInit;
}

/**
 * Multi-layer GRU over a sequence, like torch.nn.GRU.
 * For each step t of each layer, with h the previous hidden state (h0 at t = 0):
 * ```
 * r  = σ(W_ir x + b_ir + W_hr h + b_hr)
 * z  = σ(W_iz x + b_iz + W_hz h + b_hz)
 * n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))     (resetAfter: false → W_hn (r ⊙ h) + b_hn)
 * h' = (1 − z) ⊙ n + z ⊙ h
 * ```
 * x is the input for layer 0 and the previous layer's output for the others (with `dropout` between layers in
 * training mode). The whole call is one autograd node with a fused BPTT backward.
 *
 * Options: {@link GRUOptions} (inputSize, hiddenSize, numLayers = 1, bias = true, batchFirst = false, dropout = 0,
 * bidirectional = false, resetAfter = true).
 *
 * Shape (D = 2 if bidirectional else 1, L = numLayers):
 * - input `x`: `[T, B, I]`, `[B, T, I]` with batchFirst, or unbatched `[T, I]`
 * - `h0`: `[L·D, B, H]` (`[L·D, H]` unbatched), default zeros; `lengths`: `[B]` (see {@link RecurrentInput})
 * - `output`: `[T, B, D·H]` (`[B, T, D·H]` with batchFirst, `[T, D·H]` unbatched), zero past each length
 * - `h`: `[L·D, B, H]`, the final state of each layer and direction
 *
 * Parameters, named and initialised like PyTorch (all ~ U(−1/√H, 1/√H)), for layer k (`_reverse` suffix for the
 * backward direction): `weight_ih_l{k}` `[3H, I]` (`[3H, D·H]` for k > 0) = [W_ir; W_iz; W_in],
 * `weight_hh_l{k}` `[3H, H]`, `bias_ih_l{k}` `[3H]`, `bias_hh_l{k}` `[3H]`; gate order r, z, n.
 *
 * @throws ArgumentError for an unknown or out-of-range option; ShapeError (from `forward`) when `x`, `h0` or
 * `lengths` do not have the shapes above.
 *
 * @example
 * ```ts
 * import { GRU, tensor, manualSeed } from 'gated';
 * manualSeed(0);
 * const gru = new GRU({ inputSize: 10, hiddenSize: 20, numLayers: 2 });
 * const x = tensor(new Float32Array(5 * 3 * 10).map(Math.random), [5, 3, 10]);  // [T, B, I]
 * const { output, h } = gru.forward(x);                                          // [5, 3, 20], [2, 3, 20]
 * output.sum().backward();                                                       // gradients in gru.parameters()
 * ```
 */
export class GRU extends RecurrentBase {
  /** True (default): PyTorch's candidate with the reset applied after the recurrent product; false: Cho 2014's. */
  readonly resetAfter: boolean;
  /** @internal */
  protected readonly kind = 'GRU';
  /** @internal the cell's equations (kernels side); not part of the public API */
  protected readonly math: CellMath;

  constructor(opts: GRUOptions) {
    super('GRU', 3, opts, ['resetAfter', 'updateBias']);
    this.resetAfter = opts.resetAfter ?? true;
    this.math = this.resetAfter ? gruResetAfter : gruResetBefore;
    initUpdateBias('GRU', this.namedParameters(), this.hiddenSize, this.bias, opts.updateBias);
  }

  /**
   * x: [T, B, I] (or [B, T, I] with batchFirst, or [T, I]) → output [T, B, D·H], h [L·D, B, H].
   * @param x - the input sequence batch (see Shape above).
   * @param opts - `h0`, `lengths` (see {@link RecurrentInput}).
   * @throws ShapeError when a shape does not fit; ArgumentError for an invalid length or a `c0`.
   * @property output - `[T, B, D·H]` (`[B, T, D·H]` with batchFirst, `[T, D·H]` unbatched): the last layer's state at every step.
   * @property h - `[L·D, B, H]`: the final state of every layer and direction.
   */
  forward(x: Tensor, opts: RecurrentInput = {}): { output: Tensor; h: Tensor } {
    const { output, h } = this.run(x, opts);
    return { output, h };
  }
}

/** GRUOptions.updateBias applied to every layer and direction (GRU and GRUCell). */
export function initUpdateBias(kind: string, named: [string, Tensor][], H: number, bias: boolean, spec: GateBiasInit | undefined): void {
  if (spec === undefined) return;
  checkGateBiasInit(`${kind}: updateBias`, spec);
  check(bias, 'INVALID_ARGUMENT', `${kind}: updateBias needs bias: true`);
  for (const [bih, bhh] of biasPairs(named)) setGateBias(bih, bhh, H, 1, spec);
}
