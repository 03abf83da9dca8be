// The whole-sequence kernels (Kernels.gruSequenceForward / lstmSequenceForward and their Backward): the wasm backend's
// resident versions give the same bits as its per-step kernels composed (src/kernels/_sequence.ts) — forward and
// reverse, with and without biases, pinned or not, B = 1 (GEMV), H = 1 and I ≤ 1 (one-column GEMMs) and row tails, on
// 1 and 2 threads — and stay within float32 rounding of the reference; the composition itself is what the GRU / LSTM
// layers compute, forward and backward. The bidirectional entries equal the two directions' sequence kernels, and a
// bidirectional layer computes the same bits with them as without.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { F32, Kernels, SequenceBackwardDir, SequenceForwardDir } from '../../src/kernels/api.js';
import {
  gruSequenceBackwardWith, gruSequenceForwardWith, lstmSequenceBackwardWith, lstmSequenceForwardWith,
} from '../../src/kernels/_sequence.js';
import { refKernels as R } from '../../src/kernels/ref.js';
import { initWasmSync, pinnedBytes, poolStats, wasmKernels as W } from '../../src/kernels/wasm.js';
import { getBackend, registerBackend, setBackend, setNumThreads } from '../../src/kernels/select.js';
import { GRU } from '../../src/nn/gru.js';
import { LSTM } from '../../src/nn/lstm.js';
import { add, mul, sum } from '../../src/tensor/ops.js';
import { Tensor, noGrad } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/random.js';
import { expectClose } from '../_util/close.js';

const rng = new Rng(4242);
function rand(n: number, a = 0.5): F32 {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.uniform(-a, a);
  return x;
}
const bits = (a: F32): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

interface Case { cell: 'GRU' | 'LSTM'; T: number; B: number; I: number; H: number; reverse: boolean; bias: boolean; pin: boolean }

/** Runs one case with `run` (a backend's sequence kernel or the composition); returns hx, (cx,) save. */
function runCase(c: Case, w: { x: F32; wih: F32; whh: F32; bih: F32; bhh: F32; h0: F32; c0: F32 }, k: Kernels, composed: boolean): F32[] {
  const { T, B, I, H, reverse } = c, n = B * H, first = reverse ? T : 0;
  const hx = new Float32Array((T + 1) * n), cx = new Float32Array((T + 1) * n);
  hx.set(w.h0, first * n); cx.set(w.c0, first * n);
  const bih = c.bias ? w.bih : null, bhh = c.bias ? w.bhh : null, weights = [w.wih, w.whh, w.bih, w.bhh];
  if (c.pin) weights.forEach((a) => k.pin(a));
  try {
    if (c.cell === 'GRU') {
      const save = new Float32Array(T * 4 * n);
      if (composed) gruSequenceForwardWith(k, T, B, I, H, reverse, w.x, w.wih, bih, w.whh, bhh, hx, save);
      else k.gruSequenceForward!(T, B, I, H, reverse, w.x, w.wih, bih, w.whh, bhh, hx, save);
      return [hx, save];
    }
    const save = new Float32Array(T * 5 * n);
    if (composed) lstmSequenceForwardWith(k, T, B, I, H, reverse, w.x, w.wih, bih, w.whh, bhh, hx, cx, save);
    else k.lstmSequenceForward!(T, B, I, H, reverse, w.x, w.wih, bih, w.whh, bhh, hx, cx, save);
    return [hx, cx, save];
  } finally { if (c.pin) weights.forEach((a) => k.unpin(a)); }
}

function weightsFor(c: Case): { x: F32; wih: F32; whh: F32; bih: F32; bhh: F32; h0: F32; c0: F32 } {
  const G = (c.cell === 'GRU' ? 3 : 4) * c.H;
  return { x: rand(c.T * c.B * c.I, 2), wih: rand(G * c.I), whh: rand(G * c.H), bih: rand(G), bhh: rand(G), h0: rand(c.B * c.H), c0: rand(c.B * c.H) };
}

