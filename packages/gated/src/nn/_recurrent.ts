// The multi-layer, bidirectional driver shared by GRU, LSTM and RNN: options, PyTorch-named parameters,
// input/state shape handling, variable lengths, inter-layer dropout, and the ONE autograd node per module call.
// The per-cell math (one direction of one layer, forward and BPTT backward) lives in gru.ts, lstm.ts, rnn.ts.
//
// Dimension glossary: T time, B batch, I input, H hidden, P = projSize || H (size of h), D directions, L layers,
// G gates per cell (GRU 3, LSTM 4, RNN 1).
import { GatedError, check, checkOptions, fmtShape } from '../errors.js';
import type { F32, SequenceBackwardDir, SequenceForwardDir } from '../kernels/api.js';
import { kernels } from '../kernels/select.js';
import { checkParameterCount, MAX_LAYERS } from '../limits.js';
import { globalRng } from '../random.js';
import { Tensor, isGradEnabled, record, sizeOf, storageOf, storageVersion } from '../tensor/tensor.js';
import { Module } from './module.js';

// ------------------------------------------------------------------------------------------ one direction

/** Everything one direction of one layer needs; all arrays are flat row-major. */
export interface DirRun {
  T: number; B: number; I: number; H: number; P: number;
  x: F32;                 // [T, B, I]
  reverse: boolean;
  lengths: Int32Array | null; // per batch element, ≤ T; null = all T
  wih: F32; whh: F32;     // [G·H, I], [G·H, P]
  bih: F32 | null; bhh: F32 | null; // [G·H]
  whr: F32 | null;        // [P, H] (LSTM projection)
  h0: F32; c0: F32 | null; // [B, P], [B, H]
  /** The weights' storage versions (see Kernels.pin), so that the kernels may keep them resident; absent: unknown. */
  versions?: WeightVersions;
}

/** Storage versions of a direction's weights, in DirRun's names. */
export interface WeightVersions { wih: number; whh: number; bih: number; bhh: number; whr: number }

/** The weights of one direction as a DirRun takes them: their storage (read, not handed out) and its versions. */
export function dirWeights(w: { wih: Tensor; whh: Tensor; bih: Tensor | null; bhh: Tensor | null; whr: Tensor | null }):
  Pick<DirRun, 'wih' | 'whh' | 'bih' | 'bhh' | 'whr' | 'versions'> {
  const v = (t: Tensor | null): number => (t ? storageVersion(t) : -1), d = (t: Tensor | null): F32 | null => (t ? storageOf(t) : null);
  return {
    wih: storageOf(w.wih), whh: storageOf(w.whh), bih: d(w.bih), bhh: d(w.bhh), whr: d(w.whr),
    versions: { wih: v(w.wih), whh: v(w.whh), bih: v(w.bih), bhh: v(w.bhh), whr: v(w.whr) },
  };
}

/** What forward keeps for backward. hx: [T+1, B, P] — see `stateIndex`. */
export interface DirCache { hx: F32; cx?: F32; save: F32; m?: F32 }

/** Gradient accumulators for one direction's parameters (same shapes as the weights). */
export interface DirGrads { wih: F32; whh: F32; bih: F32 | null; bhh: F32 | null; whr: F32 | null; dx: F32 }

/** What a direction's backward returns: the gradients of its initial states. */
export interface DirStateGrads { dh0: F32; dc0: F32 | null }

/** A direction's backward, as CellMath.backward takes it. */
export interface DirBackward { run: DirRun; cache: DirCache; dy: F32; dhN: F32; dcN: F32 | null; g: DirGrads }

export interface CellMath {
  readonly gates: number;
  forward(run: DirRun): DirCache;
  /** dy: [T, B, P] gradient of this direction's output; dhN [B, P], dcN [B, H]. Accumulates into `g`. */
  backward(run: DirRun, cache: DirCache, dy: F32, dhN: F32, dcN: F32 | null, g: DirGrads): DirStateGrads;
  /**
   * Both directions of a bidirectional layer in one kernel call (optional; the kernels may run them at once):
   * [forward(fwd), forward(rev)] bit for bit, or null where this cell's kernels cannot (then each runs alone).
   */
  forwardPair?(fwd: DirRun, rev: DirRun): [DirCache, DirCache] | null;
  /** Likewise backward of fwd, then of rev (their g.dx is the one dX both add into), or null. */
  backwardPair?(fwd: DirBackward, rev: DirBackward): [DirStateGrads, DirStateGrads] | null;
}

