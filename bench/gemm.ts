// GEMM throughput, GFLOP/s, of the reference ('js') and WebAssembly SIMD ('wasm') kernels in one process:
// square 256/512 and the GEMMs an RNN layer runs (recurrent product per step, input projection, backward products).
//   npx tsx bench/gemm.ts
// Each row: warm-up, then 5 samples of ≥ 0.2 s each; the median is printed. Single thread.
// Not a test: numbers depend on the machine and on whatever else runs on it (note both with the results).
import { cpus } from 'node:os';
import type { F32, Kernels } from '../packages/gated/src/kernels/api.js';
import { refKernels } from '../packages/gated/src/kernels/ref.js';
import { initWasmSync, setWasmThreads, wasmKernels } from '../packages/gated/src/kernels/wasm.js';

interface Shape { name: string; tA: boolean; tB: boolean; M: number; N: number; K: number; pinB?: boolean }

const shapes: Shape[] = [
  { name: 'square 256', tA: false, tB: false, M: 256, N: 256, K: 256 },
  { name: 'square 512', tA: false, tB: false, M: 512, N: 512, K: 512 },
  { name: 'recurrent h·W_hhᵀ (B=32, 3H=768, H=256)', tA: false, tB: true, M: 32, N: 768, K: 256 },
  { name: '  same, W_hh pinned (packed once)', tA: false, tB: true, M: 32, N: 768, K: 256, pinB: true },
  { name: 'input projection x·W_ihᵀ (T·B=2048, 768, I=64)', tA: false, tB: true, M: 2048, N: 768, K: 64 },
  { name: 'backward dG·W_hh (32, H=256, 768), pinned', tA: false, tB: false, M: 32, N: 256, K: 768, pinB: true },
  { name: 'weight grad dGᵀ·X (768, 256, T·B=2048)', tA: true, tB: false, M: 768, N: 256, K: 2048 },
  { name: 'GEMV h·W_hhᵀ (B=1, 768, 256), pinned', tA: false, tB: true, M: 1, N: 768, K: 256, pinB: true },
];

function rand(n: number): F32 {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return a;
}

/** Median GFLOP/s of k.gemm on this shape. */
function measure(k: Kernels, s: Shape): number {
  const { tA, tB, M, N, K } = s, A = rand(M * K), B = rand(K * N), C = new Float32Array(M * N);
  const lda = tA ? M : K, ldb = tB ? K : N;
  const once = (): void => k.gemm(tA, tB, M, N, K, 1, A, 0, lda, B, 0, ldb, 0, C, 0, N);
  if (s.pinB) k.pin(B);
  try {
    const t0 = performance.now();
    once();
    let reps = Math.max(1, Math.ceil(50 / Math.max(performance.now() - t0, 1e-3)));   // warm-up ≈ 50 ms
    for (let i = 0; i < reps; i++) once();
    const perRep = Math.max((performance.now() - t0) / (reps + 1), 1e-4);
    reps = Math.max(1, Math.ceil(200 / perRep));
    const samples: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      for (let i = 0; i < reps; i++) once();
      samples.push((2 * M * N * K * reps) / ((performance.now() - t) / 1e3) / 1e9);
    }
    return samples.sort((a, b) => a - b)[2];
  } finally { if (s.pinB) k.unpin(B); }
}

if (!initWasmSync()) throw new Error('this engine cannot load the WebAssembly SIMD kernels');
setWasmThreads(1);   // one thread, as the table says (npm run bench measures 1 and 2)
console.log(`# GEMM GFLOP/s, median of 5 — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log('| shape | M×N×K | js | wasm | wasm/js |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const s of shapes) {
  const js = measure(refKernels, s), wasm = measure(wasmKernels, s);
  console.log(`| ${s.name} | ${s.M}×${s.N}×${s.K}${s.tA ? ' Aᵀ' : ''}${s.tB ? ' Bᵀ' : ''} | ${js.toFixed(2)} | ${wasm.toFixed(1)} | ${(wasm / js).toFixed(1)}× |`);
}
