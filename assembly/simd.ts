// Vector helpers shared by the kernels: partial loads/stores for row tails (n % 4 ≠ 0), so that a tail element goes
// through exactly the same f32x4 arithmetic as the body, and the vectorised exp / sigmoid / tanh.
// Pointers are byte addresses into linear memory; nothing here allocates.

/** Loads n ∈ 1..4 floats from p; unused lanes are 0. */
@inline export function ld(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the first n ∈ 1..4 lanes of v at p. */
@inline export function st(p: usize, v: v128, n: i32): void {
  if (n >= 4) { v128.store(p, v); return; }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// ---- exp for x ≤ 0 (Cephes expf: Cody–Waite reduction x = n·ln2 + r, degree-7 polynomial on |r| ≤ ln2/2, ≈1 ulp)
// 2^n is applied in two halves so that results in the subnormal range round once, like a correctly scaled exp.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;      // 9 significant bits: n·LN2_HI is exact for |n| ≤ 2^15
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MIN: f32 = -104.0;          // exp(-104) < 2^-150 rounds to 0 in float32

@inline export function expNeg(x: v128): v128 {
  x = f32x4.max(x, f32x4.splat(EXP_MIN));               // NaN stays NaN (f32x4.max propagates it)
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  // n ∈ [-150, 0]: 2^n = 2^n1 · 2^n2 with n1 = n >> 1, n2 = n − n1, both ≥ −75 (normal)
  const ni = i32x4.trunc_sat_f32x4_s(n);
  const n1 = i32x4.shr_s(ni, 1), n2 = i32x4.sub(ni, n1);
  const bias = i32x4.splat(127);
  p = f32x4.mul(p, i32x4.shl(i32x4.add(n1, bias), 23));
  return f32x4.mul(p, i32x4.shl(i32x4.add(n2, bias), 23));
}

/** σ(x) = 1 / (1 + e^−x), via e = e^−|x| so nothing overflows: σ = 1/(1+e) for x ≥ 0, e/(1+e) below. */
@inline export function sigmoid4(x: v128): v128 {
  const e = expNeg(f32x4.neg(f32x4.abs(x)));
  const d = f32x4.add(f32x4.splat(1.0), e);
  const pos = f32x4.div(f32x4.splat(1.0), d), neg = f32x4.div(e, d);
  return v128.bitselect(pos, neg, f32x4.ge(x, f32x4.splat(0)));   // NaN: ge is false, neg = NaN/NaN
}

/**
 * tanh on |x|, then the sign of x: |x| < 0.625 → odd polynomial (Cephes tanhf, ≈2 ulp), else (1 − e)/(1 + e) with
 * e = e^−2|x|. Saturates to ±1 for large |x| (e underflows to 0); tanh(−0) = −0; NaN propagates via the second branch.
 */
@inline export function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), ax), ax);
  const e = expNeg(f32x4.mul(ax, f32x4.splat(-2.0)));
  const large = f32x4.div(f32x4.sub(f32x4.splat(1.0), e), f32x4.add(f32x4.splat(1.0), e));
  const t = v128.bitselect(small, large, f32x4.lt(ax, f32x4.splat(0.625)));
  return v128.or(t, v128.and(x, i32x4.splat(<i32>0x80000000)));
}

/** relu like the reference and PyTorch's max(x, 0): x < 0 ? 0 : x (NaN propagates, −0 stays −0). */
@inline export function relu4(x: v128): v128 {
  return v128.andnot(x, f32x4.lt(x, f32x4.splat(0)));
}
