// The WebAssembly SIMD kernels against the reference (src/kernels/ref.ts): every kernel on random shapes with row tails
// (n % 4 ≠ 0), zero sizes, offsets and padded leading dimensions, saturating inputs; pinned and unpinned operands give
// identical bits; sigmoid/tanh within a few float32 ulp of Math over a dense sweep; the committed embedded module
// equals a fresh build of assembly/; the backend selection.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { F32, Kernels } from '../../src/kernels/api.js';
import { refKernels as R } from '../../src/kernels/ref.js';
import { initWasmSync, pinnedBytes, wasmKernels as W } from '../../src/kernels/wasm.js';
import { getBackend, kernels, loadWasmBackend, ready, setBackend } from '../../src/kernels/select.js';
import { Rng } from '../../src/random.js';
import { compareClose, expectClose } from '../_util/close.js';
import { MODULE_PATH, freshModuleSource } from '../../scripts/build-wasm.js';

const SENTINEL = -777.25;
const rng = new Rng(20240531);

function rand(n: number, lo = -1, hi = 1): F32 {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

/** `n` random values after `off` sentinels and before 3 more. */
function padded(n: number, off: number, lo = -1, hi = 1): F32 {
  const a = new Float32Array(off + n + 3).fill(SENTINEL);
  a.set(rand(n, lo, hi), off);
  return a;
}

beforeAll(() => { expect(initWasmSync()).toBe(true); });

// ------------------------------------------------------------------------------------------------ gemm

type GemmCase = [tA: boolean, tB: boolean, M: number, N: number, K: number];

/** Runs one GEMM on both backends (and on wasm with A and B pinned); checks closeness, bit-identity and sentinels. */
function checkGemm([tA, tB, M, N, K]: GemmCase, alpha: number, beta: number, pad: number): void {
  const aRows = tA ? K : M, aCols = tA ? M : K, bRows = tB ? N : K, bCols = tB ? K : N;
  const lda = aCols + pad, ldb = bCols + pad, ldc = N + pad, aOff = 3, bOff = 5, cOff = 2;
  const A = padded(Math.max(0, aRows * lda), aOff), B = padded(Math.max(0, bRows * ldb), bOff);
  const C0 = padded(M * ldc, cOff, -2, 2);
  if (pad > 0) for (let i = 0; i < M; i++) C0.fill(SENTINEL, cOff + i * ldc + N, cOff + (i + 1) * ldc);
  if (beta === 0) for (let i = 0; i < M; i++) C0.fill(NaN, cOff + i * ldc, cOff + i * ldc + N); // must be ignored
  const run = (k: Kernels): F32 => { const C = C0.slice(); k.gemm(tA, tB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc); return C; };
  const ref = run(R), got = run(W);
  // scale of each entry: Σ_k |a||b| (the float32 rounding error of a dot product is relative to it)
  const what = `gemm tA=${tA} tB=${tB} M=${M} N=${N} K=${K} alpha=${alpha} beta=${beta} pad=${pad}`;
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) {
      s += Math.abs((tA ? A[aOff + k * lda + i] : A[aOff + i * lda + k]) * (tB ? B[bOff + j * ldb + k] : B[bOff + k * ldb + j]));
    }
    const p = cOff + i * ldc + j, tol = 1e-5 * (Math.abs(alpha) * s + Math.abs(beta === 0 ? 0 : beta * C0[p])) + 1e-30;
    if (!(Math.abs(got[p] - ref[p]) <= tol)) throw new Error(`${what}: C[${i},${j}] = ${got[p]}, reference ${ref[p]} (tolerance ${tol})`);
  }
  // everything outside the written entries is untouched
  for (let p = 0; p < C0.length; p++) {
    const inside = p >= cOff && (p - cOff) % ldc < N && Math.floor((p - cOff) / ldc) < M;
    if (!inside && !Object.is(got[p], C0[p])) throw new Error(`${what}: wrote outside C at ${p}`);
  }
  // pinned operands (B packed once, reused) give the same bits
  for (const pins of [[B], [A], [A, B]]) {
    pins.forEach((x) => W.pin(x));
    const again = run(W), twice = run(W);
    pins.forEach((x) => W.unpin(x));
    expect(Array.from(again), `${what} pinned`).toEqual(Array.from(got));
    expect(Array.from(twice), `${what} pinned, pack reused`).toEqual(Array.from(got));
  }
  expect(pinnedBytes()).toBe(0);
}

