// The wasm backend's whole-sequence kernels: one direction of a GRU / LSTM layer over all T steps with every buffer
// resident in wasm memory, instead of each step copying its operands in and its results out.
//   forward:  x, hx (and cx) copied in once; hx, cx and save copied out once (inference, save = null, skips save);
//   backward: x, hx (cx), save and dy copied in once; the gate gradients of all steps stay in wasm memory for the
//             weight-gradient GEMMs after the loop; the state and weight gradients copied out once.
// Each step runs the same wasm kernels in the same order as _sequence.ts composes them, so the bits are the same;
// large steps are split across the worker pool like single calls.
// Both directions of a bidirectional layer (the last section): each direction's whole time loop is one wasm call on one
// thread (assembly/sequence.ts, the same kernels in the same order), and the two loops run at once as one pool job.
import type { F32, SequenceBackwardDir, SequenceForwardDir } from './api.js';
import { slots } from './_sequence.js';
import {
  type Call, FN, back, begin, gemmAt, inout, input, mark, output, packed, pinnedPack, pinnedRowPanels, release,
  reserve, rowsThreads, runTwo, streamThreads, sumRowsAt, w,
} from './_wasm_core.js';

/** gi = x · W_ihᵀ (+ b_ih) for all steps into scratch [T·B, G·H] (px: x in wasm memory); returns its address. */
function inputProjection(T: number, B: number, I: number, GH: number, px: number, wih: F32, pinnedIh: number, bih: F32 | null): number {
  const TB = T * B, gi = output(TB * GH);
  gemmAt(false, true, TB, GH, I, 1, px, I, 0, I, 0, gi, GH, packed(pinnedIh, wih, true, 0, I, I, GH));
  if (bih) {
    const pb = input(bih, 0, GH);
    if (!rowsThreads(FN.addRowVector, TB, GH, pb, 0, gi, 1, 0, 0, 0, 0)) w().addRowVector(TB, GH, pb, gi);
  }
  return gi;
}

/**
 * W_hhᵀ [H, G·H] for the per-step GEMM: packed once for a batch (`pinned`, from pinnedPack before begin(), or packed
 * here); for B = 1 (a direction of a bidirectional layer) the GEMV's dot form on W_hh's rows as they are.
 */
function recurrentWeight(B: number, H: number, GH: number, whh: F32, pinned: number): { b: number; bp: number } {
  return B > 1 ? { b: 0, bp: packed(pinned, whh, true, 0, H, H, GH) } : { b: input(whh, 0, GH * H), bp: 0 };
}

/** gh = h · W_hhᵀ (+ b_hh) [B, G·H] for one step (W_hh from recurrentWeight, pb: b_hh or 0). */
function recurrent(B: number, H: number, GH: number, h: number, whh: { b: number; bp: number }, pb: number, gh: number): void {
  gemmAt(false, true, B, GH, H, 1, h, H, whh.b, H, 0, gh, GH, whh.bp);
  if (pb !== 0 && !rowsThreads(FN.addRowVector, B, GH, pb, 0, gh, 1, 0, 0, 0, 0)) w().addRowVector(B, GH, pb, gh);
}

// ------------------------------------------------------------------------------------------ batch 1: streaming
// At B = 1 a step is a matrix-vector product bound by reading W_hh: the whole time loop runs inside wasm
// (assembly/stream.ts) on W_hh's row panels, the steps' hidden units shared by the threads one step pays for. The input
// rows come from one GEMM over all steps before the loop, or — for a single step (a cell) — from a GEMV on W_ih's row
// panels inside each block, so that a streaming step is one call.

/** Row panels of W [R, K]: the pinned ones (made once per pin), else packed into this call's scratch. */
function rowPanels(pinned: number, W: F32, R: number, K: number): number {
  if (pinned !== 0) return pinned;
  const dst = reserve(w().rowPanelsBytes(R, K));
  w().packRowPanels(R, K, input(W, 0, R * K), K, dst);
  return dst;
}

