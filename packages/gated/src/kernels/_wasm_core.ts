// The core of the WebAssembly SIMD backend: loading the embedded module, its one memory (pins, packs, per-call scratch,
// copies in and out), the thread count, and splitting a call across the worker pool. The kernels themselves, as the
// Kernels interface, are in wasm.ts and _wasm_sequence.ts. Not here: the math (assembly/*.ts), the thread protocol (_pool.ts).
//
// Memory, bottom up:  [static data | pool control block | pinned stack | this call's scratch]
//   pinned stack — `pin(a)` copies `a` once; GEMM packs a pinned B once per (transB, offset, ld, K, N) on first use.
//                  Blocks are freed lazily from the top, so the usual nested pin/unpin costs nothing to reclaim.
//   scratch      — bump-allocated from the top of the pinned stack for one call, 16-byte aligned, reset by the next.
// The memory grows (doubling) only when a call needs more; views are re-created after growth.
// Threads: where shared WebAssembly memory and blocking waits exist, the shared-memory build is loaded and workers run
// chunks of large calls on the same memory (GEMM by column panels or row blocks, gate kernels by batch rows, the time
// loops of a bidirectional layer's two directions one each); each output element is computed by exactly the same
// instructions as on one thread, so results are bit-identical.
import type { F32 } from './api.js';
import { WASM_BASE64, WASM_RELAXED_BASE64 } from './_wasm_module.js';
import { CTL_BYTES, MAX_CHUNKS, Pool, STRIDE } from './_pool.js';
import { availableCores, canShareAndBlock, workerFactory } from './_platform.js';

/** The exports of assembly/index.ts: sizes in elements, pointers in bytes, booleans as i32. */
export interface WasmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemm(transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number, a: number, lda: number,
    b: number, ldb: number, beta: number, c: number, ldc: number, packedB: number, work: number): void;
  gemmWorkBytes(M: number, N: number, K: number, packed: boolean): number;
  packB(transB: boolean, K: number, N: number, b: number, ldb: number, dst: number): void;
  packedBBytes(K: number, N: number): number;
  gemvRowPanels(R: number, K: number, alpha: number, x: number, p: number, beta: number, y: number, tmp: number): void;
  packRowPanels(R: number, K: number, w: number, ldw: number, dst: number): void;
  rowPanelsBytes(R: number, K: number): number;
  sigmoid(n: number, x: number, y: number): void;
  tanh(n: number, x: number, y: number): void;
  relu(n: number, x: number, y: number): void;
  addRowVector(M: number, N: number, v: number, X: number): void;
  sumRowsInto(M: number, N: number, X: number, ldx: number, v: number): void;
  gruStepForward(B: number, H: number, gi: number, gh: number, hp: number, h: number, save: number): void;
  gruStepBackward(B: number, H: number, dh: number, hp: number, save: number, dgi: number, dgh: number, dhp: number): void;
  gruResetBeforeGates(B: number, H: number, gi: number, gh: number, hp: number, save: number): void;
  gruResetBeforeBlend(B: number, H: number, gi: number, ghn: number, hp: number, h: number, save: number): void;
  gruResetBeforeBackwardBlend(B: number, H: number, dh: number, hp: number, save: number, dgi: number, dhp: number): void;
  gruResetBeforeBackwardGates(B: number, H: number, dRh: number, hp: number, save: number, dgi: number, dhp: number): void;
  lstmStepForward(B: number, H: number, gi: number, gh: number, cp: number, c: number, m: number, save: number): void;
  lstmStepBackward(B: number, H: number, dm: number, dc: number, cp: number, save: number, dg: number, dcp: number): void;
  rnnStepForward(n: number, relu: boolean, gi: number, gh: number, h: number): void;
  rnnStepBackward(n: number, relu: boolean, dh: number, h: number, dg: number): void;
  gruForwardLoop(T: number, B: number, H: number, reverse: boolean, gi: number, whh: number, whhPacked: number, bhh: number,
    hx: number, save: number, gh: number, work: number): void;
  lstmForwardLoop(T: number, B: number, H: number, reverse: boolean, gi: number, whh: number, whhPacked: number, bhh: number,
    hx: number, cx: number, save: number, gh: number, work: number): void;
  gruBackwardLoop(T: number, B: number, H: number, reverse: boolean, whh: number, whhPacked: number, hx: number, save: number,
    dy: number, dgi: number, dgh: number, dh: number, dhPrev: number, work: number): void;
  lstmBackwardLoop(T: number, B: number, H: number, reverse: boolean, whh: number, whhPacked: number, cx: number, save: number,
    dy: number, dg: number, dh: number, dhPrev: number, dc: number, dcPrev: number, work: number): void;
  gruStream(T: number, H: number, I: number, reverse: boolean, x: number, rowsIh: number, bih: number, gi: number,
    rowsHh: number, bhh: number, hx: number, save: number, work: number, ctl: number, U: number): void;
  lstmStream(T: number, H: number, I: number, reverse: boolean, x: number, rowsIh: number, bih: number, gi: number,
    rowsHh: number, bhh: number, hx: number, cx: number, save: number, work: number, ctl: number, U: number): void;
  streamWorkBytes(G: number, H: number): number;
  pollFor(n: number, ctl: number): number;
  streamCtlBytes(blocks: number): number;
  setThreadSlot(k: number): void;
}

