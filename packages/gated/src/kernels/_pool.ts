// The worker pool behind the wasm backend's threads: N − 1 workers, each with its own instance of the shared-memory
// kernels module on the same WebAssembly.Memory, run chunks of one job while the calling thread runs chunks too.
// Synchronous: `run` returns when every chunk is done (the caller blocks in Atomics.wait, which Node allows on its main
// thread and browsers in workers). Not here: how kernels are split (_wasm_core.ts), platform detection (_platform.ts).
//
// The job table and a small header live in the shared memory itself, at `ctl` (CTL_BYTES reserved by the wrapper):
//   header i32 [0] CLAIM = gen << 20 | n << 10 | next   — one word, so a claim (compareExchange) can only take a chunk
//                                                         of the job published last, never a stale one
//              [1] DONE chunks finished  [2] SLEEPERS workers blocked in wait
//              [3] EPOCH of the live workers (a worker of a past epoch leaves at its next wait, never inside a chunk)
//              [4] READY workers started  [5] FAILED (a worker's chunk threw)
//              [6] chunks run by workers (a count for tests and benchmarks: did the threads take part?)
//   table  f64 [c · STRIDE] = export index, then up to ARGS arguments of chunk c (extra arguments are ignored by wasm)
// A job: the table is written, DONE = 0, CLAIM published, sleepers woken; everyone claims chunks until none is left;
// the caller then waits for DONE = n. Workers spin briefly after a job before sleeping, so that the many small jobs of
// a recurrent time loop do not pay a wake-up each. On a busy machine threads can lose time; see the back-off in run().
import type { WorkerHandle } from './_platform.js';
import { workerFactory } from './_platform.js';

export const MAX_CHUNKS = 64;
const ARGS = 16, HEADER = 16;
/** f64 slots per chunk in the job table: the export index and its arguments. */
export const STRIDE = ARGS + 1;
/** Bytes the wrapper reserves at `ctl` for the header and the job table. */
export const CTL_BYTES = HEADER * 4 + MAX_CHUNKS * STRIDE * 8;
const CLAIM = 0, DONE = 1, SLEEPERS = 2, EPOCH = 3, READY = 4, FAILED = 5, BY_WORKERS = 6;
/** Polls (Atomics.load, ~15 ns each in V8) before a worker or the waiting caller blocks: ~50–100 µs for a worker. */
const WORKER_SPIN = 5000, CALLER_SPIN = 20000;
/** How long jobs stay on the calling thread after threads were seen to lose time. */
const BACKOFF_MS = 200;
/** Jobs per verdict on whether threads save time (~10–50 ms of recurrent steps), or fewer long ones filling WINDOW_MS. */
const WINDOW = 256, WINDOW_MS = 50;

/** The worker's script: plain JavaScript, the same text in Node (worker_threads, eval) and browsers (Blob URL). */
const WORKER_SOURCE = `'use strict';
const wt = globalThis.process?.getBuiltinModule?.('node:worker_threads');
function onFirstMessage(f) {
  if (wt) wt.parentPort.once('message', f);
  else self.onmessage = (e) => { self.onmessage = null; f(e.data); };
}
function leave() { if (!wt) self.close(); }
onFirstMessage(({ module, memory, ctl, names, spin, epoch, slot }) => {
  const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
  ex.setThreadSlot(slot);
  const fns = names.map((n) => ex[n]);
  const h = new Int32Array(memory.buffer, ctl, ${HEADER});
  const t = new Float64Array(memory.buffer, ctl + ${HEADER * 4}, ${MAX_CHUNKS * STRIDE});
  let gen = Atomics.load(h, ${CLAIM}) >>> 20;
  Atomics.add(h, ${READY}, 1);
  for (;;) {
    let v = Atomics.load(h, ${CLAIM}), spins = 0;
    while (v >>> 20 === gen) {
      if (Atomics.load(h, ${EPOCH}) !== epoch) return leave();
      if (++spins > spin) {
        Atomics.add(h, ${SLEEPERS}, 1);
        Atomics.wait(h, ${CLAIM}, v);
        Atomics.sub(h, ${SLEEPERS}, 1);
        spins = 0;
      }
      v = Atomics.load(h, ${CLAIM});
    }
    gen = v >>> 20;
    for (;;) {
      v = Atomics.load(h, ${CLAIM});
      const n = (v >>> 10) & 1023, c = v & 1023;
      if (v >>> 20 !== gen || c >= n) break;
      if (Atomics.compareExchange(h, ${CLAIM}, v, v + 1) !== v) continue;
      const o = c * ${STRIDE};
      try {
        fns[t[o]](t[o + 1], t[o + 2], t[o + 3], t[o + 4], t[o + 5], t[o + 6], t[o + 7], t[o + 8],
          t[o + 9], t[o + 10], t[o + 11], t[o + 12], t[o + 13], t[o + 14], t[o + 15], t[o + 16]);
      } catch (e) { Atomics.store(h, ${FAILED}, 1); }
      Atomics.add(h, ${BY_WORKERS}, 1);
      if (Atomics.add(h, ${DONE}, 1) + 1 === n) Atomics.notify(h, ${DONE});
    }
  }
});
`;