function streamForward(lstm: boolean, T: number, I: number, H: number, reverse: boolean, x: F32, wih: F32, bih: F32 | null,
  whh: F32, bhh: F32 | null, hx: F32, cx: F32 | null, save: F32 | null): void {
  const G = (lstm ? 4 : 3) * H, S = (lstm ? 5 : 4) * H, oneStep = T === 1 && I > 0;
  const pinnedIh = oneStep ? pinnedRowPanels(wih, 0, I, G, I) : pinnedPack(wih, true, 0, I, I, G);
  const pinnedHh = pinnedRowPanels(whh, 0, H, G, H);
  begin();
  const px = input(x, 0, T * I);
  const gi = oneStep ? 0 : inputProjection(T, 1, I, G, px, wih, pinnedIh, bih);
  const ih = oneStep ? rowPanels(pinnedIh, wih, G, I) : 0, pbi = oneStep && bih ? input(bih, 0, G) : 0;
  const hh = rowPanels(pinnedHh, whh, G, H), pbh = bhh ? input(bhh, 0, G) : 0;
  const phx = inout(hx, 0, (T + 1) * H), pcx = lstm ? inout(cx!, 0, (T + 1) * H) : 0;   // [T+1, H]
  const ps = save ? output(T * S) : 0, work = reserve(w().streamWorkBytes(lstm ? 4 : 3, H));
  const head = [T, H, I, +reverse, oneStep ? px : 0, ih, pbi, gi, hh, pbh, phx];
  const flops = 2 * G * (H + (oneStep ? I : 0));                             // one step's: what a thread's share must pay for
  if (lstm) streamThreads(FN.lstmStream, H, flops, [...head, pcx, ps, work]);
  else streamThreads(FN.gruStream, H, flops, [...head, ps, work]);
  back(phx, hx, 0, (T + 1) * H);
  if (lstm) back(pcx, cx!, 0, (T + 1) * H);
  if (save) back(ps, save, 0, T * S);
}

export function gruSequenceForward(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wih: F32,
  bih: F32 | null, whh: F32, bhh: F32 | null, hx: F32, save: F32 | null): void {
  const G = 3 * H, n = B * H;
  if (T <= 0 || n <= 0) return;
  if (B === 1) { streamForward(false, T, I, H, reverse, x, wih, bih, whh, bhh, hx, null, save); return; }
  const pinnedIh = pinnedPack(wih, true, 0, I, I, G), pinnedHh = pinnedPack(whh, true, 0, H, H, G);
  begin();
  const gi = inputProjection(T, B, I, G, input(x, 0, T * B * I), wih, pinnedIh, bih);
  const phh = recurrentWeight(B, H, G, whh, pinnedHh), pb = bhh ? input(bhh, 0, G) : 0;
  const phx = inout(hx, 0, (T + 1) * n), ps = output(T * 4 * n), gh = output(B * G);   // [T+1, B, H], [T, B, 4H], [B, 3H]
  const m = mark();
  for (let s = 0; s < T; s++) {
    const { t, prev, next } = slots(T, s, reverse), hp = phx + prev * n * 4, hn = phx + next * n * 4;
    const g = gi + t * B * G * 4, sv = ps + t * 4 * n * 4;
    release(m);                                  // this step's GEMM work areas reuse the last step's
    recurrent(B, H, G, hp, phh, pb, gh);
    if (!rowsThreads(FN.gruStepForward, B, H, g, 3, gh, 3, hp, 1, hn, 1, sv, 4)) w().gruStepForward(B, H, g, gh, hp, hn, sv);
  }
  back(phx, hx, 0, (T + 1) * n);
  if (save) back(ps, save, 0, T * 4 * n);   // inference (null) skips the largest copy
}

export function lstmSequenceForward(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wih: F32,
  bih: F32 | null, whh: F32, bhh: F32 | null, hx: F32, cx: F32, save: F32 | null): void {
  const G = 4 * H, n = B * H;
  if (T <= 0 || n <= 0) return;
  if (B === 1) { streamForward(true, T, I, H, reverse, x, wih, bih, whh, bhh, hx, cx, save); return; }
  const pinnedIh = pinnedPack(wih, true, 0, I, I, G), pinnedHh = pinnedPack(whh, true, 0, H, H, G);
  begin();
  const gi = inputProjection(T, B, I, G, input(x, 0, T * B * I), wih, pinnedIh, bih);
  const phh = recurrentWeight(B, H, G, whh, pinnedHh), pb = bhh ? input(bhh, 0, G) : 0;
  const phx = inout(hx, 0, (T + 1) * n), pcx = inout(cx, 0, (T + 1) * n);   // [T+1, B, H] each
  const ps = output(T * 5 * n), gh = output(B * G);                           // [T, B, 5H], [B, 4H]
  const m = mark();
  for (let s = 0; s < T; s++) {
    const { t, prev, next } = slots(T, s, reverse), hp = phx + prev * n * 4, hn = phx + next * n * 4;
    const cp = pcx + prev * n * 4, cn = pcx + next * n * 4, g = gi + t * B * G * 4, sv = ps + t * 5 * n * 4;
    release(m);
    recurrent(B, H, G, hp, phh, pb, gh);
    if (!rowsThreads(FN.lstmStepForward, B, H, g, 4, gh, 4, cp, 1, cn, 1, hn, 1, sv, 5)) {
      w().lstmStepForward(B, H, g, gh, cp, cn, hn, sv);
    }
  }
  back(phx, hx, 0, (T + 1) * n);
  back(pcx, cx, 0, (T + 1) * n);
  if (save) back(ps, save, 0, T * 5 * n);
}

