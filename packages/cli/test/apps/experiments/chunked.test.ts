// chunkedRun: back-propagating chunk by chunk must give the fused layer's full-BPTT gradients (nothing flushed when the
// threshold is 0), with losses on the final state and on outputs that straddle chunk boundaries; a threshold above
// every state gradient must cut BPTT at the last chunk (exactly truncated BPTT).
import { describe, it } from 'vitest';
import { chunkedRun } from '../../../src/apps/experiments/chunked.js';
import type { Recurrent } from '../../../src/apps/experiments/common.js';
import { GRU } from '../../../../gated/src/nn/gru.js';
import { LSTM } from '../../../../gated/src/nn/lstm.js';
import { RNN } from '../../../../gated/src/nn/rnn.js';
import { Rng, manualSeed } from '../../../../gated/src/random.js';
import { Tensor } from '../../../../gated/src/tensor/tensor.js';
import { expectClose } from '../../../../gated/test/_util/close.js';

const T = 10, B = 2, I = 3, H = 4;
const w = new Tensor(Float32Array.from({ length: H }, (_, j) => 1 - 0.4 * j), [H]);
// a loss on the final state and on outputs 4..6 (crossing the boundary of chunks of 3 and of 5)
const lossOf = (hT: Tensor, output: Tensor): Tensor => hT.tanh().mul(w).sum().add(output.slice(0, 4, 7).mul(output.slice(0, 4, 7)).sum());

const grads = (layer: Recurrent): Float32Array[] => layer.parameters().map((p) => p.grad!.data.slice());

describe('chunkedRun', () => {
  for (const [name, make] of [
    ['GRU', () => new GRU({ inputSize: I, hiddenSize: H })], ['GRU reset before', () => new GRU({ inputSize: I, hiddenSize: H, resetAfter: false })],
    ['LSTM', () => new LSTM({ inputSize: I, hiddenSize: H })], ['RNN', () => new RNN({ inputSize: I, hiddenSize: H })],
  ] as [string, () => Recurrent][]) {
    it(`${name}: equals full BPTT for chunks of 3, 5 and 10 (no flushing)`, () => {
      manualSeed(6);
      const layer = make(), rng = new Rng(3);
      const x = new Tensor(Float32Array.from({ length: T * B * I }, () => rng.uniform(-1.5, 1.5)), [T, B, I]);
      const full = layer.forward(x);
      lossOf(full.h.reshape([B, H]), full.output).backward();
      const want = grads(layer);
      for (const chunk of [3, 5, 10]) {
        layer.zeroGrad();
        const run = chunkedRun(layer, x, chunk, 0);
        expectClose(run.output.data, full.output.data, { atol: 1e-6, what: `${name} output, chunk ${chunk}` });
        lossOf(run.hT, run.output).backward();
        run.backward();
        grads(layer).forEach((g, i) => expectClose(g, want[i], { atol: 1e-6, rtol: 1e-4, what: `${name} ${layer.namedParameters()[i][0]}, chunk ${chunk}` }));
      }
    });
  }

  it('a threshold above every state gradient cuts BPTT at the chunk boundary (truncated BPTT)', () => {
    manualSeed(2);
    const layer = new GRU({ inputSize: I, hiddenSize: H }), rng = new Rng(9);
    const x = new Tensor(Float32Array.from({ length: T * B * I }, () => rng.uniform(-1, 1)), [T, B, I]);
    const onlyLast = (hT: Tensor): Tensor => hT.tanh().mul(w).sum();
    const run = chunkedRun(layer, x, 4, 1e9);
    onlyLast(run.hT).backward();
    run.backward();
    const got = grads(layer);
    // the same by hand: the first 8 steps as a constant start state, BPTT through the last 2 only
    layer.zeroGrad();
    const h8 = layer.forward(new Tensor(x.data.slice(0, 8 * B * I), [8, B, I])).h.detach();
    onlyLast(layer.forward(new Tensor(x.data.slice(8 * B * I), [2, B, I]), { h0: h8 }).h.reshape([B, H])).backward();
    grads(layer).forEach((g, i) => expectClose(got[i], g, { atol: 1e-7, rtol: 1e-5, what: layer.namedParameters()[i][0] }));
  });
});
