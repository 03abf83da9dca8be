// The batch-1 path of the wasm sequence kernels: with the weights pinned, a step's GEMVs read W_ih and W_hh in row
// panels (packed once, kept with the pin); unpinned, they read the weights as they are. Both give the same bits, on
// sizes with row and column tails (3H, 4H not multiples of 8; I, H not multiples of 4), on one and two threads, and
// the same values as the reference within tolerance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { F32 } from '../../src/kernels/api.js';
import { refKernels as R } from '../../src/kernels/ref.js';
import { initWasmSync, pinnedBytes, setWasmThreads, wasmKernels as W } from '../../src/kernels/wasm.js';
import { Rng } from '../../src/random.js';
import { expectClose } from '../_util/close.js';

const rng = new Rng(7);
const rand = (n: number): F32 => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));

beforeAll(() => { expect(initWasmSync()).toBe(true); });
afterAll(() => { setWasmThreads(0); });

describe('batch-1 sequence kernels: row panels of pinned weights = weights as they are, bit for bit', () => {
  for (const [T, I, H] of [[1, 5, 13], [1, 64, 256], [7, 3, 9], [4, 1, 2]]) {
    for (const lstm of [false, true]) {
      it(`${lstm ? 'LSTM' : 'GRU'} T=${T} I=${I} H=${H}, 1 and 2 threads`, () => {
        const G = (lstm ? 4 : 3) * H, x = rand(T * I), wih = rand(G * I), whh = rand(G * H), bih = rand(G), bhh = rand(G);
        const h0 = rand(H), c0 = rand(H);
        const run = (k: typeof W | typeof R, pin: boolean): F32[] => {
          const hx = new Float32Array((T + 1) * H), cx = new Float32Array((T + 1) * H), save = new Float32Array(T * (lstm ? 5 : 4) * H);
          hx.set(h0); cx.set(c0);
          if (pin) [wih, whh, bih, bhh].forEach((a) => k.pin(a, 1));
          try {
            if (lstm) k.lstmSequenceForward!(T, 1, I, H, false, x, wih, bih, whh, bhh, hx, cx, save);
            else k.gruSequenceForward!(T, 1, I, H, false, x, wih, bih, whh, bhh, hx, save);
          } finally { if (pin) [wih, whh, bih, bhh].forEach((a) => k.unpin(a)); }
          return lstm ? [hx, cx, save] : [hx, save];
        };
        const want = run(W, false);
        for (const threads of [1, 2]) {
          setWasmThreads(threads);
          run(W, true).forEach((a, i) => expect(a).toEqual(want[i]));
        }
        run(R, false).forEach((a, i) => expectClose(want[i], a, { atol: 1e-5, rtol: 1e-4 }));
        [wih, whh, bih, bhh].forEach((a) => W.forget!(a));
        expect(pinnedBytes()).toBe(0);
      });
    }
  }
});
