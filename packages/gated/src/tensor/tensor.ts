// Tensor: a contiguous row-major Float32Array with a shape, plus reverse-mode autograd at op/layer granularity.
// Each differentiable op records ONE GradFn node (a whole recurrent layer is one node with a fused BPTT backward);
// `backward()` walks those nodes in reverse topological order. Ops themselves live in ops.ts.
import { GatedError, check, fmtShape } from '../errors.js';
import * as ops from './ops.js';

/**
 * Element type of a {@link Tensor}: values are always float32 in `data`; `int32`/`int64` tensors (read from
 * safetensors or ONNX) also keep their exact integers in `intData`. Only float32 tensors take part in autograd.
 */
export type DType = 'float32' | 'int32' | 'int64';
/** A tensor shape: non-negative integer sizes, outermost first (`[T, B, I]`); `[]` is a scalar. */
export type Shape = readonly number[];

/**
 * One recorded operation. `backward` receives the gradient of every output (zeros where an output was unused)
 * and returns the gradient for each input, in input order (null where the input needs none).
 */
export interface GradFn {
  /** The op's name, used in anomaly and error messages (`'matmul'`, `'gru'`, …). */
  readonly name: string;
  /** The tensors this op read, in order; null for an input that is not a tensor or needs no gradient. */
  readonly inputs: readonly (Tensor | null)[];
  /** How many tensors the op produced (a recurrent layer produces `output` and `h`, and `c` for an LSTM). */
  readonly numOutputs: number;
  /** Given the gradient of every output (same sizes as the outputs), returns the gradient of every input. */
  backward(gradOutputs: Float32Array[]): (Float32Array | null)[];
}

let gradEnabled = true;
let anomalyMode = false;

/**
 * Anomaly detection (like torch.autograd.detect_anomaly): while on, every op checks its outputs and every backward
 * its gradients, and the first NaN/Inf raises a NumericError naming the op. Slow; for debugging.
 */
export function setDetectAnomaly(on: boolean): void { anomalyMode = on; }
/** Whether anomaly detection is on (see {@link setDetectAnomaly}). */
export const isAnomalyEnabled = (): boolean => anomalyMode;

/** Runs `fn` with anomaly detection on. */
export function detectAnomaly<T>(fn: () => T): T {
  const prev = anomalyMode;
  anomalyMode = true;
  try { return fn(); } finally { anomalyMode = prev; }
}

function checkFinite(d: Float32Array, message: () => string): void {
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) throw new GatedError('NOT_FINITE', message().replace('{v}', `${d[i]} at element ${i}`));
  }
}

/** Runs `fn` without recording the graph (like `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try { return fn(); } finally { gradEnabled = prev; }
}

/** Whether ops currently record the graph: false inside {@link noGrad}. */
export const isGradEnabled = (): boolean => gradEnabled;

export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

// ---- storage access by the library (internal). Reading `Tensor.data` hands the array out for good (see there); the
// library's own reads and writes of parameters go through these, so that copies of them can stay valid between calls.

/** @internal t's storage for a read that neither keeps the array nor writes it. */
export const storageOf = (t: Tensor): Float32Array => t._data;

/** @internal t's storage for an in-place write by the library (optimizer step, loadStateDict): bumps its version. */
export function writableStorage(t: Tensor): Float32Array {
  const r = t._root ?? t;
  if (r._version !== OPEN_VERSION) r._version++;
  return t._data;
}

/**
 * @internal Identifies the contents of t's storage for a cache of copies: the same number (≥ 0) means unchanged since,
 * OPEN_VERSION means unknown (the array was handed out; copy it anew at every use).
 */
export const storageVersion = (t: Tensor): number => (t._root ?? t)._version;

/**
 * The version of a storage that was handed out through `Tensor.data`: it may change at any time, unseen, so a copy of
 * it (the wasm backend's resident weights) must be refreshed at every use.
 */
export const OPEN_VERSION = -1;

