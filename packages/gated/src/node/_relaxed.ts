// Turning on relaxed SIMD in Node 20, where V8 has it behind --experimental-wasm-relaxed-simd (Node ≥ 22 has it on).
// An application's choice, not the library's: the CLI and the benchmarks call it before the kernels load.
import { setFlagsFromString } from 'node:v8';
import { hasRelaxedSimd } from '../kernels/wasm.js';

/**
 * Enables WebAssembly relaxed SIMD in this Node process if the engine does not validate it yet (Node 20: the V8 flag
 * --experimental-wasm-relaxed-simd, set at run time). Call before the first kernel call: the kernels then load their
 * relaxed-SIMD build (see `getWasmBuild`). Returns whether relaxed SIMD is available now.
 */
export function enableRelaxedSimd(): boolean {
  if (hasRelaxedSimd()) return true;
  setFlagsFromString('--experimental-wasm-relaxed-simd');
  return hasRelaxedSimd();
}
