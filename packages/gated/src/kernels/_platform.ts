// What this JavaScript engine offers for threads, found at run time so that the core stays browser-safe:
// shared WebAssembly memory, blocking waits (Atomics.wait) on this thread, and a Worker constructor —
// Web Workers in browsers, worker_threads in Node (reached through process.getBuiltinModule, Node ≥ 20.16, never
// through a static import). Not here: the pool protocol (_pool.ts).

/** A started worker, whatever the platform. */
export interface WorkerHandle {
  postMessage(data: unknown): void;
}

/** Spawns a worker running `source` (a classic script) that receives its first message through `onInit`-style glue. */
export type WorkerFactory = (source: string) => WorkerHandle;

interface NodeWorkerCtor { new(src: string, opts: { eval: true }): WorkerHandle & { unref(): void } }
interface NodeProcessLike { getBuiltinModule?(id: string): unknown }
interface WebWorkerCtor { new(url: string): WorkerHandle }
interface UrlApi { createObjectURL(b: unknown): string; revokeObjectURL(u: string): void }
interface BlobCtor { new(parts: string[], opts: { type: string }): unknown }

const g = globalThis as unknown as {
  process?: NodeProcessLike; Worker?: WebWorkerCtor; Blob?: BlobCtor; URL?: UrlApi;
  navigator?: { hardwareConcurrency?: number };
};

let injected: WorkerFactory | null = null;

/** Replaces how workers are made (e.g. a bundler's worker loader, or a test double); null restores the default. */
export function setWorkerFactory(f: WorkerFactory | null): void { injected = f; }

/** The Node worker_threads module when this is Node (≥ 20.16), else null. */
function nodeWorkerThreads(): { Worker: NodeWorkerCtor; availableParallelism?: () => number } | null {
  try {
    const wt = g.process?.getBuiltinModule?.('node:worker_threads') as { Worker?: NodeWorkerCtor } | undefined;
    if (!wt?.Worker) return null;
    const os = g.process?.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
    return { Worker: wt.Worker, availableParallelism: os?.availableParallelism };
  } catch { return null; }
}

/** How workers are made here, or null (no Worker API reachable synchronously). */
export function workerFactory(): WorkerFactory | null {
  if (injected) return injected;
  const node = nodeWorkerThreads();
  if (node) {
    return (source) => {
      const w = new node.Worker(source, { eval: true });
      w.unref();               // idle workers never keep the process alive
      return w;
    };
  }
  if (g.Worker && g.Blob && g.URL) {
    const { Worker: W, Blob: B, URL: U } = g;
    return (source) => {
      const url = U.createObjectURL(new B([source], { type: 'text/javascript' }));
      try { return new W(url); } finally { U.revokeObjectURL(url); }
    };
  }
  return null;
}

/** Logical cores available to this process (1 when unknown). */
export function availableCores(): number {
  const n = nodeWorkerThreads()?.availableParallelism?.() ?? g.navigator?.hardwareConcurrency ?? 1;
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * Whether this thread may block in Atomics.wait on shared WebAssembly memory: true in Node (main thread included) and
 * in Web Workers; false on a browser's main thread, and where SharedArrayBuffer is off (no cross-origin isolation).
 */
export function canShareAndBlock(): boolean {
  try {
    if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
    const m = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    if (!(m.buffer instanceof SharedArrayBuffer)) return false;
    return Atomics.wait(new Int32Array(m.buffer), 0, 1, 0) === 'not-equal';
  } catch { return false; }
}