// ------------------------------------------------------------------------------------------ backward

/**
 * op(B) = W [K, N] as it is (not transposed) for a GEMM by a weight: packed once (`pinned`, from pinnedPack before
 * begin(): once per pin), or read in place when it has one column (the GEMV path, which takes no packed B).
 */
function weightAt(pinned: number, W: F32, K: number, N: number): { b: number; bp: number } {
  return N > 1 ? { b: 0, bp: packed(pinned, W, false, 0, N, K, N) } : { b: input(W, 0, K * N), bp: 0 };
}

/** v[N] += Σ_rows X[M, N] (px in wasm memory). */
function biasGrad(M: number, N: number, px: number, v: F32): void {
  const pv = inout(v, 0, N);
  sumRowsAt(M, N, px, pv);
  back(pv, v, 0, N);
}

/**
 * After the loop, over all T·B rows (G = gates · H; px, phx, dgi, dgh in wasm memory):
 * dW_ih += dGiᵀ · X, db_ih += Σ dGi, dX += dGi · W_ih, dW_hh += dGhᵀ · H_prev, db_hh += Σ dGh.
 */
function weightGrads(T: number, B: number, I: number, H: number, G: number, reverse: boolean, px: number, wih: F32,
  pinnedIh: number, phx: number, dgi: number, dgh: number, dx: F32, dwih: F32, dbih: F32 | null, dwhh: F32, dbhh: F32 | null): void {
  const TB = T * B;
  if (I > 0) {
    const pw = inout(dwih, 0, G * I);
    gemmAt(true, false, G, I, TB, 1, dgi, G, px, I, 1, pw, I, 0);
    back(pw, dwih, 0, G * I);
  }
  if (dbih) biasGrad(TB, G, dgi, dbih);
  if (I > 0) {
    const ih = weightAt(pinnedIh, wih, G, I), pdx = inout(dx, 0, TB * I);
    gemmAt(false, false, TB, I, G, 1, dgi, G, ih.b, I, 1, pdx, I, ih.bp);
    back(pdx, dx, 0, TB * I);
  }
  const pw = inout(dwhh, 0, G * H), hPrev = phx + (reverse ? B * H * 4 : 0);   // [T, B, H]: the states entering each step
  gemmAt(true, false, G, H, TB, 1, dgh, G, hPrev, H, 1, pw, H, 0);
  back(pw, dwhh, 0, G * H);
  if (dbhh) biasGrad(TB, G, dgh, dbhh);
}

export function gruSequenceBackward(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wih: F32,
  whh: F32, hx: F32, save: F32, dy: F32, dh: F32, dx: F32, dwih: F32, dbih: F32 | null, dwhh: F32, dbhh: F32 | null): void {
  const G = 3 * H, n = B * H;
  if (T <= 0 || n <= 0) return;
  const pinnedIh = pinnedPack(wih, false, 0, I, G, I), pinnedHh = pinnedPack(whh, false, 0, H, G, H);
  begin();
  const hh = weightAt(pinnedHh, whh, G, H), px = input(x, 0, T * B * I), phx = input(hx, 0, (T + 1) * n);
  const ps = input(save, 0, T * 4 * n), pdy = input(dy, 0, T * n);            // [T, B, 4H], [T, B, H]
  const dgi = output(T * B * G), dgh = output(T * B * G);                     // [T, B, 3H] each, by time
  let d = inout(dh, 0, n), dPrev = output(n);                                 // [B, H]
  const m = mark();
  for (let s = T - 1; s >= 0; s--) {
    const { t, prev } = slots(T, s, reverse), hp = phx + prev * n * 4, sv = ps + t * 4 * n * 4;
    const gi = dgi + t * B * G * 4, gh = dgh + t * B * G * 4;
    release(m);
    w().addRowVector(1, n, pdy + t * n * 4, d);                               // dh += dy[t]
    if (!rowsThreads(FN.gruStepBackward, B, H, d, 1, hp, 1, sv, 4, gi, 3, gh, 3, dPrev, 1)) {
      w().gruStepBackward(B, H, d, hp, sv, gi, gh, dPrev);
    }
    gemmAt(false, false, B, H, G, 1, gh, G, hh.b, H, 1, dPrev, H, hh.bp);     // dh_prev += dgh · W_hh
    [d, dPrev] = [dPrev, d];
  }
  release(m);
  back(d, dh, 0, n);
  weightGrads(T, B, I, H, G, reverse, px, wih, pinnedIh, phx, dgi, dgh, dx, dwih, dbih, dwhh, dbhh);
}