/** The exports a pool chunk may call, by index (the job table stores the index). */
const POOL_FNS = ['gemm', 'addRowVector', 'sumRowsInto', 'sigmoid', 'tanh', 'relu', 'gruStepForward', 'gruStepBackward',
  'gruResetBeforeGates', 'gruResetBeforeBlend', 'gruResetBeforeBackwardBlend', 'gruResetBeforeBackwardGates',
  'lstmStepForward', 'lstmStepBackward', 'gruForwardLoop', 'lstmForwardLoop', 'gruBackwardLoop', 'lstmBackwardLoop',
  'gruStream', 'lstmStream'] as const;
export const FN = Object.fromEntries(POOL_FNS.map((n, i) => [n, i])) as Record<(typeof POOL_FNS)[number], number>;

const PAGE = 65536;
let wasm: WasmExports | null = null;   // read through w()
let heap = new Float32Array(0);     // view of wasm.memory; replaced after every growth
let base = 0;                       // first byte the wrapper manages
let pinTop = 0;                     // end of the pinned stack
let top = 0;                        // end of this call's scratch
let pool: Pool | null = null;       // the shared-memory build only
let wantThreads = 0;                // requested threads; 0 = one per available core
let poolBroken = false;             // workers could not be made here: stay on one thread

// ------------------------------------------------------------------------------------------ loading

/** Which build of the kernels: with relaxed SIMD (fused multiply-add in the GEMM and GEMV), or plain SIMD128. */
export type WasmBuild = 'relaxed-simd' | 'simd128';
let loadedBuild: WasmBuild | null = null;
let forcedBuild: WasmBuild | null = null;

/** `(func (param v128 v128 v128) (result v128) f32x4.relaxed_madd)`: valid where the engine has relaxed SIMD. */
const RELAXED_PROBE = [0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0,
  10, 13, 1, 11, 0, 32, 0, 32, 1, 32, 2, 253, 133, 2, 11];

/** True when this engine validates relaxed SIMD (Node ≥ 22, Chrome ≥ 114; Node 20 with --experimental-wasm-relaxed-simd). */
export function hasRelaxedSimd(): boolean {
  try { return WebAssembly.validate(new Uint8Array(RELAXED_PROBE)); } catch { return false; }
}

/** For tests and benchmarks: the build the next load takes (null: the best this engine validates). No effect once loaded. */
export function preferWasmBuild(b: WasmBuild | null): void { forcedBuild = b; }

/** The build that runs, or null before loading. */
export const wasmBuild = (): WasmBuild | null => loadedBuild;

/** The builds to try, best first: [name, base64 of the module importing a shared memory]. */
function candidates(): [WasmBuild, string][] {
  if (forcedBuild === 'simd128' || (forcedBuild === null && !hasRelaxedSimd())) return [['simd128', WASM_BASE64]];
  return [['relaxed-simd', WASM_RELAXED_BASE64], ['simd128', WASM_BASE64]];
}

function decode(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64), out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * The module's one-thread variant: its memory import's limits flag 0x03 (shared, with a maximum) becomes 0x01 (with a
 * maximum), in place — the embedded builds import a shared memory (scripts/build-wasm.ts) and differ from a build with
 * an unshared one in that byte only. Walks the sections to the import section, and its entries to the memory.
 */