let was = 'wasm';
beforeAll(() => { expect(initWasmSync()).toBe(true); was = getBackend(); });
afterAll(() => { setNumThreads(0); setBackend(was); });

const cases: Case[] = [];
for (const cell of ['GRU', 'LSTM'] as const) {
  cases.push(
    { cell, T: 7, B: 3, I: 5, H: 9, reverse: false, bias: true, pin: false },
    { cell, T: 6, B: 1, I: 13, H: 35, reverse: true, bias: true, pin: true },      // GEMV, packed pinned W_hh
    { cell, T: 1, B: 2, I: 4, H: 4, reverse: false, bias: false, pin: true },
    { cell, T: 5, B: 33, I: 17, H: 131, reverse: true, bias: true, pin: true },    // large enough to split on threads
    { cell, T: 3, B: 4, I: 0, H: 6, reverse: false, bias: true, pin: false },      // no inputs: gi = b_ih
    { cell, T: 6, B: 1, I: 13, H: 35, reverse: false, bias: false, pin: false },   // GEMV, weights packed per call
    { cell, T: 4, B: 2, I: 1, H: 1, reverse: true, bias: true, pin: true },        // one-column GEMMs
  );
}

describe('sequence forward kernels', { timeout: 60_000 }, () => {
  for (const c of cases) {
    it(`${c.cell} T=${c.T} B=${c.B} I=${c.I} H=${c.H} reverse=${c.reverse} bias=${c.bias} pinned=${c.pin}: wasm = its per-step kernels bit for bit, ≈ reference`, () => {
      const w = weightsFor(c);
      for (const threads of [1, 2]) {
        setNumThreads(threads);
        const fused = runCase(c, w, W, false), steps = runCase(c, w, W, true);
        fused.forEach((f, i) => expect(bits(f), `output ${i} on ${threads} thread(s)`).toEqual(bits(steps[i])));
        expect(pinnedBytes()).toBe(0);
      }
      // inference (save = null) gives the same states
      const { T, B, I, H, reverse } = c, hx = new Float32Array((T + 1) * B * H), cx = new Float32Array((T + 1) * B * H);
      hx.set(w.h0, (reverse ? T : 0) * B * H); cx.set(w.c0, (reverse ? T : 0) * B * H);
      if (c.cell === 'GRU') W.gruSequenceForward!(T, B, I, H, reverse, w.x, w.wih, c.bias ? w.bih : null, w.whh, c.bias ? w.bhh : null, hx, null);
      else W.lstmSequenceForward!(T, B, I, H, reverse, w.x, w.wih, c.bias ? w.bih : null, w.whh, c.bias ? w.bhh : null, hx, cx, null);
      expect(bits(hx), 'hx with save = null').toEqual(bits(runCase(c, w, W, true)[0]));
      const ref = runCase(c, w, R, false), refSteps = runCase(c, w, R, true);
      ref.forEach((r, i) => expect(bits(r)).toEqual(bits(refSteps[i])));
      const got = runCase(c, w, W, false);
      got.forEach((g, i) => expectClose(g, ref[i], { atol: 2e-5, rtol: 2e-5, what: `${c.cell} output ${i} vs reference` }));
    });
  }
});

