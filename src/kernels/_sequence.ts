// The whole-sequence forward kernels (Kernels.gruSequenceForward / lstmSequenceForward) composed from any backend's
// per-step kernels, in exactly the order nn/gru.ts and nn/lstm.ts run them: the reference backend's implementation,
// and the oracle the wasm backend's resident version (_wasm_sequence.ts) is tested against bit for bit.
import type { F32, Kernels } from './api.js';

/** Slots of hx entered and left at processing step s. */
export const slots = (T: number, s: number, reverse: boolean): { t: number; prev: number; next: number } => {
  const t = reverse ? T - 1 - s : s;
  return { t, prev: reverse ? t + 1 : t, next: reverse ? t : t + 1 };
};

export function gruSequenceForwardWith(k: Kernels, T: number, B: number, I: number, H: number, reverse: boolean,
  x: F32, wih: F32, bih: F32 | null, whh: F32, bhh: F32 | null, hx: F32, saveOrNull: F32 | null): void {
  const G = 3 * H, n = B * H, save = saveOrNull ?? new Float32Array(T * 4 * n);
  const gi = new Float32Array(T * B * G), gh = new Float32Array(B * G);   // [T, B, 3H], [B, 3H]
  k.gemm(false, true, T * B, G, I, 1, x, 0, I, wih, 0, I, 0, gi, 0, G);
  if (bih) k.addRowVector(T * B, G, bih, 0, gi, 0);
  for (let s = 0; s < T; s++) {
    const { t, prev, next } = slots(T, s, reverse);
    k.gemm(false, true, B, G, H, 1, hx, prev * n, H, whh, 0, H, 0, gh, 0, G);
    if (bhh) k.addRowVector(B, G, bhh, 0, gh, 0);
    k.gruStepForward(B, H, gi, t * B * G, gh, 0, hx, prev * n, hx, next * n, save, t * 4 * n);
  }
}

export function lstmSequenceForwardWith(k: Kernels, T: number, B: number, I: number, H: number, reverse: boolean,
  x: F32, wih: F32, bih: F32 | null, whh: F32, bhh: F32 | null, hx: F32, cx: F32, saveOrNull: F32 | null): void {
  const G = 4 * H, n = B * H, save = saveOrNull ?? new Float32Array(T * 5 * n);
  const gi = new Float32Array(T * B * G), gh = new Float32Array(B * G);   // [T, B, 4H], [B, 4H]
  k.gemm(false, true, T * B, G, I, 1, x, 0, I, wih, 0, I, 0, gi, 0, G);
  if (bih) k.addRowVector(T * B, G, bih, 0, gi, 0);
  for (let s = 0; s < T; s++) {
    const { t, prev, next } = slots(T, s, reverse);
    k.gemm(false, true, B, G, H, 1, hx, prev * n, H, whh, 0, H, 0, gh, 0, G);
    if (bhh) k.addRowVector(B, G, bhh, 0, gh, 0);
    k.lstmStepForward(B, H, gi, t * B * G, gh, 0, cx, prev * n, cx, next * n, hx, next * n, save, t * 5 * n);
  }
}
