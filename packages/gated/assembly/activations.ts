// Element-wise kernels: activations over n floats, bias broadcast and bias-gradient row sums.
// Pointers are byte addresses of float32 data; the TypeScript wrapper (src/kernels/wasm.ts) owns memory.
import { ld, relu4, sigmoid4, st, tanh4 } from './simd';

/** y[i] = σ(x[i]), i < n. */
export function sigmoid(n: i32, x: usize, y: usize): void {
  for (let i = 0; i < n; i += 4) { const o = <usize>i << 2, m = min(n - i, 4); st(y + o, sigmoid4(ld(x + o, m)), m); }
}

/** y[i] = tanh(x[i]), i < n. */
export function tanh(n: i32, x: usize, y: usize): void {
  for (let i = 0; i < n; i += 4) { const o = <usize>i << 2, m = min(n - i, 4); st(y + o, tanh4(ld(x + o, m)), m); }
}

/** y[i] = max(x[i], 0) with NaN → 0, i < n. */
export function relu(n: i32, x: usize, y: usize): void {
  for (let i = 0; i < n; i += 4) { const o = <usize>i << 2, m = min(n - i, 4); st(y + o, relu4(ld(x + o, m)), m); }
}

/** X[M, N] += v[N] on every row. */
export function addRowVector(M: i32, N: i32, v: usize, X: usize): void {
  const row = <usize>N << 2;
  for (let i = 0; i < M; i++, X += row) {
    for (let j = 0; j < N; j += 4) {
      const o = <usize>j << 2, m = min(N - j, 4);
      st(X + o, f32x4.add(ld(X + o, m), ld(v + o, m)), m);
    }
  }
}

/** Four float32 lanes as two f64x2 (low, high). */
@inline function lo64(x: v128): v128 { return f64x2.promote_low_f32x4(x); }
@inline function hi64(x: v128): v128 { return f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1)); }
@inline function to32(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/**
 * v[N] += Σ_i X[M, N] (rows ldx apart) — column sums in float64 in row order, then one rounding, exactly like the
 * reference; columns are independent, so threads may take disjoint column ranges.
 * 16 columns per pass (one cache line per row), then 4 at a time.
 */
export function sumRowsInto(M: i32, N: i32, X: usize, ldx: i32, v: usize): void {
  const row = <usize>ldx << 2;
  let j = 0;
  for (; j + 16 <= N; j += 16) {
    const o = <usize>j << 2;
    let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, p = X + o;
    for (let i = 0; i < M; i++, p += row) {
      const x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
      a0 = f64x2.add(a0, lo64(x0)); a1 = f64x2.add(a1, hi64(x0));
      a2 = f64x2.add(a2, lo64(x1)); a3 = f64x2.add(a3, hi64(x1));
      a4 = f64x2.add(a4, lo64(x2)); a5 = f64x2.add(a5, hi64(x2));
      a6 = f64x2.add(a6, lo64(x3)); a7 = f64x2.add(a7, hi64(x3));
    }
    const q = v + o;
    let c = v128.load(q); v128.store(q, to32(f64x2.add(a0, lo64(c)), f64x2.add(a1, hi64(c))));
    c = v128.load(q, 16); v128.store(q, to32(f64x2.add(a2, lo64(c)), f64x2.add(a3, hi64(c))), 16);
    c = v128.load(q, 32); v128.store(q, to32(f64x2.add(a4, lo64(c)), f64x2.add(a5, hi64(c))), 32);
    c = v128.load(q, 48); v128.store(q, to32(f64x2.add(a6, lo64(c)), f64x2.add(a7, hi64(c))), 48);
  }
  for (; j < N; j += 4) {
    const o = <usize>j << 2, m = min(N - j, 4);
    let lo = f64x2.splat(0), hi = lo, p = X + o;
    for (let i = 0; i < M; i++, p += row) { const x = ld(p, m); lo = f64x2.add(lo, lo64(x)); hi = f64x2.add(hi, hi64(x)); }
    const c = ld(v + o, m);
    st(v + o, to32(f64x2.add(lo, lo64(c)), f64x2.add(hi, hi64(c))), m);
  }
}
