// SGEMM: C = alpha · op(A) · op(B) + beta · C, row-major, float32 — the GotoBLAS loop nest around a 4×8 f32x4 micro-kernel.
//   B is packed once per call (or once per pin, by the wrapper) into column panels of NR = 8: [⌈N/8⌉][K][8], zero-padded;
//   A is packed per (KC × MC) block into row panels of MR = 4: [⌈mc/4⌉][kc][4], zero-padded;
//   the micro-kernel keeps a 4×8 tile of C in 8 f32x4 registers: per k, two loads of B, four broadcasts of A, 8 mul + 8 add.
// M = 1 and N = 1 go to a GEMV (dot-product or axpy form); M = 1 with a pre-packed B streams its panels in the same
// summation order. Nothing here is static: every call works in its own `work`, so threads may run calls at once on
// disjoint parts of C (src/kernels/_pool.ts). Sizes are elements, pointers are bytes.
import { ld, madd, st } from './simd';

const MR = 4;     // rows of the micro-tile
const NR = 8;     // columns of the micro-tile (two f32x4)
const KC = 256;   // depth of one packed block: a 4×256 A panel (4 KiB) and an 8×256 B panel (8 KiB) sit in L1
const MC = 128;   // rows of one packed A block (128 KiB, in L2)

const TILE_BYTES: usize = MR * NR * 4;   // scratch for edge tiles (mr < 4 or nr < 8), first in `work`

@inline function ceilDiv(a: i32, b: i32): i32 { return (a + b - 1) / b; }

/** Bytes of a packed op(B)[K, N]. */
export function packedBBytes(K: i32, N: i32): usize { return <usize>ceilDiv(N, NR) * NR * K * 4; }

/** Bytes of scratch `gemm` needs for these sizes (packed: whether a pre-packed B is supplied). */
export function gemmWorkBytes(M: i32, N: i32, K: i32, packed: bool): usize {
  if (M <= 0 || N <= 0 || K <= 0) return 0;
  if (M == 1) return (<usize>K + N) * 4 + 16;
  if (N == 1) return (<usize>K + M) * 4 + 16;
  return TILE_BYTES + (packed ? 0 : packedBBytes(K, N)) + <usize>ceilDiv(min(M, MC), MR) * MR * min(K, KC) * 4;
}

// ---------------------------------------------------------------- packing

/** 4×4 transpose of rows r0..r3, stored as 4 consecutive vectors of stride `step` bytes starting at dst. */
@inline function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, step: usize): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + step, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * step, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * step, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/** Packs op(B)[K, N] (op(B)[k, j] = transB ? b[j·ldb + k] : b[k·ldb + j]) into NR-column panels at dst. */
export function packB(transB: bool, K: i32, N: i32, b: usize, ldb: i32, dst: usize): void {
  const ld4 = <usize>ldb << 2;
  for (let j0 = 0; j0 < N; j0 += NR, dst += <usize>K * NR * 4) {
    const nr = min(NR, N - j0);
    if (!transB) {
      let src = b + (<usize>j0 << 2);
      if (nr == NR) {
        for (let k = 0; k < K; k++, src += ld4) {
          const d = dst + (<usize>k * NR << 2);
          v128.store(d, v128.load(src)); v128.store(d, v128.load(src, 16), 16);
        }
      } else {
        for (let k = 0; k < K; k++, src += ld4) {
          const d = dst + (<usize>k * NR << 2);
          st(d, ld(src, nr), 4);
          if (nr > 4) st(d + 16, ld(src + 16, nr - 4), 4); else v128.store(d + 16, f32x4.splat(0));
        }
      }
    } else {
      const row = b + <usize>j0 * ld4;   // row j0 of B holds column j0 of op(B)
      let k = 0;
      if (nr == NR) {
        for (; k + 4 <= K; k += 4) {
          const s = row + (<usize>k << 2), d = dst + (<usize>k * NR << 2);
          transpose4(v128.load(s), v128.load(s + ld4), v128.load(s + 2 * ld4), v128.load(s + 3 * ld4), d, NR * 4);
          const s4 = s + 4 * ld4;
          transpose4(v128.load(s4), v128.load(s4 + ld4), v128.load(s4 + 2 * ld4), v128.load(s4 + 3 * ld4), d + 16, NR * 4);
        }
      }
      for (; k < K; k++) {
        const d = dst + (<usize>k * NR << 2);
        for (let jj = 0; jj < NR; jj++) store<f32>(d + (<usize>jj << 2), jj < nr ? load<f32>(row + <usize>jj * ld4 + (<usize>k << 2)) : 0);
      }
    }
  }
}