describe('wasm gemm', () => {
  const trans: [boolean, boolean][] = [[false, false], [false, true], [true, false], [true, true]];
  const shapes: [number, number, number][] = [
    [1, 1, 1], [2, 2, 2], [3, 5, 7], [4, 8, 4], [5, 9, 13], [7, 17, 3], [8, 16, 32], [13, 11, 29],
    [1, 37, 19], [1, 64, 70], [37, 1, 19], [45, 1, 66], [2, 3, 1], [6, 30, 260], [131, 21, 9], [33, 70, 300],
  ];
  for (const [tA, tB] of trans) {
    it(`random shapes with tails, tA=${tA} tB=${tB}, alpha/beta, offsets and leading dimensions`, () => {
      for (const [M, N, K] of shapes) {
        checkGemm([tA, tB, M, N, K], 1, 0, 0);
        checkGemm([tA, tB, M, N, K], 0.75, 1, 3);
        checkGemm([tA, tB, M, N, K], -1.5, -0.5, 1);
      }
    });
  }

  it('blocks larger than one packed panel (M > 128, K > 256) and RNN-like shapes', () => {
    checkGemm([false, true, 150, 40, 520], 1, 0, 0);
    checkGemm([true, false, 133, 27, 300], 1, 1, 2);
    checkGemm([false, false, 32, 96, 257], 1, 1, 0);
    checkGemm([false, true, 4, 192, 64], 1, 0, 0);
  });

  it('zero sizes: M or N = 0 writes nothing; K = 0 gives beta · C (0 when beta = 0)', () => {
    for (const [tA, tB] of trans) {
      for (const [M, N, K] of [[0, 5, 3], [4, 0, 3], [0, 0, 0], [3, 5, 0], [1, 5, 0], [4, 1, 0]] as const) {
        checkGemm([tA, tB, M, N, K], 1, 0, 0);
        checkGemm([tA, tB, M, N, K], 1, 0.5, 2);
      }
    }
    const C = new Float32Array([NaN, 2]);
    W.gemm(false, false, 1, 2, 0, 1, new Float32Array(0), 0, 0, new Float32Array(0), 0, 2, 0, C, 0, 2);
    expect(Array.from(C)).toEqual([0, 0]);
  });

  it('saturating magnitudes (±1e4) stay within the float32 rounding of the reference', () => {
    const M = 9, N = 13, K = 21, A = rand(M * K, -1e4, 1e4), B = rand(K * N, -20, 20);
    const c1 = new Float32Array(M * N), c2 = new Float32Array(M * N);
    R.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, c1, 0, N);
    W.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, c2, 0, N);
    expectClose(c2, c1, { atol: 1e-5 * 1e4 * 20 * K, rtol: 1e-5, what: 'gemm ±1e4' });
  });

  it('pins nest (counted) and the pinned copy is what runs while pinned; memory is released at the last unpin', () => {
    const M = 6, N = 10, K = 12, A = rand(M * K), B = rand(N * K), C = new Float32Array(M * N);
    const gemm = (): F32 => { W.gemm(false, true, M, N, K, 1, A, 0, K, B, 0, K, 0, C, 0, N); return C.slice(); };
    const before = gemm();
    W.pin(B); W.pin(B);
    const b0 = B[0];
    B[0] = 1000;                       // against the read-only contract, to observe which copy runs
    expect(Array.from(gemm())).toEqual(Array.from(before));
    W.unpin(B);
    expect(Array.from(gemm())).toEqual(Array.from(before));
    W.unpin(B);
    expect(pinnedBytes()).toBe(0);
    expect(gemm()[0]).not.toBe(before[0]);
    B[0] = b0;
  });

  it('a pinned array survives memory growth', () => {
    const M = 5, N = 9, K = 7, A = rand(M * K), B = rand(K * N), C = new Float32Array(M * N);
    W.pin(B);
    W.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N);
    const first = C.slice(), big = rand(1 << 22), y = new Float32Array(big.length);
    W.tanh(big.length, big, 0, y, 0);  // 32 MiB of scratch: grows the memory
    W.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N);
    W.unpin(B);
    expect(Array.from(C)).toEqual(Array.from(first));
  });
});

