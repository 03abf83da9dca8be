// Reference kernels: GEMM against a naive triple loop (all transpose combos, alpha/beta, offsets, padded leading
// dimensions, odd and zero sizes), the activation and bias kernels, and the GRU / LSTM / RNN step kernels: forward
// against the scalar formulas, backward against central finite differences of the forward kernel.
//
// The finite-difference checks run the kernels on Float64Array buffers (the reference kernels are plain JS and
// work on any indexable array), so the forward is evaluated in float64 and the difference quotients are accurate
// to ~1e-9 — far tighter than a float32 check could be. The one deliberate float32 rounding inside (LSTM's
// tanh(fround(c))) makes the LSTM check coarser; see there.
import { describe, it, expect } from 'vitest';
import { refKernels as K } from '../../src/kernels/ref.js';
import { kernels, getBackend, setBackend } from '../../src/kernels/select.js';
import { Rng } from '../../src/random.js';
import { expectClose } from '../_util/close.js';

type F32 = Float32Array;
const as32 = (a: Float64Array): F32 => a as unknown as F32; // run the kernel in float64 (test only)

const SENTINEL = -777.25;

function randArray(rng: Rng, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

/** An F32 buffer with `off` sentinel elements before the data and `pad` after it. */
function padded(rng: Rng, n: number, off: number, pad: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(off + n + pad).fill(SENTINEL);
  a.set(randArray(rng, n, lo, hi), off);
  return a;
}

const sentinelsIntact = (a: ArrayLike<number>, ranges: [number, number][]): boolean =>
  ranges.every(([s, e]) => { for (let i = s; i < e; i++) if (a[i] !== SENTINEL) return false; return true; });

// ------------------------------------------------------------------------------------------------ gemm

/** C = alpha op(A) op(B) + beta C by the textbook triple loop in float64, rounded to float32. */
function naiveGemm(tA: boolean, tB: boolean, M: number, N: number, K_: number, alpha: number, A: F32, aOff: number, lda: number,
  B: F32, bOff: number, ldb: number, beta: number, C: F32, cOff: number, ldc: number): Float32Array {
  const out = C.slice();
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K_; k++) {
      const a = tA ? A[aOff + k * lda + i] : A[aOff + i * lda + k];
      const b = tB ? B[bOff + j * ldb + k] : B[bOff + k * ldb + j];
      s += a * b;
    }
    out[cOff + i * ldc + j] = alpha * s + (beta === 0 ? 0 : beta * C[cOff + i * ldc + j]);
  }
  return out;
}

interface GemmCase { tA: boolean; tB: boolean; M: number; N: number; K: number; alpha: number; beta: number; extraLd: number; off: number }