/** Packs rows i0..i0+mc, columns k0..k0+kc of op(A) (op(A)[i, k] = transA ? a[k·lda + i] : a[i·lda + k]) into MR-row panels. */
function packA(transA: bool, a: usize, lda: i32, i0: i32, k0: i32, mc: i32, kc: i32, dst: usize): void {
  const ld4 = <usize>lda << 2;
  for (let ir = 0; ir < mc; ir += MR, dst += <usize>kc * MR * 4) {
    const mr = min(MR, mc - ir);
    if (transA) {
      let src = a + <usize>k0 * ld4 + (<usize>(i0 + ir) << 2);
      for (let k = 0; k < kc; k++, src += ld4) st(dst + (<usize>k * MR << 2), ld(src, mr), 4);
    } else {
      const row = a + <usize>(i0 + ir) * ld4 + (<usize>k0 << 2);
      let k = 0;
      if (mr == MR) {
        for (; k + 4 <= kc; k += 4) {
          const s = row + (<usize>k << 2);
          transpose4(v128.load(s), v128.load(s + ld4), v128.load(s + 2 * ld4), v128.load(s + 3 * ld4), dst + (<usize>k * MR << 2), MR * 4);
        }
      }
      for (; k < kc; k++) {
        const d = dst + (<usize>k * MR << 2);
        for (let ii = 0; ii < MR; ii++) store<f32>(d + (<usize>ii << 2), ii < mr ? load<f32>(row + <usize>ii * ld4 + (<usize>k << 2)) : 0);
      }
    }
  }
}

// ---------------------------------------------------------------- the micro-kernel

/** c = alpha · acc + beta · c (beta ignored, c not read, when !useBeta), one f32x4. */
@inline function upd(p: usize, acc: v128, va: v128, vb: v128, useBeta: bool): void {
  let v = f32x4.mul(acc, va);
  if (useBeta) v = madd(vb, v128.load(p), v);
  v128.store(p, v);
}

/** C[mr, nr] (row stride ldc bytes) ← alpha · Apanel[kc][4] · Bpanel[kc][8] + beta · C. */
function kernel4x8(kc: i32, a: usize, b: usize, c: usize, ldc: usize, alpha: f32, beta: f32, useBeta: bool, mr: i32, nr: i32, tile: usize): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let k = 0; k < kc; k++, a += MR * 4, b += NR * 4) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(a, 4);
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(a, 8);
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(a, 12);
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
  }
  const va = f32x4.splat(alpha), vb = f32x4.splat(beta);
  if (mr == MR && nr == NR) {
    upd(c, c00, va, vb, useBeta); upd(c + 16, c01, va, vb, useBeta); c += ldc;
    upd(c, c10, va, vb, useBeta); upd(c + 16, c11, va, vb, useBeta); c += ldc;
    upd(c, c20, va, vb, useBeta); upd(c + 16, c21, va, vb, useBeta); c += ldc;
    upd(c, c30, va, vb, useBeta); upd(c + 16, c31, va, vb, useBeta);
    return;
  }
  v128.store(tile, c00); v128.store(tile, c01, 16); v128.store(tile, c10, 32); v128.store(tile, c11, 48);
  v128.store(tile, c20, 64); v128.store(tile, c21, 80); v128.store(tile, c30, 96); v128.store(tile, c31, 112);
  for (let i = 0; i < mr; i++, c += ldc) {
    for (let j = 0; j < nr; j++) {
      const p = c + (<usize>j << 2);
      let v = alpha * load<f32>(tile + (<usize>(i * NR + j) << 2));
      if (useBeta) v += beta * load<f32>(p);
      store<f32>(p, v);
    }
  }
}

// ---------------------------------------------------------------- GEMV: one row or one column of C

/** Horizontal sums of four vectors at once, lanes (0 + 2) + (1 + 3) of each, stored as 4 floats at dst. */
@inline function rowSums4(s0: v128, s1: v128, s2: v128, s3: v128, dst: usize): void {
  const u0 = f32x4.add(i32x4.shuffle(s0, s1, 0, 1, 4, 5), i32x4.shuffle(s0, s1, 2, 3, 6, 7));
  const u1 = f32x4.add(i32x4.shuffle(s2, s3, 0, 1, 4, 5), i32x4.shuffle(s2, s3, 2, 3, 6, 7));
  v128.store(dst, f32x4.add(i32x4.shuffle(u0, u1, 0, 2, 4, 6), i32x4.shuffle(u0, u1, 1, 3, 5, 7)));
}