describe('the composition is what the layers compute', { timeout: 60_000 }, () => {
  for (const cell of ['GRU', 'LSTM'] as const) {
    for (const backend of ['wasm', 'js']) {
      it(`${cell} forward (both directions) on '${backend}': outputs and final states equal the sequence kernel's`, () => {
        setBackend(backend);
        const k = backend === 'wasm' ? W : R, T = 5, B = 3, I = 7, H = 10;
        const net = cell === 'GRU' ? new GRU({ inputSize: I, hiddenSize: H, bidirectional: true })
          : new LSTM({ inputSize: I, hiddenSize: H, bidirectional: true });
        const x = rand(T * B * I, 2), sd = net.stateDict();
        const y = noGrad(() => net.forward(new Tensor(x, [T, B, I])));
        for (const [d, sfx] of [[0, '_l0'], [1, '_l0_reverse']] as const) {
          const c: Case = { cell, T, B, I, H, reverse: d === 1, bias: true, pin: true };
          const w = { x, wih: sd[`weight_ih${sfx}`].data, whh: sd[`weight_hh${sfx}`].data, bih: sd[`bias_ih${sfx}`].data,
            bhh: sd[`bias_hh${sfx}`].data, h0: new Float32Array(B * H), c0: new Float32Array(B * H) };
          const [hx] = runCase(c, w, k, false);
          for (let t = 0; t < T; t++) {
            const slot = d === 1 ? t : t + 1;
            for (let b = 0; b < B; b++) {
              const want = y.output.data.subarray((t * B + b) * 2 * H + d * H, (t * B + b) * 2 * H + (d + 1) * H);
              expect(bits(hx.subarray((slot * B + b) * H, (slot * B + b + 1) * H))).toEqual(bits(want));
            }
          }
        }
      });
    }
  }
});

interface Upstream { dy: F32; dh: F32; dc: F32; dx: F32; dwih: F32; dbih: F32; dwhh: F32; dbhh: F32 }

/** Gradients flowing in (dy, final dh, dc) and non-zero accumulators (the kernels add to them). */
function upstreamFor(c: Case): Upstream {
  const G = (c.cell === 'GRU' ? 3 : 4) * c.H, n = c.B * c.H;
  return { dy: rand(c.T * n), dh: rand(n), dc: rand(n), dx: rand(c.T * c.B * c.I), dwih: rand(G * c.I), dbih: rand(G),
    dwhh: rand(G * c.H), dbhh: rand(G) };
}

/** Backward of one case with `k` from the forward's outputs `fwd` (hx, (cx,) save); returns dh, (dc,) dx, dW_ih, dW_hh, (db_ih, db_hh). */
function runBackward(c: Case, w: ReturnType<typeof weightsFor>, u: Upstream, fwd: F32[], k: Kernels, composed: boolean): F32[] {
  const { T, B, I, H, reverse } = c;
  const dh = u.dh.slice(), dc = u.dc.slice(), dx = u.dx.slice(), dwih = u.dwih.slice(), dwhh = u.dwhh.slice();
  const dbih = c.bias ? u.dbih.slice() : null, dbhh = c.bias ? u.dbhh.slice() : null, weights = [w.wih, w.whh];
  if (c.pin) weights.forEach((a) => k.pin(a));
  try {
    if (c.cell === 'GRU') {
      const [hx, save] = fwd;
      if (composed) gruSequenceBackwardWith(k, T, B, I, H, reverse, w.x, w.wih, w.whh, hx, save, u.dy, dh, dx, dwih, dbih, dwhh, dbhh);
      else k.gruSequenceBackward!(T, B, I, H, reverse, w.x, w.wih, w.whh, hx, save, u.dy, dh, dx, dwih, dbih, dwhh, dbhh);
      return [dh, dx, dwih, dwhh, ...(dbih && dbhh ? [dbih, dbhh] : [])];
    }
    const [hx, cx, save] = fwd;
    if (composed) lstmSequenceBackwardWith(k, T, B, I, H, reverse, w.x, w.wih, w.whh, hx, cx, save, u.dy, dh, dc, dx, dwih, dbih, dwhh, dbhh);
    else k.lstmSequenceBackward!(T, B, I, H, reverse, w.x, w.wih, w.whh, hx, cx, save, u.dy, dh, dc, dx, dwih, dbih, dwhh, dbhh);
    return [dh, dc, dx, dwih, dwhh, ...(dbih && dbhh ? [dbih, dbhh] : [])];
  } finally { if (c.pin) weights.forEach((a) => k.unpin(a)); }
}