/** Builds padded operands, runs the kernel and the naive loop, and compares the whole C buffer (padding included). */
function runGemm(rng: Rng, c: GemmCase): { got: Float32Array; want: Float32Array; what: string } {
  const { tA, tB, M, N, K: Kd, alpha, beta, extraLd, off } = c;
  // stored shapes: A is [M,K] (or [K,M] when transposed), B is [K,N] (or [N,K]); leading dim = stored width + extra
  const aRows = tA ? Kd : M, aCols = tA ? M : Kd, bRows = tB ? N : Kd, bCols = tB ? Kd : N;
  const lda = aCols + extraLd, ldb = bCols + extraLd, ldc = N + extraLd;
  const aOff = off, bOff = off + 1, cOff = off + 2;
  const A = new Float32Array(aOff + Math.max(aRows * lda, 1) + 3).fill(SENTINEL);
  const B = new Float32Array(bOff + Math.max(bRows * ldb, 1) + 3).fill(SENTINEL);
  const C = new Float32Array(cOff + Math.max(M * ldc, 1) + 3).fill(SENTINEL);
  for (let r = 0; r < aRows; r++) for (let q = 0; q < aCols; q++) A[aOff + r * lda + q] = rng.uniform(-1, 1);
  for (let r = 0; r < bRows; r++) for (let q = 0; q < bCols; q++) B[bOff + r * ldb + q] = rng.uniform(-1, 1);
  for (let r = 0; r < M; r++) for (let q = 0; q < N; q++) C[cOff + r * ldc + q] = rng.uniform(-1, 1);
  const want = naiveGemm(tA, tB, M, N, Kd, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
  const Acopy = A.slice(), Bcopy = B.slice();
  K.gemm(tA, tB, M, N, Kd, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc);
  expect(A).toEqual(Acopy); // inputs untouched
  expect(B).toEqual(Bcopy);
  return { got: C, want, what: `gemm tA=${tA} tB=${tB} M=${M} N=${N} K=${Kd} alpha=${alpha} beta=${beta} ld+${extraLd} off=${off}` };
}

describe('gemm', () => {
  const sizes = [1, 3, 5, 7, 17];
  const scalings: [number, number][] = [[1, 0], [0.5, -1.5], [-2, 1]];
  for (const tA of [false, true]) for (const tB of [false, true]) {
    it(`transA=${tA} transB=${tB}: odd sizes, alpha/beta, offsets, padded leading dims vs a naive triple loop`, () => {
      const rng = new Rng((tA ? 2 : 0) + (tB ? 1 : 0));
      let n = 0;
      for (const M of sizes) for (const N of sizes) for (const Kd of sizes) {
        const [alpha, beta] = scalings[n % scalings.length];
        const extraLd = n % 3, off = (n * 7) % 5;
        n++;
        const { got, want, what } = runGemm(rng, { tA, tB, M, N, K: Kd, alpha, beta, extraLd, off });
        expectClose(got, want, { atol: 1e-6, rtol: 1e-6, what }); // padding and offsets are compared too (sentinels)
      }
    });
  }

  it('hand-computed 2x2 with alpha and beta', () => {
    const A = new Float32Array([1, 2, 3, 4]), B = new Float32Array([5, 6, 7, 8]), C = new Float32Array([1, 1, 1, 1]);
    K.gemm(false, false, 2, 2, 2, 2, A, 0, 2, B, 0, 2, 3, C, 0, 2);
    expect(Array.from(C)).toEqual([2 * 19 + 3, 2 * 22 + 3, 2 * 43 + 3, 2 * 50 + 3]);
    const D = new Float32Array(4);
    K.gemm(true, true, 2, 2, 2, 1, A, 0, 2, B, 0, 2, 0, D, 0, 2); // Aᵀ Bᵀ = (B A)ᵀ
    expect(Array.from(D)).toEqual([23, 31, 34, 46]);
  });

  it('beta = 0 ignores the old contents of C (even NaN)', () => {
    const A = new Float32Array([1, 2]), B = new Float32Array([3, 4]);
    for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      const C = new Float32Array([NaN]);
      K.gemm(tA, tB, 1, 1, 2, 1, A, 0, tA ? 1 : 2, B, 0, tB ? 2 : 1, 0, C, 0, 1);
      expect(C[0]).toBe(11);
    }
  });

  it('zero sizes: M = 0 or N = 0 leave C alone; K = 0 gives beta·C (zeros for beta = 0)', () => {
    const rng = new Rng(99);
    for (const [tA, tB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      for (const [M, N] of [[0, 3], [3, 0], [0, 0]]) {
        const C = new Float32Array(12).fill(SENTINEL);
        K.gemm(tA, tB, M, N, 4, 1, randArray(rng, 12), 0, 4, randArray(rng, 12), 0, 4, 0, C, 0, 3);
        expect(sentinelsIntact(C, [[0, 12]])).toBe(true);
      }
      // K = 0, beta = 0 → C = 0 exactly (padding untouched)
      const M = 3, N = 5, ldc = 6;
      const C = new Float32Array(2 + M * ldc).fill(SENTINEL);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) C[2 + i * ldc + j] = NaN;
      K.gemm(tA, tB, M, N, 0, 1.5, new Float32Array(0), 0, tA ? M : 1, new Float32Array(0), 0, tB ? 1 : N, 0, C, 2, ldc);
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) expect(C[2 + i * ldc + j]).toBe(0);
        expect(C[2 + i * ldc + N]).toBe(SENTINEL);
      }
      expect(C[0]).toBe(SENTINEL);
      expect(C[1]).toBe(SENTINEL);
      // K = 0, beta = 2 → C doubled
      const D = new Float32Array([1, 2, 3, 4]);
      K.gemm(tA, tB, 2, 2, 0, 1, new Float32Array(0), 0, 2, new Float32Array(0), 0, 2, 2, D, 0, 2);
      expect(Array.from(D)).toEqual([2, 4, 6, 8]);
    }
  });

  it('accumulates in float64 and rounds once (exactly the rounded float64 dot product)', () => {
    // 1 + 2⁻²⁴ − 1 in float32 steps would give 0; in float64 it keeps the tiny term
    const A = new Float32Array([1, 2 ** -24, -1]), B = new Float32Array([1, 1, 1]), C = new Float32Array(1);
    K.gemm(false, false, 1, 1, 3, 1, A, 0, 3, B, 0, 1, 0, C, 0, 1);
    expect(C[0]).toBe(2 ** -24);
    K.gemm(false, true, 1, 1, 3, 1, A, 0, 3, B, 0, 3, 0, C, 0, 1);
    expect(C[0]).toBe(2 ** -24);
  });

  it("is the backend named 'js' (the default is 'wasm' where it loads; see test/kernels/wasm.test.ts)", () => {
    const was = getBackend();
    setBackend('js');
    try {
      expect(getBackend()).toBe('js');
      expect(kernels()).toBe(K);
    } finally { setBackend(was); }
  });
});

