// gruGates: the recomputed states must equal the fused GRU layer's own outputs (which are checked against PyTorch
// fixtures), for both reset conventions, stacks, both directions, batchFirst, unbatched input and h0; the gates must
// satisfy the GRU equations when recomputed with tensor ops from the same weights.
import { describe, expect, it } from 'vitest';
import { GRU } from '../../src/nn/gru.js';
import { gruGates } from '../../src/nn/inspect.js';
import { Rng, manualSeed } from '../../src/random.js';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import { add, matmul, sigmoid, slice, transpose } from '../../src/tensor/ops.js';

const rand = (shape: number[], rng: Rng, scale = 1): Tensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: n }, () => rng.uniform(-scale, scale)), shape);
};

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('gruGates', () => {
  const cases = [
    { name: '1 layer, reset after', opts: { inputSize: 5, hiddenSize: 7 }, T: 6, B: 3 },
    { name: '2 layers, bidirectional, reset before', opts: { inputSize: 4, hiddenSize: 6, numLayers: 2, bidirectional: true, resetAfter: false }, T: 5, B: 2 },
    { name: '3 layers, no bias', opts: { inputSize: 3, hiddenSize: 5, numLayers: 3, bias: false }, T: 4, B: 2 },
    { name: 'batchFirst, reset after, bidirectional', opts: { inputSize: 4, hiddenSize: 5, batchFirst: true, bidirectional: true }, T: 7, B: 3 },
  ];
  for (const c of cases) {
    it(`matches the layer's outputs and final states: ${c.name}`, () => {
      manualSeed(11);
      const gru = new GRU(c.opts).eval();
      const rng = new Rng(4), L = c.opts.numLayers ?? 1, D = c.opts.bidirectional ? 2 : 1, H = c.opts.hiddenSize;
      const x = rand(c.opts.batchFirst ? [c.B, c.T, c.opts.inputSize] : [c.T, c.B, c.opts.inputSize], rng, 2);
      const h0 = rand([L * D, c.B, H], rng);
      const { output, h } = gru.forward(x, { h0 });
      const traces = gruGates(gru, x, { h0 });
      expect(traces.map((t) => [t.layer, t.direction])).toEqual(Array.from({ length: L * D }, (_, i) => [Math.floor(i / D), i % D]));
      // final state of every layer and direction
      for (const [i, tr] of traces.entries()) {
        const tLast = tr.direction ? 0 : c.T - 1;
        const got = tr.h.data.subarray(tLast * c.B * H, (tLast + 1) * c.B * H);
        expect(maxDiff(got, h.data.subarray(i * c.B * H, (i + 1) * c.B * H)), `state ${i}`).toBeLessThan(2e-5);
      }
      // every step of the last layer against the layer's output [T, B, D·H] (or [B, T, D·H])
      for (let d = 0; d < D; d++) {
        const tr = traces[(L - 1) * D + d];
        for (let t = 0; t < c.T; t++) for (let b = 0; b < c.B; b++) for (let j = 0; j < H; j++) {
          const o = c.opts.batchFirst ? (b * c.T + t) * D * H : (t * c.B + b) * D * H;
          expect(Math.abs(tr.h.data[(t * c.B + b) * H + j] - output.data[o + d * H + j])).toBeLessThan(2e-5);
        }
      }
    });
  }

  it('gates follow the GRU equations (r, z by tensor ops; h = (1 − z) n + z h_prev; ‖Δh‖)', () => {
    manualSeed(3);
    const gru = new GRU({ inputSize: 4, hiddenSize: 6 });
    const rng = new Rng(8), T = 5, B = 2, H = 6;
    const x = rand([T, B, 4], rng, 2);
    const [tr] = gruGates(gru, x);
    const w = Object.fromEntries(gru.namedParameters());
    // step t from h_{t−1} (zeros at t = 0): r = σ(x W_irᵀ + b_ir + h W_hrᵀ + b_hr), z likewise with the z block
    for (let t = 0; t < T; t++) {
      const hPrev = t === 0 ? tensor(new Float32Array(B * H), [B, H]) : new Tensor(tr.h.data.slice((t - 1) * B * H, t * B * H), [B, H]);
      const xt = new Tensor(x.data.slice(t * B * 4, (t + 1) * B * 4), [B, 4]);
      for (const [gate, block] of [[tr.r, 0], [tr.z, 1]] as const) {
        const pre = add(add(matmul(xt, transpose(slice(w.weight_ih_l0, 0, block * H, (block + 1) * H))), slice(w.bias_ih_l0, 0, block * H, (block + 1) * H)),
          add(matmul(hPrev, transpose(slice(w.weight_hh_l0, 0, block * H, (block + 1) * H))), slice(w.bias_hh_l0, 0, block * H, (block + 1) * H)));
        expect(maxDiff(gate.data.subarray(t * B * H, (t + 1) * B * H), sigmoid(pre).data)).toBeLessThan(1e-6);
      }
      let change = new Float64Array(B);
      for (let i = 0; i < B * H; i++) {
        const z = tr.z.data[t * B * H + i], n = tr.n.data[t * B * H + i], hp = hPrev.data[i], hn = tr.h.data[t * B * H + i];
        expect(Math.abs(hn - ((1 - z) * n + z * hp))).toBeLessThan(1e-6);
        change[Math.floor(i / H)] += (hn - hp) ** 2;
      }
      change = change.map(Math.sqrt);
      expect(maxDiff(tr.dh.data.subarray(t * B, (t + 1) * B), change)).toBeLessThan(1e-5);
    }
  });

  it('takes unbatched input and rejects a wrong shape with a typed error', () => {
    manualSeed(5);
    const gru = new GRU({ inputSize: 3, hiddenSize: 4 });
    const x = rand([6, 3], new Rng(1));
    const [tr] = gruGates(gru, x);
    expect(tr.z.shape).toEqual([6, 4]);
    expect(tr.dh.shape).toEqual([6]);
    expect(maxDiff(tr.h.data, gru.forward(x).output.data)).toBeLessThan(2e-5);
    expect(() => gruGates(gru, rand([6, 2, 5], new Rng(1)))).toThrow(/gruGates: x must be \[T, B, 3\].*got \[6, 2, 5\]/);
  });
});