/**
 * An n-dimensional float32 array with reverse-mode autograd: `data` is a contiguous row-major `Float32Array`
 * with `shape`; every differentiable op records one node, and {@link Tensor.backward} accumulates gradients into
 * the `.grad` of every leaf that requires grad. Build one with {@link tensor}, {@link zeros}, {@link ones} or
 * {@link full}; the methods below are the ops of this module bound to the tensor.
 *
 * @throws ShapeError (`SHAPE_MISMATCH`) from the constructor when `data.length` is not the product of `shape`.
 *
 * @example
 * ```ts
 * import { tensor } from 'gated';
 * const w = tensor([[1, 2], [3, 4]], undefined, { requiresGrad: true }); // shape [2, 2]
 * const y = w.matmul(tensor([1, -1], [2, 1])).tanh().sum();              // shape []
 * y.backward();
 * w.grad!.shape;   // [2, 2]
 * y.item();        // a number
 * ```
 */
export class Tensor {
  /** @internal The storage. The library reads it through `storageOf` and writes it through `writableStorage`. */
  _data: Float32Array;
  /** @internal The tensor whose storage this one shares (`detach`): its version counts for both. */
  _root: Tensor | null = null;
  /** @internal In-place writes by the library so far, or OPEN_VERSION once `data` was handed out (see `storageVersion`). */
  _version = 0;
  /** Sizes of the dimensions, outermost first (`[T, B, I]` for a sequence batch). */
  readonly shape: number[];
  /** `'float32'`, or the integer type the tensor was read as (see {@link DType}). */
  readonly dtype: DType;
  /** Exact integer values for int32/int64 tensors (e.g. read from safetensors). */
  readonly intData?: Int32Array | BigInt64Array;
  /** Accumulated gradient after `backward()` (leaves only). */
  grad: Tensor | null = null;
  /** The node that produced this tensor, or null for a leaf. */
  gradFn: GradFn | null = null;
  /** Which output of `gradFn` this tensor is. */
  outputIndex = 0;
  private _requiresGrad = false;

  /**
   * Wraps `data` (not copied) as a tensor of `shape`.
   * @param opts - `requiresGrad` (default false), `dtype` (default `'float32'`), `intData` (exact integers of an int tensor).
   */
  constructor(data: Float32Array, shape: Shape, opts: { requiresGrad?: boolean; dtype?: DType; intData?: Int32Array | BigInt64Array } = {}) {
    check(shape.every((d) => Number.isInteger(d) && d >= 0), 'SHAPE_MISMATCH',
      () => `tensor shape must be non-negative integers, got ${fmtShape(shape)}`);
    check(data.length === sizeOf(shape), 'SHAPE_MISMATCH',
      () => `tensor data has ${data.length} elements but shape ${fmtShape(shape)} needs ${sizeOf(shape)}`);
    this._data = data;
    this.shape = [...shape];
    this.dtype = opts.dtype ?? 'float32';
    if (opts.intData) this.intData = opts.intData;
    if (opts.requiresGrad) this.requiresGrad = true;
  }

  /** Whether gradients flow to this tensor. Settable on leaves only (an `ArgumentError` otherwise), and only for float32. */
  get requiresGrad(): boolean { return this._requiresGrad; }
  /**
   * Turns gradient tracking on or off for a leaf.
   * @throws ArgumentError (`AUTOGRAD`) on a non-leaf; DTypeError on an integer tensor.
   */
  set requiresGrad(v: boolean) {
    check(this.gradFn === null || v, 'AUTOGRAD', 'requiresGrad can only be changed on leaf tensors (use detach())');
    check(!v || this.dtype === 'float32', 'DTYPE', `only float32 tensors can require gradients, this one is ${this.dtype}`);
    this._requiresGrad = v;
  }