// ------------------------------------------------------------------------------------------------ elementwise

describe('activation and bias kernels', () => {
  const acts = {
    sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
    tanh: Math.tanh,
    relu: (x: number) => (x < 0 ? 0 : x),
  } as const;
  for (const [name, f] of Object.entries(acts)) {
    it(`${name}: values at offsets, the rest of the buffers untouched`, () => {
      const rng = new Rng(name.length);
      const n = 37, xo = 3, yo = 5;
      const x = padded(rng, n, xo, 2, -8, 8);
      x[xo] = 0; x[xo + 1] = -0; x[xo + 2] = 30; x[xo + 3] = -30; x[xo + 4] = 1e-30;
      const y = new Float32Array(yo + n + 4).fill(SENTINEL);
      (K as unknown as Record<string, (n: number, x: F32, xo: number, y: F32, yo: number) => void>)[name](n, x, xo, y, yo);
      expectClose(y.subarray(yo, yo + n), Array.from(x.subarray(xo, xo + n), (v) => Math.fround(f(v))), { atol: 0, rtol: 0, what: name });
      expect(sentinelsIntact(y, [[0, yo], [yo + n, y.length]])).toBe(true);
      // in place works too
      const z = x.slice();
      (K as unknown as Record<string, (n: number, x: F32, xo: number, y: F32, yo: number) => void>)[name](n, z, xo, z, xo);
      expect(z.subarray(xo, xo + n)).toEqual(y.subarray(yo, yo + n));
    });
  }

  it('extreme and special values', () => {
    const x = new Float32Array([-1000, 1000, NaN, Infinity, -Infinity]), y = new Float32Array(5);
    K.sigmoid(5, x, 0, y, 0);
    expect(Array.from(y.subarray(0, 2))).toEqual([0, 1]);
    expect(Number.isNaN(y[2])).toBe(true);
    expect(Array.from(y.subarray(3))).toEqual([1, 0]);
    K.tanh(5, x, 0, y, 0);
    expect(Array.from(y.subarray(0, 2))).toEqual([-1, 1]);
    expect(Number.isNaN(y[2])).toBe(true);
    K.relu(5, x, 0, y, 0);
    expect(Array.from(y.subarray(0, 2))).toEqual([0, 1000]);
    expect(Number.isNaN(y[2])).toBe(true); // NaN propagates, like PyTorch's relu
    expect(Array.from(y.subarray(3))).toEqual([Infinity, 0]);
  });

  it('addRowVector and sumRowsInto', () => {
    const rng = new Rng(12);
    const M = 5, N = 7, vo = 2, xo = 3;
    const v = padded(rng, N, vo, 1), X = padded(rng, M * N, xo, 2);
    const X0 = X.slice();
    K.addRowVector(M, N, v, vo, X, xo);
    const want = X0.slice();
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) want[xo + i * N + j] = Math.fround(X0[xo + i * N + j] + v[vo + j]);
    expect(X).toEqual(want);
    const acc = padded(rng, N, 1, 1), acc0 = acc.slice();
    K.sumRowsInto(M, N, X, xo, acc, 1);
    const wantAcc = acc0.slice();
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let i = 0; i < M; i++) s += X[xo + i * N + j];
      wantAcc[1 + j] = Math.fround(acc0[1 + j] + s);
    }
    expect(acc).toEqual(wantAcc);
    K.sumRowsInto(0, N, X, xo, acc, 1); // no rows: unchanged
    expect(acc).toEqual(wantAcc);
  });
});

