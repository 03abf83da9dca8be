// onnxruntime anchor in one process: `node` (onnxruntime-node, native CPU kernels) or `web` (onnxruntime-web's
// WebAssembly SIMD backend run in Node — gated's peer under the same SIMD128 limit), on a one-node ONNX GRU model
// written by bench/_common.ts with the same weights gated runs. Inference only (W1, W2).
//   npx tsx bench/engines/ort.ts web W2 2      → one JSON line (EngineResult)
// W6 (streaming): a one-step model with the state as input and output (streamOnnx), one `run()` per step, the state
// tensors of one step fed to the next — how a stream is run with onnxruntime.
import {
  STREAMS, STREAM_STEPS, WORKLOADS, flops, gruOnnx, gruWeights, peakRssMB, randoms, report, rznToZrh, streamInputs, streamOnnx,
  streamWeightsOnnx, timeIt, type Stream, type Workload,
} from '../_common.js';

const [kind = 'web', id = 'W1', th = '1'] = process.argv.slice(2);
const threads = Number(th), engine = `ort-${kind}`;
const w: Workload = WORKLOADS[id as Workload['id']] ?? { ...WORKLOADS.W1, id };
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

const opts: Record<string, unknown> = { executionProviders: [kind === 'node' ? 'cpu' : 'wasm'], graphOptimizationLevel: 'all' };
if (kind === 'node') { opts.intraOpNumThreads = threads; opts.interOpNumThreads = 1; }

if (id in STREAMS) {
  const s: Stream = STREAMS[id as Stream['id']], { I, H } = s;
  const session = await ort.InferenceSession.create(streamOnnx(s, (l) => streamWeightsOnnx(s, l)), opts);
  const xs = streamInputs(s), names = Array.from({ length: s.layers }, (_, l) => (s.cell === 'LSTM' ? [`h${l}`, `c${l}`] : [`h${l}`])).flat();
  const run = async (): Promise<Float32Array> => {
    const state: Record<string, InstanceType<Ort['Tensor']>> = {};
    for (const n of names) state[n] = new ort.Tensor('float32', new Float32Array(H), [1, 1, H]);
    for (let t = 0; t < STREAM_STEPS; t++) {
      const out = await session.run({ X: new ort.Tensor('float32', xs.slice(t * I, (t + 1) * I), [1, 1, I]), ...state });
      for (const n of names) state[n] = out[`${n}_out`];
    }
    return state[`h${s.layers - 1}`].data as Float32Array;
  };
  const check = `h[last] sum ${(await run()).reduce((a, b) => a + b, 0).toFixed(5)}`;
  const t = await timeIt(run);
  report({ engine, threads, workload: s.id, medianMs: t.medianMs, samples: t.samples, cpuMs: t.cpuMs,
    usPerStep: (t.medianMs * 1000) / STREAM_STEPS, peakRssMB: peakRssMB(), note: check });
  process.exit(0);
}

const { T, B, I, H } = w, g = gruWeights(I, H);
const bias = new Float32Array(6 * H);
bias.set(rznToZrh(g.bih, H, 1), 0); bias.set(rznToZrh(g.bhh, H, 1), 3 * H);
const model = gruOnnx(T, B, I, H, rznToZrh(g.wih, H, I), rznToZrh(g.whh, H, H), bias);
const session = await ort.InferenceSession.create(model, opts);
const feeds = { X: new ort.Tensor('float32', randoms(T * B * I, 1), [T, B, I]) };

const y = (await session.run(feeds)).Y.data as Float32Array;
const check = `y[last] sum ${y.subarray(y.length - H).reduce((a, b) => a + b, 0).toFixed(5)}`;
const t = await timeIt(() => session.run(feeds));
report({ engine, threads, workload: w.id, medianMs: t.medianMs, samples: t.samples, cpuMs: t.cpuMs, gflops: flops(w) / t.medianMs / 1e6, peakRssMB: peakRssMB(), note: check });
process.exit(0);