// ------------------------------------------------------------------------------------------------ activations

/** Distance in float32 units in the last place (±0 are the same point). */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  const ord = (i: number): number => (bits[i] < 0 ? -(bits[i] & 0x7fffffff) : bits[i]);
  return Math.abs(ord(0) - ord(1));
}

describe('wasm activations', () => {
  const exact = { sigmoid: (x: number) => 1 / (1 + Math.exp(-x)), tanh: Math.tanh } as const;

  // a dense sweep over [-110, 110] (beyond both saturation points), magnitudes 1e-40 … 1e30 of both signs, specials
  const sweep = ((): F32 => {
    const n = 1 << 21, m = 100000, xs = new Float32Array(n + 2 * m + 12);
    for (let i = 0; i < n; i++) xs[i] = -110 + (220 * i) / n;
    for (let i = 0; i < m; i++) { const v = 10 ** (-40 + (70 * i) / m); xs[n + 2 * i] = v; xs[n + 2 * i + 1] = -v; }
    xs.set([0, -0, 1e30, -1e30, Infinity, -Infinity, NaN, 1e-45, -1e-45, 88.7, -88.7, 103.9], n + 2 * m);
    return xs;
  })();

  for (const name of ['sigmoid', 'tanh'] as const) {
    it(`${name}: within 2 float32 ulp of Math over a dense sweep; saturates; NaN propagates`, () => {
      const y = new Float32Array(sweep.length);
      W[name](sweep.length, sweep, 0, y, 0);
      let worst = 0, at = 0;
      for (let i = 0; i < sweep.length; i++) {
        const u = ulps(y[i], Math.fround(exact[name](sweep[i])));
        if (u > worst) { worst = u; at = sweep[i]; }
      }
      expect(worst, `${name}: max ${worst} ulp at x = ${at}`).toBeLessThanOrEqual(2);
      const s = new Float32Array([1e30, -1e30, 1e4, -1e4, 20, -20, NaN, Infinity, -Infinity]), o = new Float32Array(9);
      W[name](9, s, 0, o, 0);
      const lo = name === 'sigmoid' ? 0 : -1;
      expect(Array.from(o.subarray(0, 4))).toEqual([1, lo, 1, lo]);
      expect(Number.isNaN(o[6])).toBe(true);
      expect([o[7], o[8]]).toEqual([1, lo]);
      expect(Object.is(o[5], Math.fround(exact[name](-20)))).toBe(true);
    });
  }

  it('tanh(−0) = −0; relu is the reference bit for bit (NaN propagates, −0 stays −0)', () => {
    const t = new Float32Array(1);
    W.tanh(1, new Float32Array([-0]), 0, t, 0);
    expect(Object.is(t[0], -0)).toBe(true);
    const x = new Float32Array([-1, 0, -0, 2.5, NaN, -Infinity, Infinity, -1e-45, 3, -4, 5]);
    const a = new Float32Array(x.length), b = new Float32Array(x.length);
    R.relu(x.length, x, 0, a, 0); W.relu(x.length, x, 0, b, 0);
    for (let i = 0; i < x.length; i++) expect(Object.is(a[i], b[i]), `relu(${x[i]})`).toBe(true);
  });

  it('every length 0..19 at offsets, nothing written outside', () => {
    for (const name of ['sigmoid', 'tanh', 'relu'] as const) {
      for (let n = 0; n < 20; n++) {
        const x = padded(n, 3, -6, 6), y1 = padded(n, 2), y2 = y1.slice();
        R[name](n, x, 3, y1, 2); W[name](n, x, 3, y2, 2);
        expectClose(y2, y1, { atol: 0, rtol: 3e-7, what: `${name} n=${n}` });
      }
    }
  });

  it('addRowVector and sumRowsInto equal the reference bit for bit (sums in float64)', () => {
    for (const [M, N] of [[0, 3], [3, 0], [1, 1], [3, 5], [7, 16], [5, 19], [2048, 37], [9, 35]] as const) {
      const v = padded(N, 1), X = padded(M * N, 4, -3, 3);
      const x1 = X.slice(), x2 = X.slice();
      R.addRowVector(M, N, v, 1, x1, 4); W.addRowVector(M, N, v, 1, x2, 4);
      expect(Array.from(x2), `addRowVector ${M}x${N}`).toEqual(Array.from(x1));
      const s1 = padded(N, 2), s2 = s1.slice();
      R.sumRowsInto(M, N, X, 4, s1, 2); W.sumRowsInto(M, N, X, 4, s2, 2);
      expect(Array.from(s2), `sumRowsInto ${M}x${N}`).toEqual(Array.from(s1));
    }
  });
});

