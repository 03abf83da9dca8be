// Bundled by test/kernels/browser-threads.test.ts and run in Chromium, on a page's main thread and in a module Web
// Worker of a cross-origin-isolated page: loads the wasm kernels, runs one GEMM on 1 and 2 threads, reports.
import { initWasmSync, poolStats, wasmKernels as W } from '../../src/kernels/wasm.js';
import { getNumThreads, setNumThreads } from '../../src/kernels/select.js';

async function run(): Promise<Record<string, unknown>> {
  const loaded = initWasmSync();
  const M = 192, N = 256, K = 256, A = new Float32Array(M * K), B = new Float32Array(K * N);
  for (let i = 0; i < A.length; i++) A[i] = Math.sin(i);
  for (let i = 0; i < B.length; i++) B[i] = Math.cos(i);
  const gemm = (): Uint32Array => {
    const C = new Float32Array(M * N);
    W.gemm(false, false, M, N, K, 1, A, 0, K, B, 0, N, 0, C, 0, N);
    return new Uint32Array(C.buffer);
  };
  setNumThreads(1);
  const one = gemm();
  setNumThreads(2);
  let two = gemm();
  const t0 = performance.now();
  while (getNumThreads() > 1 && poolStats().chunksByWorkers === 0 && performance.now() - t0 < 8000) {
    await new Promise((r) => setTimeout(r, 10));
    two = gemm();
  }
  return {
    where: typeof document === 'undefined' ? 'worker' : 'main', loaded, crossOriginIsolated: globalThis.crossOriginIsolated,
    threads: getNumThreads(), ...poolStats(), identical: one.every((v, i) => v === two[i]),
  };
}

if (typeof document === 'undefined') void run().then((r) => postMessage(r), (e) => postMessage({ error: String(e) }));
else (globalThis as { gatedRun?: () => Promise<Record<string, unknown>> }).gatedRun = run;