  /**
   * The live storage, row-major. Writes through it are seen by every later use: once read (or assigned), the storage
   * counts as open and copies kept of it elsewhere — the wasm backend's resident weights — are refreshed at each use
   * instead of only after the library's own in-place updates (optimizer steps, `loadStateDict`).
   */
  get data(): Float32Array { (this._root ?? this)._version = OPEN_VERSION; return this._data; }
  /** Replaces the storage with `v` (not copied; same length). The caller keeps `v`, so the storage counts as open. */
  set data(v: Float32Array) { this._data = v; this._root = null; this._version = OPEN_VERSION; }

  /** Number of elements (the product of `shape`). */
  get size(): number { return this._data.length; }
  /** Number of dimensions (`shape.length`). */
  get ndim(): number { return this.shape.length; }
  /** True when no recorded op produced this tensor (a parameter, an input, or a `detach()`ed value). */
  get isLeaf(): boolean { return this.gradFn === null; }

  /** The value of a one-element tensor. */
  item(): number {
    check(this.size === 1, 'SHAPE_MISMATCH', () => `item() needs a one-element tensor, got shape ${fmtShape(this.shape)}`);
    return this.data[0];
  }

  /** A new leaf sharing this tensor's storage, cut from the graph. */
  detach(): Tensor {
    const t = new Tensor(this._data, this.shape, { dtype: this.dtype, intData: this.intData });
    t._root = this._root ?? this;
    return t;
  }
  /** A copy of the data, still connected to the graph. */
  clone(): Tensor { return ops.reshape(this, this.shape, true); }

  /** Nested JS arrays (for printing and tests). */
  toArray(): unknown {
    const rec = (off: number, dim: number): unknown => {
      if (dim === this.shape.length) return this.data[off];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => rec(off + i * stride, dim + 1));
    };
    return rec(0, 0);
  }

  /** `Tensor(shape=[…], data=[…])`. */
  toString(): string { return `Tensor(shape=${fmtShape(this.shape)}, data=${JSON.stringify(this.toArray())})`; }

  // ---- ops (see ops.ts) ----
  /** Elementwise `this + o` with NumPy broadcasting (see {@link add}). */
  add(o: Tensor | number): Tensor { return ops.add(this, o); }
  /** Elementwise `this − o` with broadcasting (see {@link sub}). */
  sub(o: Tensor | number): Tensor { return ops.sub(this, o); }
  /** Elementwise `this · o` with broadcasting (see {@link mul}). */
  mul(o: Tensor | number): Tensor { return ops.mul(this, o); }
  /** Elementwise `this / o` with broadcasting (see {@link div}). */
  div(o: Tensor | number): Tensor { return ops.div(this, o); }
  /** `−this`. */
  neg(): Tensor { return ops.mul(this, -1); }
  /** Matrix product like `torch.matmul` (see {@link matmul}). */
  matmul(o: Tensor): Tensor { return ops.matmul(this, o); }
  /** Sum of all elements (shape `[]`) or along `axis` (see {@link sum}). */
  sum(axis?: number, keepDim = false): Tensor { return ops.sum(this, axis, keepDim); }
  /** Mean of all elements or along `axis` (see {@link mean}). */
  mean(axis?: number, keepDim = false): Tensor { return ops.mean(this, axis, keepDim); }
  /** Elementwise logistic σ(x) = 1 / (1 + e^−x). */
  sigmoid(): Tensor { return ops.sigmoid(this); }
  /** Elementwise hyperbolic tangent. */
  tanh(): Tensor { return ops.tanh(this); }
  /** Elementwise max(x, 0). */
  relu(): Tensor { return ops.relu(this); }
  /** Elementwise e^x. */
  exp(): Tensor { return ops.exp(this); }
  /** Elementwise natural logarithm. */
  log(): Tensor { return ops.log(this); }
  /** Same data, new shape; one dimension may be −1 (see {@link reshape}). */
  reshape(shape: Shape): Tensor { return ops.reshape(this, shape); }
  /** Swaps the last two dimensions (see {@link transpose}). */
  transpose(): Tensor { return ops.transpose(this); }
  /** Elements `start ≤ i < end` along `axis` (see {@link slice}). */
  slice(axis: number, start: number, end?: number): Tensor { return ops.slice(this, axis, start, end); }

  /**
   * Back-propagates from this tensor. `grad` defaults to 1 for a one-element tensor (like PyTorch).
   * Gradients accumulate into `.grad` of every leaf that requires grad.
   */
  backward(grad?: Tensor | Float32Array): void {
    check(this.requiresGrad, 'AUTOGRAD', 'backward() called on a tensor that does not require grad (no input required grad, or it was made under noGrad)');
    let seed: Float32Array;
    if (grad === undefined) {
      check(this.size === 1, 'AUTOGRAD', () => `backward() without a gradient needs a one-element output, got shape ${fmtShape(this.shape)}`);
      seed = new Float32Array([1]);
    } else {
      seed = grad instanceof Tensor ? grad.data : grad;
      check(seed.length === this.size, 'SHAPE_MISMATCH', () => `backward() gradient has ${seed.length} elements, output has shape ${fmtShape(this.shape)}`);
    }
    runBackward(this, seed);
  }
}