export function unshared(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const b = bytes.slice();
  let p = 8;                                   // after the magic number and the version
  const leb = (): number => { let v = 0, s = 0, x; do { x = b[p++]; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return v; };
  const skip = (): void => { const n = leb(); p += n; };   // a name: its length, then its bytes
  const limits = (): void => { const flags = b[p++]; leb(); if (flags & 1) leb(); };
  while (p < b.length) {
    const id = b[p++], size = leb(), end = p + size;
    if (id === 2) {                            // imports: module name, field name, kind, its description
      for (let n = leb(); n > 0; n--) {
        skip(); skip();
        const kind = b[p++];
        if (kind === 0) leb();                 // function: type index
        else if (kind === 1) { p++; limits(); }   // table: element type, limits
        else if (kind === 2) { if (b[p] === 0x03) b[p] = 0x01; return b; }
        else if (kind === 3) p += 2;           // global: value type, mutability
        else break;
      }
    }
    p = end;
  }
  return b;
}

/** An unshared memory for the one-thread variant (the same limits the module declares). */
const ownMemory = (): WebAssembly.Memory => new WebAssembly.Memory({ initial: 16, maximum: 65536 });

/** A shared memory for the threaded build, or null where threads cannot work (no SAB, no blocking wait, no Worker). */
function sharedMemory(): WebAssembly.Memory | null {
  if (!canShareAndBlock() || !workerFactory()) return null;
  for (const maximum of [65536, 16384, 4096]) {
    try { return new WebAssembly.Memory({ initial: 16, maximum, shared: true }); } catch { /* try a smaller reservation */ }
  }
  return null;
}

function attach(instance: WebAssembly.Instance, module: WebAssembly.Module | null, memory: WebAssembly.Memory | null): void {
  const w = instance.exports as unknown as WasmExports;
  const ctl = w.heapBase();
  base = memory ? ctl + Math.ceil(CTL_BYTES / 16) * 16 : ctl;
  wasm = w;
  if (memory && module) {
    if (base > memory.buffer.byteLength) memory.grow(Math.ceil((base - memory.buffer.byteLength) / PAGE));
    pool = new Pool(module, memory, ctl, POOL_FNS, instance.exports as Record<string, unknown>);
  }
  heap = new Float32Array(w.memory.buffer);
  pinTop = top = base;
}

/**
 * Compiles and instantiates the embedded module synchronously (the shared-memory build where threads can work). False
 * when this engine has no WebAssembly SIMD, or refuses synchronous compilation of a module this size (browser main
 * threads may: use `initWasmAsync`).
 */
export function initWasmSync(): boolean {
  if (wasm) return true;
  for (const [build, b64] of candidates()) {
    const memory = sharedMemory();
    if (memory) {
      try {
        const module = new WebAssembly.Module(decode(b64));
        attach(new WebAssembly.Instance(module, { env: { memory } }), module, memory);
        loadedBuild = build;
        return true;
      } catch { /* fall back to one thread */ }
    }
    try {
      attach(new WebAssembly.Instance(new WebAssembly.Module(unshared(decode(b64))), { env: { memory: ownMemory() } }), null, null);
      loadedBuild = build;
      return true;
    } catch { /* the next build */ }
  }
  return false;
}

/** Like `initWasmSync`, with asynchronous compilation (allowed everywhere). */
export async function initWasmAsync(): Promise<boolean> {
  if (wasm) return true;
  for (const [build, b64] of candidates()) {
    const memory = sharedMemory();
    if (memory) {
      try {
        const module = await WebAssembly.compile(decode(b64));
        const instance = await WebAssembly.instantiate(module, { env: { memory } });
        if (!wasm) { attach(instance, module, memory); loadedBuild = build; }
        return true;
      } catch { /* fall back to one thread */ }
    }
    try {
      const module = await WebAssembly.compile(unshared(decode(b64)));
      const instance = await WebAssembly.instantiate(module, { env: { memory: ownMemory() } });
      if (!wasm) { attach(instance, null, null); loadedBuild = build; }
      return true;
    } catch { /* the next build */ }
  }
  return false;
}

// ------------------------------------------------------------------------------------------ threads

/** Sets the threads the kernels may use (n ≥ 1; 0 = one per available core). Applied from the next large call. */
export function setWasmThreads(n: number): void {
  wantThreads = n;
  poolBroken = false;                 // try again: the worker factory may have changed
  pool?.resetBackoff();
  if (pool && pool.threads > wasmThreads()) pool.resize(wasmThreads());   // fewer: free the cores now
}

/** Threads the kernels run with: 1 without the shared-memory build (no SharedArrayBuffer, or no blocking wait here). */
export function wasmThreads(): number {
  if (!pool || poolBroken) return 1;
  return Math.min(wantThreads === 0 ? availableCores() : wantThreads, MAX_CHUNKS);
}

/** For tests and benchmarks: workers started and ready, and the chunks they have run so far. */
export const poolStats = (): { ready: number; chunksByWorkers: number; backoffs: number } =>
  ({ ready: pool ? pool.ready : 0, chunksByWorkers: pool ? pool.chunksByWorkers : 0, backoffs: pool ? pool.backoffs : 0 });

/** Threads for a call of this much work (`units` ≥ `min` per thread), the pool resized to the request if needed. */
export function threadsFor(units: number, min: number): number {
  if (!pool || poolBroken || units < 2 * min || pool.backedOff()) return 1;
  const want = wasmThreads();
  if (want <= 1) return 1;
  if (pool.threads < want && !pool.resize(want)) { poolBroken = true; return 1; }
  return Math.max(1, Math.min(want, Math.floor(units / min)));
}

/** Writes chunk c of the next pool job: export `fn` with these arguments. */
function put(c: number, fn: number, a1: number, a2: number, a3: number, a4: number, a5: number, a6: number, a7: number,
  a8 = 0, a9 = 0, a10 = 0, a11 = 0, a12 = 0, a13 = 0, a14 = 0, a15 = 0): void {
  const t = pool!.table, o = c * STRIDE;
  t[o] = fn; t[o + 1] = a1; t[o + 2] = a2; t[o + 3] = a3; t[o + 4] = a4; t[o + 5] = a5; t[o + 6] = a6; t[o + 7] = a7;
  t[o + 8] = a8; t[o + 9] = a9; t[o + 10] = a10; t[o + 11] = a11; t[o + 12] = a12; t[o + 13] = a13; t[o + 14] = a14; t[o + 15] = a15;
}

// ------------------------------------------------------------------------------------------ memory

const align16 = (n: number): number => Math.ceil(n / 16) * 16;

/** Makes bytes [0, end) addressable, growing the memory (at least doubling it) when needed. */
export function ensure(end: number): void {
  if (end <= heap.byteLength) return;   // heap always views the whole memory (reading memory.buffer is slow when shared)
  const mem = wasm!.memory, have = mem.buffer.byteLength;
  if (end > have) {
    const need = Math.ceil((end - have) / PAGE);
    try { mem.grow(Math.max(need, have / PAGE)); } catch { mem.grow(need); }
  }
  heap = new Float32Array(mem.buffer);
}

interface Block { ptr: number; end: number; live: boolean; pin: Pin | null }
/** A packed form of a pinned array: op(B) panels for the GEMM (rows = false), or row panels for the batch-1 GEMV. */
interface Pack { rows: boolean; transB: boolean; off: number; ld: number; K: number; N: number; block: Block }
/**
 * A pinned array's copy. count > 0: pinned now (kernels read the copy). count = 0: resident — kept, with its packs,
 * because its `version` says whose contents it holds; the next pin of the same array with the same version reuses it.
 */
interface Pin { block: Block; count: number; packs: Pack[]; version: number; ref: WeakRef<F32> }
const stack: Block[] = [];          // pinned blocks in address order, contiguous from base; dead ones are holes
const pins = new WeakMap<F32, Pin>();
let pinnedNow = 0;                  // pins with count > 0: input() and pinnedPack() look only while there are some
const resident = new Set<Pin>();    // count = 0 and kept, least recently used first
let residentBytes = 0;
/** Resident (unpinned) copies beyond this many bytes are dropped, least recently used first. */
const RESIDENT_MAX_BYTES = 256 * 2 ** 20;
const pinBytes = (p: Pin): number => p.packs.reduce((n, q) => n + q.block.end - q.block.ptr, p.block.end - p.block.ptr);
// A collected array's resident copy is freed (FinalizationRegistry runs between tasks, never inside a kernel call).
const collected = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Pin>((p) => drop(p)) : null;

/** A block of `bytes` in the pinned region: the first run of holes large enough, else on top of the stack. */
export function push(bytes: number, pin: Pin | null = null): Block {
  const size = align16(bytes);
  for (let i = 0; i < stack.length; i++) {
    if (stack[i].live) continue;
    let j = i;   // the run of holes i..j, as long as it needs to be
    while (stack[j].end - stack[i].ptr < size && j + 1 < stack.length && !stack[j + 1].live) j++;
    if (stack[j].end - stack[i].ptr < size) { i = j; continue; }
    const ptr = stack[i].ptr, end = stack[j].end, block = { ptr, end: ptr + size, live: true, pin };
    const rest = end > block.end ? [{ ptr: block.end, end, live: false, pin: null }] : [];
    stack.splice(i, j - i + 1, block, ...rest);
    return block;
  }
  const block = { ptr: pinTop, end: pinTop + size, live: true, pin };
  ensure(block.end);
  stack.push(block);
  pinTop = block.end;
  return block;
}

export function popDead(): void {
  while (stack.length > 0 && !stack[stack.length - 1].live) stack.pop();
  pinTop = stack.length > 0 ? stack[stack.length - 1].end : base;
}

/** Frees a pin's copy and packs. */
function drop(p: Pin): void {
  if (p.count > 0 || !p.block.live) return;
  if (resident.delete(p)) residentBytes -= pinBytes(p);
  p.block.live = false;
  dropPacks(p);
  const a = p.ref.deref();
  if (a !== undefined && pins.get(a) === p) pins.delete(a);
  collected?.unregister(p);
  popDead();
}

function dropPacks(p: Pin): void {
  p.packs.forEach((q) => { q.block.live = false; });
  p.packs.length = 0;
}

/** A packed op(B) of a pinned array for the GEMM micro-kernel, made on first use. */
function packedFor(p: Pin, transB: boolean, off: number, ld: number, K: number, N: number): number {
  for (let i = 0; i < p.packs.length; i++) {
    const q = p.packs[i];
    if (!q.rows && q.transB === transB && q.off === off && q.ld === ld && q.K === K && q.N === N) return q.block.ptr;
  }
  const block = push(wasm!.packedBBytes(K, N), p);
  wasm!.packB(transB, K, N, p.block.ptr + off * 4, ld, block.ptr);
  p.packs.push({ rows: false, transB, off, ld, K, N, block });
  return block.ptr;
}

/** W [R, K] (row stride ld, from element off) of a pinned array in row panels for gemvRowPanels, made on first use. */
function rowPanelsFor(p: Pin, off: number, ld: number, R: number, K: number): number {
  for (let i = 0; i < p.packs.length; i++) {
    const q = p.packs[i];
    if (q.rows && q.off === off && q.ld === ld && q.K === K && q.N === R) return q.block.ptr;
  }
  const block = push(wasm!.rowPanelsBytes(R, K), p);
  wasm!.packRowPanels(R, K, p.block.ptr + off * 4, ld, block.ptr);
  p.packs.push({ rows: true, transB: false, off, ld, K, N: R, block });
  return block.ptr;
}

/** Starts a call: scratch begins at the top of the pinned stack. */
export const begin = (): void => { top = pinTop; };

/**
 * Scratch for this call: `bytes` at a 64-byte (cache-line) boundary, so that the parts of a buffer two threads write
 * (a batch-1 step's blocks of units) share no line.
 */
export function reserve(bytes: number): number {
  const p = Math.ceil(top / 64) * 64;
  top = align16(p + bytes);
  ensure(top);
  return p;
}

export function copyIn(src: F32, off: number, n: number, ptr: number): void {
  const d = ptr / 4;
  if (n <= 16) for (let i = 0; i < n; i++) heap[d + i] = src[off + i];
  else heap.set(src.subarray(off, off + n), d);
}

/** Address of src[off .. off+n) in wasm memory: the pinned copy, or a fresh scratch copy. */
export function input(src: F32, off: number, n: number): number {
  if (pinnedNow > 0) {
    const p = pins.get(src);
    if (p !== undefined && p.count > 0) return p.block.ptr + off * 4;
  }
  const ptr = reserve(n * 4);
  copyIn(src, off, n, ptr);
  return ptr;
}

/** Scratch for an output that the kernel writes completely. */
export const output = (n: number): number => reserve(n * 4);

/** Scratch holding a copy of an output the kernel reads, accumulates into, or writes only in part. */
export function inout(dst: F32, off: number, n: number): number {
  const ptr = reserve(n * 4);
  copyIn(dst, off, n, ptr);
  return ptr;
}

/**
 * Copies n results back to dst[off ..]; a pinned dst (against the contract, but cheap to honour) is refreshed too, and
 * a resident copy of it dropped.
 */
export function back(ptr: number, dst: F32, off: number, n: number): void {
  const s = ptr / 4;
  if (n <= 16) for (let i = 0; i < n; i++) dst[off + i] = heap[s + i];
  else dst.set(heap.subarray(s, s + n), off);
  if (pinnedNow > 0 || resident.size > 0) {
    const p = pins.get(dst);
    if (p === undefined) return;
    if (p.count === 0) { drop(p); return; }
    heap.copyWithin(p.block.ptr / 4 + off, s, s + n);
    dropPacks(p);
    p.version = -1;
  }
}

/** Elements spanned by a rows × cols matrix with leading dimension ld. */
export const span = (rows: number, cols: number, ld: number): number => (rows <= 0 || cols <= 0 ? 0 : (rows - 1) * ld + cols);

// ------------------------------------------------------------------------------------------ splitting across threads
// Sizes below which a call stays on one thread: a chunk must outweigh waking a worker and the caller's wait.
export const GEMM_MIN_FLOPS = 200_000;     // per thread (≈ 5 µs at 40 GFLOP/s)
const GEMV_MIN_FLOPS = 100_000;            // per thread for one row of C (≈ 4 µs: a GEMV streams its matrix once)
const ROWS_MIN_ELEMS = 4096;               // per thread, for the row-wise gate kernels (~7 ns per element)
const ADD_MIN_ELEMS = 65536;               // per thread, for addRowVector (~0.2 ns per element)
const NR = 8, MR = 4;               // the GEMM micro-tile (assembly/gemm.ts): column panels and row blocks

/**
 * C = alpha · op(A) · op(B) + beta · C on `nt` threads, all operands already in wasm memory (bp: packed op(B) or 0).
 * One row (GEMV) or few rows: column panels of 8, B packed once and shared (its panels are contiguous per chunk).
 * Many rows: row blocks of 4, each chunk packing only its own rows of A.
 */
export function gemmThreads(nt: number, tA: boolean, tB: boolean, M: number, N: number, K: number, alpha: number,
  a: number, lda: number, b: number, ldb: number, beta: number, c: number, ldc: number, bp: number): void {
  const w = wasm!, flops = 2 * M * N * K;
  const chunksWanted = Math.min(MAX_CHUNKS, flops >= 16e6 ? 4 * nt : nt);
  if (bp === 0 && M > 1 && N > 1) { bp = reserve(w.packedBBytes(K, N)); w.packB(tB, K, N, b, ldb, bp); }
  let n = 0;
  if (N > 1 && (M === 1 || M < 4 * MR * nt || N >= M)) {
    const panels = Math.ceil(N / NR), per = Math.ceil(panels / Math.min(chunksWanted, panels));
    for (let p0 = 0; p0 < panels; p0 += per, n++) {
      const j0 = p0 * NR, nc = Math.min(N - j0, per * NR);
      const bc = bp !== 0 ? bp + p0 * K * NR * 4 : tB ? b + j0 * ldb * 4 : b + j0 * 4;
      put(n, FN.gemm, +tA, +tB, M, nc, K, alpha, a, lda, bc, ldb, beta, c + j0 * 4, ldc, bp !== 0 ? bc : 0,
        reserve(w.gemmWorkBytes(M, nc, K, bp !== 0)));
    }
  } else {
    const blocks = Math.ceil(M / MR), per = Math.ceil(blocks / Math.min(chunksWanted, blocks));
    for (let q0 = 0; q0 < blocks; q0 += per, n++) {
      const i0 = q0 * MR, mc = Math.min(M - i0, per * MR);
      put(n, FN.gemm, +tA, +tB, mc, N, K, alpha, tA ? a + i0 * 4 : a + i0 * lda * 4, lda, b, ldb, beta, c + i0 * ldc * 4, ldc,
        bp, reserve(w.gemmWorkBytes(mc, N, K, bp !== 0)));
    }
  }
  pool!.run(n);
}

/**
 * Runs a row-wise kernel fn(rows, H, p0..p5) over B rows, split across threads when B·H is large; pointer k advances
 * wk · H floats per row (0 for an unused slot). False (nothing done) when the call should stay on one thread.
 */
export function rowsThreads(fn: number, B: number, H: number, p0: number, w0: number, p1: number, w1: number, p2: number, w2: number,
  p3: number, w3: number, p4 = 0, w4 = 0, p5 = 0, w5 = 0): boolean {
  const nt = B >= 2 ? threadsFor(B * H, fn === FN.addRowVector ? ADD_MIN_ELEMS : ROWS_MIN_ELEMS) : 1;
  if (nt <= 1) return false;
  const per = Math.ceil(B / nt), row = H * 4;
  let n = 0;
  for (let r = 0; r < B; r += per, n++) {
    const o = r * row;
    put(n, fn, Math.min(per, B - r), H, p0 + o * w0, p1 + o * w1, p2 + o * w2, p3 + o * w3, p4 + o * w4, p5 + o * w5);
  }
  pool!.run(n);
  return true;
}

/**
 * Runs a batch-1 time loop (FN.gruStream / FN.lstmStream: `args` without the trailing ctl and U) on as many threads as
 * one step's `flops` pays for: every thread runs the same loop and they share the steps' blocks of hidden units
 * (assembly/stream.ts). Blocks are whole row panels (H a multiple of 8), else one block per step on one thread.
 */
export function streamThreads(fn: number, H: number, flops: number, args: readonly number[]): void {
  let nt = threadsFor(flops, GEMV_MIN_FLOPS);
  const U = nt > 1 && H % 8 === 0 ? Math.ceil(H / nt / 8) * 8 : H, blocks = Math.ceil(H / U);
  if (blocks < 2) nt = 1;
  const bytes = wasm!.streamCtlBytes(blocks), ctl = reserve(bytes), c = new Int32Array(heap.buffer, ctl, bytes / 4);
  c.fill(0);
  const call: Call = [fn, ...args, ctl, U];
  if (nt <= 1) { runHere(call); return; }
  const t = pool!.table;
  for (let k = 0; k < nt; k++) call.forEach((v, j) => { t[k * STRIDE + j] = v; });
  // The one-thread time of the job from this thread's share: its time in its chunks less the polls it spent waiting
  // (c[1]), scaled from the blocks it ran (c[0]) to all T · blocks.
  pool!.run(nt, (jobMs, ownMs) => (c[0] === 0 ? jobMs : Math.max(0, ownMs - c[1] * pollMs(ctl + 8)) * blocks * args[0] / c[0]));
}

let msPerPoll = -1;
/** The time of one poll of the stream loops' wait: the fastest of repeated timings, once tiered up (a lower bound). */
function pollMs(scratch: number): number {
  if (msPerPoll < 0) {
    const n = 20_000;
    msPerPoll = Infinity;
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      wasm!.pollFor(n, scratch);
      msPerPoll = Math.min(msPerPoll, (performance.now() - t0) / n);
    }
  }
  return msPerPoll;
}

