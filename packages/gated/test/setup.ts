// Runs before every test file: selects the kernel backend the suite runs against.
//   GATED_BACKEND=wasm (default) — WebAssembly SIMD;  GATED_BACKEND=js — the plain-TypeScript reference (npm run test:js).
// Kernel tests that compare backends (test/kernels/) name theirs explicitly and do not depend on this.
import { setBackend } from '../src/kernels/select.js';

setBackend(process.env.GATED_BACKEND ?? 'wasm');