// ------------------------------------------------------------------------------------------------ recurrent steps

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

/** Float64 buffer with random values. */
function rand64(rng: Rng, n: number, lo = -1, hi = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(lo, hi);
  return a;
}

/**
 * Central differences of loss(inputs) with respect to every element of each listed input (float64 buffers),
 * compared to the analytic gradients.
 */
function fdCheck(what: string, inputs: Record<string, Float64Array>, loss: () => number,
  analytic: Record<string, ArrayLike<number>>, eps: number, atol: number, rtol: number): void {
  for (const [name, buf] of Object.entries(inputs)) {
    const num = new Float64Array(buf.length);
    for (let i = 0; i < buf.length; i++) {
      const x0 = buf[i];
      buf[i] = x0 + eps; const lp = loss();
      buf[i] = x0 - eps; const lm = loss();
      buf[i] = x0;
      num[i] = (lp - lm) / (2 * eps);
    }
    expectClose(analytic[name], num, { atol, rtol, what: `${what}: d/d${name}` });
  }
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; };

describe('GRU step kernels (reset after the recurrent product, PyTorch)', () => {
  it('forward matches the scalar formulas (offsets, float32 buffers)', () => {
    const rng = new Rng(1);
    const B = 3, H = 4, o = 2;
    const gi = padded(rng, B * 3 * H, o, 1, -2, 2), gh = padded(rng, B * 3 * H, o + 1, 1, -2, 2), hp = padded(rng, B * H, o + 2, 1);
    const h = new Float32Array(o + B * H + 2).fill(SENTINEL), save = new Float32Array(o + B * 4 * H + 2).fill(SENTINEL);
    K.gruStepForward(B, H, gi, o, gh, o + 1, hp, o + 2, h, o, save, o);
    for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
      const G = (buf: F32, off: number, gate: number): number => buf[off + b * 3 * H + gate * H + j];
      const r = sig(G(gi, o, 0) + G(gh, o + 1, 0));
      const z = sig(G(gi, o, 1) + G(gh, o + 1, 1));
      const n = Math.tanh(G(gi, o, 2) + r * G(gh, o + 1, 2));
      const hPrev = hp[o + 2 + b * H + j];
      const want = (1 - z) * n + z * hPrev;
      expectClose([h[o + b * H + j]], [want], { atol: 2e-7, rtol: 2e-7, what: `h[${b},${j}]` });
      const s = o + b * 4 * H;
      expectClose([save[s + j], save[s + H + j], save[s + 2 * H + j], save[s + 3 * H + j]], [r, z, n, G(gh, o + 1, 2)],
        { atol: 1e-7, rtol: 1e-7, what: `save[${b},${j}]` });
    }
    expect(sentinelsIntact(h, [[0, o], [o + B * H, h.length]])).toBe(true);
    expect(sentinelsIntact(save, [[0, o], [o + B * 4 * H, save.length]])).toBe(true);
  });

  it('backward equals finite differences of the forward (float64)', () => {
    const rng = new Rng(2);
    const B = 2, H = 3;
    const gi = rand64(rng, B * 3 * H, -1.5, 1.5), gh = rand64(rng, B * 3 * H, -1.5, 1.5), hp = rand64(rng, B * H);
    const w = rand64(rng, B * H);
    const h = new Float64Array(B * H), save = new Float64Array(B * 4 * H);
    const loss = (): number => {
      K.gruStepForward(B, H, as32(gi), 0, as32(gh), 0, as32(hp), 0, as32(h), 0, as32(save), 0);
      return dot(w, h);
    };
    loss();
    const dgi = new Float64Array(B * 3 * H), dgh = new Float64Array(B * 3 * H), dhp = new Float64Array(B * H);
    K.gruStepBackward(B, H, as32(w), 0, as32(hp), 0, as32(save), 0, as32(dgi), 0, as32(dgh), 0, as32(dhp), 0);
    fdCheck('gru', { gi, gh, hp }, loss, { gi: dgi, gh: dgh, hp: dhp }, 1e-5, 1e-8, 1e-6);
  });

  it('backward honours offsets (float32 buffers, same values as at offset 0)', () => {
    const rng = new Rng(3);
    const B = 2, H = 3, o = 3;
    const gi = padded(rng, B * 3 * H, o, 1), gh = padded(rng, B * 3 * H, o, 1), hp = padded(rng, B * H, o, 1), dh = padded(rng, B * H, o, 1);
    const h = new Float32Array(o + B * H), save = new Float32Array(o + B * 4 * H);
    K.gruStepForward(B, H, gi, o, gh, o, hp, o, h, o, save, o);
    const dgi = new Float32Array(o + B * 3 * H + 2).fill(SENTINEL), dgh = dgi.slice(), dhp = new Float32Array(o + B * H + 2).fill(SENTINEL);
    K.gruStepBackward(B, H, dh, o, hp, o, save, o, dgi, o, dgh, o, dhp, o);
    // same at offset 0
    const s = (a: F32, n: number): F32 => a.slice(o, o + n);
    const dgi0 = new Float32Array(B * 3 * H), dgh0 = new Float32Array(B * 3 * H), dhp0 = new Float32Array(B * H);
    K.gruStepBackward(B, H, s(dh, B * H), 0, s(hp, B * H), 0, s(save, B * 4 * H), 0, dgi0, 0, dgh0, 0, dhp0, 0);
    expect(s(dgi, B * 3 * H)).toEqual(dgi0);
    expect(s(dgh, B * 3 * H)).toEqual(dgh0);
    expect(s(dhp, B * H)).toEqual(dhp0);
    expect(sentinelsIntact(dgi, [[0, o], [o + B * 3 * H, dgi.length]])).toBe(true);
    expect(sentinelsIntact(dhp, [[0, o], [o + B * H, dhp.length]])).toBe(true);
  });
});