/** One layer's directions forward: both in one call where the cell offers it (nothing to pin then), else one by one. */
function forwardLayer(math: CellMath, runs: DirRun[]): DirCache[] {
  return (runs.length === 2 ? math.forwardPair?.(runs[0], runs[1]) : null)
    ?? runs.map((run) => withPinnedWeights(run, () => math.forward(run)));
}

/** One layer's directions backward, forward direction first: both in one call where the cell offers it, else one by one. */
function backwardLayer(math: CellMath, dirs: DirBackward[]): DirStateGrads[] {
  return (dirs.length === 2 ? math.backwardPair?.(dirs[0], dirs[1]) : null)
    ?? dirs.map(({ run, cache, dy, dhN, dcN, g }) => withPinnedWeights(run, () => math.backward(run, cache, dy, dhN, dcN, g)));
}

/**
 * States are kept in hx [T+1, B, P] so that "the state entering time t" is one contiguous [T, B, P] matrix:
 * forward: enters t at slot t, leaves at t+1 (h0 in slot 0); reverse: enters t at slot t+1, leaves at t (h0 in slot T).
 */
export const stateIndex = (run: DirRun, t: number): { prev: number; next: number } =>
  run.reverse ? { prev: t + 1, next: t } : { prev: t, next: t + 1 };

/** Time index of processing step s. */
export const timeOf = (run: DirRun, s: number): number => (run.reverse ? run.T - 1 - s : s);

/** Slot of hx holding h0 / the final state. */
export const firstSlot = (run: DirRun): number => (run.reverse ? run.T : 0);
export const lastSlot = (run: DirRun): number => (run.reverse ? 0 : run.T);

/**
 * Runs `fn` with the direction's weights pinned (read-only for the kernels during the call; see Kernels.pin), with
 * their versions when known, so that a backend keeps them resident between calls until they change.
 */
export function withPinnedWeights<R>(run: DirRun, fn: () => R): R {
  const k = kernels(), v = run.versions, { wih, whh, bih, bhh, whr } = run;   // plain code: a streaming step runs this per call
  k.pin(wih, v?.wih); k.pin(whh, v?.whh);
  if (bih) k.pin(bih, v?.bih);
  if (bhh) k.pin(bhh, v?.bhh);
  if (whr) k.pin(whr, v?.whr);
  try { return fn(); } finally {
    k.unpin(wih); k.unpin(whh);
    if (bih) k.unpin(bih);
    if (bhh) k.unpin(bhh);
    if (whr) k.unpin(whr);
  }
}

/** gi = x · W_ihᵀ + b_ih for all T steps in one GEMM: [T·B, G·H]. */
export function inputProjection(run: DirRun, G: number): F32 {
  const { T, B, I, H } = run, k = kernels(), GH = G * H;
  const gi = new Float32Array(T * B * GH);
  k.gemm(false, true, T * B, GH, I, 1, run.x, 0, I, run.wih, 0, I, 0, gi, 0, GH);
  if (run.bih) k.addRowVector(T * B, GH, run.bih, 0, gi, 0);
  return gi;
}

// ---- the whole-sequence kernels' arguments (Kernels.*SequenceForward/Backward and the bidirectional pairs)

/**
 * A direction's sequence-kernel arguments: hx (and, for a cell with c0, cx) [T+1, B, H] with the initial state in the
 * first step's slot; save [T, B, S] with S = saveWidth, or null under noGrad (no backward will run, nothing saved).
 */
export function sequenceForwardDir(run: DirRun, saveWidth: number): SequenceForwardDir {
  const { T, B, H } = run, first = firstSlot(run) * B * H;
  const state = (s0: F32): F32 => { const x = new Float32Array((T + 1) * B * H); x.set(s0, first); return x; };
  const save = isGradEnabled() ? new Float32Array(T * B * saveWidth) : null;
  return { wih: run.wih, bih: run.bih, whh: run.whh, bhh: run.bhh, hx: state(run.h0), cx: run.c0 ? state(run.c0) : null, save };
}