describe('sequence backward kernels', { timeout: 60_000 }, () => {
  for (const c of cases) {
    it(`${c.cell} T=${c.T} B=${c.B} I=${c.I} H=${c.H} reverse=${c.reverse} bias=${c.bias} pinned=${c.pin}: wasm = its per-step kernels bit for bit, ≈ reference`, () => {
      const w = weightsFor(c), u = upstreamFor(c);
      for (const threads of [1, 2]) {
        setNumThreads(threads);
        const fwd = runCase(c, w, W, true);
        const fused = runBackward(c, w, u, fwd, W, false), steps = runBackward(c, w, u, fwd, W, true);
        fused.forEach((f, i) => expect(bits(f), `gradient ${i} on ${threads} thread(s)`).toEqual(bits(steps[i])));
        expect(pinnedBytes()).toBe(0);
      }
      const ref = runBackward(c, w, u, runCase(c, w, R, false), R, false);
      const got = runBackward(c, w, u, runCase(c, w, W, false), W, false);
      got.forEach((g, i) => expectClose(g, ref[i], { atol: 2e-5, rtol: 2e-5, what: `${c.cell} gradient ${i} vs reference` }));
    });
  }
});

describe('the backward composition is what the layers compute', { timeout: 60_000 }, () => {
  for (const cell of ['GRU', 'LSTM'] as const) {
    for (const backend of ['wasm', 'js']) {
      it(`${cell} backward (both directions) on '${backend}': input, state and weight gradients equal the composition's`, () => {
        setBackend(backend);
        const k = backend === 'wasm' ? W : R, T = 5, B = 3, I = 7, H = 10, n = B * H;
        const net = cell === 'GRU' ? new GRU({ inputSize: I, hiddenSize: H, bidirectional: true })
          : new LSTM({ inputSize: I, hiddenSize: H, bidirectional: true });
        const x = new Tensor(rand(T * B * I, 2), [T, B, I], { requiresGrad: true });
        const h0 = new Tensor(rand(2 * n), [2, B, H], { requiresGrad: true }), c0 = new Tensor(rand(2 * n), [2, B, H], { requiresGrad: true });
        const gy = rand(T * B * 2 * H), gh = rand(2 * n), gc = rand(2 * n);
        // L = Σ output ⊙ gy + Σ h_n ⊙ gh (+ Σ c_n ⊙ gc): the layer receives exactly gy, gh, gc
        const y: { output: Tensor; h: Tensor; c?: Tensor } = net instanceof LSTM ? net.forward(x, { h0, c0 }) : net.forward(x, { h0 });
        let loss = add(sum(mul(y.output, new Tensor(gy, [T, B, 2 * H]))), sum(mul(y.h, new Tensor(gh, [2, B, H]))));
        if (y.c) loss = add(loss, sum(mul(y.c, new Tensor(gc, [2, B, H]))));
        loss.backward();

        const sd = Object.fromEntries(net.namedParameters()), dx = new Float32Array(T * B * I);
        for (const [d, sfx] of [[0, '_l0'], [1, '_l0_reverse']] as const) {
          const c: Case = { cell, T, B, I, H, reverse: d === 1, bias: true, pin: true };
          const w = { x: x.data, wih: sd[`weight_ih${sfx}`].data, whh: sd[`weight_hh${sfx}`].data, bih: sd[`bias_ih${sfx}`].data,
            bhh: sd[`bias_hh${sfx}`].data, h0: h0.data.slice(d * n, (d + 1) * n), c0: c0.data.slice(d * n, (d + 1) * n) };
          const dy = new Float32Array(T * n);
          for (let tb = 0; tb < T * B; tb++) dy.set(gy.subarray((2 * tb + d) * H, (2 * tb + d + 1) * H), tb * H);
          const G = (cell === 'GRU' ? 3 : 4) * H, zeros = (m: number): F32 => new Float32Array(m);
          const u: Upstream = { dy, dh: gh.slice(d * n, (d + 1) * n), dc: gc.slice(d * n, (d + 1) * n), dx,
            dwih: zeros(G * I), dbih: zeros(G), dwhh: zeros(G * H), dbhh: zeros(G) };
          const grads = runBackward(c, w, u, runCase(c, w, k, true), k, true);
          dx.set(grads[cell === 'GRU' ? 1 : 2]);   // both directions add into one dX, forward direction first
          const [dwih, dwhh, dbih, dbhh] = grads.slice(-4);
          expect(bits(h0.grad!.data.subarray(d * n, (d + 1) * n)), `dh0 ${sfx}`).toEqual(bits(grads[0]));
          if (cell === 'LSTM') expect(bits(c0.grad!.data.subarray(d * n, (d + 1) * n)), `dc0 ${sfx}`).toEqual(bits(grads[1]));
          expect(bits(sd[`weight_ih${sfx}`].grad!.data), `dW_ih ${sfx}`).toEqual(bits(dwih));
          expect(bits(sd[`weight_hh${sfx}`].grad!.data), `dW_hh ${sfx}`).toEqual(bits(dwhh));
          expect(bits(sd[`bias_ih${sfx}`].grad!.data), `db_ih ${sfx}`).toEqual(bits(dbih));
          expect(bits(sd[`bias_hh${sfx}`].grad!.data), `db_hh ${sfx}`).toEqual(bits(dbhh));
        }
        expect(bits(x.grad!.data), 'dX').toEqual(bits(dx));
      });
    }
  }
});

