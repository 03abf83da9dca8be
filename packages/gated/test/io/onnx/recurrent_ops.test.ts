// The ONNX GRU / LSTM / RNN operators beyond ONNX's own node tests — every attribute and optional input — checked
// against onnxruntime-node on single-operator models with random weights. The fused path (gated's layer math) and
// the general loop are both exercised: default activations take the first, the rest the second.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DT, GraphBuilder, floats } from '../../../src/io/onnx/_builder.js';
import { loadOnnx } from '../../../src/io/onnx/import.js';
import { Rng } from '../../../src/random.js';
import { expectClose } from './_close.js';

type Cell = 'GRU' | 'LSTM' | 'RNN';
interface OpCase {
  cell: Cell; T?: number; B?: number; I?: number; H?: number; direction?: 'forward' | 'reverse' | 'bidirectional';
  attrs?: Record<string, unknown>; bias?: boolean; lens?: number[]; h0?: boolean; c0?: boolean; peep?: boolean; layout?: 0 | 1;
}

const G: Record<Cell, number> = { GRU: 3, LSTM: 4, RNN: 1 };

function build(c: OpCase, rng: Rng) {
  const T = c.T ?? 5, B = c.B ?? 3, I = c.I ?? 4, H = c.H ?? 3, D = c.direction === 'bidirectional' ? 2 : 1, layout = c.layout ?? 0;
  const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-0.9, 0.9));
  const g = new GraphBuilder(), feeds: Record<string, ort.Tensor> = {};
  const xShape = layout === 0 ? [T, B, I] : [B, T, I], sShape = layout === 0 ? [D, B, H] : [B, D, H];
  const x = g.input('X', DT.FLOAT, xShape);
  feeds.X = new ort.Tensor('float32', Float32Array.from({ length: T * B * I }, () => rng.normal() * 1.5), xShape);
  const ins = [x, g.init('W', rand(D * G[c.cell] * H * I), [D, G[c.cell] * H, I]), g.init('R', rand(D * G[c.cell] * H * H), [D, G[c.cell] * H, H])];
  ins.push(c.bias === false ? '' : g.init('B', rand(D * 2 * G[c.cell] * H), [D, 2 * G[c.cell] * H]));
  if (c.lens) { ins.push(g.input('L', DT.INT32, [B])); feeds.L = new ort.Tensor('int32', Int32Array.from(c.lens), [B]); } else ins.push('');
  if (c.h0) { ins.push(g.input('H0', DT.FLOAT, sShape)); feeds.H0 = new ort.Tensor('float32', rand(D * B * H), sShape); } else ins.push('');
  if (c.cell === 'LSTM') {
    if (c.c0) { ins.push(g.input('C0', DT.FLOAT, sShape)); feeds.C0 = new ort.Tensor('float32', rand(D * B * H), sShape); } else ins.push('');
    ins.push(c.peep ? g.init('P', rand(D * 3 * H), [D, 3 * H]) : '');
  }
  while (ins[ins.length - 1] === '') ins.pop();
  const attrs: Record<string, never> = { hidden_size: H, direction: c.direction ?? 'forward', ...(layout ? { layout } : {}), ...c.attrs } as never;
  const outs = c.cell === 'LSTM' ? ['Y', 'Y_h', 'Y_c'] : ['Y', 'Y_h'];
  g.nodeNamed(c.cell, ins, outs, attrs, ['clip']);
  const yShape = layout === 0 ? [T, D, B, H] : [B, T, D, H];
  g.output('Y', DT.FLOAT, yShape); g.output('Y_h', DT.FLOAT, sShape);
  if (c.cell === 'LSTM') g.output('Y_c', DT.FLOAT, sShape);
  return { bytes: g.build({ opset: 14 }), feeds, outs };
}