/** A whole wasm call as data: [export index (FN), ...its arguments] (at most 16). */
export type Call = readonly number[];

/** Work (in flops) below which two independent calls stay on the calling thread: each must outweigh a worker's wake-up. */
const TWO_MIN_FLOPS = GEMM_MIN_FLOPS;

/**
 * Runs two independent calls (disjoint outputs; `flops`: the work of each) as one pool job of two chunks, each on one
 * thread — or one after the other on the caller where the pool has fewer than two threads or is backed off.
 */
export function runTwo(a: Call, b: Call, flops: number): void {
  if (threadsFor(2 * flops, TWO_MIN_FLOPS) < 2) { runHere(a); runHere(b); return; }
  [a, b].forEach((c, i) => {
    const t = pool!.table, o = i * STRIDE;
    t.fill(0, o, o + STRIDE);
    c.forEach((v, j) => { t[o + j] = v; });
  });
  pool!.run(2);
}

/** Runs a call on this thread. */
function runHere([fn, ...args]: Call): void {
  (wasm![POOL_FNS[fn]] as unknown as (...a: number[]) => void)(...args);
}

// ------------------------------------------------------------------------------------------ for the kernels

/** The module's exports (after a successful init). */
export const w = (): WasmExports => wasm!;

/** Scratch mark: `release(mark())` frees what was reserved after it (per time step of a sequence kernel). */
export const mark = (): number => top;
export const release = (m: number): void => { top = m; };