export function lstmSequenceBackward(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wih: F32,
  whh: F32, hx: F32, cx: F32, save: F32, dy: F32, dh: F32, dc: F32, dx: F32, dwih: F32, dbih: F32 | null, dwhh: F32,
  dbhh: F32 | null): void {
  const G = 4 * H, n = B * H;
  if (T <= 0 || n <= 0) return;
  const pinnedIh = pinnedPack(wih, false, 0, I, G, I), pinnedHh = pinnedPack(whh, false, 0, H, G, H);
  begin();
  const hh = weightAt(pinnedHh, whh, G, H), px = input(x, 0, T * B * I), phx = input(hx, 0, (T + 1) * n);
  const pcx = input(cx, 0, (T + 1) * n), ps = input(save, 0, T * 5 * n), pdy = input(dy, 0, T * n);
  const dg = output(T * B * G);                                               // [T, B, 4H], by time
  let d = inout(dh, 0, n), dPrev = output(n), c = inout(dc, 0, n), cPrev = output(n);   // [B, H] each
  const m = mark();
  for (let s = T - 1; s >= 0; s--) {
    const { t, prev } = slots(T, s, reverse), cp = pcx + prev * n * 4, sv = ps + t * 5 * n * 4, g = dg + t * B * G * 4;
    release(m);
    w().addRowVector(1, n, pdy + t * n * 4, d);                               // dm = dh += dy[t]
    if (!rowsThreads(FN.lstmStepBackward, B, H, d, 1, c, 1, cp, 1, sv, 5, g, 4, cPrev, 1)) {
      w().lstmStepBackward(B, H, d, c, cp, sv, g, cPrev);
    }
    gemmAt(false, false, B, H, G, 1, g, G, hh.b, H, 0, dPrev, H, hh.bp);      // dh_prev = dg · W_hh
    [d, dPrev] = [dPrev, d];
    [c, cPrev] = [cPrev, c];
  }
  release(m);
  back(d, dh, 0, n);
  back(c, dc, 0, n);
  weightGrads(T, B, I, H, G, reverse, px, wih, pinnedIh, phx, dg, dg, dx, dwih, dbih, dwhh, dbhh);
}

// ------------------------------------------------------------------------------------------ both directions at once
// Each direction placed in wasm memory as its sequence kernel places it; the input projections before the loops and the
// weight gradients after them are threaded GEMMs as there; the two time loops are one job of two chunks (runTwo).

/** A direction in wasm memory: its time loop as a call, and what copies its results out after the loop. */
interface Placed { loop: Call; finish(): void }

/** The pinned packs of a direction's W_ih and W_hh (pinnedPack, taken before begin()). */
interface Packs { ih: number; hh: number }

/** Flops of one direction's recurrent GEMMs over all steps: the work a second thread can take. */
const loopFlops = (T: number, B: number, H: number, G: number): number => 2 * T * B * G * H;

function placeForward(lstm: boolean, T: number, B: number, I: number, H: number, reverse: boolean, px: number,
  d: SequenceForwardDir, pin: Packs): Placed {
  const G = (lstm ? 4 : 3) * H, n = B * H, S = (lstm ? 5 : 4) * n;
  const gi = inputProjection(T, B, I, G, px, d.wih, pin.ih, d.bih);
  const hh = recurrentWeight(B, H, G, d.whh, pin.hh), pb = d.bhh ? input(d.bhh, 0, G) : 0;
  const phx = inout(d.hx, 0, (T + 1) * n), pcx = lstm ? inout(d.cx!, 0, (T + 1) * n) : 0;   // [T+1, B, H]
  const ps = output(T * S), gh = output(B * G), work = reserve(w().gemmWorkBytes(B, G, H, hh.bp !== 0));
  const r = +reverse;
  return {
    loop: lstm ? [FN.lstmForwardLoop, T, B, H, r, gi, hh.b, hh.bp, pb, phx, pcx, ps, gh, work]
      : [FN.gruForwardLoop, T, B, H, r, gi, hh.b, hh.bp, pb, phx, ps, gh, work],
    finish() {
      back(phx, d.hx, 0, (T + 1) * n);
      if (lstm) back(pcx, d.cx!, 0, (T + 1) * n);
      if (d.save) back(ps, d.save, 0, T * S);
    },
  };
}