/** What the sequence kernels leave for backward. */
export const sequenceCache = ({ hx, cx, save }: SequenceForwardDir): DirCache =>
  ({ hx, ...(cx ? { cx } : {}), save: save ?? new Float32Array(0) });

/** A direction's backward-kernel arguments; dh (dc): ∂L/∂h_T (c_T) in, ∂L/∂h0 (c0) out. */
export const sequenceBackwardDir = ({ run, cache, dy, dhN, dcN, g }: DirBackward): SequenceBackwardDir => ({
  wih: run.wih, whh: run.whh, hx: cache.hx, cx: cache.cx ?? null, save: cache.save, dy, dh: dhN.slice(),
  dc: run.c0 ? (dcN ? dcN.slice() : new Float32Array(run.B * run.H)) : null, dwih: g.wih, dbih: g.bih, dwhh: g.whh, dbhh: g.bhh,
});

/** Rows b with t ≥ lengths[b] are past their sequence's end at time t. */
export const allActive = (run: DirRun, t: number): boolean => run.lengths === null || run.lengths.every((n) => t < n);

/** For rows past their end at time t: copy `width` values per row from `src` (carried state or gradient) into `dst`. */
export function carryInactive(run: DirRun, t: number, width: number, src: F32, srcOff: number, dst: F32, dstOff: number): void {
  const L = run.lengths!;
  for (let b = 0; b < run.B; b++) {
    if (t < L[b]) continue;
    for (let j = 0; j < width; j++) dst[dstOff + b * width + j] = src[srcOff + b * width + j];
  }
}

/** dh += dy[t] on rows still inside their sequence (outputs past the end are constant zeros). dy: [T, B, P]. */
export function addOutputGrad(run: DirRun, t: number, dy: F32, dh: F32): void {
  const { B, P } = run, off = t * B * P;
  for (let b = 0; b < B; b++) {
    if (run.lengths && t >= run.lengths[b]) continue;
    for (let j = 0; j < P; j++) dh[b * P + j] += dy[off + b * P + j];
  }
}

/** Zeros `width` values per row past its end (gate gradients of steps that did not happen). */
export function zeroInactive(run: DirRun, t: number, width: number, buf: F32, off: number): void {
  const L = run.lengths!;
  for (let b = 0; b < run.B; b++) if (t >= L[b]) buf.fill(0, off + b * width, off + (b + 1) * width);
}

/**
 * Weight gradients for all steps at once, after the time loop:
 * dW_ih += dGiᵀ · X, db_ih += Σ dGi, dX += dGi · W_ih, and (when `dgh` is given) dW_hh += dGhᵀ · H_prev, db_hh += Σ dGh.
 * dgi, dgh: [T, B, G·H] by time; hPrev: the [T, B, P] matrix of entering states (offset into hx).
 */
export function accumulateWeightGrads(run: DirRun, G: number, dgi: F32, dgh: F32 | null, hx: F32, g: DirGrads): void {
  const { T, B, I, H, P } = run, k = kernels(), GH = G * H, TB = T * B;
  k.gemm(true, false, GH, I, TB, 1, dgi, 0, GH, run.x, 0, I, 1, g.wih, 0, I);
  if (g.bih) k.sumRowsInto(TB, GH, dgi, 0, g.bih, 0);
  k.gemm(false, false, TB, I, GH, 1, dgi, 0, GH, run.wih, 0, I, 1, g.dx, 0, I);
  if (dgh) {
    const hOff = run.reverse ? B * P : 0;
    k.gemm(true, false, GH, P, TB, 1, dgh, 0, GH, hx, hOff, P, 1, g.whh, 0, P);
    if (g.bhh) k.sumRowsInto(TB, GH, dgh, 0, g.bhh, 0);
  }
}

// ------------------------------------------------------------------------------------------ the module

export type RecurrentMode = 'GRU' | 'LSTM' | 'RNN_TANH' | 'RNN_RELU';

/**
 * Options shared by {@link GRU}, {@link LSTM} and {@link RNN}, named and defaulted like the arguments of PyTorch's
 * `nn.GRU` / `nn.LSTM` / `nn.RNN`. An unknown key is an `ArgumentError` (a typo is never silently ignored).
 */
