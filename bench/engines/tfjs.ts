// TF.js anchor in one process: `cpu` (@tensorflow/tfjs's plain-JS backend) or `wasm` (@tensorflow/tfjs-backend-wasm,
// SIMD; it has no threads in Node). The cells are written with tf ops — one matMul for the input projection of all
// steps, one per step for the recurrent product — the fastest way to run them in TF.js (tf.layers is slower).
//   npx tsx bench/engines/tfjs.ts cpu W3      → one JSON line (EngineResult)
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
// W6 (streaming): one step per call with the same tf ops, the state read back to JS each step (dataSync), as a stream's
// consumer would.
import {
  STREAMS, STREAM_STEPS, WORKLOADS, flops, gruWeights, peakRssMB, randoms, report, streamInputs, streamWeights, timeIt,
  type Stream, type Workload,
} from '../_common.js';

const [backend = 'cpu', id = 'W1'] = process.argv.slice(2);
const w: Workload = WORKLOADS[id as Workload['id']] ?? { ...WORKLOADS.W1, id };
const engine = `tfjs-${backend}`;

if (backend === 'wasm') {
  const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
  setWasmPaths(`${dist}/`);
}
await tf.setBackend(backend);
await tf.ready();

/** One step of layer l from h (and c) [1, H]: PyTorch's GRU / LSTM equations with x · W layouts. */
function streamStep(s: Stream, p: { wih: tf.Tensor2D; whh: tf.Tensor2D; bih: tf.Tensor1D; bhh: tf.Tensor1D }, x: tf.Tensor2D,
  h: tf.Tensor2D, c: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  const gi = tf.add(tf.matMul(x, p.wih), p.bih), gh = tf.add(tf.matMul(h, p.whh), p.bhh);
  if (s.cell === 'GRU') {
    const [ir, iz, inn] = tf.split(gi, 3, 1), [hr, hz, hn] = tf.split(gh, 3, 1);
    const r = tf.sigmoid(tf.add(ir, hr)), z = tf.sigmoid(tf.add(iz, hz)), n = tf.tanh(tf.add(inn, tf.mul(r, hn)));
    return [tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)) as tf.Tensor2D, c];
  }
  const [i, f, g, o] = tf.split(tf.add(gi, gh), 4, 1);
  const c2 = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
  return [tf.mul(tf.sigmoid(o), tf.tanh(c2)) as tf.Tensor2D, c2];
}

if (id in STREAMS) {
  const s: Stream = STREAMS[id as Stream['id']], { I, H } = s;
  const ps = Array.from({ length: s.layers }, (_, l) => {
    const q = streamWeights(s, l), G = q.bih.length;
    return { wih: tf.tensor2d(q.wih, [G, q.wih.length / G]).transpose() as tf.Tensor2D, whh: tf.tensor2d(q.whh, [G, H]).transpose() as tf.Tensor2D,
      bih: tf.tensor1d(q.bih), bhh: tf.tensor1d(q.bhh) };
  });
  const xs = streamInputs(s);
  const run = (): Float32Array => {
    let hs: Float32Array[] = ps.map(() => new Float32Array(H)), cs: Float32Array[] = ps.map(() => new Float32Array(H));
    for (let t = 0; t < STREAM_STEPS; t++) {
      const next = tf.tidy(() => {
        let inp = tf.tensor2d(xs.slice(t * I, (t + 1) * I), [1, I]);
        return ps.map((p, l) => {
          const [h, c] = streamStep(s, p, inp, tf.tensor2d(hs[l], [1, H]), tf.tensor2d(cs[l], [1, H]));
          inp = h;
          return [h, c];
        });
      });
      hs = next.map(([h]) => h.dataSync() as Float32Array); cs = next.map(([, c]) => c.dataSync() as Float32Array);
      next.forEach(([h, c]) => { h.dispose(); c.dispose(); });
    }
    return hs[hs.length - 1];
  };
  const check = `h[last] sum ${run().reduce((a, b) => a + b, 0).toFixed(5)}`;
  const t = await timeIt(run);
  report({ engine, threads: 1, workload: s.id, medianMs: t.medianMs, samples: t.samples, cpuMs: t.cpuMs,
    usPerStep: (t.medianMs * 1000) / STREAM_STEPS, peakRssMB: peakRssMB(), note: check });
  process.exit(0);
}

