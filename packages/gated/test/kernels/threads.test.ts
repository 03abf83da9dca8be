// Threads of the wasm backend (src/kernels/_pool.ts): every split kernel gives the same bits on 2 and 3 threads as on
// one (each output element runs the same instructions), including pinned operands, tails and accumulation; a whole
// GRU / LSTM training step too; workers that never start cost nothing but speed (the caller takes every chunk);
// where no worker can be made the kernels stay on one thread. Speed is measured in bench/, never here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { F32 } from '../../src/kernels/api.js';
import { setWorkerFactory } from '../../src/kernels/_platform.js';
import { initWasmSync, pinnedBytes, poolStats, wasmKernels as W } from '../../src/kernels/wasm.js';
import { getNumThreads, setBackend, setNumThreads, getBackend } from '../../src/kernels/select.js';
import { GRU } from '../../src/nn/gru.js';
import { LSTM } from '../../src/nn/lstm.js';
import { Linear } from '../../src/nn/linear.js';
import { mse } from '../../src/nn/losses.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng, manualSeed } from '../../src/random.js';

const rng = new Rng(77);
function rand(n: number, lo = -1, hi = 1): F32 {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}
const bits = (a: F32): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Sets n threads and waits until the pool's n − 1 workers have started (so that they take chunks). */
async function threads(n: number): Promise<void> {
  setNumThreads(n);
  const M = 128, C = new Float32Array(M * M), A = rand(M * M);
  W.gemm(false, false, M, M, M, 1, A, 0, M, A, 0, M, 0, C, 0, M);   // large enough to start the pool
  for (let i = 0; i < 300 && poolStats().ready < n - 1; i++) await new Promise((r) => setTimeout(r, 10));
  expect(poolStats().ready).toBeGreaterThanOrEqual(n - 1);
}

/** Runs fn at 1 thread, then at each of `counts`, and expects identical bits. */
async function sameOnThreads(what: string, fn: () => F32[], counts = [2, 3]): Promise<void> {
  setNumThreads(1);
  const one = fn().map(bits);
  for (const n of counts) {
    await threads(n);
    const got = fn().map(bits);
    got.forEach((g, i) => expect(g, `${what}: output ${i} on ${n} threads`).toEqual(one[i]));
  }
}

let was = 'wasm';
beforeAll(() => { expect(initWasmSync()).toBe(true); was = getBackend(); setBackend('wasm'); });
afterAll(() => { setNumThreads(0); setBackend(was); });

describe('thread count', { timeout: 60_000 }, () => {
  it('defaults to the available cores; 0 restores the default; rejects non-integers and negatives', () => {
    setNumThreads(0);
    const all = getNumThreads();
    expect(all).toBeGreaterThanOrEqual(1);
    setNumThreads(3);
    expect(getNumThreads()).toBe(3);
    setNumThreads(0);
    expect(getNumThreads()).toBe(all);
    expect(() => setNumThreads(-1)).toThrow(/integer ≥ 0/);
    expect(() => setNumThreads(1.5)).toThrow(/integer ≥ 0/);
  });

  it("is 1 for the 'js' backend", () => {
    setBackend('js');
    try { expect(getNumThreads()).toBe(1); } finally { setBackend('wasm'); }
  });
});

describe('workers take part', { timeout: 60_000 }, () => {
  it('once started, a worker runs chunks of a large GEMM', async () => {
    await threads(2);
    const M = 256, N = 256, K = 256, A = rand(M * K), B = rand(K * N), C = new Float32Array(M * N);
    const gemm = (): void => W.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N);
    const before = poolStats().chunksByWorkers, t0 = performance.now();
    while (poolStats().chunksByWorkers === before && performance.now() - t0 < 5000) {
      gemm();
      await new Promise((r) => setTimeout(r, 5));   // also lets a back-off (threads losing time on a busy machine) expire
    }
    expect(poolStats().chunksByWorkers).toBeGreaterThan(before);
  });
});