/** Bytes of wasm memory held by pins now, packs included (for tests: everything pinned was released when this returns 0). */
export const pinnedBytes = (): number => stack.reduce((n, b) => n + (b.live && b.pin !== null && b.pin.count > 0 ? b.end - b.ptr : 0), 0);

/** For tests: resident copies (arrays unpinned, kept for their next pin) and their bytes, packs included. */
export const residentStats = (): { arrays: number; bytes: number } => ({ arrays: resident.size, bytes: residentBytes });

/**
 * Pins `a` (nested pins counted). Its copy is made on the first pin — or reused, with its packs, when `a` was pinned
 * before with the same `version` ≥ 0 and is still resident; a different version refreshes the copy in place.
 */
export function pinArray(a: F32, version = -1): void {
  let p = pins.get(a);
  if (p !== undefined && p.count > 0) { p.count++; return; }   // nested: the outer pin's copy stands
  if (p !== undefined && (p.block.end - p.block.ptr < a.length * 4)) { drop(p); p = undefined; }
  if (p === undefined) {
    const block = push(a.length * 4);
    p = { block, count: 0, packs: [], version: -1, ref: new WeakRef(a) };
    block.pin = p;
    pins.set(a, p);
    collected?.register(a, p, p);
  } else {
    resident.delete(p);
    residentBytes -= pinBytes(p);
  }
  if (version < 0 || p.version !== version) {
    copyIn(a, 0, a.length, p.block.ptr);
    dropPacks(p);
    p.version = version;
  }
  p.count = 1;
  pinnedNow++;
}

