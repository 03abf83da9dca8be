// The whole-sequence kernels (Kernels.gruSequenceForward / lstmSequenceForward and their Backward, and the
// bidirectional pairs of them) composed from any backend's per-step kernels, in exactly the order nn/gru.ts and
// nn/lstm.ts run them step by step: the reference backend's implementation, and the oracle the wasm backend's
// resident version (_wasm_sequence.ts) is tested against bit for bit.
import type { F32, Kernels, SequenceBackwardDir, SequenceForwardDir } from './api.js';

/** Slots of hx entered and left at processing step s. */
export const slots = (T: number, s: number, reverse: boolean): { t: number; prev: number; next: number } => {
  const t = reverse ? T - 1 - s : s;
  return { t, prev: reverse ? t + 1 : t, next: reverse ? t : t + 1 };
};

/**
 * The forward time loop shared by the cells: gi = x · W_ihᵀ (+ b_ih) [T·B, G·H] in one GEMM, then per step
 * gh = h[prev] · W_hhᵀ (+ b_hh) [B, G·H] and the cell's step kernel `step(t, prev, next, gi, gh)`.
 */
function forwardLoop(k: Kernels, G: number, T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wih: F32,
  bih: F32 | null, whh: F32, bhh: F32 | null, hx: F32, step: (t: number, prev: number, next: number, gi: F32, gh: F32) => void): void {
  const GH = G * H, n = B * H, gi = new Float32Array(T * B * GH), gh = new Float32Array(B * GH);
  k.gemm(false, true, T * B, GH, I, 1, x, 0, I, wih, 0, I, 0, gi, 0, GH);
  if (bih) k.addRowVector(T * B, GH, bih, 0, gi, 0);
  for (let s = 0; s < T; s++) {
    const { t, prev, next } = slots(T, s, reverse);
    k.gemm(false, true, B, GH, H, 1, hx, prev * n, H, whh, 0, H, 0, gh, 0, GH);
    if (bhh) k.addRowVector(B, GH, bhh, 0, gh, 0);
    step(t, prev, next, gi, gh);
  }
}

export function gruSequenceForwardWith(k: Kernels, T: number, B: number, I: number, H: number, reverse: boolean,
  x: F32, wih: F32, bih: F32 | null, whh: F32, bhh: F32 | null, hx: F32, saveOrNull: F32 | null): void {
  const n = B * H, save = saveOrNull ?? new Float32Array(T * 4 * n);           // [T, B, 4H]
  forwardLoop(k, 3, T, B, I, H, reverse, x, wih, bih, whh, bhh, hx, (t, prev, next, gi, gh) =>
    k.gruStepForward(B, H, gi, t * 3 * n, gh, 0, hx, prev * n, hx, next * n, save, t * 4 * n));
}

export function lstmSequenceForwardWith(k: Kernels, T: number, B: number, I: number, H: number, reverse: boolean,
  x: F32, wih: F32, bih: F32 | null, whh: F32, bhh: F32 | null, hx: F32, cx: F32, saveOrNull: F32 | null): void {
  const n = B * H, save = saveOrNull ?? new Float32Array(T * 5 * n);           // [T, B, 5H]
  forwardLoop(k, 4, T, B, I, H, reverse, x, wih, bih, whh, bhh, hx, (t, prev, next, gi, gh) =>
    k.lstmStepForward(B, H, gi, t * 4 * n, gh, 0, cx, prev * n, cx, next * n, hx, next * n, save, t * 5 * n));
}

// ---- backward: BPTT over s = T−1 … 0 from the gradient of the final state, then the weight gradients of all steps

export function gruSequenceBackwardWith(k: Kernels, T: number, B: number, I: number, H: number, reverse: boolean,
  x: F32, wih: F32, whh: F32, hx: F32, save: F32, dy: F32, dh: F32, dx: F32, dwih: F32, dbih: F32 | null, dwhh: F32,
  dbhh: F32 | null): void {
  const G = 3 * H, n = B * H;
  const dgi = new Float32Array(T * B * G), dgh = new Float32Array(T * B * G);   // [T, B, 3H] each, by time
  let d = dh.slice(), dPrev = new Float32Array(n);                             // [B, H]
  for (let s = T - 1; s >= 0; s--) {
    const { t, prev } = slots(T, s, reverse);
    k.addRowVector(1, n, dy, t * n, d, 0);                                     // dh += dy[t]
    k.gruStepBackward(B, H, d, 0, hx, prev * n, save, t * 4 * n, dgi, t * B * G, dgh, t * B * G, dPrev, 0);
    k.gemm(false, false, B, H, G, 1, dgh, t * B * G, G, whh, 0, H, 1, dPrev, 0, H);   // dh_prev += dgh · W_hh
    [d, dPrev] = [dPrev, d];
  }
  dh.set(d);
  weightGradsWith(k, T, B, I, H, G, reverse, x, wih, hx, dgi, dgh, dx, dwih, dbih, dwhh, dbhh);
}