// ------------------------------------------------------------------------------------------ both directions at once

type Weights = ReturnType<typeof weightsFor>;

/** Forward of both directions with `k`'s bidirectional entry (pair) or its two sequence kernels; returns each direction's hx, (cx,) save. */
function runPair(c: Case, ws: [Weights, Weights], k: Kernels, pair: boolean): F32[] {
  if (!pair) return [...runCase({ ...c, reverse: false }, ws[0], k, false), ...runCase({ ...c, reverse: true }, ws[1], k, false)];
  const { T, B, I, H } = c, n = B * H, lstm = c.cell === 'LSTM', weights = ws.flatMap((w) => [w.wih, w.whh, w.bih, w.bhh]);
  const dirs = ws.map((w, d): SequenceForwardDir => {
    const hx = new Float32Array((T + 1) * n), cx = new Float32Array((T + 1) * n);
    hx.set(w.h0, (d === 1 ? T : 0) * n); cx.set(w.c0, (d === 1 ? T : 0) * n);
    return { wih: w.wih, bih: c.bias ? w.bih : null, whh: w.whh, bhh: c.bias ? w.bhh : null, hx, cx: lstm ? cx : null,
      save: new Float32Array(T * (lstm ? 5 : 4) * n) };
  });
  if (c.pin) weights.forEach((a) => k.pin(a));
  try {
    if (lstm) k.lstmBidirectionalForward!(T, B, I, H, ws[0].x, dirs[0], dirs[1]);
    else k.gruBidirectionalForward!(T, B, I, H, ws[0].x, dirs[0], dirs[1]);
  } finally { if (c.pin) weights.forEach((a) => k.unpin(a)); }
  return dirs.flatMap((d) => (lstm ? [d.hx, d.cx!, d.save!] : [d.hx, d.save!]));
}

/**
 * Backward of both directions from the forward outputs `fwd` (runPair's), with the bidirectional entry or the two
 * sequence kernels in order; both add into one dX. Returns each direction's dh, (dc,) dW_ih, dW_hh, (db_ih, db_hh), then dX.
 */