/** Ends a pin; the last one frees the copy, or keeps it resident when its version identifies the contents. */
export function unpinArray(a: F32): void {
  const p = pins.get(a);
  if (p === undefined || p.count === 0 || --p.count > 0) return;
  pinnedNow--;
  if (p.version < 0) { drop(p); return; }
  resident.add(p);
  residentBytes += pinBytes(p);
  if (residentBytes <= RESIDENT_MAX_BYTES) return;
  for (const q of resident) {
    if (residentBytes <= RESIDENT_MAX_BYTES || q === p) break;
    drop(q);
  }
}

/** Drops the resident copy of `a`, if any (a module's `dispose`); a pinned `a` is left alone. */
export function forgetArray(a: F32): void {
  const p = pins.get(a);
  if (p !== undefined) drop(p);
}

/**
 * The packed op(B) of B[bOff ..] for the GEMM micro-kernel: `pinned` (from pinnedPack, taken before begin(): a new pack
 * grows the pinned stack, which must not happen under live scratch) when B is pinned, else packed into this call's scratch.
 */
export function packed(pinned: number, B: F32, transB: boolean, bOff: number, ldb: number, K: number, N: number): number {
  if (pinned !== 0) return pinned;
  const src = input(B, bOff, transB ? span(N, K, ldb) : span(K, N, ldb)), dst = reserve(wasm!.packedBBytes(K, N));
  wasm!.packB(transB, K, N, src, ldb, dst);
  return dst;
}

