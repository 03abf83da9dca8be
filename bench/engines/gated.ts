// gated in one process: one workload (W1–W4) or the GEMM roofline, at a given thread count, on the wasm backend.
//   npx tsx bench/engines/gated.ts W2 2        → one JSON line (EngineResult)
// Inference runs under noGrad; a training step is zeroGrad, forward, Linear on every step's output, MSE, backward,
// Adam step — the same step the anchors run.
import { Adam, GRU, GRUCell, LSTM, LSTMCell, Linear, Tensor, getWasmBuild, mse, noGrad, setBackend, setNumThreads, getNumThreads } from 'gated';
import { enableRelaxedSimd } from 'gated/node';
import { poolStats, preferWasmBuild, wasmKernels } from '../../packages/gated/src/kernels/wasm.js';
import {
  STREAMS, STREAM_STEPS, WORKLOADS, flops, gruWeights, peakRssMB, randoms, report, streamInputs, streamWeights, timeIt,
  type Stream, type Workload,
} from '../_common.js';

const [id = 'W1', th = '1'] = process.argv.slice(2);
const threads = Number(th);
// GATED_WASM_BUILD=simd128 measures the SIMD128 build; by default the best this engine has (relaxed SIMD: FMA)
if (process.env.GATED_WASM_BUILD === 'simd128') preferWasmBuild('simd128'); else enableRelaxedSimd();
setBackend('wasm');
setNumThreads(threads);

/** Waits until the pool's workers have started, so that warm-up is not spent booting them. */
async function poolUp(): Promise<void> {
  if (threads <= 1) return;
  const M = 256, A = randoms(M * M, 1), C = new Float32Array(M * M);
  wasmKernels.gemm(false, false, M, M, M, 1, A, 0, M, A, 0, M, 0, C, 0, M);
  for (let i = 0; i < 500 && poolStats().ready < threads - 1; i++) await new Promise((r) => setTimeout(r, 10));
}

async function workload(w: Workload): Promise<void> {
  const { T, B, I, H, O } = w;
  const x = new Tensor(randoms(T * B * I, 1), [T, B, I]);
  const net = w.cell === 'GRU' ? new GRU({ inputSize: I, hiddenSize: H }) : new LSTM({ inputSize: I, hiddenSize: H });
  if (w.cell === 'GRU') {   // the anchors' weights, so that outputs can be compared
    const g = gruWeights(I, H), sd = net.stateDict();
    sd.weight_ih_l0.data.set(g.wih); sd.weight_hh_l0.data.set(g.whh); sd.bias_ih_l0.data.set(g.bih); sd.bias_hh_l0.data.set(g.bhh);
  }
  let step: () => void, check = '';
  if (!w.train) {
    step = () => { noGrad(() => net.forward(x)); };
    const y = noGrad(() => net.forward(x)).output.data;
    check = `y[last] sum ${y.subarray(y.length - H).reduce((a, b) => a + b, 0).toFixed(5)}`;
  } else {
    const head = new Linear(H, O), target = new Tensor(randoms(T * B * O, 2), [T, B, O]);
    const opt = new Adam([...net.parameters(), ...head.parameters()], { lr: 1e-3 });
    step = () => {
      opt.zeroGrad();
      const out = net.forward(x).output;
      mse(head.forward(out), target).backward();
      opt.step();
    };
  }
  await poolUp();
  const before = poolStats();
  const t = await timeIt(step);
  const byWorkers = poolStats().chunksByWorkers - before.chunksByWorkers, backoffs = poolStats().backoffs - before.backoffs;
  report({
    engine: 'gated', threads: getNumThreads(), workload: w.id, medianMs: t.medianMs, samples: t.samples, cpuMs: t.cpuMs,
    gflops: flops(w) / t.medianMs / 1e6, peakRssMB: peakRssMB(),
    note: [check, `${getWasmBuild()}`, threads > 1 ? `${byWorkers} chunks run by workers, ${backoffs} back-offs` : ''].filter(Boolean).join('; '),
  });
}

