// Which build of the wasm kernels runs: relaxed SIMD (fused multiply-add in the GEMM / GEMV) where the engine validates
// it, SIMD128 otherwise or when GATED_WASM_BUILD=simd128 asks for it (npm test runs the kernel and layer tests once
// more that way). The rest of the kernel suite compares either build with the reference within tolerance.
import { describe, expect, it } from 'vitest';
import { getWasmBuild } from '../../src/index.js';
import { hasRelaxedSimd, initWasmSync, wasmBuild } from '../../src/kernels/wasm.js';

describe('wasm kernel builds', () => {
  it('loads relaxed SIMD where the engine has it, unless told otherwise', () => {
    expect(initWasmSync()).toBe(true);
    const want = process.env.GATED_WASM_BUILD ?? (hasRelaxedSimd() ? 'relaxed-simd' : 'simd128');
    expect(wasmBuild()).toBe(want);
    if (process.env.GATED_BACKEND !== 'js') expect(getWasmBuild()).toBe(want);
    else expect(getWasmBuild()).toBe(null);
  });
});