describe('batch-1 time loop: threads share the blocks of each step', { timeout: 60_000 }, () => {
  // The worker joins a running loop whenever it wakes (assembly/stream.ts), so a long loop is needed to see it take
  // part; whoever ran which blocks, the bits must be the one-thread bits.
  for (const lstm of [false, true]) {
    it(`${lstm ? 'LSTM' : 'GRU'} T=200 H=256: a worker takes blocks, same bits as one thread`, async () => {
      const T = 200, I = 8, H = 256, G = (lstm ? 4 : 3) * H, S = (lstm ? 5 : 4) * H;
      const x = rand(T * I), wih = rand(G * I), whh = rand(G * H, -0.1, 0.1), bih = rand(G), bhh = rand(G);
      const run = (): F32[] => {
        const hx = new Float32Array((T + 1) * H), cx = new Float32Array((T + 1) * H), save = new Float32Array(T * S);
        if (lstm) W.lstmSequenceForward!(T, 1, I, H, false, x, wih, bih, whh, bhh, hx, cx, save);
        else W.gruSequenceForward!(T, 1, I, H, false, x, wih, bih, whh, bhh, hx, save);
        return lstm ? [hx, cx, save] : [hx, save];
      };
      setNumThreads(1);
      const one = run().map(bits);
      await threads(2);
      const before = poolStats().chunksByWorkers, t0 = performance.now();
      while (poolStats().chunksByWorkers === before && performance.now() - t0 < 5000) {
        run().map(bits).forEach((g, i) => expect(g, `output ${i}`).toEqual(one[i]));
        await new Promise((r) => setTimeout(r, 1));
      }
      expect(poolStats().chunksByWorkers).toBeGreaterThan(before);
    });
  }
});

describe('split kernels equal one thread bit for bit', { timeout: 60_000 }, () => {
  type Case = [tA: boolean, tB: boolean, M: number, N: number, K: number];
  const cases: Case[] = [
    [false, true, 32, 768, 256],   // recurrent product: column panels
    [false, true, 2048, 96, 64],   // input projection: row blocks
    [true, false, 200, 130, 300],  // weight gradient with tails
    [false, false, 1, 1000, 257],  // GEMV, axpy form
    [false, true, 1, 771, 255],    // GEMV, dot form, tails
    [true, false, 999, 1, 301],    // one column: row blocks of the GEMV
    [true, true, 5, 517, 133],     // few rows: panels, partial last panel
    [false, false, 67, 67, 520],   // K > one packed block, M-tail
  ];
  for (const [tA, tB, M, N, K] of cases) {
    it(`gemm tA=${tA} tB=${tB} ${M}×${N}×${K}: beta 0 and 1, unpinned and pinned B`, async () => {
      const lda = tA ? M : K, ldb = tB ? K : N, A = rand(M * K), B = rand(K * N), C0 = rand(M * N);
      const run = (beta: number): F32 => { const C = C0.slice(); W.gemm(tA, tB, M, N, K, 0.5, A, 0, lda, B, 0, ldb, beta, C, 0, N); return C; };
      await sameOnThreads('gemm', () => [run(0), run(1)]);
      await sameOnThreads('gemm pinned', () => { W.pin(B); try { return [run(0), run(1)]; } finally { W.unpin(B); } });
      expect(pinnedBytes()).toBe(0);
    });
  }

  it('gate kernels and addRowVector split by rows, sumRowsInto by columns (above the thresholds, H % 4 ≠ 0)', async () => {
    const B = 37, H = 259, n = B * H;
    const gi3 = rand(3 * n, -4, 4), gh3 = rand(3 * n, -4, 4), hp = rand(n), save4 = rand(4 * n), dh = rand(n);
    const gi4 = rand(4 * n, -4, 4), gh4 = rand(4 * n, -4, 4), save5 = rand(5 * n), bias = rand(3 * H), big0 = rand(200 * 3 * H);
    await sameOnThreads('gates', () => {
      const h = new Float32Array(n), s = new Float32Array(4 * n), dgi = new Float32Array(3 * n), dgh = new Float32Array(3 * n);
      const dhp = new Float32Array(n), c = new Float32Array(n), m = new Float32Array(n), s5 = new Float32Array(5 * n);
      const dg = new Float32Array(4 * n), dcp = new Float32Array(n), x = gh3.slice();
      W.gruStepForward(B, H, gi3, 0, gh3, 0, hp, 0, h, 0, s, 0);
      W.gruStepBackward(B, H, dh, 0, hp, 0, save4, 0, dgi, 0, dgh, 0, dhp, 0);
      const rs = save4.slice(), rdgi = dgi.slice(), rdhp = dhp.slice(), rh = new Float32Array(n);
      W.gruResetBeforeGates(B, H, gi3, 0, gh3, 0, hp, 0, rs, 0);
      W.gruResetBeforeBlend(B, H, gi3, 0, dh, 0, hp, 0, rh, 0, rs, 0);
      W.gruResetBeforeBackwardBlend(B, H, dh, 0, hp, 0, save4, 0, rdgi, 0, rdhp, 0);
      W.gruResetBeforeBackwardGates(B, H, dh, 0, hp, 0, save4, 0, rdgi, 0, rdhp, 0);
      W.lstmStepForward(B, H, gi4, 0, gh4, 0, hp, 0, c, 0, m, 0, s5, 0);
      W.lstmStepBackward(B, H, dh, 0, hp, 0, hp, 0, save5, 0, dg, 0, dcp, 0);
      W.addRowVector(B, 3 * H, bias, 0, x, 0);
      const big = big0.slice();                // addRowVector splits only from 2 × 64 K elements
      W.addRowVector(200, 3 * H, bias, 0, big, 0);
      const v = bias.slice();
      W.sumRowsInto(4 * B, 3 * H, gi4, 0, v, 0);
      return [h, s, dgi, dgh, dhp, rs, rh, rdgi, rdhp, c, m, s5, dg, dcp, x, big, v];
    });
  });

  for (const cell of ['GRU', 'LSTM'] as const) {
    it(`a ${cell} + Linear training step (forward, backward, every gradient) is the same on 1 and 2 threads`, async () => {
      const T = 6, B = 32, I = 20, H = 131;
      const x = rand(T * B * I), y = rand(T * B * 7);
      await sameOnThreads(cell, () => {
        manualSeed(5);
        const net = cell === 'GRU' ? new GRU({ inputSize: I, hiddenSize: H, bidirectional: true })
          : new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2 });
        const D = cell === 'GRU' ? 2 : 1, lin = new Linear(D * H, 7);
        const out = net.forward(new Tensor(x, [T, B, I])).output;
        mse(lin.forward(out), new Tensor(y, [T, B, 7])).backward();
        return [out.data, ...[...net.parameters(), ...lin.parameters()].map((p) => p.grad!.data)];
      }, [2]);
    });
  }
});