export interface RecurrentOptions {
  /** I: the number of features in each input step `x[t]` (integer ≥ 0). */
  inputSize: number;
  /** H: the number of features in the hidden state (integer ≥ 1). */
  hiddenSize: number;
  /** L: stacked layers, each reading the previous layer's output (default 1). */
  numLayers?: number;
  /** Whether the layers have the biases `bias_ih_l{k}` and `bias_hh_l{k}` (default true). */
  bias?: boolean;
  /** When true, `x` and `output` are `[B, T, ·]` instead of `[T, B, ·]`; states keep `[L·D, B, ·]` (default false). */
  batchFirst?: boolean;
  /**
   * Dropout on the outputs of every layer but the last, in training mode only (global seeded RNG).
   * Probability in [0, 1]; default 0.
   */
  dropout?: number;
  /** When true, each layer also runs over the reversed sequence (D = 2) and `output` joins both directions: `[T, B, 2·H]` (default false). */
  bidirectional?: boolean;
}

const recurrentOptionKeys = ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'batchFirst', 'dropout', 'bidirectional'] as const;

/** The optional second argument of the recurrent layers' `forward`: initial states and sequence lengths. */
export interface RecurrentInput {
  /** Initial hidden state `[L·D, B, P]` (`[L·D, P]` for unbatched input), P = projSize or H; default zeros. */
  h0?: Tensor | null;
  /** LSTM only: initial cell state `[L·D, B, H]`, given together with `h0`; default zeros. */
  c0?: Tensor | null;
  /**
   * True length of each batch element (like pack_padded_sequence with enforce_sorted=False): `[B]` integers in [1, T].
   * Each sequence stops at its length: `output` is zero past it and `h` (`c`) holds the state at its last valid step,
   * as `pack_padded_sequence(enforce_sorted=False)` → `pad_packed_sequence(total_length=T)`.
   * Default: every sequence has length T.
   */
  lengths?: ArrayLike<number | bigint> | Tensor | null;
}

/**
 * What the recurrent layers' `forward` returns (shapes for batched, time-major input; see each layer).
 * @property output - `[T, B, D·P]` (`[B, T, D·P]` with batchFirst, `[T, D·P]` unbatched): the last layer's hidden state at every step, both directions joined.
 * @property h - `[L·D, B, P]`: the final hidden state of every layer and direction.
 * @property c - LSTM only: `[L·D, B, H]`, the final cell state of every layer and direction.
 */
export interface RecurrentOutput { output: Tensor; h: Tensor; c?: Tensor }

/** Base of GRU, LSTM and RNN: owns the parameters and the whole forward/backward node. */
export abstract class RecurrentBase extends Module {
  /** I, as given in the options. */
  readonly inputSize: number;
  /** H, as given in the options. */
  readonly hiddenSize: number;
  /** L (default 1). */
  readonly numLayers: number;
  /** Whether the layers have biases (default true). */
  readonly bias: boolean;
  /** Whether input and output are `[B, T, ·]` (default false). */
  readonly batchFirst: boolean;
  /** Dropout probability between layers in training mode (default 0). */
  readonly dropout: number;
  /** Whether each layer also runs backwards in time (D = 2). */
  readonly bidirectional: boolean;
  /** LSTM projection size P (0: none, then P = H); always 0 for GRU and RNN. */
  readonly projSize: number;
  /** @internal the cell's equations (kernels side); not part of the public API */
  protected abstract readonly math: CellMath;
  /** @internal */
  protected abstract readonly kind: string;
  /** [layer][direction] → parameters in PyTorch order. */
  private readonly weights: { wih: Tensor; whh: Tensor; bih: Tensor | null; bhh: Tensor | null; whr: Tensor | null }[][] = [];

