// Which kernel backend runs. Layers call `kernels()` and never know which one they got.
// Default: 'wasm' (WebAssembly SIMD) when this engine can compile it synchronously at the first `kernels()` call,
// else 'js' (the reference) — and 'wasm' after `await ready()` where only asynchronous compilation is allowed.
import type { Kernels } from './api.js';
import { refKernels } from './ref.js';
import { initWasmAsync, initWasmSync, setWasmThreads, wasmBuild, wasmKernels, wasmThreads, type WasmBuild } from './wasm.js';
import { GatedError } from '../errors.js';

const backends: Record<string, Kernels> = { js: refKernels };
let current: Kernels | null = null;   // null until first use or setBackend
let chosen = false;                   // true once setBackend picked one: ready() then leaves it alone

/** The active kernel backend (on first use: 'wasm' if it loads, else 'js'). */
export const kernels = (): Kernels => current ?? (current = loadWasmBackend() ? wasmKernels : refKernels);

/** Registers a backend under its name (used by faster backends when they load). */
export function registerBackend(k: Kernels): void { backends[k.name] = k; }

/**
 * Loads the WebAssembly SIMD backend synchronously and registers it as 'wasm'. False (and nothing registered) when the
 * engine lacks WebAssembly SIMD or refuses synchronous compilation (a browser main thread may: use `ready()`).
 */
export function loadWasmBackend(): boolean {
  if (!initWasmSync()) return false;
  registerBackend(wasmKernels);
  return true;
}

/**
 * Loads the 'wasm' backend with asynchronous compilation (works on browser main threads) and, unless `setBackend`
 * chose one, makes it the default. Resolves to the active backend's name.
 */
export async function ready(): Promise<string> {
  if (await initWasmAsync()) {
    registerBackend(wasmKernels);
    if (!chosen) current = wasmKernels;
  }
  return kernels().name;
}

/**
 * Selects the kernel backend for all later computation: `'wasm'` (WebAssembly SIMD, the default where it loads) or
 * `'js'` (the plain TypeScript reference). Both give the same results to float32 rounding.
 * @throws ArgumentError for an unknown name, or `'wasm'` where it cannot load synchronously (await {@link ready} first).
 * @example
 * ```ts
 * setBackend('js');         // e.g. to compare against the reference
 * getBackend();             // 'js'
 * ```
 */
export function setBackend(name: string): void {
  if (name === 'wasm' && !backends.wasm && !loadWasmBackend()) {
    throw new GatedError('INVALID_ARGUMENT', "kernel backend 'wasm' is unavailable: this engine has no WebAssembly SIMD, "
      + 'or allows only asynchronous compilation here (await ready() first)');
  }
  const k = backends[name];
  if (!k) throw new GatedError('INVALID_ARGUMENT', `unknown kernel backend '${name}'; expected one of: ${[...new Set([...Object.keys(backends), 'wasm'])].join(', ')}`);
  current = k;
  chosen = true;
}

/** The active backend's name (`'wasm'` or `'js'`); the first call picks the default. */
export const getBackend = (): string => kernels().name;

/**
 * Which build of the WebAssembly kernels runs: 'relaxed-simd' (fused multiply-add in the matrix products, where the
 * engine has relaxed SIMD: Node ≥ 22, Chrome ≥ 114, Node 20 with --experimental-wasm-relaxed-simd) or 'simd128';
 * null while the active backend is not 'wasm'.
 */
export const getWasmBuild = (): WasmBuild | null => (kernels() === wasmKernels ? wasmBuild() : null);

export type { WasmBuild };

/**
 * Sets how many threads the 'wasm' kernels may use: an integer ≥ 1, or 0 for one per available core (the default).
 * Large GEMMs and gate kernels are split across a pool of workers sharing the WebAssembly memory; small calls stay on
 * the calling thread. Where SharedArrayBuffer or blocking waits are unavailable (a browser page without cross-origin
 * isolation, or its main thread: run training in a Web Worker there) the kernels stay on one thread.
 */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new GatedError('INVALID_ARGUMENT', `setNumThreads: n must be an integer ≥ 0 (0 = all cores), got ${n}`);
  setWasmThreads(n);
}

/** Threads the active backend computes with (1 for 'js', and for 'wasm' where threads cannot work). */
export const getNumThreads = (): number => (kernels() === wasmKernels ? wasmThreads() : 1);
