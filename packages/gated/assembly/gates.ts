// Fused gate kernels, one time step of a GRU / LSTM / Elman RNN cell, forward and backward.
// The math, shapes and saved values are exactly those of src/kernels/api.ts (read the equations there);
// buffers are row-major [B, k·H] float32 at byte addresses, H need not be a multiple of 4 (row tails use partial lanes).
import { ONE4, ld, relu4, sigmoid4, st, tanh4 } from './simd';


@inline function add(a: v128, b: v128): v128 { return f32x4.add(a, b); }
@inline function sub(a: v128, b: v128): v128 { return f32x4.sub(a, b); }
@inline function mul(a: v128, b: v128): v128 { return f32x4.mul(a, b); }
/** x(1 − x): the derivative of σ written in terms of its output. */
@inline function dsig(y: v128): v128 { return mul(y, sub(ONE4(), y)); }
/** 1 − y²: the derivative of tanh written in terms of its output. */
@inline function dtanh(y: v128): v128 { return sub(ONE4(), mul(y, y)); }

// ---------------------------------------------------------------- GRU, reset after the recurrent product (PyTorch)

/**
 * gi, gh: [B, 3H] (r, z, n); hPrev, h: [B, H]; save: [B, 4H] = r, z, n, gh_n.
 * Two passes per row — σ over the contiguous r, z blocks, then n and the blend — compile to tighter code than one
 * fused pass (fewer live vectors); every element goes through the same operations either way.
 */
export function gruStepForward(B: i32, H: i32, gi: usize, gh: usize, hp: usize, h: usize, save: usize): void {
  const Hb = <usize>H << 2, H2 = 2 * H;
  for (let b = 0; b < B; b++, gi += 3 * Hb, gh += 3 * Hb, hp += Hb, h += Hb, save += 4 * Hb) {
    for (let j = 0; j < H2; j += 4) {
      const o = <usize>j << 2, m = min(H2 - j, 4);
      st(save + o, sigmoid4(add(ld(gi + o, m), ld(gh + o, m))), m);
    }
    for (let j = 0; j < H; j += 4) {
      const o = <usize>j << 2, m = min(H - j, 4);
      const r = ld(save + o, m), z = ld(save + Hb + o, m), ghn = ld(gh + 2 * Hb + o, m);
      const n = tanh4(add(ld(gi + 2 * Hb + o, m), mul(r, ghn)));
      st(h + o, add(mul(sub(ONE4(), z), n), mul(z, ld(hp + o, m))), m);
      st(save + 2 * Hb + o, n, m); st(save + 3 * Hb + o, ghn, m);
    }
  }
}

/** dh, hPrev, dhPrev: [B, H]; save: [B, 4H]; dgi, dgh: [B, 3H]. */
export function gruStepBackward(B: i32, H: i32, dh: usize, hp: usize, save: usize, dgi: usize, dgh: usize, dhp: usize): void {
  const Hb = <usize>H << 2;
  for (let b = 0; b < B; b++, dh += Hb, hp += Hb, save += 4 * Hb, dgi += 3 * Hb, dgh += 3 * Hb, dhp += Hb) {
    for (let j = 0; j < H; j += 4) {
      const o = <usize>j << 2, m = min(H - j, 4);
      const r = ld(save + o, m), z = ld(save + Hb + o, m), n = ld(save + 2 * Hb + o, m), ghn = ld(save + 3 * Hb + o, m);
      const d = ld(dh + o, m);
      const dnPre = mul(mul(d, sub(ONE4(), z)), dtanh(n));
      const dzPre = mul(mul(d, sub(ld(hp + o, m), n)), dsig(z));
      const drPre = mul(mul(dnPre, ghn), dsig(r));
      st(dgi + o, drPre, m); st(dgi + Hb + o, dzPre, m); st(dgi + 2 * Hb + o, dnPre, m);
      st(dgh + o, drPre, m); st(dgh + Hb + o, dzPre, m); st(dgh + 2 * Hb + o, mul(dnPre, r), m);
      st(dhp + o, mul(d, z), m);
    }
  }
}