/** The packed op(B) of a pinned B, made on first use, or 0 (then B is read as it is). Call before begin(). */
export function pinnedPack(B: F32, transB: boolean, bOff: number, ldb: number, K: number, N: number): number {
  const p = K > 0 && N > 1 && pinnedNow > 0 ? pins.get(B) : undefined;
  return p !== undefined && p.count > 0 ? packedFor(p, transB, bOff, ldb, K, N) : 0;
}

/** W [R, K] of a pinned W in row panels (made on first use, kept with the pin), or 0 when W is not pinned. Call before begin(). */
export function pinnedRowPanels(W: F32, off: number, ld: number, R: number, K: number): number {
  const p = R > 0 && K > 0 && pinnedNow > 0 ? pins.get(W) : undefined;
  return p !== undefined && p.count > 0 ? rowPanelsFor(p, off, ld, R, K) : 0;
}

/** C = alpha · op(A) · op(B) + beta · C on operands in wasm memory (bp: packed op(B) or 0), split across threads if large. */
export function gemmAt(tA: boolean, tB: boolean, M: number, N: number, K: number, alpha: number, a: number, lda: number,
  b: number, ldb: number, beta: number, c: number, ldc: number, bp: number): void {
  const nt = K > 0 ? threadsFor(2 * M * N * K, M === 1 ? GEMV_MIN_FLOPS : GEMM_MIN_FLOPS) : 1;
  if (nt > 1) gemmThreads(nt, tA, tB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, bp);
  else wasm!.gemm(tA, tB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, bp, reserve(wasm!.gemmWorkBytes(M, N, K, bp !== 0)));
}

/** v[N] += Σ_rows X[M, N] on operands in wasm memory; large sums split into column ranges (multiples of 16) across threads. */
export function sumRowsAt(M: number, N: number, x: number, v: number): void {
  const nt = N >= 32 ? threadsFor(M * N, 4 * ROWS_MIN_ELEMS) : 1;
  if (nt <= 1) { wasm!.sumRowsInto(M, N, x, N, v); return; }
  const per = Math.ceil(N / nt / 16) * 16;
  let n = 0;
  for (let j = 0; j < N; j += per, n++) put(n, FN.sumRowsInto, M, Math.min(per, N - j), x + j * 4, N, v + j * 4, 0, 0);
  pool!.run(n);
}