describe('GRU step kernels (reset before the recurrent product, Cho 2014)', () => {
  // The layer computes ghN = (r ⊙ hPrev) W_hnᵀ + b_hn between the two half-steps; the test plays that part.
  const B = 2, H = 3;
  function setup(seed: number) {
    const rng = new Rng(seed);
    return {
      gi: rand64(rng, B * 3 * H, -1.5, 1.5), ghRZ: rand64(rng, B * 2 * H, -1.5, 1.5), hp: rand64(rng, B * H),
      W: rand64(rng, H * H), bn: rand64(rng, H), w: rand64(rng, B * H),
    };
  }
  function forward(p: ReturnType<typeof setup>, h: Float64Array, save: Float64Array, ghN: Float64Array): void {
    K.gruResetBeforeGates(B, H, as32(p.gi), 0, as32(p.ghRZ), 0, as32(p.hp), 0, as32(save), 0);
    for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
      let s = p.bn[j];
      for (let k = 0; k < H; k++) s += save[b * 4 * H + 3 * H + k] * p.W[j * H + k];
      ghN[b * H + j] = s;
    }
    K.gruResetBeforeBlend(B, H, as32(p.gi), 0, as32(ghN), 0, as32(p.hp), 0, as32(h), 0, as32(save), 0);
  }

  it('forward matches the scalar formulas', () => {
    const p = setup(4);
    const h = new Float64Array(B * H), save = new Float64Array(B * 4 * H), ghN = new Float64Array(B * H);
    forward(p, h, save, ghN);
    for (let b = 0; b < B; b++) {
      const r = [], z = [];
      for (let j = 0; j < H; j++) {
        r.push(sig(p.gi[b * 3 * H + j] + p.ghRZ[b * 2 * H + j]));
        z.push(sig(p.gi[b * 3 * H + H + j] + p.ghRZ[b * 2 * H + H + j]));
      }
      for (let j = 0; j < H; j++) {
        let s = p.bn[j];
        for (let k = 0; k < H; k++) s += p.W[j * H + k] * r[k] * p.hp[b * H + k];
        const n = Math.tanh(p.gi[b * 3 * H + 2 * H + j] + s);
        const want = (1 - z[j]) * n + z[j] * p.hp[b * H + j];
        expectClose([h[b * H + j]], [want], { atol: 1e-14, rtol: 1e-12, what: `h[${b},${j}]` });
        const s0 = b * 4 * H;
        expectClose([save[s0 + j], save[s0 + H + j], save[s0 + 2 * H + j], save[s0 + 3 * H + j]],
          [r[j], z[j], n, r[j] * p.hp[b * H + j]], { atol: 1e-14, rtol: 1e-12 });
      }
    }
  });

  it('the two backward halves equal finite differences of the composed forward (float64)', () => {
    const p = setup(5);
    const h = new Float64Array(B * H), save = new Float64Array(B * 4 * H), ghN = new Float64Array(B * H);
    const loss = (): number => { forward(p, h, save, ghN); return dot(p.w, h); };
    loss();
    const dgi = new Float64Array(B * 3 * H).fill(12345), dhp = new Float64Array(B * H);
    K.gruResetBeforeBackwardBlend(B, H, as32(p.w), 0, as32(p.hp), 0, as32(save), 0, as32(dgi), 0, as32(dhp), 0);
    for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) expect(dgi[b * 3 * H + j]).toBe(12345); // r block left alone
    // dRh = dn̂ · W_hn (what the layer does with a GEMM)
    const dRh = new Float64Array(B * H);
    for (let b = 0; b < B; b++) for (let k = 0; k < H; k++) {
      let s = 0;
      for (let j = 0; j < H; j++) s += dgi[b * 3 * H + 2 * H + j] * p.W[j * H + k];
      dRh[b * H + k] = s;
    }
    K.gruResetBeforeBackwardGates(B, H, as32(dRh), 0, as32(p.hp), 0, as32(save), 0, as32(dgi), 0, as32(dhp), 0);
    // the recurrent r/z pre-activations get the same gradient as the input ones
    const dghRZ = new Float64Array(B * 2 * H);
    for (let b = 0; b < B; b++) for (let q = 0; q < 2 * H; q++) dghRZ[b * 2 * H + q] = dgi[b * 3 * H + q];
    fdCheck('gru-cho', { gi: p.gi, ghRZ: p.ghRZ, hp: p.hp }, loss, { gi: dgi, ghRZ: dghRZ, hp: dhp }, 1e-5, 1e-8, 1e-6);
  });
});