/**
 * tmp[r] = Σ_k mat(r, k) · x[k] for r < R, x contiguous [K]:
 * dot form mat(r, k) = m[r·ldm + k] (rows contiguous), axpy form mat(r, k) = m[k·ldm + r] (columns contiguous).
 */
function gemvCore(dotForm: bool, R: i32, K: i32, x: usize, m: usize, ldm: i32, tmp: usize): void {
  const ld4 = <usize>ldm << 2;
  if (dotForm) {
    let r = 0;
    for (; r + 8 <= R; r += 8) {   // eight rows share each load of x: 9 loads per 8 multiply-adds
      const m0 = m + <usize>r * ld4, m1 = m0 + ld4, m2 = m1 + ld4, m3 = m2 + ld4;
      const m4 = m3 + ld4, m5 = m4 + ld4, m6 = m5 + ld4, m7 = m6 + ld4;
      let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
      let k = 0;
      for (; k + 4 <= K; k += 4) {
        const o = <usize>k << 2, xv = v128.load(x + o);
        s0 = madd(v128.load(m0 + o), xv, s0); s1 = madd(v128.load(m1 + o), xv, s1);
        s2 = madd(v128.load(m2 + o), xv, s2); s3 = madd(v128.load(m3 + o), xv, s3);
        s4 = madd(v128.load(m4 + o), xv, s4); s5 = madd(v128.load(m5 + o), xv, s5);
        s6 = madd(v128.load(m6 + o), xv, s6); s7 = madd(v128.load(m7 + o), xv, s7);
      }
      if (k < K) {    // the last K mod 4 columns, zero-filled: the same sums as the packed panels' tail group
        const o = <usize>k << 2, n = K - k, xv = ld(x + o, n);
        s0 = madd(ld(m0 + o, n), xv, s0); s1 = madd(ld(m1 + o, n), xv, s1);
        s2 = madd(ld(m2 + o, n), xv, s2); s3 = madd(ld(m3 + o, n), xv, s3);
        s4 = madd(ld(m4 + o, n), xv, s4); s5 = madd(ld(m5 + o, n), xv, s5);
        s6 = madd(ld(m6 + o, n), xv, s6); s7 = madd(ld(m7 + o, n), xv, s7);
      }
      rowSums4(s0, s1, s2, s3, tmp + (<usize>r << 2));
      rowSums4(s4, s5, s6, s7, tmp + (<usize>(r + 4) << 2));
    }
    for (; r + 4 <= R; r += 4) {
      const m0 = m + <usize>r * ld4, m1 = m0 + ld4, m2 = m1 + ld4, m3 = m2 + ld4;
      let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
      for (let k = 0; k < K; k += 4) {
        const o = <usize>k << 2, n = min(K - k, 4), xv = ld(x + o, n);
        s0 = madd(ld(m0 + o, n), xv, s0); s1 = madd(ld(m1 + o, n), xv, s1);
        s2 = madd(ld(m2 + o, n), xv, s2); s3 = madd(ld(m3 + o, n), xv, s3);
      }
      rowSums4(s0, s1, s2, s3, tmp + (<usize>r << 2));
    }
    for (; r < R; r++) {
      const m0 = m + <usize>r * ld4;
      let s0 = f32x4.splat(0);
      for (let k = 0; k < K; k += 4) {
        const o = <usize>k << 2, n = min(K - k, 4);
        s0 = madd(ld(m0 + o, n), ld(x + o, n), s0);
      }
      const u = f32x4.add(s0, i32x4.shuffle(s0, s0, 2, 3, 0, 1));
      store<f32>(tmp + (<usize>r << 2), f32x4.extract_lane(u, 0) + f32x4.extract_lane(u, 1));
    }
  } else {
    let r = 0;
    for (; r + 16 <= R; r += 16) {
      let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0, p = m + (<usize>r << 2);
      for (let k = 0; k < K; k++, p += ld4) {
        const xv = v128.load32_splat(x + (<usize>k << 2));
        s0 = madd(v128.load(p), xv, s0); s1 = madd(v128.load(p, 16), xv, s1);
        s2 = madd(v128.load(p, 32), xv, s2); s3 = madd(v128.load(p, 48), xv, s3);
      }
      const t = tmp + (<usize>r << 2);
      v128.store(t, s0); v128.store(t, s1, 16); v128.store(t, s2, 32); v128.store(t, s3, 48);
    }
    for (; r < R; r += 4) {
      const n = min(R - r, 4);
      let s0 = f32x4.splat(0), p = m + (<usize>r << 2);
      for (let k = 0; k < K; k++, p += ld4) s0 = madd(ld(p, n), v128.load32_splat(x + (<usize>k << 2)), s0);
      st(tmp + (<usize>r << 2), s0, n);
    }
  }
}

