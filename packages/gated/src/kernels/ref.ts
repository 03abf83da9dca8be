// Plain-TypeScript reference kernels: the oracle every faster backend is tested against. Kept forever.
// Sums run in float64 (JS numbers) and round once on store, so this backend is at least as exact as float32 BLAS.
import type { Kernels } from './api.js';
import {
  gruBidirectionalBackwardWith, gruBidirectionalForwardWith, gruSequenceBackwardWith, gruSequenceForwardWith,
  lstmBidirectionalBackwardWith, lstmBidirectionalForwardWith, lstmSequenceBackwardWith, lstmSequenceForwardWith,
} from './_sequence.js';

const sigm = (x: number): number => 1 / (1 + Math.exp(-x));

let rowAcc = new Float64Array(256);
const scratch = (n: number): Float64Array => (rowAcc.length >= n ? rowAcc : (rowAcc = new Float64Array(n * 2)));

export const refKernels: Kernels = {
  name: 'js',
  pin() {},
  unpin() {},

  gruSequenceForward(T, B, I, H, reverse, x, wih, bih, whh, bhh, hx, save) {
    gruSequenceForwardWith(refKernels, T, B, I, H, reverse, x, wih, bih, whh, bhh, hx, save);
  },
  lstmSequenceForward(T, B, I, H, reverse, x, wih, bih, whh, bhh, hx, cx, save) {
    lstmSequenceForwardWith(refKernels, T, B, I, H, reverse, x, wih, bih, whh, bhh, hx, cx, save);
  },
  gruSequenceBackward(T, B, I, H, reverse, x, wih, whh, hx, save, dy, dh, dx, dwih, dbih, dwhh, dbhh) {
    gruSequenceBackwardWith(refKernels, T, B, I, H, reverse, x, wih, whh, hx, save, dy, dh, dx, dwih, dbih, dwhh, dbhh);
  },
  lstmSequenceBackward(T, B, I, H, reverse, x, wih, whh, hx, cx, save, dy, dh, dc, dx, dwih, dbih, dwhh, dbhh) {
    lstmSequenceBackwardWith(refKernels, T, B, I, H, reverse, x, wih, whh, hx, cx, save, dy, dh, dc, dx, dwih, dbih, dwhh, dbhh);
  },
  gruBidirectionalForward(T, B, I, H, x, fwd, rev) { gruBidirectionalForwardWith(refKernels, T, B, I, H, x, fwd, rev); },
  lstmBidirectionalForward(T, B, I, H, x, fwd, rev) { lstmBidirectionalForwardWith(refKernels, T, B, I, H, x, fwd, rev); },
  gruBidirectionalBackward(T, B, I, H, x, dx, fwd, rev) { gruBidirectionalBackwardWith(refKernels, T, B, I, H, x, dx, fwd, rev); },
  lstmBidirectionalBackward(T, B, I, H, x, dx, fwd, rev) { lstmBidirectionalBackwardWith(refKernels, T, B, I, H, x, dx, fwd, rev); },

  gemm(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) {
    if (M === 0 || N === 0) return;
    const acc = scratch(Math.max(N, K));
    for (let i = 0; i < M; i++) {
      const c0 = cOff + i * ldc;
      if (!transB) {
        // i-k-j: B rows are contiguous; accumulate the output row in float64
        acc.fill(0, 0, N);
        for (let k = 0; k < K; k++) {
          const a = transA ? A[aOff + k * lda + i] : A[aOff + i * lda + k];
          if (a === 0) continue;
          const b0 = bOff + k * ldb;
          for (let j = 0; j < N; j++) acc[j] += a * B[b0 + j];
        }
        for (let j = 0; j < N; j++) C[c0 + j] = alpha * acc[j] + (beta === 0 ? 0 : beta * C[c0 + j]);
      } else {
        // dot products against B's rows; gather A's row first when A is transposed
        let a0 = aOff + i * lda;
        let Arow: ArrayLike<number> = A;
        if (transA) {
          for (let k = 0; k < K; k++) acc[k] = A[aOff + k * lda + i];
          Arow = acc; a0 = 0;
        }
        for (let j = 0; j < N; j++) {
          const b0 = bOff + j * ldb;
          let s = 0;
          for (let k = 0; k < K; k++) s += Arow[a0 + k] * B[b0 + k];
          C[c0 + j] = alpha * s + (beta === 0 ? 0 : beta * C[c0 + j]);
        }
      }
    }
  },

  sigmoid(n, x, xo, y, yo) { for (let i = 0; i < n; i++) y[yo + i] = sigm(x[xo + i]); },
  tanh(n, x, xo, y, yo) { for (let i = 0; i < n; i++) y[yo + i] = Math.tanh(x[xo + i]); },
  // relu(v) = v < 0 ? 0 : v, like PyTorch's max(v, 0): NaN propagates (and −0 stays −0) instead of becoming 0
  relu(n, x, xo, y, yo) { for (let i = 0; i < n; i++) { const v = x[xo + i]; y[yo + i] = v < 0 ? 0 : v; } },

  addRowVector(M, N, v, vo, X, xo) {
    for (let i = 0; i < M; i++) for (let j = 0, r = xo + i * N; j < N; j++) X[r + j] += v[vo + j];
  },
  sumRowsInto(M, N, X, xo, v, vo) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let i = 0; i < M; i++) s += X[xo + i * N + j];
      v[vo + j] += s;
    }
  },

  gruStepForward(B, H, gi, gio, gh, gho, hp, hpo, h, ho, save, so) {
    for (let b = 0; b < B; b++) {
      const i0 = gio + b * 3 * H, g0 = gho + b * 3 * H, s0 = so + b * 4 * H;
      for (let j = 0; j < H; j++) {
        const r = sigm(gi[i0 + j] + gh[g0 + j]);
        const z = sigm(gi[i0 + H + j] + gh[g0 + H + j]);
        const ghn = gh[g0 + 2 * H + j];
        const n = Math.tanh(gi[i0 + 2 * H + j] + r * ghn);
        const hPrev = hp[hpo + b * H + j];
        h[ho + b * H + j] = (1 - z) * n + z * hPrev;
        save[s0 + j] = r; save[s0 + H + j] = z; save[s0 + 2 * H + j] = n; save[s0 + 3 * H + j] = ghn;
      }
    }
  },

  gruStepBackward(B, H, dh, dho, hp, hpo, save, so, dgi, dgio, dgh, dgho, dhp, dhpo) {
    for (let b = 0; b < B; b++) {
      const s0 = so + b * 4 * H, i0 = dgio + b * 3 * H, g0 = dgho + b * 3 * H;
      for (let j = 0; j < H; j++) {
        const r = save[s0 + j], z = save[s0 + H + j], n = save[s0 + 2 * H + j], ghn = save[s0 + 3 * H + j];
        const d = dh[dho + b * H + j], hPrev = hp[hpo + b * H + j];
        const dnPre = d * (1 - z) * (1 - n * n);          // ∂L/∂(gi_n + r ⊙ gh_n)
        const dzPre = d * (hPrev - n) * z * (1 - z);
        const drPre = dnPre * ghn * r * (1 - r);
        dgi[i0 + j] = drPre; dgi[i0 + H + j] = dzPre; dgi[i0 + 2 * H + j] = dnPre;
        dgh[g0 + j] = drPre; dgh[g0 + H + j] = dzPre; dgh[g0 + 2 * H + j] = dnPre * r;
        dhp[dhpo + b * H + j] = d * z;
      }
    }
  },

  gruResetBeforeGates(B, H, gi, gio, gh, gho, hp, hpo, save, so) {
    for (let b = 0; b < B; b++) {
      const i0 = gio + b * 3 * H, g0 = gho + b * 2 * H, s0 = so + b * 4 * H;
      for (let j = 0; j < H; j++) {
        const r = sigm(gi[i0 + j] + gh[g0 + j]);
        save[s0 + j] = r;
        save[s0 + H + j] = sigm(gi[i0 + H + j] + gh[g0 + H + j]);
        save[s0 + 3 * H + j] = r * hp[hpo + b * H + j];
      }
    }
  },

  gruResetBeforeBlend(B, H, gi, gio, ghn, gno, hp, hpo, h, ho, save, so) {
    for (let b = 0; b < B; b++) {
      const i0 = gio + b * 3 * H, s0 = so + b * 4 * H;
      for (let j = 0; j < H; j++) {
        const z = save[s0 + H + j];
        const n = Math.tanh(gi[i0 + 2 * H + j] + ghn[gno + b * H + j]);
        save[s0 + 2 * H + j] = n;
        h[ho + b * H + j] = (1 - z) * n + z * hp[hpo + b * H + j];
      }
    }
  },

  gruResetBeforeBackwardBlend(B, H, dh, dho, hp, hpo, save, so, dgi, dgio, dhp, dhpo) {
    for (let b = 0; b < B; b++) {
      const s0 = so + b * 4 * H, i0 = dgio + b * 3 * H;
      for (let j = 0; j < H; j++) {
        const z = save[s0 + H + j], n = save[s0 + 2 * H + j];
        const d = dh[dho + b * H + j];
        dgi[i0 + H + j] = d * (hp[hpo + b * H + j] - n) * z * (1 - z);
        dgi[i0 + 2 * H + j] = d * (1 - z) * (1 - n * n);
        dhp[dhpo + b * H + j] = d * z;
      }
    }
  },

  gruResetBeforeBackwardGates(B, H, dRh, dro, hp, hpo, save, so, dgi, dgio, dhp, dhpo) {
    for (let b = 0; b < B; b++) {
      const s0 = so + b * 4 * H, i0 = dgio + b * 3 * H;
      for (let j = 0; j < H; j++) {
        const r = save[s0 + j], d = dRh[dro + b * H + j];
        dgi[i0 + j] = d * hp[hpo + b * H + j] * r * (1 - r);
        dhp[dhpo + b * H + j] += d * r;
      }
    }
  },

  lstmStepForward(B, H, gi, gio, gh, gho, cp, cpo, c, co, m, mo, save, so) {
    for (let b = 0; b < B; b++) {
      const i0 = gio + b * 4 * H, g0 = gho + b * 4 * H, s0 = so + b * 5 * H;
      for (let j = 0; j < H; j++) {
        const ig = sigm(gi[i0 + j] + gh[g0 + j]);
        const fg = sigm(gi[i0 + H + j] + gh[g0 + H + j]);
        const gg = Math.tanh(gi[i0 + 2 * H + j] + gh[g0 + 2 * H + j]);
        const og = sigm(gi[i0 + 3 * H + j] + gh[g0 + 3 * H + j]);
        const cv = fg * cp[cpo + b * H + j] + ig * gg;
        c[co + b * H + j] = cv;
        const tc = Math.tanh(Math.fround(cv));
        m[mo + b * H + j] = og * tc;
        save[s0 + j] = ig; save[s0 + H + j] = fg; save[s0 + 2 * H + j] = gg; save[s0 + 3 * H + j] = og; save[s0 + 4 * H + j] = tc;
      }
    }
  },

  lstmStepBackward(B, H, dm, dmo, dc, dco, cp, cpo, save, so, dg, dgo, dcp, dcpo) {
    for (let b = 0; b < B; b++) {
      const s0 = so + b * 5 * H, g0 = dgo + b * 4 * H;
      for (let j = 0; j < H; j++) {
        const ig = save[s0 + j], fg = save[s0 + H + j], gg = save[s0 + 2 * H + j], og = save[s0 + 3 * H + j], tc = save[s0 + 4 * H + j];
        const d = dm[dmo + b * H + j];
        const dcT = dc[dco + b * H + j] + d * og * (1 - tc * tc);
        dg[g0 + j] = dcT * gg * ig * (1 - ig);
        dg[g0 + H + j] = dcT * cp[cpo + b * H + j] * fg * (1 - fg);
        dg[g0 + 2 * H + j] = dcT * ig * (1 - gg * gg);
        dg[g0 + 3 * H + j] = d * tc * og * (1 - og);
        dcp[dcpo + b * H + j] = dcT * fg;
      }
    }
  },

  rnnStepForward(B, H, relu, gi, gio, gh, gho, h, ho) {
    const n = B * H;
    for (let k = 0; k < n; k++) {
      const v = gi[gio + k] + gh[gho + k];
      h[ho + k] = relu ? (v < 0 ? 0 : v) : Math.tanh(v);
    }
  },

  rnnStepBackward(B, H, relu, dh, dho, h, ho, dg, dgo) {
    const n = B * H;
    for (let k = 0; k < n; k++) {
      const y = h[ho + k], d = dh[dho + k];
      // relu: PyTorch's threshold_backward(grad, result, 0) = result <= 0 ? 0 : grad (a NaN result passes grad on)
      dg[dgo + k] = relu ? (y <= 0 ? 0 : d) : d * (1 - y * y);
    }
  },
};