function runPairBackward(c: Case, ws: [Weights, Weights], us: [Upstream, Upstream], fwd: F32[], k: Kernels, pair: boolean): F32[] {
  const lstm = c.cell === 'LSTM', per = fwd.length / 2, ix = lstm ? 2 : 1;
  if (!pair) {
    const f = runBackward({ ...c, reverse: false }, ws[0], us[0], fwd.slice(0, per), k, false);
    const r = runBackward({ ...c, reverse: true }, ws[1], { ...us[1], dx: f[ix] }, fwd.slice(per), k, false);
    const dx = r.splice(ix, 1);
    f.splice(ix, 1);
    return [...f, ...r, ...dx];
  }
  const { T, B, I, H } = c, dx = us[0].dx.slice(), weights = ws.flatMap((w) => [w.wih, w.whh]);
  const dirs = ws.map((w, d): SequenceBackwardDir => {
    const u = us[d], [hx, cx, save] = lstm ? fwd.slice(d * per, (d + 1) * per) : [fwd[d * per], null, fwd[d * per + 1]];
    return { wih: w.wih, whh: w.whh, hx, cx, save, dy: u.dy, dh: u.dh.slice(), dc: lstm ? u.dc.slice() : null,
      dwih: u.dwih.slice(), dbih: c.bias ? u.dbih.slice() : null, dwhh: u.dwhh.slice(), dbhh: c.bias ? u.dbhh.slice() : null };
  });
  if (c.pin) weights.forEach((a) => k.pin(a));
  try {
    if (lstm) k.lstmBidirectionalBackward!(T, B, I, H, ws[0].x, dx, dirs[0], dirs[1]);
    else k.gruBidirectionalBackward!(T, B, I, H, ws[0].x, dx, dirs[0], dirs[1]);
  } finally { if (c.pin) weights.forEach((a) => k.unpin(a)); }
  return [...dirs.flatMap((d) => [d.dh, ...(d.dc ? [d.dc] : []), d.dwih, d.dwhh, ...(d.dbih && d.dbhh ? [d.dbih, d.dbhh] : [])]), dx];
}

/** Two directions' weights (the same x) and upstream gradients (the same initial dX). */
function pairInputs(c: Case): { ws: [Weights, Weights]; us: [Upstream, Upstream] } {
  const f = weightsFor(c), r = { ...weightsFor(c), x: f.x }, uf = upstreamFor(c), ur = { ...upstreamFor(c), dx: uf.dx };
  return { ws: [f, r], us: [uf, ur] };
}

describe('bidirectional kernels', { timeout: 60_000 }, () => {
  for (const c of cases) {
    it(`${c.cell} T=${c.T} B=${c.B} I=${c.I} H=${c.H} bias=${c.bias} pinned=${c.pin}: = the forward direction's sequence kernels, then the reverse one's, bit for bit`, () => {
      const { ws, us } = pairInputs(c);
      for (const threads of [1, 2]) {
        setNumThreads(threads);
        const pair = runPair(c, ws, W, true), two = runPair(c, ws, W, false);
        pair.forEach((p, i) => expect(bits(p), `forward output ${i} on ${threads} thread(s)`).toEqual(bits(two[i])));
        const dPair = runPairBackward(c, ws, us, two, W, true), dTwo = runPairBackward(c, ws, us, two, W, false);
        dPair.forEach((p, i) => expect(bits(p), `gradient ${i} on ${threads} thread(s)`).toEqual(bits(dTwo[i])));
        expect(pinnedBytes()).toBe(0);
      }
      const ref = runPair(c, ws, R, true), refTwo = runPair(c, ws, R, false);
      ref.forEach((r, i) => expect(bits(r), `reference forward output ${i}`).toEqual(bits(refTwo[i])));
      const dRef = runPairBackward(c, ws, us, refTwo, R, true), dRefTwo = runPairBackward(c, ws, us, refTwo, R, false);
      dRef.forEach((r, i) => expect(bits(r), `reference gradient ${i}`).toEqual(bits(dRefTwo[i])));
    });
  }

  // Sizes where nothing but the two loops is split (no input projection, the one threaded GEMM after the backward loops
  // below its threshold): workers running chunks shows the loops ran as the two-chunk job.
  for (const cell of ['GRU', 'LSTM'] as const) {
    it(`${cell}: on 2 threads the two time loops run as one job, a worker taking one`, () => {
      setNumThreads(2);
      const fwdCase: Case = { cell, T: 16, B: 16, I: 0, H: 64, reverse: false, bias: true, pin: false };
      const bwdCase: Case = { cell, T: 8, B: cell === 'GRU' ? 5 : 4, I: 0, H: 32, reverse: false, bias: false, pin: false };
      // a worker may be asleep or descheduled (a busy machine), the pool backed off: give it some jobs to take part in
      const byWorkers = (f: () => void): boolean => {
        for (let i = 0; i < 200; i++) {
          setNumThreads(2);                                // forgets a back-off
          const before = poolStats().chunksByWorkers;
          f();
          if (poolStats().chunksByWorkers > before) return true;
        }
        return false;
      };
      const a = pairInputs(fwdCase);
      expect(byWorkers(() => runPair(fwdCase, a.ws, W, true)), 'forward').toBe(true);
      const b = pairInputs(bwdCase), fwd = runPair(bwdCase, b.ws, W, false);
      expect(byWorkers(() => runPairBackward(bwdCase, b.ws, b.us, fwd, W, true)), 'backward').toBe(true);
    });
  }
});