export function lstmSequenceBackwardWith(k: Kernels, T: number, B: number, I: number, H: number, reverse: boolean,
  x: F32, wih: F32, whh: F32, hx: F32, cx: F32, save: F32, dy: F32, dh: F32, dc: F32, dx: F32, dwih: F32,
  dbih: F32 | null, dwhh: F32, dbhh: F32 | null): void {
  const G = 4 * H, n = B * H;
  const dg = new Float32Array(T * B * G);                                      // [T, B, 4H], by time
  let d = dh.slice(), dPrev = new Float32Array(n), c = dc.slice(), cPrev = new Float32Array(n);   // [B, H]
  for (let s = T - 1; s >= 0; s--) {
    const { t, prev } = slots(T, s, reverse);
    k.addRowVector(1, n, dy, t * n, d, 0);                                     // dm = dh += dy[t]
    k.lstmStepBackward(B, H, d, 0, c, 0, cx, prev * n, save, t * 5 * n, dg, t * B * G, cPrev, 0);
    k.gemm(false, false, B, H, G, 1, dg, t * B * G, G, whh, 0, H, 0, dPrev, 0, H);    // dh_prev = dg · W_hh
    [d, dPrev] = [dPrev, d];
    [c, cPrev] = [cPrev, c];
  }
  dh.set(d); dc.set(c);
  weightGradsWith(k, T, B, I, H, G, reverse, x, wih, hx, dg, dg, dx, dwih, dbih, dwhh, dbhh);
}

/** dW_ih += dGiᵀ · X, db_ih += Σ dGi, dX += dGi · W_ih, dW_hh += dGhᵀ · H_prev, db_hh += Σ dGh over all T·B rows (G = gates · H). */
function weightGradsWith(k: Kernels, T: number, B: number, I: number, H: number, G: number, reverse: boolean, x: F32,
  wih: F32, hx: F32, dgi: F32, dgh: F32, dx: F32, dwih: F32, dbih: F32 | null, dwhh: F32, dbhh: F32 | null): void {
  const TB = T * B;
  k.gemm(true, false, G, I, TB, 1, dgi, 0, G, x, 0, I, 1, dwih, 0, I);
  if (dbih) k.sumRowsInto(TB, G, dgi, 0, dbih, 0);
  k.gemm(false, false, TB, I, G, 1, dgi, 0, G, wih, 0, I, 1, dx, 0, I);
  k.gemm(true, false, G, H, TB, 1, dgh, 0, G, hx, reverse ? B * H : 0, H, 1, dwhh, 0, H);
  if (dbhh) k.sumRowsInto(TB, G, dgh, 0, dbhh, 0);
}

// ---- both directions of a bidirectional layer: the forward direction's sequence kernel, then the reverse one's

export function gruBidirectionalForwardWith(k: Kernels, T: number, B: number, I: number, H: number, x: F32,
  fwd: SequenceForwardDir, rev: SequenceForwardDir): void {
  for (const [d, reverse] of [[fwd, false], [rev, true]] as const) {
    gruSequenceForwardWith(k, T, B, I, H, reverse, x, d.wih, d.bih, d.whh, d.bhh, d.hx, d.save);
  }
}

export function lstmBidirectionalForwardWith(k: Kernels, T: number, B: number, I: number, H: number, x: F32,
  fwd: SequenceForwardDir, rev: SequenceForwardDir): void {
  for (const [d, reverse] of [[fwd, false], [rev, true]] as const) {
    lstmSequenceForwardWith(k, T, B, I, H, reverse, x, d.wih, d.bih, d.whh, d.bhh, d.hx, d.cx!, d.save);
  }
}

export function gruBidirectionalBackwardWith(k: Kernels, T: number, B: number, I: number, H: number, x: F32, dx: F32,
  fwd: SequenceBackwardDir, rev: SequenceBackwardDir): void {
  for (const [d, reverse] of [[fwd, false], [rev, true]] as const) {
    gruSequenceBackwardWith(k, T, B, I, H, reverse, x, d.wih, d.whh, d.hx, d.save, d.dy, d.dh, dx, d.dwih, d.dbih, d.dwhh, d.dbhh);
  }
}

export function lstmBidirectionalBackwardWith(k: Kernels, T: number, B: number, I: number, H: number, x: F32, dx: F32,
  fwd: SequenceBackwardDir, rev: SequenceBackwardDir): void {
  for (const [d, reverse] of [[fwd, false], [rev, true]] as const) {
    lstmSequenceBackwardWith(k, T, B, I, H, reverse, x, d.wih, d.whh, d.hx, d.cx!, d.save, d.dy, d.dh, d.dc!, dx, d.dwih,
      d.dbih, d.dwhh, d.dbhh);
  }
}