  constructor(kind: string, gates: number, opts: RecurrentOptions, extraOptions: readonly string[], projSize = 0) {
    super();
    checkOptions(kind, opts, [...recurrentOptionKeys, ...extraOptions]);
    const { inputSize, hiddenSize } = opts;
    const numLayers = opts.numLayers ?? 1, dropout = opts.dropout ?? 0;
    const posInt = (v: number, what: string, min = 1): void =>
      check(Number.isInteger(v) && v >= min, 'INVALID_ARGUMENT', () => `${kind}: ${what} must be an integer ≥ ${min}, got ${v}`);
    posInt(inputSize, 'inputSize', 0); posInt(hiddenSize, 'hiddenSize'); posInt(numLayers, 'numLayers'); posInt(projSize, 'projSize', 0);
    check(dropout >= 0 && dropout <= 1, 'INVALID_ARGUMENT', () => `${kind}: dropout must be in [0, 1], got ${dropout}`);
    check(projSize < hiddenSize, 'INVALID_ARGUMENT', () => `${kind}: projSize must be smaller than hiddenSize (${hiddenSize}), got ${projSize}`);
    check(numLayers <= MAX_LAYERS, 'INVALID_ARGUMENT', () => `${kind}: numLayers ${numLayers} exceeds the limit of ${MAX_LAYERS}`);
    { // the size, before anything is allocated
      const H = hiddenSize, P = projSize || H, D = opts.bidirectional ? 2 : 1, b = (opts.bias ?? true) ? 2 * gates * H : 0;
      const layer = (In: number): number => D * (gates * H * (In + P) + b + (projSize ? P * H : 0));
      checkParameterCount(`${kind} with inputSize ${inputSize}, hiddenSize ${hiddenSize}, numLayers ${numLayers}`, layer(inputSize) + (numLayers - 1) * layer(P * D));
    }
    this.inputSize = inputSize; this.hiddenSize = hiddenSize; this.numLayers = numLayers;
    this.bias = opts.bias ?? true; this.batchFirst = opts.batchFirst ?? false; this.dropout = dropout;
    this.bidirectional = opts.bidirectional ?? false; this.projSize = projSize;

    // Initialisation like PyTorch: every parameter ~ U(−1/√H, 1/√H)
    const H = hiddenSize, P = projSize || H, D = this.bidirectional ? 2 : 1, bound = 1 / Math.sqrt(H);
    const init = (shape: number[]): Tensor => {
      const d = new Float32Array(sizeOf(shape));
      for (let i = 0; i < d.length; i++) d[i] = globalRng.uniform(-bound, bound);
      return new Tensor(d, shape);
    };
    for (let l = 0; l < numLayers; l++) {
      const dirs = [];
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`, In = l === 0 ? inputSize : P * D;
        const wih = this.param(`weight_ih${sfx}`, init([gates * H, In]));
        const whh = this.param(`weight_hh${sfx}`, init([gates * H, P]));
        const bih = this.bias ? this.param(`bias_ih${sfx}`, init([gates * H])) : null;
        const bhh = this.bias ? this.param(`bias_hh${sfx}`, init([gates * H])) : null;
        const whr = projSize ? this.param(`weight_hr${sfx}`, init([P, H])) : null;
        dirs.push({ wih, whh, bih, bhh, whr });
      }
      this.weights.push(dirs);
    }
  }

  private get hasCell(): boolean { return this.kind === 'LSTM'; }

  /**
   * x: [T, B, I] ([B, T, I] with batchFirst) or unbatched [T, I]. h0: [L·D, B, P] ([L·D, P] unbatched).
   * Returns output [T, B, D·P] (zeros past each length), h [L·D, B, P] and, for LSTM, c [L·D, B, H].
   * @internal
   */
  protected run(x: Tensor, inp: RecurrentInput = {}): RecurrentOutput {
    const kind = this.kind, L = this.numLayers, D = this.bidirectional ? 2 : 1, H = this.hiddenSize, P = this.projSize || H;
    check(x instanceof Tensor, 'INVALID_ARGUMENT', `${kind}.forward: x must be a Tensor`);
    checkOptions(`${kind}.forward`, inp, ['h0', 'c0', 'lengths']);
    check(x.ndim === 2 || x.ndim === 3, 'SHAPE_MISMATCH',
      () => `${kind}.forward: x must be 3-d [${this.batchFirst ? 'B, T' : 'T, B'}, ${this.inputSize}] or unbatched 2-d [T, ${this.inputSize}], got ${fmtShape(x.shape)}`);
    const unbatched = x.ndim === 2;
    const T = x.shape[unbatched || !this.batchFirst ? 0 : 1], B = unbatched ? 1 : x.shape[this.batchFirst ? 0 : 1], I = x.shape[x.ndim - 1];
    check(I === this.inputSize, 'SHAPE_MISMATCH', () => `${kind}.forward: input size must be ${this.inputSize}, got x of shape ${fmtShape(x.shape)}`);
    check(T >= 1, 'SHAPE_MISMATCH', () => `${kind}.forward: sequence length must be ≥ 1, got x of shape ${fmtShape(x.shape)}`);

    const stateShape = (width: number): number[] => (unbatched ? [L * D, width] : [L * D, B, width]);
    const checkState = (t: Tensor | null | undefined, name: string, width: number): void => {
      if (!t) return;
      const want = stateShape(width);
      check(t.shape.length === want.length && t.shape.every((d, i) => d === want[i]), 'SHAPE_MISMATCH',
        () => `${kind}.forward: ${name} must have shape ${fmtShape(want)}, got ${fmtShape(t.shape)}`);
    };
    const h0 = inp.h0 ?? null, c0 = inp.c0 ?? null;
    checkState(h0, 'h0', P);
    if (this.hasCell) {
      check((h0 === null) === (c0 === null), 'INVALID_ARGUMENT', `${kind}.forward: give h0 and c0 together, or neither`);
      checkState(c0, 'c0', H);
    } else check(c0 === null, 'INVALID_ARGUMENT', `${kind}.forward: c0 is only for LSTM`);
    const lengths = normLengths(kind, inp.lengths, B, T);

    // time-major copy of x: [T, B, I]
    const xs = this.batchFirst && !unbatched ? swap01(x.data, B, T, I) : x.data;
    const training = this.training && this.dropout > 0 && L > 1;
    const ws = this.weights;

    // ---- forward through layers and directions
    const runs: DirRun[][] = [], caches: DirCache[][] = [], masks: (F32 | null)[] = [];
    const hN = new Float32Array(L * D * B * P), cN = this.hasCell ? new Float32Array(L * D * B * H) : null;
    let layerIn = xs, In = I;
    for (let l = 0; l < L; l++) {
      const out = new Float32Array(T * B * D * P);
      runs.push(ws[l].map((w, d): DirRun => {
        const sIdx = l * D + d;
        return {
          T, B, I: In, H, P, x: layerIn, reverse: d === 1, lengths, ...dirWeights(w),
          h0: h0 ? h0.data.slice(sIdx * B * P, (sIdx + 1) * B * P) : new Float32Array(B * P),
          c0: this.hasCell ? (c0 ? c0.data.slice(sIdx * B * H, (sIdx + 1) * B * H) : new Float32Array(B * H)) : null,
        };
      }));
      caches.push(forwardLayer(this.math, runs[l]));
      for (let d = 0; d < D; d++) {
        const run = runs[l][d], cache = caches[l][d], sIdx = l * D + d;
        // output[t, b, d·P : (d+1)·P] = state leaving t (zero past the end); h_n, c_n = final states
        for (let t = 0; t < T; t++) {
          const next = stateIndex(run, t).next;
          for (let b = 0; b < B; b++) {
            if (lengths && t >= lengths[b]) continue;
            out.set(cache.hx.subarray((next * B + b) * P, (next * B + b + 1) * P), (t * B + b) * D * P + d * P);
          }
        }
        hN.set(cache.hx.subarray(lastSlot(run) * B * P, (lastSlot(run) + 1) * B * P), sIdx * B * P);
        if (cN && cache.cx) cN.set(cache.cx.subarray(lastSlot(run) * B * H, (lastSlot(run) + 1) * B * H), sIdx * B * H);
      }
      let mask: F32 | null = null;
      if (training && l < L - 1) {
        mask = new Float32Array(out.length);
        const keep = 1 - this.dropout;
        for (let i = 0; i < mask.length; i++) mask[i] = keep > 0 && globalRng.next() < keep ? 1 / keep : 0;
        for (let i = 0; i < out.length; i++) out[i] *= mask[i];
      }
      masks.push(mask);
      layerIn = out; In = D * P;
    }

    const outShape = unbatched ? [T, D * P] : this.batchFirst ? [B, T, D * P] : [T, B, D * P];
    const output = new Tensor(this.batchFirst && !unbatched ? swap01(layerIn, T, B, D * P) : layerIn, outShape);
    const h = new Tensor(hN, stateShape(P));
    const c = cN ? new Tensor(cN, stateShape(H)) : null;

    // ---- the single autograd node: fused BPTT through every layer and direction
    const params = ws.flatMap((dirs) => dirs.flatMap((w) => [w.wih, w.whh, w.bih, w.bhh, w.whr]));
    const math = this.math, bf = this.batchFirst && !unbatched;
    record({
      name: kind, inputs: [x, h0, c0, ...params], numOutputs: c ? 3 : 2,
      backward: ([gOut, gH, gC]) => {
        let dOut = bf ? swap01(gOut, B, T, D * P) : gOut.slice(); // [T, B, D·P]
        const dh0 = new Float32Array(L * D * B * P), dc0 = c ? new Float32Array(L * D * B * H) : null;
        const pg: (F32 | null)[] = [];
        let dx: F32 = new Float32Array(0);
        for (let l = L - 1; l >= 0; l--) {
          if (masks[l]) { const m = masks[l]!; for (let i = 0; i < dOut.length; i++) dOut[i] *= m[i]; }
          const In2 = runs[l][0].I;
          dx = new Float32Array(T * B * In2);
          const dirs = ws[l].map((w, d): DirBackward => {
            const sIdx = l * D + d, dy = new Float32Array(T * B * P);
            for (let tb = 0; tb < T * B; tb++) dy.set(dOut.subarray(tb * D * P + d * P, tb * D * P + (d + 1) * P), tb * P);
            const g: DirGrads = {
              wih: new Float32Array(w.wih.size), whh: new Float32Array(w.whh.size),
              bih: w.bih ? new Float32Array(w.bih.size) : null, bhh: w.bhh ? new Float32Array(w.bhh.size) : null,
              whr: w.whr ? new Float32Array(w.whr.size) : null, dx,
            };
            return { run: runs[l][d], cache: caches[l][d], dy, dhN: gH.slice(sIdx * B * P, (sIdx + 1) * B * P),
              dcN: gC ? gC.slice(sIdx * B * H, (sIdx + 1) * B * H) : null, g };
          });
          backwardLayer(math, dirs).forEach((r, d) => {
            dh0.set(r.dh0, (l * D + d) * B * P);
            if (dc0 && r.dc0) dc0.set(r.dc0, (l * D + d) * B * H);
          });
          pg.unshift(...dirs.flatMap(({ g }) => [g.wih, g.whh, g.bih, g.bhh, g.whr]));
          dOut = dx;
        }
        const gx = bf ? swap01(dx, T, B, I) : dx;
        return [gx, h0 ? dh0 : null, c0 ? dc0 : null, ...pg];
      },
    }, c ? [output, h, c] : [output, h]);
    return c ? { output, h, c } : { output, h };
  }
}

/** [A, B, C] → [B, A, C] copy. */
function swap01(src: F32, A: number, B: number, C: number): F32 {
  const out = new Float32Array(src.length);
  for (let a = 0; a < A; a++) for (let b = 0; b < B; b++) out.set(src.subarray((a * B + b) * C, (a * B + b + 1) * C), (b * A + a) * C);
  return out;
}

function normLengths(kind: string, lengths: RecurrentInput['lengths'], B: number, T: number): Int32Array | null {
  if (lengths === undefined || lengths === null) return null;
  const raw: ArrayLike<number | bigint> = lengths instanceof Tensor ? (lengths.intData ?? lengths.data) : lengths;
  check(raw.length === B, 'SHAPE_MISMATCH', () => `${kind}.forward: lengths must have one entry per batch element (${B}), got ${raw.length}`);
  const out = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const n = Number(raw[b]);
    if (!Number.isInteger(n) || n < 1 || n > T) {
      throw new GatedError('INVALID_ARGUMENT', `${kind}.forward: lengths[${b}] must be an integer in [1, ${T}] (the sequence length), got ${String(raw[b])}`);
    }
    out[b] = n;
  }
  return out.every((n) => n === T) ? null : out;
}
