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

/**
 * a · b + c, the accumulation step of the GEMM and GEMV: one fused multiply-add (rounded once, so the last bits differ)
 * in the relaxed-SIMD build, f32x4.mul then f32x4.add (the same bits as c + a · b) in the SIMD128 build.
 */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// ---- exp for x ≤ 0 (Cephes expf: Cody–Waite reduction x = n·ln2 + r, degree-7 polynomial on |r| ≤ ln2/2, ≈1 ulp)
// 2^n is applied in two halves so that results in the subnormal range round once, like a correctly scaled exp.

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;      // 9 significant bits: n·LN2_HI is exact for |n| ≤ 2^15
const LN2_LO: f32 = -2.12194440e-4;
const EXP_MIN: f32 = -104.0;          // exp(-104) < 2^-150 rounds to 0 in float32

// Costs that matter in V8's SIMD code: f32x4.max/min and i32x4.trunc_sat expand to several instructions each (NaN
// and saturation rules), f32x4.pmax and float adds do not; a division is the slowest single instruction. The forms
// below give the same bits as the textbook ones (noted per line) at fewer instructions.
const ROUND_MAGIC: f32 = 12582912.0;  // 1.5 · 2^23: y + M − M rounds y to an integer (ties to even) for |y| < 2^22,
                                      // and the low mantissa bits of y + M hold that integer

/**
 * The constants of the vector functions below, as float32 (or int32) bit patterns, loaded with one broadcast each:
 * V8 rebuilds an inline v128 constant from two 64-bit immediates at every use, which costs more than a load.
 * Read-only; the shared-memory build's instances all write the same bytes here when they start.
 */
const CONSTS: usize = memory.data<u32>([
  0xc2d00000 /* EXP_MIN */,
  0x3fb8aa3b /* LOG2E */,
  0x4b400000 /* ROUND_MAGIC */,
  0x3f318000 /* LN2_HI */,
  0xb95e8083 /* LN2_LO */,
  0x39506967 /* 1.9875691500e-4 */,
  0x3ab743ce /* 1.3981999507e-3 */,
  0x3c088908 /* 8.3334519073e-3 */,
  0x3d2aa9c1 /* 4.1665795894e-2 */,
  0x3e2aaaaa /* 1.6666665459e-1 */,
  0x3f000000 /* 5.0000001201e-1 */,
  0x3f800000 /* 1.0 */,
  0x00000000 /* 0 */,
  0xbbbaf0ea /* -5.70498872745e-3 */,
  0x3ca9134e /* 2.06390887954e-2 */,
  0xbd5c1e2d /* -5.37397155531e-2 */,
  0x3e088393 /* 1.33314422036e-1 */,
  0xbeaaaa99 /* -3.33332819422e-1 */,
  0xc0000000 /* -2.0 */,
  0x3f200000 /* 0.625 */,
  0x0000007f /* 127 */,
  0x80000000 /* <i32>0x80000000 */,
]);
/** Constant i of CONSTS in all four lanes. */
@inline function K(i: i32): v128 { return v128.load32_splat(CONSTS + (<usize>i << 2)); }
/** 1.0 in all four lanes (for the gate kernels). */
@inline export function ONE4(): v128 { return K(11); }

@inline export function expNeg(x: v128): v128 {
  x = f32x4.pmax(x, K(0));              // x < EXP_MIN ? EXP_MIN : x — NaN stays NaN
  const m = f32x4.add(f32x4.mul(x, K(1)), K(2));
  const n = f32x4.sub(m, K(2));     // = nearest(x · log2e), exact for |x · log2e| ≤ 151
  let r = f32x4.sub(x, f32x4.mul(n, K(3)));
  r = f32x4.sub(r, f32x4.mul(n, K(4)));
  let p = K(5);
  p = f32x4.add(f32x4.mul(p, r), K(6));
  p = f32x4.add(f32x4.mul(p, r), K(7));
  p = f32x4.add(f32x4.mul(p, r), K(8));
  p = f32x4.add(f32x4.mul(p, r), K(9));
  p = f32x4.add(f32x4.mul(p, r), K(10));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), K(11));
  // n ∈ [-150, 0]: 2^n = 2^n1 · 2^n2 with n1 = n >> 1, n2 = n − n1, both ≥ −75 (normal); n's integer from m's bits
  // (NaN lanes give garbage exponents, but p is NaN there and stays NaN)
  const ni = i32x4.sub(m, K(2));
  const n1 = i32x4.shr_s(ni, 1), n2 = i32x4.sub(ni, n1);
  const bias = K(20);
  p = f32x4.mul(p, i32x4.shl(i32x4.add(n1, bias), 23));
  return f32x4.mul(p, i32x4.shl(i32x4.add(n2, bias), 23));
}

/** −|x|: the sign bit set. */
@inline function negAbs(x: v128): v128 { return v128.or(x, K(21)); }

/** σ(x) = 1 / (1 + e^−x), via e = e^−|x| so nothing overflows: σ = (x ≥ 0 ? 1 : e) / (1 + e) — one division. */
@inline export function sigmoid4(x: v128): v128 {
  const e = expNeg(negAbs(x));
  const num = v128.bitselect(K(11), e, f32x4.ge(x, K(12)));   // NaN: ge is false, e = NaN
  return f32x4.div(num, f32x4.add(K(11), e));
}

/**
 * tanh on |x|, then the sign of x: |x| < 0.625 → odd polynomial (Cephes tanhf, ≈2 ulp), else (1 − e)/(1 + e) with
 * e = e^−2|x|. Saturates to ±1 for large |x| (e underflows to 0); tanh(−0) = −0; NaN propagates via the second branch.
 */
@inline export function tanh4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let p = K(13);
  p = f32x4.add(f32x4.mul(p, z), K(14));
  p = f32x4.add(f32x4.mul(p, z), K(15));
  p = f32x4.add(f32x4.mul(p, z), K(16));
  p = f32x4.add(f32x4.mul(p, z), K(17));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), ax), ax);
  const e = expNeg(f32x4.mul(ax, K(18)));
  const large = f32x4.div(f32x4.sub(K(11), e), f32x4.add(K(11), e));
  const t = v128.bitselect(small, large, f32x4.lt(ax, K(19)));
  return v128.or(t, v128.and(x, K(21)));
}

/** relu like the reference and PyTorch's max(x, 0): x < 0 ? 0 : x (NaN propagates, −0 stays −0). */
@inline export function relu4(x: v128): v128 {
  return v128.andnot(x, f32x4.lt(x, K(12)));
}