// ---------------------------------------------------------------- GRU, reset before the recurrent product (Cho 2014)

/** gi: [B, 3H]; ghRZ: [B, 2H]; writes the r, z and r ⊙ hPrev blocks of save [B, 4H]. */
export function gruResetBeforeGates(B: i32, H: i32, gi: usize, gh: usize, hp: usize, save: usize): void {
  const Hb = <usize>H << 2;
  for (let b = 0; b < B; b++, gi += 3 * Hb, gh += 2 * Hb, hp += Hb, save += 4 * Hb) {
    for (let j = 0; j < H; j += 4) {
      const o = <usize>j << 2, m = min(H - j, 4);
      const r = sigmoid4(add(ld(gi + o, m), ld(gh + o, m)));
      st(save + o, r, m);
      st(save + Hb + o, sigmoid4(add(ld(gi + Hb + o, m), ld(gh + Hb + o, m))), m);
      st(save + 3 * Hb + o, mul(r, ld(hp + o, m)), m);
    }
  }
}

/** ghN: [B, H] = W_hn (r ⊙ hPrev) + b_hn; writes n into save and h. */
export function gruResetBeforeBlend(B: i32, H: i32, gi: usize, ghn: usize, hp: usize, h: usize, save: usize): void {
  const Hb = <usize>H << 2;
  for (let b = 0; b < B; b++, gi += 3 * Hb, ghn += Hb, hp += Hb, h += Hb, save += 4 * Hb) {
    for (let j = 0; j < H; j += 4) {
      const o = <usize>j << 2, m = min(H - j, 4);
      const z = ld(save + Hb + o, m);
      const n = tanh4(add(ld(gi + 2 * Hb + o, m), ld(ghn + o, m)));
      st(save + 2 * Hb + o, n, m);
      st(h + o, add(mul(sub(ONE4(), z), n), mul(z, ld(hp + o, m))), m);
    }
  }
}

/** Writes the z and n blocks of dgi [B, 3H] and dhPrev = z ⊙ dh. */
export function gruResetBeforeBackwardBlend(B: i32, H: i32, dh: usize, hp: usize, save: usize, dgi: usize, dhp: usize): void {
  const Hb = <usize>H << 2;
  for (let b = 0; b < B; b++, dh += Hb, hp += Hb, save += 4 * Hb, dgi += 3 * Hb, dhp += Hb) {
    for (let j = 0; j < H; j += 4) {
      const o = <usize>j << 2, m = min(H - j, 4);
      const z = ld(save + Hb + o, m), n = ld(save + 2 * Hb + o, m), d = ld(dh + o, m);
      st(dgi + Hb + o, mul(mul(d, sub(ld(hp + o, m), n)), dsig(z)), m);
      st(dgi + 2 * Hb + o, mul(mul(d, sub(ONE4(), z)), dtanh(n)), m);
      st(dhp + o, mul(d, z), m);
    }
  }
}

/** Given d(r ⊙ hPrev) [B, H]: writes the r block of dgi, dhPrev += r ⊙ d(r ⊙ hPrev). */
export function gruResetBeforeBackwardGates(B: i32, H: i32, dRh: usize, hp: usize, save: usize, dgi: usize, dhp: usize): void {
  const Hb = <usize>H << 2;
  for (let b = 0; b < B; b++, dRh += Hb, hp += Hb, save += 4 * Hb, dgi += 3 * Hb, dhp += Hb) {
    for (let j = 0; j < H; j += 4) {
      const o = <usize>j << 2, m = min(H - j, 4);
      const r = ld(save + o, m), d = ld(dRh + o, m);
      st(dgi + o, mul(mul(d, ld(hp + o, m)), dsig(r)), m);
      st(dhp + o, add(ld(dhp + o, m), mul(d, r)), m);
    }
  }
}

