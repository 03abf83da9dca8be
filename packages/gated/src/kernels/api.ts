// The kernel seam: every hot loop of the library goes through this interface.
// Kernels are dumb: they take flat Float32Arrays with element offsets and sizes, never allocate, never check.
// Wrappers above (tensor ops, recurrent layers) own shapes, allocation and errors.
//
// Dimension glossary: B batch, H hidden, M/N/K GEMM sizes (C[M,N] = op(A)[M,K] · op(B)[K,N]).
// Gate buffers hold pre-activation inputs `gi` (input projection, with b_ih) and `gh` (recurrent projection, with b_hh).

/** A flat float32 buffer as the kernels take it (with an element offset beside it where a call reads part of one). */
export type F32 = Float32Array;

/**
 * One direction's arguments of a bidirectional forward entry: those of its sequence forward kernel after x (cx: LSTM).
 *
 * @property wih - input weights `[G·H, I]` (G = 3 for GRU, 4 for LSTM).
 * @property bih - input bias `[G·H]`, or null without bias.
 * @property whh - recurrent weights `[G·H, H]`.
 * @property bhh - recurrent bias `[G·H]`, or null without bias.
 * @property hx - hidden states `[T+1, B, H]`: h0 in the first step's previous slot; receives the others.
 * @property cx - LSTM cell states `[T+1, B, H]` like `hx`; null for GRU.
 * @property save - the step kernels' saved values for backward, or null for inference.
 */
export interface SequenceForwardDir {
  wih: F32; bih: F32 | null; whh: F32; bhh: F32 | null; hx: F32; cx: F32 | null; save: F32 | null;
}

/**
 * One direction's arguments of a bidirectional backward entry: those of its sequence backward kernel but x, dx (cx, dc: LSTM).
 *
 * @property wih - input weights `[G·H, I]`.
 * @property whh - recurrent weights `[G·H, H]`.
 * @property hx - hidden states `[T+1, B, H]` as the forward left them.
 * @property cx - LSTM cell states `[T+1, B, H]` as the forward left them; null for GRU.
 * @property save - the forward's saved values.
 * @property dy - gradient of each step's output `[T, B, H]`.
 * @property dh - in: gradient of the final hidden state `[B, H]`; out: that of h0.
 * @property dc - LSTM: in, gradient of the final cell state `[B, H]`; out, that of c0; null for GRU.
 * @property dwih - accumulates the gradient of `wih`.
 * @property dbih - accumulates the gradient of the input bias (null: no bias).
 * @property dwhh - accumulates the gradient of `whh`.
 * @property dbhh - accumulates the gradient of the recurrent bias (null: no bias).
 */
export interface SequenceBackwardDir {
  wih: F32; whh: F32; hx: F32; cx: F32 | null; save: F32; dy: F32; dh: F32; dc: F32 | null;
  dwih: F32; dbih: F32 | null; dwhh: F32; dbhh: F32 | null;
}