// ------------------------------------------------------------------------------------------------ gate kernels

/** One argument of a kernel call: its size (in units of B·H) and whether the kernel writes it. */
interface Arg { size: number; out?: boolean; range?: [number, number]; probs?: boolean }

/**
 * Calls `call(k, arrays, offsets)` on both backends with random padded arrays (inputs in [lo, hi], saved
 * probabilities in (0, 1)); compares every output, checks sentinels, and re-runs wasm with every input pinned.
 */
function checkStep(name: string, B: number, H: number, args: Arg[], call: (k: Kernels, a: F32[], o: number[]) => void,
  lo = -2, hi = 2): void {
  const n = B * H, offs = args.map((_, i) => (i * 3) % 5);
  const base = args.map((a, i) => (a.probs ? padded(a.size * n, offs[i], 0.02, 0.98)
    : padded(a.size * n, offs[i], a.range?.[0] ?? lo, a.range?.[1] ?? hi)));
  const run = (k: Kernels): F32[] => { const arrs = base.map((x) => x.slice()); call(k, arrs, offs); return arrs; };
  const ref = run(R), got = run(W);
  args.forEach((a, i) => {
    if (!a.out) { expect(Array.from(got[i])).toEqual(Array.from(base[i])); return; }
    const r = compareClose(got[i], ref[i], { atol: 2e-6, rtol: 2e-5, what: `${name} B=${B} H=${H} arg ${i}` });
    expect(r.ok, r.message).toBe(true);
  });
  // pinned inputs: identical bits
  const inputs = base.filter((_, i) => !args[i].out);
  const arrs = base.map((x, i) => (args[i].out ? x.slice() : x));
  inputs.forEach((x) => W.pin(x));
  call(W, arrs, offs);
  inputs.forEach((x) => W.unpin(x));
  args.forEach((a, i) => { if (a.out) expect(Array.from(arrs[i]), `${name} pinned arg ${i}`).toEqual(Array.from(got[i])); });
}

