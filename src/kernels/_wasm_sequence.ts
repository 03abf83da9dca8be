// The wasm backend's whole-sequence forward kernels: one direction of a GRU / LSTM layer over all T steps with every
// buffer resident in wasm memory — x, hx (and cx) are copied in once, hx, cx and save copied out once, instead of each
// step copying its operands in and its results out; inference (save = null) skips copying out the saved gate values.
// Each step runs the same wasm kernels in the same order as _sequence.ts composes them, so the bits are the same;
// large steps are split across the worker pool like single calls.
import type { F32 } from './api.js';
import { slots } from './_sequence.js';
import { FN, back, begin, gemmAt, inout, input, mark, output, packed, pinnedPack, release, rowsThreads, w } from './_wasm_core.js';

/** gi = x · W_ihᵀ (+ b_ih) for all steps into scratch [T·B, G·H]; returns its address. */
function inputProjection(T: number, B: number, I: number, GH: number, x: F32, wih: F32, pinnedIh: number, bih: F32 | null): number {
  const TB = T * B, px = input(x, 0, TB * I), pih = packed(pinnedIh, wih, true, 0, I, I, GH), gi = output(TB * GH);
  gemmAt(false, true, TB, GH, I, 1, px, I, 0, I, 0, gi, GH, pih);
  if (bih) {
    const pb = input(bih, 0, GH);
    if (!rowsThreads(FN.addRowVector, TB, GH, pb, 0, gi, 1, 0, 0, 0, 0)) w().addRowVector(TB, GH, pb, gi);
  }
  return gi;
}

/** gh = h · W_hhᵀ (+ b_hh) [B, G·H] for one step (phh: packed W_hhᵀ, pb: b_hh or 0). */
function recurrent(B: number, H: number, GH: number, h: number, phh: number, pb: number, gh: number): void {
  gemmAt(false, true, B, GH, H, 1, h, H, 0, H, 0, gh, GH, phh);
  if (pb !== 0 && !rowsThreads(FN.addRowVector, B, GH, pb, 0, gh, 1, 0, 0, 0, 0)) w().addRowVector(B, GH, pb, gh);
}

export function gruSequenceForward(T: number, B: number, I: number, H: number, reverse: boolean, x: F32, wih: F32,
  bih: F32 | null, whh: F32, bhh: F32 | null, hx: F32, save: F32 | null): void {
  const G = 3 * H, n = B * H;
  if (T <= 0 || n <= 0) return;
  const pinnedIh = pinnedPack(wih, true, 0, I, I, G), pinnedHh = pinnedPack(whh, true, 0, H, H, G);
  begin();
  const gi = inputProjection(T, B, I, G, x, wih, pinnedIh, bih);
  const phh = packed(pinnedHh, whh, true, 0, H, H, G), pb = bhh ? input(bhh, 0, G) : 0;
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
  const pinnedIh = pinnedPack(wih, true, 0, I, I, G), pinnedHh = pinnedPack(whh, true, 0, H, H, G);
  begin();
  const gi = inputProjection(T, B, I, G, x, wih, pinnedIh, bih);
  const phh = packed(pinnedHh, whh, true, 0, H, H, G), pb = bhh ? input(bhh, 0, G) : 0;
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
