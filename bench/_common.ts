// Shared by the benchmark engines (bench/engines/*): the workloads W1–W4 of issue 4, their FLOP counts, the timing
// protocol (warm-up, then the median of N), and a minimal ONNX writer for the GRU model the onnxruntime anchors run.
// Not a test: nothing here checks results beyond a sanity print.

export interface Workload {
  id: 'W1' | 'W2' | 'W3' | 'W4';
  what: string;
  cell: 'GRU' | 'LSTM';
  train: boolean;
  T: number; B: number; I: number; H: number;
  /** Output width of the Linear head (training workloads). */
  O: number;
}

export const WORKLOADS: Record<Workload['id'], Workload> = {
  W1: { id: 'W1', what: 'GRU inference B=1 T=100 I=64 H=256', cell: 'GRU', train: false, T: 100, B: 1, I: 64, H: 256, O: 0 },
  W2: { id: 'W2', what: 'GRU inference B=32 T=100 I=64 H=256', cell: 'GRU', train: false, T: 100, B: 32, I: 64, H: 256, O: 0 },
  W3: { id: 'W3', what: 'GRU train step B=32 T=64 I=64 H=256 + Linear(256→64) + MSE + Adam', cell: 'GRU', train: true, T: 64, B: 32, I: 64, H: 256, O: 64 },
  W4: { id: 'W4', what: 'LSTM train step B=32 T=64 I=64 H=256 + Linear(256→64) + MSE + Adam', cell: 'LSTM', train: true, T: 64, B: 32, I: 64, H: 256, O: 64 },
};

/**
 * Multiply-add FLOPs of the matrix products (2 per multiply-add), the usual GFLOP/s convention: forward = input
 * projection + recurrent product (+ the Linear head); a training step ≈ 3 × forward (backward needs two products each).
 */
export function flops(w: Workload): number {
  const G = w.cell === 'GRU' ? 3 : 4;
  const fwd = 2 * w.T * w.B * G * w.H * (w.I + w.H) + 2 * w.T * w.B * w.H * w.O;
  return w.train ? 3 * fwd : fwd;
}

/** medianMs: wall time; cpuMs: mean CPU time per call of this process (all its threads) — robust to other load for one thread. */
export interface Timing { medianMs: number; samples: number; warmupMs: number; cpuMs: number }

/** Warm-up (≥ 2 calls and ≥ 0.5 s), then the median of N calls, N from the time budget (3 ≤ N ≤ 25). */
export async function timeIt(fn: () => unknown | Promise<unknown>, budgetMs = 4000): Promise<Timing> {
  const t0 = performance.now();
  let calls = 0;
  while (calls < 2 || performance.now() - t0 < 500) { await fn(); calls++; }
  const warmupMs = performance.now() - t0, per = warmupMs / calls;
  const n = Math.max(3, Math.min(25, Math.floor(budgetMs / per)));
  const s: number[] = [], c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    s.push(performance.now() - t);
  }
  const c = process.cpuUsage(c0);
  s.sort((a, b) => a - b);
  return { medianMs: s[n >> 1], samples: n, warmupMs, cpuMs: (c.user + c.system) / 1000 / n };
}

/** Deterministic uniform(−a, a) floats (xorshift), so every engine sees the same data. */
export function randoms(n: number, seed: number, a = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = ((s / 4294967296) * 2 - 1) * a;
  }
  return out;
}

/** What an engine process prints as its last stdout line (JSON). */
export interface EngineResult {
  engine: string; threads: number; workload: string;
  medianMs?: number; samples?: number; cpuMs?: number; gflops?: number; peakRssMB?: number;
  skipped?: string; note?: string;
  /** Stream workloads (W6): wall µs per step (medianMs / STREAM_STEPS). */
  usPerStep?: number;
  /** GFLOP/s by wall time, and by this process's CPU time (all threads: a per-core rate at 2 threads). */
  roofline?: { shape: string; gflops: number; cpuGflops?: number }[];
}

export function report(r: EngineResult): void { console.log(JSON.stringify(r)); }

/** Peak resident set of this process, MiB. */
export const peakRssMB = (): number => process.resourceUsage().maxRSS / 1024;

// ------------------------------------------------------------------------------------------ a minimal ONNX writer
// Protocol-buffer wire format by hand (the few ONNX fields a one-node GRU model needs), so that the anchors need no
// Python and no other module. Field numbers from onnx.proto.

