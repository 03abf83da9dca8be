// The whole-sequence kernels (Kernels.gruSequenceForward / lstmSequenceForward and their Backward): the wasm backend's
// resident versions give the same bits as its per-step kernels composed (src/kernels/_sequence.ts) — forward and
// reverse, with and without biases, pinned or not, B = 1 (GEMV), H = 1 and I ≤ 1 (one-column GEMMs) and row tails, on
// 1 and 2 threads — and stay within float32 rounding of the reference; the composition itself is what the GRU / LSTM
// layers compute, forward and backward.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { F32, Kernels } from '../../src/kernels/api.js';
import {
  gruSequenceBackwardWith, gruSequenceForwardWith, lstmSequenceBackwardWith, lstmSequenceForwardWith,
} from '../../src/kernels/_sequence.js';
import { refKernels as R } from '../../src/kernels/ref.js';
import { initWasmSync, pinnedBytes, wasmKernels as W } from '../../src/kernels/wasm.js';
import { getBackend, setBackend, setNumThreads } from '../../src/kernels/select.js';
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
