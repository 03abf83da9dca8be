// The gate-bias initialisation options: LSTM / LSTMCell `forgetBias`, GRU / GRUCell `updateBias`. Checked: without
// them every parameter is PyTorch's U(−1/√H, 1/√H) drawn in PyTorch's order (the same draws as before the options
// existed); with them only the gate's slice [H, 2H] of the biases changes; and one step of the cell equals a step
// written out by hand from the notes' equations with the bias in that gate.
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { GRUCell, LSTMCell } from '../../src/nn/cells.js';
import { GRU } from '../../src/nn/gru.js';
import { LSTM } from '../../src/nn/lstm.js';
import type { Module } from '../../src/nn/module.js';
import { Rng, manualSeed } from '../../src/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

/** The parameters PyTorch's initialisation gives: every entry U(−1/√H, 1/√H), parameters in registration order. */
function pytorchDraws(seed: number, sizes: number[], H: number): Float32Array[] {
  const rng = new Rng(seed), bound = 1 / Math.sqrt(H);
  return sizes.map((n) => Float32Array.from({ length: n }, () => rng.uniform(-bound, bound)));
}

const values = (m: Module): [string, Float32Array][] => m.namedParameters().map(([n, p]) => [n, p.data]);

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** Row-vector product W x for W [R, C] stored row-major. */
const mv = (w: Float32Array, x: ArrayLike<number>, rows: number, cols: number, row0 = 0): number[] =>
  Array.from({ length: rows }, (_, r) => { let s = 0; for (let c = 0; c < cols; c++) s += w[(row0 + r) * cols + c] * x[c]; return s; });

describe('PyTorch default unchanged', () => {
  it('GRU, LSTM and the cells without the options draw exactly PyTorch-ordered U(−1/√H, 1/√H)', () => {
    const H = 5, I = 3;
    for (const [make, G] of [[() => new GRU({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true }), 3],
      [() => new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2 }), 4], [() => new GRUCell({ inputSize: I, hiddenSize: H }), 3],
      [() => new LSTMCell({ inputSize: I, hiddenSize: H }), 4]] as const) {
      manualSeed(11);
      const m = make(), got = values(m);
      const want = pytorchDraws(11, got.map(([, d]) => d.length), H);
      got.forEach(([name, d], i) => expect(Array.from(d), name).toEqual(Array.from(want[i])));
      expect(got.length).toBeGreaterThan(0);
      expect(got[0][1].length).toBe(G * H * I);
    }
  });

  it('undefined options are the default', () => {
    manualSeed(3); const a = values(new LSTM({ inputSize: 2, hiddenSize: 4, forgetBias: undefined }));
    manualSeed(3); const b = values(new LSTM({ inputSize: 2, hiddenSize: 4 }));
    expect(a).toEqual(b);
  });
});

describe('forgetBias / updateBias: only the gate slice [H, 2H] of the biases changes', () => {
  it('LSTM forgetBias: 1 → b_if = 1, b_hf = 0 in every layer and direction; everything else as the default', () => {
    const H = 4;
    manualSeed(5); const ref = new Map(values(new LSTM({ inputSize: 3, hiddenSize: H, numLayers: 2, bidirectional: true })));
    manualSeed(5); const m = new LSTM({ inputSize: 3, hiddenSize: H, numLayers: 2, bidirectional: true, forgetBias: 1 });
    let biases = 0;
    for (const [name, d] of values(m)) {
      const r = ref.get(name)!;
      if (!name.startsWith('bias_')) { expect(Array.from(d), name).toEqual(Array.from(r)); continue; }
      biases++;
      for (let j = 0; j < 4 * H; j++) {
        const inF = j >= H && j < 2 * H;
        expect(d[j], `${name}[${j}]`).toBe(inF ? (name.startsWith('bias_ih') ? 1 : 0) : r[j]);
      }
    }
    expect(biases).toBe(8);
  });

  it('GRU updateBias: 2 → b_iz = 2, b_hz = 0 (gate order r, z, n), the reset and candidate biases untouched', () => {
    const H = 3;
    manualSeed(9); const ref = new Map(values(new GRU({ inputSize: 2, hiddenSize: H })));
    manualSeed(9); const m = new Map(values(new GRU({ inputSize: 2, hiddenSize: H, updateBias: 2 })));
    expect(Array.from(m.get('bias_ih_l0')!)).toEqual([...Array.from(ref.get('bias_ih_l0')!.slice(0, H)), 2, 2, 2, ...Array.from(ref.get('bias_ih_l0')!.slice(2 * H))]);
    expect(Array.from(m.get('bias_hh_l0')!)).toEqual([...Array.from(ref.get('bias_hh_l0')!.slice(0, H)), 0, 0, 0, ...Array.from(ref.get('bias_hh_l0')!.slice(2 * H))]);
    expect(Array.from(m.get('weight_hh_l0')!)).toEqual(Array.from(ref.get('weight_hh_l0')!));
  });

  it('chrono: b ~ log U(1, T_max − 1) in the gate slice; the LSTM input gate gets −b_f; the rest is the default', () => {
    const H = 64, T = 50;
    manualSeed(1); const ref = new Map(values(new LSTM({ inputSize: 2, hiddenSize: H })));
    manualSeed(1); const m = new Map(values(new LSTM({ inputSize: 2, hiddenSize: H, forgetBias: { chrono: T } })));
    const bih = m.get('bias_ih_l0')!, bhh = m.get('bias_hh_l0')!;
    for (let j = 0; j < H; j++) {
      expect(bih[H + j]).toBeGreaterThanOrEqual(0);
      expect(bih[H + j]).toBeLessThan(Math.log(T - 1));
      expect(bih[j]).toBe(-bih[H + j]);
      expect(bhh[j]).toBe(0); expect(bhh[H + j]).toBe(0);
    }
    expect(Array.from(bih.slice(2 * H))).toEqual(Array.from(ref.get('bias_ih_l0')!.slice(2 * H)));
    expect(Array.from(m.get('weight_ih_l0')!)).toEqual(Array.from(ref.get('weight_ih_l0')!));
    expect(new Set(bih.slice(H, 2 * H)).size).toBeGreaterThan(H / 2);   // drawn per unit, not one constant
    manualSeed(1); const g = new Map(values(new GRU({ inputSize: 2, hiddenSize: H, updateBias: { chrono: T } })));
    const z = g.get('bias_ih_l0')!.slice(H, 2 * H);
    expect(Math.min(...z)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...z)).toBeLessThan(Math.log(T - 1));
  });

  it('typed errors for a bad value and for a module without biases', () => {
    expect(() => new LSTM({ inputSize: 2, hiddenSize: 3, forgetBias: { chrono: 2 } })).toThrowError(ArgumentError);
    expect(() => new GRU({ inputSize: 2, hiddenSize: 3, updateBias: Number.NaN })).toThrowError('GRU: updateBias must be a finite number or { chrono: T_max } with T_max > 2, got null');
    expect(() => new LSTMCell({ inputSize: 2, hiddenSize: 3, bias: false, forgetBias: 1 })).toThrowError('LSTMCell: forgetBias needs bias: true');
  });
});