type WasmFn = (...args: number[]) => void;

export class Pool {
  private readonly h: Int32Array;
  /** The job table: chunk c's export index at c · STRIDE, its arguments after it. */
  readonly table: Float64Array;
  private readonly fns: WasmFn[];
  private workers: WorkerHandle[] = [];
  private gen = 0;

  /** `names`: the exports chunks may call, by index. `ctl`: CTL_BYTES of the shared memory, 8-aligned. */
  constructor(private readonly module: WebAssembly.Module, private readonly memory: WebAssembly.Memory,
    private readonly ctl: number, private readonly names: readonly string[], exports: Record<string, unknown>) {
    this.h = new Int32Array(memory.buffer, ctl, HEADER);
    this.table = new Float64Array(memory.buffer, ctl + HEADER * 4, MAX_CHUNKS * STRIDE);
    this.fns = names.map((n) => exports[n] as WasmFn);
    Atomics.store(this.h, CLAIM, 0);
  }

  /** Threads that run jobs, the caller's included. */
  get threads(): number { return this.workers.length + 1; }

  /** Workers that have started (a job never waits for the others: the caller takes their chunks). */
  get ready(): number { return Atomics.load(this.h, READY); }

  /** Chunks that workers (not the caller) have run since the pool was made. */
  get chunksByWorkers(): number { return Atomics.load(this.h, BY_WORKERS); }

  /** Starts or stops workers so that `threads` threads run jobs; false when no worker can be made here. */
  resize(threads: number): boolean {
    const want = Math.max(0, Math.floor(threads) - 1);
    if (want === this.workers.length) return true;
    this.stop();
    if (want === 0) return true;
    const make = workerFactory();
    if (!make) return false;
    Atomics.store(this.h, READY, 0);
    const epoch = Atomics.load(this.h, EPOCH);
    try {
      for (let i = 0; i < want; i++) {
        const w = make(WORKER_SOURCE);
        this.workers.push(w);
        w.postMessage({ module: this.module, memory: this.memory, ctl: this.ctl, names: this.names, spin: WORKER_SPIN, epoch, slot: i + 1 });
      }
    } catch {
      this.stop();
      return false;
    }
    return true;
  }

  /**
   * Retires every worker: each leaves at its next wait, never while it runs a chunk (no terminate(): a worker killed
   * inside a chunk would leave the job unfinished). Until then a retiring worker may still take chunks, correctly.
   */
  stop(): void {
    if (this.workers.length === 0) return;
    Atomics.add(this.h, EPOCH, 1);
    Atomics.notify(this.h, CLAIM);
    this.workers = [];
  }

