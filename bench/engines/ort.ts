// onnxruntime anchor in one process: `node` (onnxruntime-node, native CPU kernels) or `web` (onnxruntime-web's
// WebAssembly SIMD backend run in Node — gated's peer under the same SIMD128 limit), on a one-node ONNX GRU model
// written by bench/_common.ts with the same weights gated runs. Inference only (W1, W2).
//   npx tsx bench/engines/ort.ts web W2 2      → one JSON line (EngineResult)
import { WORKLOADS, flops, gruOnnx, gruWeights, peakRssMB, randoms, report, rznToZrh, timeIt, type Workload } from '../_common.js';

const [kind = 'web', id = 'W1', th = '1'] = process.argv.slice(2);
const threads = Number(th), w: Workload = WORKLOADS[id as Workload['id']], engine = `ort-${kind}`;
if (w.train) {
  report({ engine, threads, workload: w.id, skipped: 'onnxruntime runs inference only' });
  process.exit(0);
}

type Ort = typeof import('onnxruntime-common');
const ort: Ort = kind === 'node' ? await import('onnxruntime-node') : await import('onnxruntime-web');
if (kind === 'web') {
  const env = ort.env as unknown as { wasm: { numThreads: number; simd?: boolean } };
  env.wasm.numThreads = threads;
}

const { T, B, I, H } = w, g = gruWeights(I, H);
const bias = new Float32Array(6 * H);
bias.set(rznToZrh(g.bih, H, 1), 0); bias.set(rznToZrh(g.bhh, H, 1), 3 * H);
const model = gruOnnx(T, B, I, H, rznToZrh(g.wih, H, I), rznToZrh(g.whh, H, H), bias);
const opts: Record<string, unknown> = { executionProviders: [kind === 'node' ? 'cpu' : 'wasm'], graphOptimizationLevel: 'all' };
if (kind === 'node') { opts.intraOpNumThreads = threads; opts.interOpNumThreads = 1; }
const session = await ort.InferenceSession.create(model, opts);
const feeds = { X: new ort.Tensor('float32', randoms(T * B * I, 1), [T, B, I]) };

const y = (await session.run(feeds)).Y.data as Float32Array;
const check = `y[last] sum ${y.subarray(y.length - H).reduce((a, b) => a + b, 0).toFixed(5)}`;
const t = await timeIt(() => session.run(feeds));
report({ engine, threads, workload: w.id, medianMs: t.medianMs, samples: t.samples, cpuMs: t.cpuMs, gflops: flops(w) / t.medianMs / 1e6, peakRssMB: peakRssMB(), note: check });
process.exit(0);