const { T, B, I, H, O } = w, G = w.cell === 'GRU' ? 3 : 4;
const g = gruWeights(I, H);
// weights stored transposed for x · W: [I, G·H], [H, G·H]
const wih = tf.variable(tf.tensor2d(w.cell === 'GRU' ? g.wih : randoms(G * H * I, 21, 1 / Math.sqrt(H)), [G * H, I]).transpose());
const whh = tf.variable(tf.tensor2d(w.cell === 'GRU' ? g.whh : randoms(G * H * H, 22, 1 / Math.sqrt(H)), [G * H, H]).transpose());
const bih = tf.variable(tf.tensor1d(w.cell === 'GRU' ? g.bih : randoms(G * H, 23, 1 / Math.sqrt(H))));
const bhh = tf.variable(tf.tensor1d(w.cell === 'GRU' ? g.bhh : randoms(G * H, 24, 1 / Math.sqrt(H))));
const x = tf.tensor3d(randoms(T * B * I, 1), [T, B, I]);

/** All T outputs [T, B, H] of one layer (PyTorch's GRU / LSTM equations). */
function cellForward(): tf.Tensor3D {
  const gi = tf.add(tf.matMul(x.reshape([T * B, I]), wih), bih).reshape([T, B, G * H]);
  const steps = tf.unstack(gi);
  let h: tf.Tensor2D = tf.zeros([B, H]), c: tf.Tensor2D = tf.zeros([B, H]);
  const outs: tf.Tensor2D[] = [];
  for (let t = 0; t < T; t++) {
    const gh = tf.add(tf.matMul(h, whh), bhh);
    if (w.cell === 'GRU') {
      const [ir, iz, inn] = tf.split(steps[t], 3, 1), [hr, hz, hn] = tf.split(gh, 3, 1);
      const r = tf.sigmoid(tf.add(ir, hr)), z = tf.sigmoid(tf.add(iz, hz));
      const n = tf.tanh(tf.add(inn, tf.mul(r, hn)));
      h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
    } else {
      const [i, f, gg, o] = tf.split(tf.add(steps[t], gh), 4, 1);
      c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(gg)));
      h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    }
    outs.push(h);
  }
  return tf.stack(outs) as tf.Tensor3D;
}

let step: () => void | Promise<void>, check = '';
if (!w.train) {
  step = async () => { const y = tf.tidy(cellForward); await y.data(); y.dispose(); };
  const y = tf.tidy(cellForward), last = (await y.data() as Float32Array).subarray((T - 1) * B * H + (B - 1) * H);
  check = `y[last] sum ${last.reduce((a, b) => a + b, 0).toFixed(5)}`;
  y.dispose();
} else {
  const lw = tf.variable(tf.tensor2d(randoms(H * O, 31, 1 / Math.sqrt(H)), [H, O]));
  const lb = tf.variable(tf.tensor1d(randoms(O, 32, 1 / Math.sqrt(H))));
  const target = tf.tensor2d(randoms(T * B * O, 2), [T * B, O]);
  const opt = tf.train.adam(1e-3);
  step = async () => {
    const loss = opt.minimize(() => {
      const out = cellForward().reshape([T * B, H]);
      return tf.mean(tf.square(tf.sub(tf.add(tf.matMul(out, lw), lb), target))) as tf.Scalar;
    }, true, [wih, whh, bih, bhh, lw, lb]);
    await loss!.data();
    loss!.dispose();
  };
}
const t = await timeIt(step, 6000);
report({ engine, threads: 1, workload: w.id, medianMs: t.medianMs, samples: t.samples, cpuMs: t.cpuMs, gflops: flops(w) / t.medianMs / 1e6, peakRssMB: peakRssMB(), note: check });
process.exit(0);
