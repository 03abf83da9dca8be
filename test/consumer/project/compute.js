// The consumer's computation, run three ways: by Node from the installed tarball (node.mjs), in Chromium from a Vite
// bundle (web/worker.js), and by the repository's tests against the sources. A GRU forward, then one training step
// (GRU → Linear, MSE, Adam); the numbers must agree everywhere.
import { Adam, GRU, Linear, getBackend, getNumThreads, manualSeed, mse, ready, tensor } from 'gated';

export async function compute() {
  await ready();
  manualSeed(0);
  const T = 5, B = 3, I = 4, H = 8;
  const gru = new GRU({ inputSize: I, hiddenSize: H, numLayers: 2 });
  const head = new Linear(H, 2);
  const x = tensor(Array.from({ length: T * B * I }, (_, i) => Math.sin(i)), [T, B, I]);   // [T, B, I]
  const { output, h } = gru.forward(x);                                                       // [T, B, H], [2, B, H]
  const y = tensor(Array.from({ length: T * B * 2 }, (_, i) => Math.cos(i)), [T, B, 2]);
  const params = [...gru.parameters(), ...head.parameters()];
  const opt = new Adam(params, { lr: 0.01 });
  const loss = mse(head.forward(output), y);
  loss.backward();
  opt.step();
  const after = gru.forward(x).output;
  return {
    output: Array.from(output.data.slice(0, 8)), h: Array.from(h.data.slice(0, 8)), loss: loss.data[0],
    gradNorm: Math.hypot(...params.flatMap((p) => Array.from(p.grad.data))),
    after: Array.from(after.data.slice(-8)),
    backend: getBackend(), threads: getNumThreads(),
  };
}