function bidirectionalForward(lstm: boolean, T: number, B: number, I: number, H: number, x: F32,
  fwd: SequenceForwardDir, rev: SequenceForwardDir): void {
  const G = (lstm ? 4 : 3) * H;
  if (T <= 0 || B * H <= 0) return;
  const packs = [fwd, rev].map((d): Packs =>
    ({ ih: pinnedPack(d.wih, true, 0, I, I, G), hh: B > 1 ? pinnedPack(d.whh, true, 0, H, H, G) : 0 }));
  begin();
  const px = input(x, 0, T * B * I);
  const f = placeForward(lstm, T, B, I, H, false, px, fwd, packs[0]), r = placeForward(lstm, T, B, I, H, true, px, rev, packs[1]);
  runTwo(f.loop, r.loop, loopFlops(T, B, H, G));
  f.finish();
  r.finish();
}

function placeBackward(lstm: boolean, T: number, B: number, I: number, H: number, reverse: boolean, px: number, dx: F32,
  d: SequenceBackwardDir, pin: Packs): Placed {
  const G = (lstm ? 4 : 3) * H, n = B * H, S = (lstm ? 5 : 4) * n;
  const hh = weightAt(pin.hh, d.whh, G, H), phx = input(d.hx, 0, (T + 1) * n), pcx = lstm ? input(d.cx!, 0, (T + 1) * n) : 0;
  const ps = input(d.save, 0, T * S), pdy = input(d.dy, 0, T * n);
  const dgi = output(T * B * G), dgh = lstm ? dgi : output(T * B * G);         // [T, B, G·H] by time (LSTM: one)
  const dh = inout(d.dh, 0, n), dhPrev = output(n);                           // [B, H] each
  const dc = lstm ? inout(d.dc!, 0, n) : 0, dcPrev = lstm ? output(n) : 0;
  const work = reserve(w().gemmWorkBytes(B, H, G, hh.bp !== 0)), r = +reverse, even = T % 2 === 0;
  return {
    loop: lstm ? [FN.lstmBackwardLoop, T, B, H, r, hh.b, hh.bp, pcx, ps, pdy, dgi, dh, dhPrev, dc, dcPrev, work]
      : [FN.gruBackwardLoop, T, B, H, r, hh.b, hh.bp, phx, ps, pdy, dgi, dgh, dh, dhPrev, work],
    finish() {
      back(even ? dh : dhPrev, d.dh, 0, n);                                   // the loop swaps the pair each step
      if (lstm) back(even ? dc : dcPrev, d.dc!, 0, n);
      weightGrads(T, B, I, H, G, reverse, px, d.wih, pin.ih, phx, dgi, dgh, dx, d.dwih, d.dbih, d.dwhh, d.dbhh);
    },
  };
}

function bidirectionalBackward(lstm: boolean, T: number, B: number, I: number, H: number, x: F32, dx: F32,
  fwd: SequenceBackwardDir, rev: SequenceBackwardDir): void {
  const G = (lstm ? 4 : 3) * H;
  if (T <= 0 || B * H <= 0) return;
  const packs = [fwd, rev].map((d): Packs => ({ ih: pinnedPack(d.wih, false, 0, I, G, I), hh: pinnedPack(d.whh, false, 0, H, G, H) }));
  begin();
  const px = input(x, 0, T * B * I);
  const f = placeBackward(lstm, T, B, I, H, false, px, dx, fwd, packs[0]), r = placeBackward(lstm, T, B, I, H, true, px, dx, rev, packs[1]);
  runTwo(f.loop, r.loop, loopFlops(T, B, H, G));
  f.finish();                                                                 // both add into dx: forward direction first
  r.finish();
}

export function gruBidirectionalForward(T: number, B: number, I: number, H: number, x: F32, fwd: SequenceForwardDir,
  rev: SequenceForwardDir): void {
  bidirectionalForward(false, T, B, I, H, x, fwd, rev);
}

export function lstmBidirectionalForward(T: number, B: number, I: number, H: number, x: F32, fwd: SequenceForwardDir,
  rev: SequenceForwardDir): void {
  bidirectionalForward(true, T, B, I, H, x, fwd, rev);
}

export function gruBidirectionalBackward(T: number, B: number, I: number, H: number, x: F32, dx: F32,
  fwd: SequenceBackwardDir, rev: SequenceBackwardDir): void {
  bidirectionalBackward(false, T, B, I, H, x, dx, fwd, rev);
}

export function lstmBidirectionalBackward(T: number, B: number, I: number, H: number, x: F32, dx: F32,
  fwd: SequenceBackwardDir, rev: SequenceBackwardDir): void {
  bidirectionalBackward(true, T, B, I, H, x, dx, fwd, rev);
}