describe('LSTM step kernels', () => {
  it('forward matches the scalar formulas (offsets, float32 buffers)', () => {
    const rng = new Rng(6);
    const B = 3, H = 4, o = 1;
    const gi = padded(rng, B * 4 * H, o, 1, -2, 2), gh = padded(rng, B * 4 * H, o + 2, 1, -2, 2), cp = padded(rng, B * H, o, 1, -2, 2);
    const c = new Float32Array(o + B * H + 1).fill(SENTINEL), m = c.slice(), save = new Float32Array(o + B * 5 * H + 1).fill(SENTINEL);
    K.lstmStepForward(B, H, gi, o, gh, o + 2, cp, o, c, o, m, o, save, o);
    for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) {
      const G = (gate: number): number => gi[o + b * 4 * H + gate * H + j] + gh[o + 2 + b * 4 * H + gate * H + j];
      const ig = sig(G(0)), fg = sig(G(1)), gg = Math.tanh(G(2)), og = sig(G(3));
      const cv = fg * cp[o + b * H + j] + ig * gg;
      const mv = og * Math.tanh(cv);
      expectClose([c[o + b * H + j], m[o + b * H + j]], [cv, mv], { atol: 2e-7, rtol: 2e-7, what: `c,m[${b},${j}]` });
      const s = o + b * 5 * H;
      expectClose([0, 1, 2, 3, 4].map((q) => save[s + q * H + j]), [ig, fg, gg, og, Math.tanh(cv)], { atol: 1e-7, rtol: 1e-7 });
    }
    expect(sentinelsIntact(c, [[0, o], [o + B * H, c.length]])).toBe(true);
    expect(sentinelsIntact(m, [[0, o], [o + B * H, m.length]])).toBe(true);
    expect(sentinelsIntact(save, [[0, o], [o + B * 5 * H, save.length]])).toBe(true);
  });

  it('tanh(c) is taken of the float32-rounded cell state (what PyTorch stores)', () => {
    // over many random cells, tanh of the unrounded float64 c would round differently somewhere
    const rng = new Rng(66);
    const H = 4000;
    const gi = randArray(rng, 4 * H, -2, 2), gh = randArray(rng, 4 * H, -2, 2), cp = randArray(rng, H, -3, 3);
    const c = new Float32Array(H), m = new Float32Array(H), save = new Float32Array(5 * H);
    K.lstmStepForward(1, H, gi, 0, gh, 0, cp, 0, c, 0, m, 0, save, 0);
    for (let j = 0; j < H; j++) {
      if (save[4 * H + j] !== Math.fround(Math.tanh(c[j]))) expect.fail(`tanh(c) at ${j}: ${save[4 * H + j]} vs ${Math.fround(Math.tanh(c[j]))}`);
      const mWant = Math.fround(sig(gi[3 * H + j] + gh[3 * H + j]) * Math.tanh(c[j]));
      if (m[j] !== mWant) expect.fail(`m at ${j}: ${m[j]} vs ${mWant}`);
    }
  });

  it('backward equals finite differences of the forward (float64 buffers)', () => {
    const rng = new Rng(7);
    const B = 2, H = 3;
    const gi = rand64(rng, B * 4 * H, -1.5, 1.5), gh = rand64(rng, B * 4 * H, -1.5, 1.5), cp = rand64(rng, B * H, -2, 2);
    const wm = rand64(rng, B * H), wc = rand64(rng, B * H);
    const c = new Float64Array(B * H), m = new Float64Array(B * H), save = new Float64Array(B * 5 * H);
    const loss = (): number => {
      K.lstmStepForward(B, H, as32(gi), 0, as32(gh), 0, as32(cp), 0, as32(c), 0, as32(m), 0, as32(save), 0);
      return dot(wm, m) + dot(wc, c);
    };
    loss();
    const dg = new Float64Array(B * 4 * H), dcp = new Float64Array(B * H);
    K.lstmStepBackward(B, H, as32(wm), 0, as32(wc), 0, as32(cp), 0, as32(save), 0, as32(dg), 0, as32(dcp), 0);
    // tanh(fround(c)) is a float32 staircase: |fround(c) − c| ≤ 2⁻²⁴|c| ≲ 1.2e-7, so the quotient carries up to
    // ~1.2e-7 / eps of noise. eps = 1e-3 keeps that ≲ 1.2e-4 while the truncation error stays ~1e-7.
    fdCheck('lstm', { gi, gh, cp }, loss, { gi: dg, gh: dg, cp: dcp }, 1e-3, 3e-4, 1e-4);
  });

  it('backward: the carried dc and dm enter as documented (hand-computed, H = 1)', () => {
    // i = f = o = σ(0) = 0.5, g = tanh(0) = 0, cPrev = 2 → c = 1, m = 0.5 tanh(1)
    const z4 = new Float32Array(4), cp = new Float32Array([2]);
    const c = new Float32Array(1), m = new Float32Array(1), save = new Float32Array(5);
    K.lstmStepForward(1, 1, z4, 0, z4, 0, cp, 0, c, 0, m, 0, save, 0);
    expect(c[0]).toBe(1);
    const tc = Math.fround(Math.tanh(1));
    const dg = new Float32Array(4), dcp = new Float32Array(1);
    K.lstmStepBackward(1, 1, new Float32Array([1]), 0, new Float32Array([0.5]), 0, cp, 0, save, 0, dg, 0, dcp, 0);
    const dcT = 0.5 + 0.5 * (1 - tc * tc);
    expectClose(dg, [0, dcT * 2 * 0.25, dcT * 0.5, tc * 0.25], { atol: 1e-7, rtol: 1e-6 });
    expectClose(dcp, [dcT * 0.5], { atol: 1e-7, rtol: 1e-6 });
  });
});

