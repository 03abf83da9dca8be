// The batch-1 path of the wasm sequence kernels (assembly/stream.ts): the time loop in one call, W_hh (and for one
// step W_ih) in row panels — pinned and packed once, or packed per call when not pinned. Both give the same bits, on
// sizes with row and column tails (3H, 4H not multiples of 8; I, H not multiples of 4), forward and reversed, on one
// thread and on two (H = 256: each step's hidden units split in two blocks that the threads claim), and the same
// values as the reference within tolerance.
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
  for (const [T, I, H, reverse] of [[1, 5, 13, 0], [1, 64, 256, 0], [7, 3, 9, 1], [4, 1, 2, 0], [6, 16, 256, 1], [5, 0, 256, 0]]) {
    for (const lstm of [false, true]) {
      it(`${lstm ? 'LSTM' : 'GRU'} T=${T} I=${I} H=${H}${reverse ? ' reversed' : ''}, 1 and 2 threads`, () => {
        const G = (lstm ? 4 : 3) * H, x = rand(T * I), bih = rand(G), bhh = rand(G);
        const wih = rand(G * I).map((v) => v / Math.sqrt(Math.max(I, 1))), whh = rand(G * H).map((v) => v / Math.sqrt(H));   // PyTorch's scale
        const h0 = rand(H), c0 = rand(H);
        const run = (k: typeof W | typeof R, pin: boolean): F32[] => {
          const hx = new Float32Array((T + 1) * H), cx = new Float32Array((T + 1) * H), save = new Float32Array(T * (lstm ? 5 : 4) * H);
          hx.set(h0); cx.set(c0);
          if (pin) [wih, whh, bih, bhh].forEach((a) => k.pin(a, 1));
          try {
            if (lstm) k.lstmSequenceForward!(T, 1, I, H, !!reverse, x, wih, bih, whh, bhh, hx, cx, save);
            else k.gruSequenceForward!(T, 1, I, H, !!reverse, x, wih, bih, whh, bhh, hx, save);
          } finally { if (pin) [wih, whh, bih, bhh].forEach((a) => k.unpin(a)); }
          return lstm ? [hx, cx, save] : [hx, save];
        };
        setWasmThreads(1);
        const want = run(W, false);
        for (const threads of [1, 2]) {
          setWasmThreads(threads);
          run(W, true).forEach((a, i) => expect(a).toEqual(want[i]));
          run(W, false).forEach((a, i) => expect(a).toEqual(want[i]));
        }
        run(R, false).forEach((a, i) => expectClose(want[i], a, { atol: 1e-5, rtol: 1e-4 }));
        [wih, whh, bih, bhh].forEach((a) => W.forget!(a));
        expect(pinnedBytes()).toBe(0);
      });
    }
  }
});