/** GEMM shapes an RNN runs, plus square ones: GFLOP/s of wasmKernels.gemm (operands copied in per call unless pinned). */
async function roofline(): Promise<void> {
  const shapes: { name: string; tA: boolean; tB: boolean; M: number; N: number; K: number; pin?: boolean }[] = [
    { name: 'square 512', tA: false, tB: false, M: 512, N: 512, K: 512 },
    { name: 'input projection 2048×768×64 Bᵀ', tA: false, tB: true, M: 2048, N: 768, K: 64 },
    { name: 'recurrent 32×768×256 Bᵀ, pinned', tA: false, tB: true, M: 32, N: 768, K: 256, pin: true },
    { name: 'backward 32×256×768, pinned', tA: false, tB: false, M: 32, N: 256, K: 768, pin: true },
    { name: 'weight grad 768×256×2048 Aᵀ', tA: true, tB: false, M: 768, N: 256, K: 2048 },
    { name: 'GEMV 1×768×256 Bᵀ, pinned', tA: false, tB: true, M: 1, N: 768, K: 256, pin: true },
  ];
  await poolUp();
  const out: { shape: string; gflops: number; cpuGflops: number }[] = [];
  for (const s of shapes) {
    const { tA, tB, M, N, K } = s, A = randoms(M * K, 3), Bm = randoms(K * N, 4), C = new Float32Array(M * N);
    const lda = tA ? M : K, ldb = tB ? K : N, reps = Math.max(1, Math.round(2e7 / (2 * M * N * K)));
    if (s.pin) wasmKernels.pin(Bm);
    const t = await timeIt(() => { for (let r = 0; r < reps; r++) wasmKernels.gemm(tA, tB, M, N, K, 1, A, 0, lda, Bm, 0, ldb, 0, C, 0, N); }, 1500);
    if (s.pin) wasmKernels.unpin(Bm);
    out.push({ shape: s.name, gflops: (2 * M * N * K * reps) / t.medianMs / 1e6, cpuGflops: (2 * M * N * K * reps) / t.cpuMs / 1e6 });
  }
  report({ engine: 'gated', threads: getNumThreads(), workload: 'roofline', roofline: out });
}

/** W6: a stream of STREAM_STEPS cell steps at B = 1, the state passed back in each step, under noGrad. */
async function stream(s: Stream): Promise<void> {
  const { I, H } = s;
  const cells = Array.from({ length: s.layers }, (_, l) => {
    const In = l === 0 ? I : H, c = s.cell === 'GRU' ? new GRUCell({ inputSize: In, hiddenSize: H }) : new LSTMCell({ inputSize: In, hiddenSize: H });
    const w = streamWeights(s, l);
    c.loadStateDict({ weight_ih: new Tensor(w.wih, [w.wih.length / In, In]), weight_hh: new Tensor(w.whh, [w.whh.length / H, H]),
      bias_ih: new Tensor(w.bih, [w.bih.length]), bias_hh: new Tensor(w.bhh, [w.bhh.length]) });
    return c;
  });
  const xs = streamInputs(s);
  const run = (): Tensor => noGrad(() => {
    let hs: (Tensor | null)[] = cells.map(() => null), cs: (Tensor | null)[] = cells.map(() => null);
    for (let t = 0; t < STREAM_STEPS; t++) {
      let inp = new Tensor(xs.slice(t * I, (t + 1) * I), [1, I]);
      cells.forEach((c, l) => {
        if (c instanceof GRUCell) hs[l] = c.forward(inp, hs[l]);
        else { const r = (c as LSTMCell).forward(inp, hs[l] ? { h: hs[l]!, c: cs[l]! } : null); hs[l] = r.h; cs[l] = r.c; }
        inp = hs[l]!;
      });
    }
    return hs[hs.length - 1]!;
  });
  const check = `h[last] sum ${run().data.reduce((a, b) => a + b, 0).toFixed(5)}`;
  const t = await timeIt(run);
  report({ engine: 'gated', threads: getNumThreads(), workload: s.id, medianMs: t.medianMs, samples: t.samples, cpuMs: t.cpuMs,
    usPerStep: (t.medianMs * 1000) / STREAM_STEPS, peakRssMB: peakRssMB(), note: `${check}; ${getWasmBuild()}` });
}

if (id === 'roofline') await roofline();
else if (id in STREAMS) await stream(STREAMS[id as Stream['id']]);
else await workload(WORKLOADS[id as Workload['id']]);
process.exit(0);