const acts = (...names: string[]) => ({ activations: names });
const CASES: [string, OpCase][] = [
  ['GRU reverse, linear_before_reset=1, initial_h', { cell: 'GRU', direction: 'reverse', attrs: { linear_before_reset: 1 }, h0: true }],
  ['GRU bidirectional, reset before, sequence_lens', { cell: 'GRU', direction: 'bidirectional', lens: [5, 2, 4], h0: true }],
  ['GRU bidirectional, linear_before_reset=1, sequence_lens, no B', { cell: 'GRU', direction: 'bidirectional', attrs: { linear_before_reset: 1 }, lens: [3, 5, 1], bias: false }],
  ['GRU clip', { cell: 'GRU', attrs: { clip: 0.7 }, h0: true }],
  ['GRU HardSigmoid / ScaledTanh with alpha, beta', { cell: 'GRU', direction: 'bidirectional', attrs: { ...acts('HardSigmoid', 'ScaledTanh', 'HardSigmoid', 'ScaledTanh'), activation_alpha: floats([0.3, 0.8, 0.25, 1.1]), activation_beta: floats([0.45, 0.9, 0.55, 0.7]) } }],
  ['GRU Affine / LeakyRelu, linear_before_reset=1, lengths', { cell: 'GRU', attrs: { ...acts('Sigmoid', 'LeakyRelu'), activation_alpha: floats([0.2]), linear_before_reset: 1 }, lens: [4, 5, 2] }],
  ['LSTM bidirectional, initial_h / initial_c, sequence_lens', { cell: 'LSTM', direction: 'bidirectional', h0: true, c0: true, lens: [2, 5, 3] }],
  ['LSTM peepholes, reverse', { cell: 'LSTM', direction: 'reverse', peep: true, h0: true, c0: true }],
  ['LSTM input_forget', { cell: 'LSTM', attrs: { input_forget: 1 }, h0: true, c0: true }],
  ['LSTM clip, peepholes, bidirectional', { cell: 'LSTM', direction: 'bidirectional', attrs: { clip: 0.5 }, peep: true }],
  ['LSTM activations Sigmoid / Softsign / Elu(α)', { cell: 'LSTM', attrs: { ...acts('Sigmoid', 'Softsign', 'Elu'), activation_alpha: floats([0.6]) } }],
  ['LSTM activations HardSigmoid / Tanh / Softplus, bidirectional', { cell: 'LSTM', direction: 'bidirectional', attrs: { ...acts('HardSigmoid', 'Tanh', 'Softplus', 'HardSigmoid', 'Tanh', 'Softplus'), activation_alpha: floats([0.2, 0.3]), activation_beta: floats([0.5, 0.6]) } }],
  ['RNN Relu bidirectional, sequence_lens', { cell: 'RNN', direction: 'bidirectional', attrs: acts('Relu', 'Relu'), lens: [1, 5, 3], h0: true }],
  ['RNN reverse, clip', { cell: 'RNN', direction: 'reverse', attrs: { clip: 0.6 } }],
  ['RNN Affine / ThresholdedRelu', { cell: 'RNN', direction: 'bidirectional', attrs: { ...acts('Affine', 'ThresholdedRelu'), activation_alpha: floats([0.7, 0.1]), activation_beta: floats([0.2]) } }],
  ['RNN Sigmoid, no bias, B = 1', { cell: 'RNN', B: 1, attrs: acts('Sigmoid'), bias: false }],
];

describe('ONNX recurrent operators vs onnxruntime-node', () => {
  for (const [name, c] of CASES) {
    it(name, async () => {
      const { bytes, feeds, outs } = build(c, new Rng(name.length * 7919));
      const theirs = await (await ort.InferenceSession.create(bytes)).run(feeds);
      const ours = loadOnnx(bytes).run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, { data: v.data as Float32Array, shape: [...v.dims] }])));
      for (const o of outs) expectClose(ours[o], { data: theirs[o].data as Float32Array, shape: theirs[o].dims }, `${name} ${o}`);
    });
  }

  it('layout = 1 (batch-major) equals layout 0 with transposed data', () => {
    const rng = new Rng(5), { bytes: b1, feeds: f1 } = build({ cell: 'LSTM', direction: 'bidirectional', layout: 1, h0: true, c0: true, lens: [4, 5, 2] }, rng);
    const rng0 = new Rng(5), { bytes: b0 } = build({ cell: 'LSTM', direction: 'bidirectional', layout: 0, h0: true, c0: true, lens: [4, 5, 2] }, rng0);
    const T = 5, B = 3, I = 4, H = 3, D = 2;
    const tr = (d: Float32Array, A: number, Bb: number, C: number) => { const o = new Float32Array(d.length); for (let a = 0; a < A; a++) for (let b = 0; b < Bb; b++) o.set(d.subarray((a * Bb + b) * C, (a * Bb + b + 1) * C), (b * A + a) * C); return o; };
    const x1 = f1.X.data as Float32Array, h1 = f1.H0.data as Float32Array, c1 = f1.C0.data as Float32Array;
    const out1 = loadOnnx(b1).run({ X: { data: x1, shape: [B, T, I] }, H0: { data: h1, shape: [B, D, H] }, C0: { data: c1, shape: [B, D, H] }, L: { data: f1.L.data as Int32Array, shape: [B] } });
    const out0 = loadOnnx(b0).run({ X: { data: tr(x1, B, T, I), shape: [T, B, I] }, H0: { data: tr(h1, B, D, H), shape: [D, B, H] }, C0: { data: tr(c1, B, D, H), shape: [D, B, H] }, L: { data: f1.L.data as Int32Array, shape: [B] } });
    expect(out1.Y.shape).toEqual([B, T, D, H]);
    const y0 = out0.Y.data, yAsLayout1 = new Float32Array(y0.length); // [T, D, B, H] → [B, T, D, H]
    for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) for (let b = 0; b < B; b++) {
      yAsLayout1.set(y0.subarray(((t * D + d) * B + b) * H, ((t * D + d) * B + b + 1) * H), ((b * T + t) * D + d) * H);
    }
    expectClose(out1.Y, { data: yAsLayout1, shape: [B, T, D, H] }, 'Y');
    expectClose({ data: tr(out1.Y_h.data, B, D, H), shape: [D, B, H] }, out0.Y_h, 'Y_h');
    expectClose({ data: tr(out1.Y_c.data, B, D, H), shape: [D, B, H] }, out0.Y_c, 'Y_c');
  });
});