  // ---- Back-off: on a machine with more runnable threads than cores, a worker may be descheduled while it holds a
  // chunk, and the caller then waits longer than doing everything itself would take. Each job estimates its one-thread
  // time from the caller's own chunks (own time · n / own chunks) — or takes the caller's estimate (a batch-1 time loop,
  // whose threads wait for each other every step, counts the time they spent waiting) — and compares it with the job's
  // time; when the time saved over a window (WINDOW jobs, or WINDOW_MS of them) is negative, jobs stay on the calling
  // thread for BACKOFF_MS, then threads are tried again. A whole window, not a running average, so that one stall (a
  // worker descheduled once for a few ms on an otherwise idle machine) does not outweigh the many small jobs that
  // threads did speed up.
  private saved = 0;          // Σ (one-thread estimate − job time) over this window, ms
  private samples = 0;
  private windowMs = 0;       // the time of this window's jobs
  private offUntil = 0;       // performance.now() until which callers should not split

  /** Forgets the back-off state (a new thread count was asked for). */
  resetBackoff(): void { this.offUntil = 0; this.saved = 0; this.samples = 0; this.windowMs = 0; }

  /** Whether splitting is paused because threads recently made jobs slower (see back-off above). */
  backedOff(): boolean {
    if (this.offUntil === 0) return false;
    if (performance.now() < this.offUntil) return true;
    this.offUntil = 0;
    return false;
  }

  private account(oneThreadMs: number, jobMs: number): void {
    this.saved += oneThreadMs - jobMs;
    this.windowMs += jobMs;
    if (++this.samples < WINDOW && this.windowMs < WINDOW_MS) return;
    if (this.saved < 0) {
      this.offUntil = performance.now() + BACKOFF_MS;
      this.backoffs++;
    }
    this.saved = 0;
    this.samples = 0;
    this.windowMs = 0;
  }

  /** Times splitting was paused so far (for tests and benchmarks). */
  backoffs = 0;

  /**
   * Runs chunks 0..n−1 of the table (n ≤ MAX_CHUNKS) across the pool; returns when all are done. `oneThreadMs`: the
   * job's time on one thread, given its time now and the caller's time in its own chunks, for the back-off; by
   * default estimated as the caller's time · n / its chunks.
   */
  run(n: number, oneThreadMs?: (jobMs: number, ownMs: number) => number): void {
    const h = this.h, t = this.table, fns = this.fns, t0 = performance.now();
    let ownChunks = 0, ownMs = 0;
    this.gen = (this.gen + 1) & 4095;
    Atomics.store(h, DONE, 0);
    Atomics.store(h, CLAIM, (this.gen << 20) | (n << 10));
    if (Atomics.load(h, SLEEPERS) > 0) Atomics.notify(h, CLAIM);
    for (;;) {
      const v = Atomics.load(h, CLAIM), c = v & 1023;
      if (c >= n) break;
      if (Atomics.compareExchange(h, CLAIM, v, v + 1) !== v) continue;
      const o = c * STRIDE, s0 = performance.now();
      fns[t[o]](t[o + 1], t[o + 2], t[o + 3], t[o + 4], t[o + 5], t[o + 6], t[o + 7], t[o + 8],
        t[o + 9], t[o + 10], t[o + 11], t[o + 12], t[o + 13], t[o + 14], t[o + 15], t[o + 16]);
      ownMs += performance.now() - s0;
      ownChunks++;
      Atomics.add(h, DONE, 1);
    }
    let d = Atomics.load(h, DONE), spins = 0;
    while (d < n) {
      if (++spins > CALLER_SPIN) Atomics.wait(h, DONE, d, 1000);
      d = Atomics.load(h, DONE);
    }
    const jobMs = performance.now() - t0;
    if (oneThreadMs) this.account(oneThreadMs(jobMs, ownMs), jobMs);
    else if (ownChunks > 0) this.account(ownMs * n / ownChunks, jobMs);
    if (Atomics.load(h, FAILED) !== 0) {
      Atomics.store(h, FAILED, 0);
      throw new Error('gated: a kernel worker thread failed (a wasm trap); the results of this call are invalid');
    }
  }
}