describe('memory growth', { timeout: 60_000 }, () => {
  it('calls that grow the shared memory (ever larger C) split correctly right after each growth', async () => {
    await threads(2);
    for (const M of [600, 1200, 2400]) {
      const N = 1024, K = 16, A = rand(M * K), B = rand(K * N);
      const run = (): F32 => { const C = new Float32Array(M * N); W.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N); return C; };
      const two = bits(run());
      setNumThreads(1);
      expect(two).toEqual(bits(run()));
      await threads(2);
    }
  });
});

describe('workers that cannot help', { timeout: 60_000 }, () => {
  it('workers that never start: the caller runs every chunk, results unchanged, nothing waits forever', () => {
    const M = 64, N = 512, K = 256, A = rand(M * K), B = rand(K * N);
    const run = (): F32 => { const C = new Float32Array(M * N); W.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N); return C; };
    setNumThreads(1);
    const want = bits(run());
    setWorkerFactory(() => ({ postMessage() { /* never starts */ } }));
    try {
      setNumThreads(4);
      expect(bits(run())).toEqual(want);
      expect(getNumThreads()).toBe(4);
    } finally { setWorkerFactory(null); setNumThreads(0); }
  });

  it('where no worker can be made, the kernels stay on one thread', () => {
    setNumThreads(1);                 // retires the workers there are
    setWorkerFactory(() => { throw new Error('no workers here'); });
    try {
      setNumThreads(2);
      const M = 64, N = 512, K = 256, C = new Float32Array(M * N);
      W.gemm(false, false, M, N, K, 1, rand(M * K), 0, K, rand(K * N), 0, N, 0, C, 0, N);
      expect(getNumThreads()).toBe(1);
    } finally { setWorkerFactory(null); setNumThreads(0); }
    expect(getNumThreads()).toBeGreaterThanOrEqual(1);
  });
});