/**
 * A kernel backend: the hot loops of the library ('js', the plain TypeScript reference, or 'wasm', WebAssembly
 * SIMD with optional threads). Kernels take flat `Float32Array`s with element offsets and sizes, never allocate and
 * never check; tensor ops and layers own shapes, allocation and errors. The optional whole-sequence and
 * bidirectional entries equal, bit for bit, the per-step kernels composed in order (see the comments in the source).
 * Select a backend with {@link setBackend}; the active one's name is {@link getBackend}.
 *
 * Dimension glossary: B batch, H hidden, I input, T time, G gates (3 GRU, 4 LSTM); M/N/K GEMM sizes.
 *
 * @property name - the backend's name: `'js'` or `'wasm'`.
 * @property unpin - ends a {@link Kernels.pin} of `a`.
 * @property tanh - y[i] = tanh(x[i]) for i < n.
 * @property relu - y[i] = max(x[i], 0) for i < n.
 * @property gruStepForward - one GRU step, reset after the recurrent product (PyTorch): gi, gh `[B, 3H]` in gate order r, z, n; r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r ⊙ gh_n), h = (1 − z) ⊙ n + z ⊙ hPrev; saves `[B, 4H]` = r, z, n, gh_n.
 * @property gruResetBeforeGates - first half of a reset-before GRU step (Cho 2014): the r and z gates from gi and ghRZ `[B, 2H]`, and r ⊙ hPrev, into save `[B, 4H]` = r, z, n, r ⊙ hPrev.
 * @property lstmStepForward - one LSTM step: gi, gh `[B, 4H]` in gate order i, f, g, o; c = f ⊙ cPrev + i ⊙ g, m = o ⊙ tanh(c); saves `[B, 5H]` = i, f, g, o, tanh(c).
 * @property gruBidirectionalForward - both directions of a bidirectional GRU layer without lengths (a threaded backend may run them at once); equals the sequence forward on `fwd`, then on `rev`.
 * @property lstmBidirectionalForward - as `gruBidirectionalForward`, for an LSTM layer without projection.
 * @property gruBidirectionalBackward - both directions' BPTT of a bidirectional GRU layer; both add into the one `dx`, forward direction first.
 * @property lstmBidirectionalBackward - as `gruBidirectionalBackward`, for an LSTM layer without projection.
 * @property rnnStepForward - one Elman RNN step: h = act(gi + gh) with act = relu when `relu`, else tanh; gi, gh `[B, H]`.
 */
export interface Kernels {
  readonly name: string;

  /**
   * Declares `a` read-only until `unpin(a)` (weights during one layer call). A backend may copy or pack it once
   * (e.g. into WebAssembly memory) and reuse that copy whenever the same array object is passed. Pins nest.
   * `version` names a's contents (a tensor's storage version): pinned again later with the same version ≥ 0, `a` is
   * unchanged, so a backend may keep its copy and packs between pins (resident); a different version, −1 or none
   * means changed or unknown: copied anew.
   */
  pin(a: F32, version?: number): void;
  unpin(a: F32): void;
  /** Drops a copy of `a` kept between pins, if any (a module's `dispose()`); optional. */
  forget?(a: F32): void;