/** Accumulates `g` into slot `i` of `slots` (allocating on first use). */
function accumulate(slots: (Float32Array | null)[], i: number, g: Float32Array): void {
  const cur = slots[i];
  if (cur === null) { slots[i] = g.slice(); return; }
  for (let k = 0; k < g.length; k++) cur[k] += g[k];
}

function accumulateLeaf(t: Tensor, g: Float32Array): void {
  if (t.grad === null) t.grad = new Tensor(g.slice(), t.shape);
  else { const d = t.grad.data; for (let k = 0; k < g.length; k++) d[k] += g[k]; }
}

function runBackward(root: Tensor, seed: Float32Array): void {
  if (root.gradFn === null) { accumulateLeaf(root, seed); return; }
  // reverse post-order DFS over nodes (iterative: graphs from long custom loops are deep)
  const order: GradFn[] = [];
  const seen = new Set<GradFn>();
  const stack: [GradFn, number][] = [[root.gradFn, 0]];
  seen.add(root.gradFn);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, i] = top;
    if (i < node.inputs.length) {
      top[1]++;
      const fn = node.inputs[i]?.gradFn;
      if (fn && !seen.has(fn)) { seen.add(fn); stack.push([fn, 0]); }
    } else { stack.pop(); order.push(node); }
  }
  const grads = new Map<GradFn, (Float32Array | null)[]>();
  grads.set(root.gradFn, Array.from({ length: root.gradFn.numOutputs }, () => null));
  accumulate(grads.get(root.gradFn)!, root.outputIndex, seed);
  for (let n = order.length - 1; n >= 0; n--) {
    const node = order[n];
    const slots = grads.get(node);
    if (!slots) continue; // not reached from the root
    grads.delete(node);
    const outs = slots.map((g, i) => g ?? new Float32Array(outputSize(node, i)));
    const inGrads = node.backward(outs);
    if (anomalyMode) inGrads.forEach((g, i) => { if (g) checkFinite(g, () => `backward of '${node.name}' produced {v} in the gradient of input ${i}`); });
    node.inputs.forEach((inp, i) => {
      const g = inGrads[i];
      if (!inp || !g || !inp.requiresGrad) return;
      if (inp.gradFn) {
        let s = grads.get(inp.gradFn);
        if (!s) grads.set(inp.gradFn, (s = Array.from({ length: inp.gradFn.numOutputs }, () => null)));
        accumulate(s, inp.outputIndex, g);
      } else accumulateLeaf(inp, g);
    });
  }
}

// Output sizes are recorded when the node's outputs are made (see `record`).
const outputSizes = new WeakMap<GradFn, number[]>();
const outputSize = (node: GradFn, i: number): number => outputSizes.get(node)![i];

/**
 * Makes `outputs` the results of `fn` when any input requires grad (and grad mode is on); otherwise leaves them
 * as plain constants. Returns the outputs for chaining.
 */
