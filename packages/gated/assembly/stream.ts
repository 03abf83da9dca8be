// Batch 1, the streaming case: one direction of a GRU (reset after) or LSTM layer at B = 1 over T steps, the whole
// time loop in one call per thread.
//
// A step is cut into blocks of hidden units [j0, j0 + U). Block (s, b) computes, for its units only,
//   gi rows of every gate   = W_i· x_t + b_i·   (when x is given: a GEMV on W_ih's row panels; else read from gi[t])
//   gh rows of every gate   = W_h· h_{t−1} + b_h·   (a GEMV on W_hh's row panels)
//   the gate math of its units into h_t (and c_t), and save[t] when save ≠ 0.
// Each thread owns a block and runs it step after step (below); before step s a thread waits, spinning, until
// every block of step s − 1 is done — the only synchronisation. A thread that never arrives leaves its blocks to the
// others, so one thread alone runs the whole loop, and nothing can deadlock.
// Every row sum is gemvRowPanels' and every gate element goes through the operations of gates.ts, so the bits do not
// depend on U or on how many threads took part. Blocks of more than one unit range need H and U multiples of 8
// (row panels are 8 rows); the caller passes U = H otherwise.
// Buffers (byte addresses): x [T, I]; gi [T, G·H]; hx, cx [T+1, H] with the initial state in the first step's prev
// slot; save [T, S·H] or 0; work (streamWorkBytes): giStep [G·H], gh [G·H], then G·(H + 8) floats of GEMV scratch
// (a block's from G·j0 on, so that blocks running at once do not share it); ctl: streamCtlBytes, zeroed before the call.
import { gemvRowPanels } from './gemm';
import { ONE4, ld, sigmoid4, st, tanh4 } from './simd';

@inline function add(a: v128, b: v128): v128 { return f32x4.add(a, b); }
@inline function mul(a: v128, b: v128): v128 { return f32x4.mul(a, b); }

/**
 * out[g·H + j] = W[g·H + j, :] · v (+ bias[g·H + j]) for the G gates and j in [j0, j0 + n): one GEMV over all G·H rows
 * when the block is the whole layer, else one per gate on its panels. p: row panels of W [G·H, K]; tmp: scratch.
 */
function gateRows(G: i32, H: i32, K: i32, j0: i32, n: i32, v: usize, p: usize, bias: usize, out: usize, tmp: usize): void {
  if (n == H) gemvRowPanels(G * H, K, 1, v, p, 0, out, tmp);
  else {
    const panel = <usize>((K + 3) >> 2) * 128;
    for (let g = 0; g < G; g++) {
      const r = g * H + j0;
      gemvRowPanels(n, K, 1, v, p + <usize>(r >> 3) * panel, 0, out + (<usize>r << 2), tmp);
    }
  }
  if (bias == 0) return;
  for (let g = 0; g < G; g++) {
    const o = <usize>(g * H + j0) << 2;
    for (let j = 0; j < n; j += 4) {
      const q = o + (<usize>j << 2), m = min(n - j, 4);
      st(out + q, add(ld(out + q, m), ld(bias + q, m)), m);
    }
  }
}

// ---- who runs which block: ctl = [blocks the calling thread ran, polls it spent waiting, −, −], then per block b:
// claimed[b], done[b] (steps of b claimed, done). Each thread of the pool has a slot (0: the calling thread, set in
// each worker's instance by setThreadSlot) and owns block slot mod blocks, so that it keeps reading the same rows of
// the weights call after call (its cache holds them). It runs its own block of a step first, then any block of that
// step nobody has claimed yet (a thread that is late, descheduled or absent). A step starts when every block of the
// step before is done; a claim is a compare-exchange of claimed[b] from s to s + 1, so each block runs once.

let slot: i32 = 0;

/** This instance's thread slot (a worker's: 1, 2, …; the calling thread's instance keeps 0). */
export function setThreadSlot(k: i32): void { slot = k; }

@inline function claimedAt(ctl: usize, b: i32): usize { return ctl + 16 + (<usize>b << 3); }

/** The first step with a block not yet claimed (min over blocks of claimed[b]). */
function firstOpenStep(ctl: usize, blocks: i32): i32 {
  let s = atomic.load<i32>(claimedAt(ctl, 0));
  for (let b = 1; b < blocks; b++) s = min(s, atomic.load<i32>(claimedAt(ctl, b)));
  return s;
}