/**
 * tmp[j] = Σ_k x[k] · op(B)[k, j] for j < N from a packed op(B) (NR-column panels [⌈N/8⌉][K][8]), in the summation
 * order of `gemvCore`, so that a pinned (packed) B gives the same bits as an unpacked one:
 *   dotOrder (Bᵀ, gemvCore's dot form): four partial sums by k mod 4, combined as (s0 + s2) + (s1 + s3);
 *   else (gemvCore's axpy form): one sum per column in k order, four panels at a time to hide the add latency.
 */
function gemvPacked(dotOrder: bool, N: i32, K: i32, x: usize, bp: usize, tmp: usize): void {
  const panel = <usize>K * NR * 4, zero = f32x4.splat(0);
  let j = 0;
  if (dotOrder) {
    for (; j < N; j += NR, bp += panel) {
      let s0l = zero, s0h = zero, s1l = zero, s1h = zero, s2l = zero, s2h = zero, s3l = zero, s3h = zero, p = bp;
      let k = 0;
      for (; k + 4 <= K; k += 4, p += 4 * NR * 4) {
        const xp = x + (<usize>k << 2);
        let xv = v128.load32_splat(xp);
        s0l = madd(v128.load(p), xv, s0l); s0h = madd(v128.load(p, 16), xv, s0h);
        xv = v128.load32_splat(xp, 4);
        s1l = madd(v128.load(p, 32), xv, s1l); s1h = madd(v128.load(p, 48), xv, s1h);
        xv = v128.load32_splat(xp, 8);
        s2l = madd(v128.load(p, 64), xv, s2l); s2h = madd(v128.load(p, 80), xv, s2h);
        xv = v128.load32_splat(xp, 12);
        s3l = madd(v128.load(p, 96), xv, s3l); s3h = madd(v128.load(p, 112), xv, s3h);
      }
      if (k < K) {    // the tail group: gemvCore's partial loads add 0 · 0 to the sums past K
        const n = K - k, xp = x + (<usize>k << 2);
        let xv = v128.load32_splat(xp);
        s0l = madd(v128.load(p), xv, s0l); s0h = madd(v128.load(p, 16), xv, s0h);
        xv = n > 1 ? v128.load32_splat(xp, 4) : zero;
        s1l = madd(n > 1 ? v128.load(p, 32) : zero, xv, s1l); s1h = madd(n > 1 ? v128.load(p, 48) : zero, xv, s1h);
        xv = n > 2 ? v128.load32_splat(xp, 8) : zero;
        s2l = madd(n > 2 ? v128.load(p, 64) : zero, xv, s2l); s2h = madd(n > 2 ? v128.load(p, 80) : zero, xv, s2h);
        s3l = f32x4.add(s3l, zero); s3h = f32x4.add(s3h, zero);
      }
      const lo = f32x4.add(f32x4.add(s0l, s2l), f32x4.add(s1l, s3l)), hi = f32x4.add(f32x4.add(s0h, s2h), f32x4.add(s1h, s3h));
      const nr = min(NR, N - j), t = tmp + (<usize>j << 2);
      if (nr == NR) { v128.store(t, lo); v128.store(t, hi, 16); } else { st(t, lo, min(nr, 4)); if (nr > 4) st(t + 16, hi, nr - 4); }
    }
    return;
  }
  for (; j + 4 * NR <= N; j += 4 * NR, bp += 4 * panel) {
    let a0 = zero, a1 = zero, b0 = zero, b1 = zero, c0 = zero, c1 = zero, d0 = zero, d1 = zero, p = bp;
    for (let k = 0; k < K; k++, p += NR * 4) {
      const xv = v128.load32_splat(x + (<usize>k << 2));
      a0 = madd(v128.load(p), xv, a0); a1 = madd(v128.load(p, 16), xv, a1);
      const q = p + panel;
      b0 = madd(v128.load(q), xv, b0); b1 = madd(v128.load(q, 16), xv, b1);
      const r = q + panel;
      c0 = madd(v128.load(r), xv, c0); c1 = madd(v128.load(r, 16), xv, c1);
      const s = r + panel;
      d0 = madd(v128.load(s), xv, d0); d1 = madd(v128.load(s, 16), xv, d1);
    }
    const t = tmp + (<usize>j << 2);
    v128.store(t, a0); v128.store(t, a1, 16); v128.store(t, b0, 32); v128.store(t, b1, 48);
    v128.store(t, c0, 64); v128.store(t, c1, 80); v128.store(t, d0, 96); v128.store(t, d1, 112);
  }
  for (; j < N; j += NR, bp += panel) {
    let a0 = zero, a1 = zero, p = bp;
    for (let k = 0; k < K; k++, p += NR * 4) {
      const xv = v128.load32_splat(x + (<usize>k << 2));
      a0 = madd(v128.load(p), xv, a0); a1 = madd(v128.load(p, 16), xv, a1);
    }
    const nr = min(NR, N - j), t = tmp + (<usize>j << 2);
    if (nr == NR) { v128.store(t, a0); v128.store(t, a1, 16); } else { st(t, a0, min(nr, 4)); if (nr > 4) st(t + 16, a1, nr - 4); }
  }
}

