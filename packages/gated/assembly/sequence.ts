// The time loops of one direction of a GRU (reset after) / LSTM (no projection) layer, whole, inside wasm: the same
// kernels in the same order as the resident sequence kernels (src/kernels/_wasm_sequence.ts) run them from JS on one
// thread, so the bits are the same. One loop is one call — one pool chunk — so that the two directions of a
// bidirectional layer can run on two threads at once with no synchronisation per step.
// Every buffer is already in memory (byte addresses): gi [T, B, G·H] projected; W_hh as the JS side picks it (whh read
// as it is when whhPacked = 0, B = 1; else its packed panels); bhh 0 = no bias; hx, cx [T+1, B, H] with the initial
// state in the first step's prev slot; `work`: gemmWorkBytes of the per-step GEMM.
// Steps: s = 0 … T−1 (backward T−1 … 0), t = reverse ? T−1−s : s, prev = reverse ? t+1 : t, next = reverse ? t : t+1.
import { addRowVector } from './activations';
import { gemm } from './gemm';
import { gruStepBackward, gruStepForward, lstmStepBackward, lstmStepForward } from './gates';

@inline function timeOf(T: i32, s: i32, reverse: bool): i32 { return reverse ? T - 1 - s : s; }
@inline function prevOf(t: i32, reverse: bool): usize { return <usize>(reverse ? t + 1 : t); }
@inline function nextOf(t: i32, reverse: bool): usize { return <usize>(reverse ? t : t + 1); }

/** GRU forward: gh = h[prev] · W_hhᵀ (+ b_hh), then the step from h[prev] into h[next] and save[t] [B, 4H]. */
export function gruForwardLoop(T: i32, B: i32, H: i32, reverse: bool, gi: usize, whh: usize, whhPacked: usize, bhh: usize,
  hx: usize, save: usize, gh: usize, work: usize): void {
  const G = 3 * H, n = <usize>(B * H) << 2, g = <usize>(B * G) << 2;
  for (let s = 0; s < T; s++) {
    const t = timeOf(T, s, reverse), hp = hx + prevOf(t, reverse) * n;
    gemm(false, true, B, G, H, 1, hp, H, whh, H, 0, gh, G, whhPacked, work);
    if (bhh != 0) addRowVector(B, G, bhh, gh);
    gruStepForward(B, H, gi + <usize>t * g, gh, hp, hx + nextOf(t, reverse) * n, save + <usize>t * 4 * n);
  }
}

/** LSTM forward: gh = h[prev] · W_hhᵀ (+ b_hh), then the step from c[prev] into c[next], h[next] and save[t] [B, 5H]. */
export function lstmForwardLoop(T: i32, B: i32, H: i32, reverse: bool, gi: usize, whh: usize, whhPacked: usize, bhh: usize,
  hx: usize, cx: usize, save: usize, gh: usize, work: usize): void {
  const G = 4 * H, n = <usize>(B * H) << 2, g = <usize>(B * G) << 2;
  for (let s = 0; s < T; s++) {
    const t = timeOf(T, s, reverse), prev = prevOf(t, reverse) * n, next = nextOf(t, reverse) * n;
    gemm(false, true, B, G, H, 1, hx + prev, H, whh, H, 0, gh, G, whhPacked, work);
    if (bhh != 0) addRowVector(B, G, bhh, gh);
    lstmStepForward(B, H, gi + <usize>t * g, gh, cx + prev, cx + next, hx + next, save + <usize>t * 5 * n);
  }
}

/**
 * GRU BPTT: dh += dy[t]; the step's backward into dgi[t], dgh[t] and dh_prev; dh_prev += dgh[t] · W_hh (whh: W_hh
 * [3H, H] not transposed, packed unless H = 1). dh, dhPrev [B, H] swap roles each step: after T steps the gradient of
 * h0 is in dh for even T, in dhPrev for odd T.
 */
export function gruBackwardLoop(T: i32, B: i32, H: i32, reverse: bool, whh: usize, whhPacked: usize, hx: usize, save: usize,
  dy: usize, dgi: usize, dgh: usize, dh: usize, dhPrev: usize, work: usize): void {
  const G = 3 * H, n = <usize>(B * H) << 2, g = <usize>(B * G) << 2;
  let d = dh, dp = dhPrev;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(T, s, reverse), gh = dgh + <usize>t * g;
    addRowVector(1, B * H, dy + <usize>t * n, d);
    gruStepBackward(B, H, d, hx + prevOf(t, reverse) * n, save + <usize>t * 4 * n, dgi + <usize>t * g, gh, dp);
    gemm(false, false, B, H, G, 1, gh, G, whh, H, 1, dp, H, whhPacked, work);
    const tmp = d; d = dp; dp = tmp;
  }
}

/**
 * LSTM BPTT: dm = dh += dy[t]; the step's backward from dm and the carried dc into dg[t] and dc_prev; dh_prev =
 * dg[t] · W_hh. (dh, dhPrev) and (dc, dcPrev) swap like gruBackwardLoop's: the gradients of h0, c0 end in dh, dc for
 * even T, in dhPrev, dcPrev for odd T.
 */
export function lstmBackwardLoop(T: i32, B: i32, H: i32, reverse: bool, whh: usize, whhPacked: usize, cx: usize, save: usize,
  dy: usize, dg: usize, dh: usize, dhPrev: usize, dc: usize, dcPrev: usize, work: usize): void {
  const G = 4 * H, n = <usize>(B * H) << 2, g = <usize>(B * G) << 2;
  let d = dh, dp = dhPrev, c = dc, cp = dcPrev;
  for (let s = T - 1; s >= 0; s--) {
    const t = timeOf(T, s, reverse), gt = dg + <usize>t * g;
    addRowVector(1, B * H, dy + <usize>t * n, d);
    lstmStepBackward(B, H, d, c, cx + prevOf(t, reverse) * n, save + <usize>t * 5 * n, gt, cp);
    gemm(false, false, B, H, G, 1, gt, G, whh, H, 0, dp, H, whhPacked, work);
    let tmp = d; d = dp; dp = tmp;
    tmp = c; c = cp; cp = tmp;
  }
}