  /** C = alpha · op(A) · op(B) + beta · C, row-major; op(X) = Xᵀ when the flag is set. beta = 0 ignores C's old contents. */
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
    A: F32, aOff: number, lda: number, B: F32, bOff: number, ldb: number,
    beta: number, C: F32, cOff: number, ldc: number): void;

  /** y[i] = act(x[i]) for i < n. */
  sigmoid(n: number, x: F32, xOff: number, y: F32, yOff: number): void;
  tanh(n: number, x: F32, xOff: number, y: F32, yOff: number): void;
  relu(n: number, x: F32, xOff: number, y: F32, yOff: number): void;

  /** Adds row vector v[N] to every row of X[M,N] (bias broadcast). */
  addRowVector(M: number, N: number, v: F32, vOff: number, X: F32, xOff: number): void;
  /** v[N] += Σ_rows X[M,N] (bias gradient). */
  sumRowsInto(M: number, N: number, X: F32, xOff: number, v: F32, vOff: number): void;

  // ---- GRU, reset after the recurrent product (PyTorch):  gi, gh: [B, 3H] in gate order r, z, n
  //   r = σ(gi_r + gh_r),  z = σ(gi_z + gh_z),  n = tanh(gi_n + r ⊙ gh_n),  h = (1 − z) ⊙ n + z ⊙ hPrev
  // saves [B, 4H] = r, z, n, gh_n for the backward step.
  gruStepForward(B: number, H: number, gi: F32, giOff: number, gh: F32, ghOff: number,
    hPrev: F32, hPrevOff: number, h: F32, hOff: number, save: F32, saveOff: number): void;
  /** From dh [B,H]: dgi [B,3H] (pre-activation), dgh [B,3H] (= dgi except the n block is dn̂ ⊙ r), dhPrev = z ⊙ dh. */
  gruStepBackward(B: number, H: number, dh: F32, dhOff: number, hPrev: F32, hPrevOff: number,
    save: F32, saveOff: number, dgi: F32, dgiOff: number, dgh: F32, dghOff: number, dhPrev: F32, dhPrevOff: number): void;

  // ---- GRU, reset before the recurrent product (Cho 2014):  n = tanh(gi_n + W_hn (r ⊙ hPrev) + b_hn)
  // Two half-steps around the GEMM for W_hn. ghRZ: [B, 2H] (r, z blocks), save: [B, 4H] = r, z, n, r ⊙ hPrev.
  gruResetBeforeGates(B: number, H: number, gi: F32, giOff: number, ghRZ: F32, ghOff: number,
    hPrev: F32, hPrevOff: number, save: F32, saveOff: number): void;
  /** ghN: [B, H] = W_hn (r ⊙ hPrev) + b_hn; finishes n and h. */
  gruResetBeforeBlend(B: number, H: number, gi: F32, giOff: number, ghN: F32, ghNOff: number,
    hPrev: F32, hPrevOff: number, h: F32, hOff: number, save: F32, saveOff: number): void;
  /** First backward half: dgi [B,3H] gets dz̃, dn̂ (r block left for the second half); dhPrev = z ⊙ dh. */
  gruResetBeforeBackwardBlend(B: number, H: number, dh: F32, dhOff: number, hPrev: F32, hPrevOff: number,
    save: F32, saveOff: number, dgi: F32, dgiOff: number, dhPrev: F32, dhPrevOff: number): void;
  /** Second half, given d(r ⊙ hPrev) [B,H] = dn̂ · W_hn: fills the r block of dgi, dhPrev += r ⊙ d(r ⊙ hPrev). */
  gruResetBeforeBackwardGates(B: number, H: number, dRh: F32, dRhOff: number, hPrev: F32, hPrevOff: number,
    save: F32, saveOff: number, dgi: F32, dgiOff: number, dhPrev: F32, dhPrevOff: number): void;

  // ---- LSTM:  gi, gh: [B, 4H] in gate order i, f, g, o
  //   i = σ(·), f = σ(·), g = tanh(·), o = σ(·);  c = f ⊙ cPrev + i ⊙ g;  m = o ⊙ tanh(c)
  // save: [B, 5H] = i, f, g, o, tanh(c). m is the (unprojected) hidden output.
  lstmStepForward(B: number, H: number, gi: F32, giOff: number, gh: F32, ghOff: number,
    cPrev: F32, cPrevOff: number, c: F32, cOff: number, m: F32, mOff: number, save: F32, saveOff: number): void;
  /** From dm [B,H] and the carried dc [B,H]: dg [B,4H] (pre-activation, same for input and hidden side), dcPrev. */
  lstmStepBackward(B: number, H: number, dm: F32, dmOff: number, dc: F32, dcOff: number,
    cPrev: F32, cPrevOff: number, save: F32, saveOff: number, dg: F32, dgOff: number, dcPrev: F32, dcPrevOff: number): void;

  // ---- Whole forward time loops (optional). A backend whose buffers live elsewhere (wasm) runs one direction of a layer
  // without `lengths` in one call, copying nothing per step. Each equals, bit for bit, the per-step kernels in this order:
  //   gi = x · W_ihᵀ (+ b_ih)  [T·B, G·H], one GEMM;  for s < T, t = reverse ? T−1−s : s, prev = reverse ? t+1 : t,
  //   next = reverse ? t : t+1:  gh = hx[prev] · W_hhᵀ (+ b_hh), then the step kernel from hx[prev] into hx[next], save[t].
  // x [T, B, I], wih [G·H, I], whh [G·H, H], bih / bhh [G·H] or null; hx [T+1, B, H] holds h0 in the first step's prev
  // slot and receives the others. save: the step kernels' saved values for backward, or null when no backward will run
  // (inference: the backend then need not hand them out). Arrays are used from offset 0. Composition: _sequence.ts.
  /** GRU, reset after the recurrent product (G = 3); save [T, B, 4H] as gruStepForward's. */
  gruSequenceForward?(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wih: F32, bih: F32 | null,
    whh: F32, bhh: F32 | null, hx: F32, save: F32 | null): void;
  /** LSTM without projection (G = 4); cx [T+1, B, H] like hx (c0 in the first prev slot); save [T, B, 5H]. */
  lstmSequenceForward?(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wih: F32, bih: F32 | null,
    whh: F32, bhh: F32 | null, hx: F32, cx: F32, save: F32 | null): void;

  // ---- Whole backward time loops (optional), the same direction without `lengths`: BPTT from the forward's hx (cx) and
  // save. Each equals, bit for bit, the per-step kernels in this order: for s = T−1 … 0 (t, prev as above):
  //   dh += dy[t] (addRowVector, one row);  the step's backward from dh into dgi[t], dgh[t] and dh_prev;
  //   dh_prev += dgh[t] · W_hh (GRU; LSTM: dh_prev = dg[t] · W_hh) — then, one GEMM or sum each over all steps:
  //   dW_ih += dGiᵀ · X,  db_ih += Σ dGi,  dX += dGi · W_ih,  dW_hh += dGhᵀ · H_prev,  db_hh += Σ dGh
  // (H_prev: the [T, B, H] states entering each step, hx from slot reverse ? 1 : 0; LSTM: dGh = dGi).
  // dy [T, B, H]: gradient of each step's output. dh (and dc) [B, H]: in, the gradient of the final state; out, that of
  // h0 (c0). dx [T, B, I], dwih, dwhh and the bias gradients (null: no bias) are accumulated into.
  /** GRU, reset after the recurrent product: hx, save as gruSequenceForward left them. */
  gruSequenceBackward?(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wih: F32, whh: F32,
    hx: F32, save: F32, dy: F32, dh: F32, dx: F32, dwih: F32, dbih: F32 | null, dwhh: F32, dbhh: F32 | null): void;
  /** LSTM without projection: hx, cx, save as lstmSequenceForward left them. */
  lstmSequenceBackward?(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wih: F32, whh: F32,
    hx: F32, cx: F32, save: F32, dy: F32, dh: F32, dc: F32, dx: F32, dwih: F32, dbih: F32 | null, dwhh: F32,
    dbhh: F32 | null): void;

  // ---- Both directions of a bidirectional layer (optional), without `lengths`: a backend with threads may run the two
  // time loops at once. Each equals, bit for bit, the direction's sequence kernel on `fwd` (reverse = false), then on
  // `rev` (reverse = true), with the same x; backward: both add into the one dx, forward direction first.
  // Composition: _sequence.ts.
  gruBidirectionalForward?(T: number, B: number, I: number, H: number, x: F32, fwd: SequenceForwardDir, rev: SequenceForwardDir): void;
  lstmBidirectionalForward?(T: number, B: number, I: number, H: number, x: F32, fwd: SequenceForwardDir, rev: SequenceForwardDir): void;
  gruBidirectionalBackward?(T: number, B: number, I: number, H: number, x: F32, dx: F32, fwd: SequenceBackwardDir,
    rev: SequenceBackwardDir): void;
  lstmBidirectionalBackward?(T: number, B: number, I: number, H: number, x: F32, dx: F32, fwd: SequenceBackwardDir,
    rev: SequenceBackwardDir): void;

  // ---- Elman RNN:  h = act(gi + gh), act = tanh or relu; gi, gh: [B, H]
  rnnStepForward(B: number, H: number, relu: boolean, gi: F32, giOff: number, gh: F32, ghOff: number, h: F32, hOff: number): void;
  /** dg = dh ⊙ act'(h) (pre-activation). */
  rnnStepBackward(B: number, H: number, relu: boolean, dh: F32, dhOff: number, h: F32, hOff: number, dg: F32, dgOff: number): void;
}