/** Copies K floats of stride inc (elements) to dst unless already contiguous; returns the contiguous pointer. */
function contiguous(p: usize, K: i32, inc: i32, dst: usize): usize {
  if (inc == 1) return p;
  const s = <usize>inc << 2;
  for (let k = 0; k < K; k++, p += s) store<f32>(dst + (<usize>k << 2), load<f32>(p));
  return dst;
}

// ---------------------------------------------------------------- GEMV on row panels (batch 1, a resident W)
// W [R, K] packed once in panels of 8 rows, [⌈R/8⌉][⌈K/4⌉][8][4] zero-padded: each step of the product reads 128
// contiguous bytes (one stream for the prefetcher instead of eight rows 4·K bytes apart).

/** Bytes of W [R, K] packed in row panels. */
export function rowPanelsBytes(R: i32, K: i32): usize { return <usize>((R + 7) >> 3) * <usize>((K + 3) >> 2) * 128; }

/** Packs W [R, K] (row stride ldw elements) into row panels at dst. */
export function packRowPanels(R: i32, K: i32, w: usize, ldw: i32, dst: usize): void {
  const K4 = (K + 3) >> 2;
  for (let r0 = 0; r0 < R; r0 += 8) {
    for (let q = 0; q < K4; q++) {
      for (let i = 0; i < 8; i++) {
        for (let l = 0; l < 4; l++, dst += 4) {
          const r = r0 + i, k = q * 4 + l;
          store<f32>(dst, r < R && k < K ? load<f32>(w + ((<usize>r * ldw + k) << 2)) : 0);
        }
      }
    }
  }
}

/**
 * y[r] = alpha · Σ_k W[r, k] · x[k] + beta · y[r] for r < R, from row panels p: the sums of gemvCore's dot form (four
 * partial sums by k mod 4, the tail zero-filled, combined by rowSums4), so the bits equal a GEMV on W as it is.
 * R is a multiple of 8 here or the last panel's padded rows go to tmp: ⌈R/8⌉·8 floats.
 */
