// Runs before every test file: selects the kernel backend the suite runs against.
//   GATED_BACKEND=wasm (default) — WebAssembly SIMD;  GATED_BACKEND=js — the plain-TypeScript reference (npm run test:js).
// Kernel tests that compare backends (test/kernels/) name theirs explicitly and do not depend on this.
//   GATED_WASM_BUILD=simd128 | relaxed-simd — which build of the wasm kernels (default: the best this engine validates;
//   relaxed SIMD is turned on in Node 20 first, as the CLI does).
import { setBackend } from '../src/kernels/select.js';
import { preferWasmBuild, type WasmBuild } from '../src/kernels/wasm.js';
import { enableRelaxedSimd } from '../src/node/_relaxed.js';

enableRelaxedSimd();
if (process.env.GATED_WASM_BUILD) preferWasmBuild(process.env.GATED_WASM_BUILD as WasmBuild);
setBackend(process.env.GATED_BACKEND ?? 'wasm');