// ---------------------------------------------------------------- LSTM (gate order i, f, g, o)

/** gi, gh: [B, 4H]; cPrev, c, m: [B, H]; save: [B, 5H] = i, f, g, o, tanh(c). */
export function lstmStepForward(B: i32, H: i32, gi: usize, gh: usize, cp: usize, c: usize, mo: usize, save: usize): void {
  const Hb = <usize>H << 2;
  for (let b = 0; b < B; b++, gi += 4 * Hb, gh += 4 * Hb, cp += Hb, c += Hb, mo += Hb, save += 5 * Hb) {
    for (let j = 0; j < H; j += 4) {
      const o = <usize>j << 2, m = min(H - j, 4);
      const ig = sigmoid4(add(ld(gi + o, m), ld(gh + o, m)));
      const fg = sigmoid4(add(ld(gi + Hb + o, m), ld(gh + Hb + o, m)));
      const gg = tanh4(add(ld(gi + 2 * Hb + o, m), ld(gh + 2 * Hb + o, m)));
      const og = sigmoid4(add(ld(gi + 3 * Hb + o, m), ld(gh + 3 * Hb + o, m)));
      const cv = add(mul(fg, ld(cp + o, m)), mul(ig, gg));
      const tc = tanh4(cv);
      st(c + o, cv, m); st(mo + o, mul(og, tc), m);
      st(save + o, ig, m); st(save + Hb + o, fg, m); st(save + 2 * Hb + o, gg, m); st(save + 3 * Hb + o, og, m);
      st(save + 4 * Hb + o, tc, m);
    }
  }
}

/** dm, dc, cPrev, dcPrev: [B, H]; save: [B, 5H]; dg: [B, 4H]. */
export function lstmStepBackward(B: i32, H: i32, dm: usize, dc: usize, cp: usize, save: usize, dg: usize, dcp: usize): void {
  const Hb = <usize>H << 2;
  for (let b = 0; b < B; b++, dm += Hb, dc += Hb, cp += Hb, save += 5 * Hb, dg += 4 * Hb, dcp += Hb) {
    for (let j = 0; j < H; j += 4) {
      const o = <usize>j << 2, m = min(H - j, 4);
      const ig = ld(save + o, m), fg = ld(save + Hb + o, m), gg = ld(save + 2 * Hb + o, m);
      const og = ld(save + 3 * Hb + o, m), tc = ld(save + 4 * Hb + o, m);
      const d = ld(dm + o, m);
      const dcT = add(ld(dc + o, m), mul(mul(d, og), dtanh(tc)));
      st(dg + o, mul(mul(dcT, gg), dsig(ig)), m);
      st(dg + Hb + o, mul(mul(dcT, ld(cp + o, m)), dsig(fg)), m);
      st(dg + 2 * Hb + o, mul(mul(dcT, ig), dtanh(gg)), m);
      st(dg + 3 * Hb + o, mul(mul(d, tc), dsig(og)), m);
      st(dcp + o, mul(dcT, fg), m);
    }
  }
}

// ---------------------------------------------------------------- Elman RNN: h = act(gi + gh), contiguous [B·H]

export function rnnStepForward(n: i32, relu: bool, gi: usize, gh: usize, h: usize): void {
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2, m = min(n - i, 4);
    const v = add(ld(gi + o, m), ld(gh + o, m));
    st(h + o, relu ? relu4(v) : tanh4(v), m);
  }
}

/** dg = dh ⊙ act'(h): tanh' = 1 − h²; relu like PyTorch's threshold_backward: h ≤ 0 ? 0 : dh (a NaN h passes dh). */
export function rnnStepBackward(n: i32, relu: bool, dh: usize, h: usize, dg: usize): void {
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2, m = min(n - i, 4);
    const y = ld(h + o, m), d = ld(dh + o, m);
    st(dg + o, relu ? v128.andnot(d, f32x4.le(y, f32x4.splat(0))) : mul(d, dtanh(y)), m);
  }
}