const enc = new TextEncoder();

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do { let b = Number(v & 0x7fn); v >>= 7n; if (v > 0n) b |= 0x80; out.push(b); } while (v > 0n);
  return out;
}
const key = (field: number, wire: number): number[] => varint((field << 3) | wire);
const vint = (field: number, n: number): number[] => [...key(field, 0), ...varint(n)];
const bytes = (field: number, b: Uint8Array | number[]): number[] => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string): number[] => bytes(field, enc.encode(s));

function tensorProto(name: string, dims: number[], data: Float32Array): number[] {
  return [...dims.flatMap((d) => vint(1, d)), ...vint(2, 1), ...str(8, name),
    ...bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))];
}

function valueInfo(name: string, dims: (number | string)[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, typeof d === 'number' ? vint(1, d) : str(2, d)));
  const tensorType = [...vint(1, 1), ...bytes(2, shape)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

/**
 * An opset-14 model with one ONNX GRU node (linear_before_reset = 1: PyTorch's convention), X [T, B, I] → Y, Y_h.
 * W [1, 3H, I], R [1, 3H, H], Bias [1, 6H] in ONNX gate order z, r, h.
 */
export function gruOnnx(T: number, B: number, I: number, H: number, W: Float32Array, R: Float32Array, Bias: Float32Array): Uint8Array {
  const attr = (name: string, i: number): number[] => bytes(5, [...str(1, name), ...vint(3, i), ...vint(20, 2)]);
  const node = [...str(1, 'X'), ...str(1, 'W'), ...str(1, 'R'), ...str(1, 'B'), ...str(2, 'Y'), ...str(2, 'Y_h'),
    ...str(3, 'gru'), ...str(4, 'GRU'), ...attr('hidden_size', H), ...attr('linear_before_reset', 1)];
  const graph = [...bytes(1, node), ...str(2, 'bench_gru'),
    ...bytes(5, tensorProto('W', [1, 3 * H, I], W)), ...bytes(5, tensorProto('R', [1, 3 * H, H], R)),
    ...bytes(5, tensorProto('B', [1, 6 * H], Bias)),
    ...bytes(11, valueInfo('X', [T, B, I])),
    ...bytes(12, valueInfo('Y', [T, 1, B, H])), ...bytes(12, valueInfo('Y_h', [1, B, H]))];
  const model = [...vint(1, 8), ...str(2, 'gated-bench'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...vint(2, 14)])];
  return new Uint8Array(model);
}

// ------------------------------------------------------------------------------------------ W6: streaming, one step per call
// A stateful stream at batch 1 (keystrokes, audio frames, sensor samples): one step of a cell per call, the state passed
// back in. A call of the benchmark is STREAM_STEPS such steps; results are µs per step.

export interface Stream {
  id: 'W6' | 'W6-stack' | 'W6-lstm';
  what: string;
  cell: 'GRU' | 'LSTM';
  layers: number;
  I: number; H: number;
}

export const STREAMS: Record<Stream['id'], Stream> = {
  W6: { id: 'W6', what: 'one GRUCell step, B=1 I=64 H=256, state in/out', cell: 'GRU', layers: 1, I: 64, H: 256 },
  'W6-stack': { id: 'W6-stack', what: 'one step of a 2-layer GRUCell stack, B=1 I=64 H=256', cell: 'GRU', layers: 2, I: 64, H: 256 },
  'W6-lstm': { id: 'W6-lstm', what: 'one LSTMCell step, B=1 I=64 H=256, state in/out', cell: 'LSTM', layers: 1, I: 64, H: 256 },
};

/** Layer l's weights of a stream in PyTorch layout (gate order r, z, n / i, f, g, o), U(−1/√H, 1/√H); layer 0 of W6 = W1's. */
export function streamWeights(s: Stream, l: number): { wih: Float32Array; whh: Float32Array; bih: Float32Array; bhh: Float32Array } {
  const G = s.cell === 'GRU' ? 3 : 4, In = l === 0 ? s.I : s.H, H = s.H, a = 1 / Math.sqrt(H), seed = 11 + 10 * l + (G - 3) * 100;
  return { wih: randoms(G * H * In, seed, a), whh: randoms(G * H * H, seed + 1, a), bih: randoms(G * H, seed + 2, a), bhh: randoms(G * H, seed + 3, a) };
}