describe('RNN step kernels', () => {
  for (const relu of [false, true]) {
    const act = relu ? (v: number) => (v < 0 ? 0 : v) : Math.tanh;
    it(`${relu ? 'relu' : 'tanh'}: forward matches the formula (offsets, float32)`, () => {
      const rng = new Rng(relu ? 8 : 9);
      const B = 3, H = 5, o = 2;
      const gi = padded(rng, B * H, o, 1, -2, 2), gh = padded(rng, B * H, o + 1, 1, -2, 2);
      const h = new Float32Array(o + B * H + 1).fill(SENTINEL);
      K.rnnStepForward(B, H, relu, gi, o, gh, o + 1, h, o);
      const want = Array.from({ length: B * H }, (_, k) => Math.fround(act(gi[o + k] + gh[o + 1 + k])));
      expectClose(h.subarray(o, o + B * H), want, { atol: 0, rtol: 2 ** -23 });
      expect(sentinelsIntact(h, [[0, o], [o + B * H, h.length]])).toBe(true);
    });

    it(`${relu ? 'relu' : 'tanh'}: backward equals finite differences of the forward (float64)`, () => {
      const rng = new Rng(relu ? 10 : 11);
      const B = 2, H = 4;
      const gi = rand64(rng, B * H, -1.5, 1.5), gh = rand64(rng, B * H, -1.5, 1.5), w = rand64(rng, B * H);
      // keep relu pre-activations away from the kink
      for (let k = 0; k < B * H; k++) if (Math.abs(gi[k] + gh[k]) < 0.1) gi[k] += 0.3;
      const h = new Float64Array(B * H);
      const loss = (): number => { K.rnnStepForward(B, H, relu, as32(gi), 0, as32(gh), 0, as32(h), 0); return dot(w, h); };
      loss();
      const dg = new Float64Array(B * H);
      K.rnnStepBackward(B, H, relu, as32(w), 0, as32(h), 0, as32(dg), 0);
      fdCheck(`rnn-${relu ? 'relu' : 'tanh'}`, { gi, gh }, loss, { gi: dg, gh: dg }, 1e-5, 1e-8, 1e-6);
    });
  }

  it('relu backward: zero where h <= 0 even for a NaN gradient; a NaN h passes the gradient (threshold_backward)', () => {
    const h = new Float32Array([0, 2, NaN, -0]), dh = new Float32Array([NaN, 3, 4, 5]), dg = new Float32Array(4);
    K.rnnStepBackward(1, 4, true, dh, 0, h, 0, dg, 0);
    expect(Array.from(dg)).toEqual([0, 3, 4, 0]);
    const g2 = new Float32Array([NaN, -1]), y = new Float32Array(2);
    K.rnnStepForward(1, 2, true, g2, 0, new Float32Array(2), 0, y, 0);
    expect(Number.isNaN(y[0])).toBe(true);
    expect(y[1]).toBe(0);
  });
});