describe('a bidirectional layer with the bidirectional entries', { timeout: 60_000 }, () => {
  const noPair: Kernels = { ...W, name: 'wasm-without-pairs', gruBidirectionalForward: undefined, lstmBidirectionalForward: undefined,
    gruBidirectionalBackward: undefined, lstmBidirectionalBackward: undefined };
  let pairCalls = 0;
  const counted = <A extends unknown[]>(f: ((...a: A) => void) | undefined) => (...a: A): void => { pairCalls++; f!(...a); };
  const counting: Kernels = { ...W, name: 'wasm-counting-pairs', gruBidirectionalForward: counted(W.gruBidirectionalForward),
    lstmBidirectionalForward: counted(W.lstmBidirectionalForward), gruBidirectionalBackward: counted(W.gruBidirectionalBackward),
    lstmBidirectionalBackward: counted(W.lstmBidirectionalBackward) };
  registerBackend(noPair);
  registerBackend(counting);
  for (const cell of ['GRU', 'LSTM'] as const) {
    it(`${cell}, 2 layers: outputs, final states and every gradient equal those without them, bit for bit, on 2 threads`, () => {
      setNumThreads(2);
      const T = 8, B = 16, I = 12, H = 48, n = B * H;
      const net = cell === 'GRU' ? new GRU({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true })
        : new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true });
      const xd = rand(T * B * I, 2), h0d = rand(4 * n), c0d = rand(4 * n), gy = rand(T * B * 2 * H), gh = rand(4 * n), gc = rand(4 * n);
      const pass = (backend: string): F32[] => {
        setBackend(backend);
        net.zeroGrad();
        const x = new Tensor(xd, [T, B, I], { requiresGrad: true });
        const h0 = new Tensor(h0d, [4, B, H], { requiresGrad: true }), c0 = new Tensor(c0d, [4, B, H], { requiresGrad: true });
        const y: { output: Tensor; h: Tensor; c?: Tensor } = net instanceof LSTM ? net.forward(x, { h0, c0 }) : net.forward(x, { h0 });
        let loss = add(sum(mul(y.output, new Tensor(gy, [T, B, 2 * H]))), sum(mul(y.h, new Tensor(gh, [4, B, H]))));
        if (y.c) loss = add(loss, sum(mul(y.c, new Tensor(gc, [4, B, H]))));
        loss.backward();
        return [y.output.data, y.h.data, ...(y.c ? [y.c.data, c0.grad!.data] : []), x.grad!.data, h0.grad!.data,
          ...net.parameters().map((p) => p.grad!.data.slice())];
      };
      pairCalls = 0;
      const pair = pass('wasm-counting-pairs');   // that the entries run their loops as a job: 'bidirectional kernels'
      expect(pairCalls, 'one forward and one backward call per layer').toBe(4);
      const without = pass('wasm-without-pairs');
      pair.forEach((p, i) => expect(bits(p), `result ${i}`).toEqual(bits(without[i])));
      expect(pinnedBytes()).toBe(0);
    });
  }
});