describe('one step against a hand-built reference', () => {
  it('LSTMCell with forgetBias: 1 — c\' = f ⊙ c + i ⊙ g with f = σ(W_if x + W_hf h + 1)', () => {
    const I = 3, H = 4, rng = new Rng(2);
    manualSeed(4);
    const cell = new LSTMCell({ inputSize: I, hiddenSize: H, forgetBias: 1 });
    const x = Array.from({ length: I }, () => rng.uniform(-1, 1)), h = Array.from({ length: H }, () => rng.uniform(-1, 1));
    const c = Array.from({ length: H }, () => rng.uniform(-1, 1));
    const out = cell.forward(new Tensor(Float32Array.from(x), [1, I]), { h: new Tensor(Float32Array.from(h), [1, H]), c: new Tensor(Float32Array.from(c), [1, H]) });
    const W = cell.weight_ih.data, U = cell.weight_hh.data, b = cell.bias_ih!.data, bh = cell.bias_hh!.data;
    // gate k's pre-activation; the forget gate's biases are written out as the option defines them (1 and 0)
    const pre = (k: number) => { const a = mv(W, x, H, I, k * H), u = mv(U, h, H, H, k * H); return a.map((v, j) => v + u[j] + (k === 1 ? 1 + 0 : b[k * H + j] + bh[k * H + j])); };
    const [i, f, g, o] = [pre(0).map(sig), pre(1).map(sig), pre(2).map(Math.tanh), pre(3).map(sig)];
    const c2 = c.map((cv, j) => f[j] * cv + i[j] * g[j]), h2 = c2.map((cv, j) => o[j] * Math.tanh(cv));
    c2.forEach((v, j) => expect(out.c.data[j]).toBeCloseTo(v, 5));
    h2.forEach((v, j) => expect(out.h.data[j]).toBeCloseTo(v, 5));
    // the bias moved the forget gate toward 1: on these inputs f with the bias exceeds f without it, unit by unit
    const fNoBias = pre(1).map((v) => sig(v - 1));
    f.forEach((v, j) => expect(v).toBeGreaterThan(fNoBias[j]));
  });

  it('GRUCell with updateBias: 3 — h\' = (1 − z) ⊙ n + z ⊙ h with z = σ(W_iz x + W_hz h + 3)', () => {
    const I = 2, H = 3, rng = new Rng(8);
    manualSeed(6);
    const cell = new GRUCell({ inputSize: I, hiddenSize: H, updateBias: 3 });
    const x = Array.from({ length: I }, () => rng.uniform(-1, 1)), h = Array.from({ length: H }, () => rng.uniform(-1, 1));
    const out = cell.forward(new Tensor(Float32Array.from(x), [1, I]), new Tensor(Float32Array.from(h), [1, H]));
    const W = cell.weight_ih.data, U = cell.weight_hh.data, b = cell.bias_ih!.data, bh = cell.bias_hh!.data;
    const wx = (k: number) => mv(W, x, H, I, k * H), uh = (k: number) => mv(U, h, H, H, k * H);
    const r = wx(0).map((v, j) => sig(v + b[j] + uh(0)[j] + bh[j]));
    const z = wx(1).map((v, j) => sig(v + 3 + uh(1)[j] + 0));
    const n = wx(2).map((v, j) => Math.tanh(v + b[2 * H + j] + r[j] * (uh(2)[j] + bh[2 * H + j])));
    n.forEach((nv, j) => expect(out.data[j]).toBeCloseTo((1 - z[j]) * nv + z[j] * h[j], 5));
    z.forEach((v) => expect(v).toBeGreaterThan(0.8));   // starts near "keep"
  });
});