/** Waits until every block of step s − 1 is done; returns the polls spent. */
function awaitStep(ctl: usize, blocks: i32, s: i32): i32 {
  let polls = 0;
  for (let b = 0; b < blocks; b++) {
    while (atomic.load<i32>(claimedAt(ctl, b), 4) < s) polls = min(polls + 1, 0x40000000);   // the others finish the step before
  }
  return polls;
}

/** Claims block b of step s (true: this thread runs it). */
@inline function claim(ctl: usize, b: i32, s: i32): bool {
  const p = claimedAt(ctl, b);
  return atomic.load<i32>(p) == s && atomic.cmpxchg<i32>(p, s, s + 1) == s;
}

/** Marks block b of step s done. */
@inline function finishBlock(ctl: usize, b: i32, s: i32): void { atomic.store<i32>(claimedAt(ctl, b), s + 1, 4); }

/** Bytes of `ctl` for `blocks` blocks (zeroed by the caller before the call). */
export function streamCtlBytes(blocks: i32): usize { return 16 + (<usize>blocks << 3); }

/** n polls of a word as awaitStep makes them: to time one (the wrapper converts ctl[1] into time). */
export function pollFor(n: i32, ctl: usize): i32 {
  let polls = 0;
  while (polls < n && atomic.load<i32>(ctl, 4) >= 0) polls++;
  return polls;
}

/** Where a block's step reads its input rows: the step's gi, computed here from x (x ≠ 0) or read from gi[t]. */
@inline function inputRows(G: i32, H: i32, I: i32, t: i32, j0: i32, n: i32, x: usize, rowsIh: usize, bih: usize,
  gi: usize, giStep: usize, tmp: usize): usize {
  if (x == 0) return gi + <usize>t * G * H * 4;
  gateRows(G, H, I, j0, n, x + <usize>t * I * 4, rowsIh, bih, giStep, tmp);
  return giStep;
}

/** A block's units: [j0, j0 + n). */
@inline function unitsOf(b: i32, U: i32, H: i32): i32 { return min(U, H - b * U); }

/**
 * GRU block: gate order r, z, n; save [T, 4H] = r, z, n, gh_n (see gates.ts gruStepForward, whose operations this
 * repeats element by element on the block's units).
 */
function gruBlock(s: i32, j0: i32, n: i32, T: i32, H: i32, I: i32, reverse: bool, x: usize, rowsIh: usize, bih: usize,
  gi: usize, rowsHh: usize, bhh: usize, hx: usize, save: usize, work: usize): void {
  const Hb = <usize>H << 2, giStep = work, gh = work + 3 * Hb, tmp = gh + 3 * Hb + (<usize>(3 * j0) << 2);
  const t = reverse ? T - 1 - s : s, hp = hx + <usize>(reverse ? t + 1 : t) * Hb, hn = hx + <usize>(reverse ? t : t + 1) * Hb;
  const g = inputRows(3, H, I, t, j0, n, x, rowsIh, bih, gi, giStep, tmp);
  gateRows(3, H, H, j0, n, hp, rowsHh, bhh, gh, tmp);
  const sv = save + <usize>t * 4 * Hb;
  for (let j = j0; j < j0 + n; j += 4) {
    const o = <usize>j << 2, m = min(j0 + n - j, 4);
    const r = sigmoid4(add(ld(g + o, m), ld(gh + o, m)));                  // r = σ(W_ir x + b_ir + W_hr h + b_hr)
    const z = sigmoid4(add(ld(g + Hb + o, m), ld(gh + Hb + o, m)));        // z = σ(W_iz x + b_iz + W_hz h + b_hz)
    const ghn = ld(gh + 2 * Hb + o, m);
    const nv = tanh4(add(ld(g + 2 * Hb + o, m), mul(r, ghn)));             // n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
    st(hn + o, add(mul(f32x4.sub(ONE4(), z), nv), mul(z, ld(hp + o, m))), m);   // h' = (1 − z) ⊙ n + z ⊙ h
    if (save != 0) { st(sv + o, r, m); st(sv + Hb + o, z, m); st(sv + 2 * Hb + o, nv, m); st(sv + 3 * Hb + o, ghn, m); }
  }
}