/** The same weights in ONNX layout: GRU (r, z, n) → (z, r, h), LSTM (i, f, g, o) → (i, o, f, c); B = [b_ih, b_hh]. */
export function streamWeightsOnnx(s: Stream, l: number): { W: Float32Array; R: Float32Array; B: Float32Array } {
  const w = streamWeights(s, l), H = s.H, In = l === 0 ? s.I : s.H;
  const order = (m: Float32Array, C: number): Float32Array => {
    if (s.cell === 'GRU') return rznToZrh(m, H, C);
    const out = new Float32Array(m.length), blk = H * C;
    [0, 3, 1, 2].forEach((src, dst) => out.set(m.subarray(src * blk, (src + 1) * blk), dst * blk));
    return out;
  };
  const B = new Float32Array(2 * w.bih.length);
  B.set(order(w.bih, 1), 0); B.set(order(w.bhh, 1), w.bih.length);
  return { W: order(w.wih, In), R: order(w.whh, H), B };
}

/** Steps per timed call of a stream workload. */
export const STREAM_STEPS = 200;

/** The input frames of a stream: STREAM_STEPS × I. */
export const streamInputs = (s: Stream): Float32Array => randoms(STREAM_STEPS * s.I, 1);

/**
 * A one-step ONNX model of a stream: `layers` GRU (or LSTM) nodes with T = 1, state in (`h<l>`, `c<l>`) and out
 * (`h<l>_out`, `c<l>_out`), layer l + 1 reading layer l's Y_h ([1, 1, H] is also a valid X). Weights from `weights(l)`
 * in ONNX layout (W [1, G·H, In], R [1, G·H, H], B [1, 2·G·H]).
 */
export function streamOnnx(s: Stream, weights: (l: number) => { W: Float32Array; R: Float32Array; B: Float32Array }): Uint8Array {
  const { I, H, layers } = s, G = s.cell === 'GRU' ? 3 : 4, lstm = s.cell === 'LSTM';
  const attr = (name: string, i: number): number[] => bytes(5, [...str(1, name), ...vint(3, i), ...vint(20, 2)]);
  let nodes: number[] = [], inits: number[] = [];
  const ins: number[] = [], outs: number[] = [];
  ins.push(...bytes(11, valueInfo('X', [1, 1, I])));
  for (let l = 0; l < layers; l++) {
    const w = weights(l), In = l === 0 ? I : H, x = l === 0 ? 'X' : `h${l - 1}_out`;
    inits = inits.concat(bytes(5, tensorProto(`W${l}`, [1, G * H, In], w.W)), bytes(5, tensorProto(`R${l}`, [1, G * H, H], w.R)),
      bytes(5, tensorProto(`B${l}`, [1, 2 * G * H], w.B)));
    const inputs = [x, `W${l}`, `R${l}`, `B${l}`, '', `h${l}`, ...(lstm ? [`c${l}`] : [])];
    const outputs = ['', `h${l}_out`, ...(lstm ? [`c${l}_out`] : [])];
    nodes = nodes.concat(bytes(1, [...inputs.flatMap((n) => str(1, n)), ...outputs.flatMap((n) => str(2, n)), ...str(3, `cell${l}`),
      ...str(4, s.cell), ...attr('hidden_size', H), ...(lstm ? [] : attr('linear_before_reset', 1))]));
    for (const v of lstm ? ['h', 'c'] : ['h']) {
      ins.push(...bytes(11, valueInfo(`${v}${l}`, [1, 1, H])));
      outs.push(...bytes(12, valueInfo(`${v}${l}_out`, [1, 1, H])));
    }
  }
  const graph = nodes.concat(str(2, 'bench_stream'), inits, ins, outs);
  return new Uint8Array(vint(1, 8).concat(str(2, 'gated-bench'), bytes(7, graph), bytes(8, [...str(1, ''), ...vint(2, 14)])));
}

/** The same GRU weights for every engine: PyTorch layout (gate order r, z, n), U(−1/√H, 1/√H). */
export function gruWeights(I: number, H: number): { wih: Float32Array; whh: Float32Array; bih: Float32Array; bhh: Float32Array } {
  const a = 1 / Math.sqrt(H);
  return { wih: randoms(3 * H * I, 11, a), whh: randoms(3 * H * H, 12, a), bih: randoms(3 * H, 13, a), bhh: randoms(3 * H, 14, a) };
}

/** PyTorch (r, z, n) rows → ONNX (z, r, h) rows of a [3H, C] matrix or [3H] vector. */
export function rznToZrh(m: Float32Array, H: number, C: number): Float32Array {
  const out = new Float32Array(m.length), blk = H * C;
  out.set(m.subarray(blk, 2 * blk), 0);          // z
  out.set(m.subarray(0, blk), blk);              // r
  out.set(m.subarray(2 * blk, 3 * blk), 2 * blk); // n → h
  return out;
}