export function gemvRowPanels(R: i32, K: i32, alpha: f32, x: usize, p: usize, beta: f32, y: usize, tmp: usize): void {
  const K4 = K >> 2, tail = K & 3, direct = alpha == 1 && beta == 0;
  for (let r = 0; r < R; r += 8) {
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    for (let q = 0; q < K4; q++, p += 128) {
      const xv = v128.load(x + (<usize>q << 4));
      s0 = madd(v128.load(p), xv, s0); s1 = madd(v128.load(p, 16), xv, s1);
      s2 = madd(v128.load(p, 32), xv, s2); s3 = madd(v128.load(p, 48), xv, s3);
      s4 = madd(v128.load(p, 64), xv, s4); s5 = madd(v128.load(p, 80), xv, s5);
      s6 = madd(v128.load(p, 96), xv, s6); s7 = madd(v128.load(p, 112), xv, s7);
    }
    if (tail != 0) {
      const xv = ld(x + (<usize>K4 << 4), tail);
      s0 = madd(v128.load(p), xv, s0); s1 = madd(v128.load(p, 16), xv, s1);
      s2 = madd(v128.load(p, 32), xv, s2); s3 = madd(v128.load(p, 48), xv, s3);
      s4 = madd(v128.load(p, 64), xv, s4); s5 = madd(v128.load(p, 80), xv, s5);
      s6 = madd(v128.load(p, 96), xv, s6); s7 = madd(v128.load(p, 112), xv, s7);
      p += 128;
    }
    const dst = direct && r + 8 <= R ? y : tmp;      // alpha = 1, beta = 0: the sums are the results (1 · s = s)
    rowSums4(s0, s1, s2, s3, dst + (<usize>r << 2));
    rowSums4(s4, s5, s6, s7, dst + (<usize>(r + 4) << 2));
  }
  if (!direct) finish(R, alpha, tmp, beta, y, 1);
  else if (R & 7) finish(R & 7, 1, tmp + (<usize>(R & ~7) << 2), 0, y + (<usize>(R & ~7) << 2), 1);
}

/** y[r·incy] = alpha · tmp[r] + beta · y[r·incy] (beta = 0: y not read). */
function finish(R: i32, alpha: f32, tmp: usize, beta: f32, y: usize, incy: i32): void {
  const s = <usize>incy << 2;
  for (let r = 0; r < R; r++, y += s) {
    let v = alpha * load<f32>(tmp + (<usize>r << 2));
    if (beta != 0) v += beta * load<f32>(y);
    store<f32>(y, v);
  }
}

// ---------------------------------------------------------------- the entry point

/**
 * C[M, N] = alpha · op(A)[M, K] · op(B)[K, N] + beta · C; lda, ldb, ldc in elements.
 * packedB: a `packB` of op(B) (then b is not read), or 0 to pack here. work: `gemmWorkBytes(M, N, K, packedB != 0)` bytes.
 */
export function gemm(transA: bool, transB: bool, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32,
  b: usize, ldb: i32, beta: f32, c: usize, ldc: i32, packedB: usize, work: usize): void {
  if (M <= 0 || N <= 0) return;
  const ldc4 = <usize>ldc << 2;
  if (K <= 0) {
    for (let i = 0; i < M; i++) {
      const row = c + <usize>i * ldc4;
      for (let j = 0; j < N; j++) {
        const p = row + (<usize>j << 2);
        store<f32>(p, beta == 0 ? 0 : beta * load<f32>(p));
      }
    }
    return;
  }
  if (M == 1) {          // c[0, j] = Σ_k op(A)[0, k] · op(B)[k, j]
    const x = contiguous(a, K, transA ? lda : 1, work), tmp = work + (<usize>K << 2);
    if (packedB != 0) gemvPacked(transB, N, K, x, packedB, tmp); else gemvCore(transB, N, K, x, b, ldb, tmp);
    finish(N, alpha, tmp, beta, c, 1);
    return;
  }
  if (N == 1) {          // c[i, 0] = Σ_k op(A)[i, k] · op(B)[k, 0]
    const x = contiguous(b, K, transB ? 1 : ldb, work), tmp = work + (<usize>K << 2);
    gemvCore(!transA, M, K, x, a, lda, tmp);
    finish(M, alpha, tmp, beta, c, ldc);
    return;
  }
  const tile = work;
  let bp = packedB, wa = work + TILE_BYTES;
  if (bp == 0) { packB(transB, K, N, b, ldb, wa); bp = wa; wa += packedBBytes(K, N); }
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    const bet: f32 = pc == 0 ? beta : 1, useBeta = pc > 0 || beta != 0;
    for (let ic = 0; ic < M; ic += MC) {
      const mc = min(MC, M - ic);
      packA(transA, a, lda, ic, pc, mc, kc, wa);
      for (let jr = 0; jr < N; jr += NR) {
        const nr = min(NR, N - jr);
        const bpan = bp + ((<usize>(jr / NR) * K + pc) * NR << 2);
        const crow = c + (<usize>jr << 2) + <usize>ic * ldc4;
        for (let ir = 0; ir < mc; ir += MR) {
          kernel4x8(kc, wa + (<usize>ir * kc << 2), bpan, crow + <usize>ir * ldc4, ldc4, alpha, bet, useBeta, min(MR, mc - ir), nr, tile);
        }
      }
    }
  }
}