/** LSTM block: gate order i, f, g, o; save [T, 5H] = i, f, g, o, tanh(c) (see gates.ts lstmStepForward). */
function lstmBlock(s: i32, j0: i32, n: i32, T: i32, H: i32, I: i32, reverse: bool, x: usize, rowsIh: usize, bih: usize,
  gi: usize, rowsHh: usize, bhh: usize, hx: usize, cx: usize, save: usize, work: usize): void {
  const Hb = <usize>H << 2, giStep = work, gh = work + 4 * Hb, tmp = gh + 4 * Hb + (<usize>(4 * j0) << 2);
  const t = reverse ? T - 1 - s : s, prev = <usize>(reverse ? t + 1 : t) * Hb, next = <usize>(reverse ? t : t + 1) * Hb;
  const g = inputRows(4, H, I, t, j0, n, x, rowsIh, bih, gi, giStep, tmp);
  gateRows(4, H, H, j0, n, hx + prev, rowsHh, bhh, gh, tmp);
  const sv = save + <usize>t * 5 * Hb;
  for (let j = j0; j < j0 + n; j += 4) {
    const o = <usize>j << 2, m = min(j0 + n - j, 4);
    const ig = sigmoid4(add(ld(g + o, m), ld(gh + o, m)));                 // i = σ(W_ii x + b_ii + W_hi h + b_hi)
    const fg = sigmoid4(add(ld(g + Hb + o, m), ld(gh + Hb + o, m)));       // f = σ(…)
    const gg = tanh4(add(ld(g + 2 * Hb + o, m), ld(gh + 2 * Hb + o, m)));  // g = tanh(…)
    const og = sigmoid4(add(ld(g + 3 * Hb + o, m), ld(gh + 3 * Hb + o, m)));   // o = σ(…)
    const cv = add(mul(fg, ld(cx + prev + o, m)), mul(ig, gg));            // c' = f ⊙ c + i ⊙ g
    const tc = tanh4(cv);
    st(cx + next + o, cv, m); st(hx + next + o, mul(og, tc), m);          // h' = o ⊙ tanh(c')
    if (save != 0) {
      st(sv + o, ig, m); st(sv + Hb + o, fg, m); st(sv + 2 * Hb + o, gg, m); st(sv + 3 * Hb + o, og, m);
      st(sv + 4 * Hb + o, tc, m);
    }
  }
}

/**
 * The loop every thread runs (cx = 0: GRU): for each step from the first open one, wait for the step before, then
 * run this thread's own block and any unclaimed one; the calling thread counts the blocks it ran and its polls.
 */
function streamLoop(T: i32, H: i32, I: i32, reverse: bool, x: usize, rowsIh: usize, bih: usize, gi: usize, rowsHh: usize,
  bhh: usize, hx: usize, cx: usize, lstm: bool, save: usize, work: usize, ctl: usize, U: i32): void {
  const blocks = (H + U - 1) / U, mine = slot % blocks;
  let polls = 0, ran = 0;
  for (let s = firstOpenStep(ctl, blocks); s < T; s = max(s + 1, firstOpenStep(ctl, blocks))) {
    polls = min(polls + awaitStep(ctl, blocks, s), 0x40000000);   // saturating: ~1 s of polls at most counts
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < blocks; b++) {
        if ((b == mine) != (pass == 0) || !claim(ctl, b, s)) continue;
        const j0 = b * U, n = unitsOf(b, U, H);
        if (lstm) lstmBlock(s, j0, n, T, H, I, reverse, x, rowsIh, bih, gi, rowsHh, bhh, hx, cx, save, work);
        else gruBlock(s, j0, n, T, H, I, reverse, x, rowsIh, bih, gi, rowsHh, bhh, hx, save, work);
        finishBlock(ctl, b, s);
        ran++;
      }
    }
  }
  if (slot == 0) { atomic.add<i32>(ctl, ran); atomic.add<i32>(ctl, polls, 4); }
}

/** One direction of a GRU layer (reset after) at batch 1; see the top of this file. */
export function gruStream(T: i32, H: i32, I: i32, reverse: bool, x: usize, rowsIh: usize, bih: usize, gi: usize,
  rowsHh: usize, bhh: usize, hx: usize, save: usize, work: usize, ctl: usize, U: i32): void {
  streamLoop(T, H, I, reverse, x, rowsIh, bih, gi, rowsHh, bhh, hx, 0, false, save, work, ctl, U);
}

/** One direction of an LSTM layer (no projection) at batch 1; see the top of this file. */
export function lstmStream(T: i32, H: i32, I: i32, reverse: bool, x: usize, rowsIh: usize, bih: usize, gi: usize,
  rowsHh: usize, bhh: usize, hx: usize, cx: usize, save: usize, work: usize, ctl: usize, U: i32): void {
  streamLoop(T, H, I, reverse, x, rowsIh, bih, gi, rowsHh, bhh, hx, cx, true, save, work, ctl, U);
}

/** Bytes of `work` for gruStream (G = 3) / lstmStream (G = 4) at hidden size H. */
export function streamWorkBytes(G: i32, H: i32): usize { return <usize>(2 * G * H + G * (H + 8)) << 2; }