describe('wasm gate kernels', () => {
  const sizes: [number, number][] = [[0, 4], [3, 0], [1, 1], [1, 4], [2, 3], [3, 5], [4, 8], [5, 13], [2, 33]];
  // magnitudes: ordinary, and saturating pre-activations
  const ranges: [number, number][] = [[-2, 2], [-20, 20], [-1e4, 1e4]];
  const cases: [string, Arg[], (k: Kernels, a: F32[], o: number[], B: number, H: number) => void][] = [
    ['gruStepForward', [{ size: 3 }, { size: 3 }, { size: 1, range: [-1, 1] }, { size: 1, out: true }, { size: 4, out: true }],
      (k, a, o, B, H) => k.gruStepForward(B, H, a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3], a[4], o[4])],
    ['gruStepBackward', [{ size: 1, range: [-1, 1] }, { size: 1, range: [-1, 1] }, { size: 4, probs: true },
      { size: 3, out: true }, { size: 3, out: true }, { size: 1, out: true }],
    (k, a, o, B, H) => k.gruStepBackward(B, H, a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3], a[4], o[4], a[5], o[5])],
    ['gruResetBeforeGates', [{ size: 3 }, { size: 2 }, { size: 1, range: [-1, 1] }, { size: 4, out: true }],
      (k, a, o, B, H) => k.gruResetBeforeGates(B, H, a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3])],
    ['gruResetBeforeBlend', [{ size: 3 }, { size: 1 }, { size: 1, range: [-1, 1] }, { size: 1, out: true }, { size: 4, out: true, probs: true }],
      (k, a, o, B, H) => k.gruResetBeforeBlend(B, H, a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3], a[4], o[4])],
    ['gruResetBeforeBackwardBlend', [{ size: 1, range: [-1, 1] }, { size: 1, range: [-1, 1] }, { size: 4, probs: true },
      { size: 3, out: true }, { size: 1, out: true }],
    (k, a, o, B, H) => k.gruResetBeforeBackwardBlend(B, H, a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3], a[4], o[4])],
    ['gruResetBeforeBackwardGates', [{ size: 1, range: [-1, 1] }, { size: 1, range: [-1, 1] }, { size: 4, probs: true },
      { size: 3, out: true }, { size: 1, out: true }],
    (k, a, o, B, H) => k.gruResetBeforeBackwardGates(B, H, a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3], a[4], o[4])],
    ['lstmStepForward', [{ size: 4 }, { size: 4 }, { size: 1, range: [-3, 3] }, { size: 1, out: true }, { size: 1, out: true },
      { size: 5, out: true }],
    (k, a, o, B, H) => k.lstmStepForward(B, H, a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3], a[4], o[4], a[5], o[5])],
    ['lstmStepBackward', [{ size: 1, range: [-1, 1] }, { size: 1, range: [-1, 1] }, { size: 1, range: [-3, 3] },
      { size: 5, probs: true }, { size: 4, out: true }, { size: 1, out: true }],
    (k, a, o, B, H) => k.lstmStepBackward(B, H, a[0], o[0], a[1], o[1], a[2], o[2], a[3], o[3], a[4], o[4], a[5], o[5])],
    ['rnnStepForward tanh', [{ size: 1 }, { size: 1 }, { size: 1, out: true }],
      (k, a, o, B, H) => k.rnnStepForward(B, H, false, a[0], o[0], a[1], o[1], a[2], o[2])],
    ['rnnStepForward relu', [{ size: 1 }, { size: 1 }, { size: 1, out: true }],
      (k, a, o, B, H) => k.rnnStepForward(B, H, true, a[0], o[0], a[1], o[1], a[2], o[2])],
    ['rnnStepBackward tanh', [{ size: 1, range: [-1, 1] }, { size: 1, range: [-1, 1] }, { size: 1, out: true }],
      (k, a, o, B, H) => k.rnnStepBackward(B, H, false, a[0], o[0], a[1], o[1], a[2], o[2])],
    ['rnnStepBackward relu', [{ size: 1, range: [-1, 1] }, { size: 1 }, { size: 1, out: true }],
      (k, a, o, B, H) => k.rnnStepBackward(B, H, true, a[0], o[0], a[1], o[1], a[2], o[2])],
  ];
  for (const [name, args, call] of cases) {
    it(`${name}: matches the reference on tails, zero sizes, offsets and saturating inputs; pinned = unpinned`, () => {
      for (const [B, H] of sizes) {
        for (const [lo, hi] of ranges) checkStep(name, B, H, args, (k, a, o) => call(k, a, o, B, H), lo, hi);
      }
    });
  }
});

// ------------------------------------------------------------------------------------------------ module and selection

describe('wasm module and backend selection', () => {
  it('the committed embedded module equals a fresh build of assembly/', async () => {
    const fresh = await freshModuleSource();
    expect(readFileSync(MODULE_PATH, 'utf8') === fresh, 'src/kernels/_wasm_module.ts is stale: run npm run build:wasm').toBe(true);
  }, 120_000);

  it("'wasm' loads synchronously here, is selectable, and ready() resolves to the active backend", async () => {
    const was = getBackend();
    try {
      expect(loadWasmBackend()).toBe(true);
      setBackend('wasm');
      expect(kernels()).toBe(W);
      expect(await ready()).toBe('wasm');
      setBackend('js');
      expect(getBackend()).toBe('js');
      expect(await ready()).toBe('js');   // an explicit choice is kept
      expect(() => setBackend('gpu')).toThrow(/unknown kernel backend 'gpu'/);
    } finally { setBackend(was); }
  });
});