export function record<T extends Tensor[]>(fn: GradFn, outputs: T): T {
  if (anomalyMode) outputs.forEach((o, i) => checkFinite(o.data, () => `forward of '${fn.name}' produced {v} in output ${i} (shape ${fmtShape(o.shape)})`));
  if (!gradEnabled || !fn.inputs.some((t) => t?.requiresGrad)) return outputs;
  outputSizes.set(fn, outputs.map((o) => o.size));
  outputs.forEach((o, i) => { o.gradFn = fn; o.outputIndex = i; (o as unknown as { _requiresGrad: boolean })._requiresGrad = true; });
  return outputs;
}

/**
 * `tensor(data, shape?, { requiresGrad })`: copies `data` (a flat or nested array, or a typed array).
 * The shape is inferred from nested arrays (`[]` for a number, `[n]` for a flat or typed array) unless `shape` is
 * given; `opts.requiresGrad` defaults to false.
 * @throws ShapeError when the values do not fill `shape`, or a nested array is ragged.
 * @example
 * ```ts
 * import { tensor } from 'gated';
 * tensor([[1, 2, 3], [4, 5, 6]]);            // shape [2, 3]
 * tensor([1, 2, 3, 4, 5, 6], [3, 2]);        // shape [3, 2]
 * tensor(3);                                 // shape []
 * ```
 */
export function tensor(data: number | ArrayLike<number> | NestedArray, shape?: Shape, opts: { requiresGrad?: boolean } = {}): Tensor {
  let flat: Float32Array;
  let inferred: number[];
  if (typeof data === 'number') { flat = new Float32Array([data]); inferred = []; }
  else if (ArrayBuffer.isView(data)) { flat = Float32Array.from(data as ArrayLike<number>); inferred = [flat.length]; }
  else { inferred = nestedShape(data as NestedArray); flat = Float32Array.from(flatten(data as NestedArray)); }
  const s = shape ?? inferred;
  if (shape && sizeOf(shape) !== flat.length) {
    throw new GatedError('SHAPE_MISMATCH', `tensor(): ${flat.length} values do not fill shape ${fmtShape(shape)} (${sizeOf(shape)} elements)`);
  }
  return new Tensor(flat, s, opts);
}

/** Nested JS arrays of numbers, e.g. `[[1, 2], [3, 4]]`, as taken by {@link tensor}; must be rectangular. */
export type NestedArray = (number | NestedArray)[];

function nestedShape(a: NestedArray): number[] {
  const shape: number[] = [];
  let cur: number | NestedArray = a;
  while (Array.isArray(cur)) { shape.push(cur.length); cur = cur[0]; }
  const check1 = (x: number | NestedArray, d: number): void => {
    if (d === shape.length) { if (typeof x !== 'number') throw new GatedError('SHAPE_MISMATCH', 'tensor(): ragged nested array'); return; }
    if (!Array.isArray(x) || x.length !== shape[d]) throw new GatedError('SHAPE_MISMATCH', `tensor(): ragged nested array at depth ${d}, expected length ${shape[d]}`);
    x.forEach((y) => check1(y, d + 1));
  };
  check1(a, 0);
  return shape;
}

/** A new float32 tensor of `shape` filled with 0 (`opts.requiresGrad` default false). */
export const zeros = (shape: Shape, opts: { requiresGrad?: boolean } = {}): Tensor => new Tensor(new Float32Array(sizeOf(shape)), shape, opts);
/** A new float32 tensor of `shape` filled with 1 (`opts.requiresGrad` default false). */
export const ones = (shape: Shape, opts: { requiresGrad?: boolean } = {}): Tensor => full(shape, 1, opts);
/** A new float32 tensor of `shape` filled with `value` (`opts.requiresGrad` default false). */
export const full = (shape: Shape, value: number, opts: { requiresGrad?: boolean } = {}): Tensor =>
  new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape, opts);

function flatten(a: NestedArray, out: number[] = []): number[] {
  for (const v of a) { if (Array.isArray(v)) flatten(v, out); else out.push(v); }
  return out;
}
