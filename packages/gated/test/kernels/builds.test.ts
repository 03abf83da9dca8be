// Which build of the wasm kernels runs: relaxed SIMD (fused multiply-add in the GEMM / GEMV) where the engine validates
// it, SIMD128 otherwise or when GATED_WASM_BUILD=simd128 asks for it (npm test runs the kernel and layer tests once
// more that way). The rest of the kernel suite compares either build with the reference within tolerance.
import { describe, expect, it } from 'vitest';
import { getWasmBuild } from '../../src/index.js';
import { hasRelaxedSimd, initWasmSync, wasmBuild, wasmKernels as W } from '../../src/kernels/wasm.js';
import { unshared } from '../../src/kernels/_wasm_core.js';
import { WASM_BASE64, WASM_RELAXED_BASE64 } from '../../src/kernels/_wasm_module.js';

describe('wasm kernel builds', () => {
  it('loads relaxed SIMD where the engine has it, unless told otherwise', () => {
    expect(initWasmSync()).toBe(true);
    const want = process.env.GATED_WASM_BUILD ?? (hasRelaxedSimd() ? 'relaxed-simd' : 'simd128');
    expect(wasmBuild()).toBe(want);
    if (process.env.GATED_BACKEND !== 'js') expect(getWasmBuild()).toBe(want);
    else expect(getWasmBuild()).toBe(null);
  });

  it('the one-thread variant (the memory import unshared) runs with a memory of its own, with the same bits', () => {
    expect(initWasmSync()).toBe(true);
    const b64 = wasmBuild() === 'relaxed-simd' ? WASM_RELAXED_BASE64 : WASM_BASE64;
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes))).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536 });
    const ex = new WebAssembly.Instance(new WebAssembly.Module(unshared(bytes)), { env: { memory } }).exports as unknown as {
      heapBase(): number; gemm(...a: (number | boolean)[]): void; gemmWorkBytes(M: number, N: number, K: number, p: boolean): number;
    };
    expect(memory.buffer instanceof ArrayBuffer).toBe(true);   // not shared
    const M = 5, N = 11, K = 37, a = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i));
    const b = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i)), want = new Float32Array(M * N);
    W.gemm(false, false, M, N, K, 1, a, 0, K, b, 0, N, 0, want, 0, N);
    const at = ex.heapBase(), bt = at + a.length * 4, ct = bt + b.length * 4, work = ct + M * N * 4;
    memory.grow(Math.ceil((work + ex.gemmWorkBytes(M, N, K, false)) / 65536));
    new Float32Array(memory.buffer, at, a.length).set(a); new Float32Array(memory.buffer, bt, b.length).set(b);
    ex.gemm(false, false, M, N, K, 1, at, K, bt, N, 0, ct, N, 0, work);
    expect(new Float32Array(memory.buffer, ct, M * N)).toEqual(want);
  });
});
