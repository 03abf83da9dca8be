// The values an ONNX graph computes with: a shape and a flat buffer — float tensors (float, double, float16 are
// all held as float32) in a Float32Array, integer and bool tensors in a Float64Array (exact up to ±2^53).
import { GatedError, fmtShape } from '../../errors.js';

export type ValType = 'float' | 'int' | 'bool';

export interface Val {
  type: ValType;
  /** The ONNX TensorProto.DataType it came as (or was cast to). */
  onnxType: number;
  shape: number[];
  data: Float32Array | Float64Array;
}

/** No single tensor may hold more elements than this (2^26 = 256 MiB of float32): hostile shapes fail before allocating. */
export const MAX_ELEMENTS = 2 ** 26;

/**
 * The limits in force while a graph runs (OnnxModel's options set them): elements per tensor, and multiply-adds
 * per operator — so a file cannot make gated allocate or compute without bound.
 */
export const limits = { maxElements: MAX_ELEMENTS, maxWork: 2 ** 36 };

/** Throws when one operator would do more than `limits.maxWork` multiply-adds. */
export function checkWork(work: number, where: string): void {
  if (!(work <= limits.maxWork)) throw new GatedError('UNSUPPORTED', `${where}: ${work.toExponential(2)} multiply-adds exceed the limit of ${limits.maxWork.toExponential(2)}`);
}

export function numel(shape: readonly number[], where: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new GatedError('FORMAT', `${where}: dimension ${d} in shape ${fmtShape(shape)} is not an integer ≥ 0`);
    n *= d;
  }
  if (n > limits.maxElements) throw new GatedError('UNSUPPORTED', `${where}: shape ${fmtShape(shape)} has ${n} elements, more than the limit of ${limits.maxElements}`);
  return n;
}

const FLOAT = 1, INT64 = 7, BOOL = 9;

export function floatVal(shape: number[], data?: Float32Array, where = 'tensor'): Val {
  const n = numel(shape, where);
  const d = data ?? new Float32Array(n);
  if (d.length !== n) throw new GatedError('SHAPE_MISMATCH', `${where}: ${d.length} values do not fill shape ${fmtShape(shape)}`);
  return { type: 'float', onnxType: FLOAT, shape, data: d };
}

export function intVal(shape: number[], data?: Float64Array | number[], where = 'tensor', type: 'int' | 'bool' = 'int'): Val {
  const n = numel(shape, where);
  const d = data instanceof Float64Array ? data : data ? Float64Array.from(data) : new Float64Array(n);
  if (d.length !== n) throw new GatedError('SHAPE_MISMATCH', `${where}: ${d.length} values do not fill shape ${fmtShape(shape)}`);
  return { type, onnxType: type === 'bool' ? BOOL : INT64, shape, data: d };
}

/** A new value of the same kind as `like`, with `shape`. */
export function likeVal(like: Val, shape: number[], where: string): Val {
  const n = numel(shape, where);
  return { type: like.type, onnxType: like.onnxType, shape, data: like.type === 'float' ? new Float32Array(n) : new Float64Array(n) };
}

export const strides = (shape: readonly number[]): number[] => {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
  return s;
};

/** NumPy broadcasting of two shapes (ONNX multidirectional broadcasting). */
export function broadcastShapes(a: readonly number[], b: readonly number[], where: string): number[] {
  const n = Math.max(a.length, b.length), out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new GatedError('SHAPE_MISMATCH', `${where}: shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast`);
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/** For each flat index of `out`, the flat index into a tensor of `shape` broadcast to `out`. */
export function broadcastIndex(shape: readonly number[], out: readonly number[]): Int32Array | null {
  const n = out.reduce((a, b) => a * b, 1);
  if (shape.length === out.length && shape.every((d, i) => d === out[i])) return null; // identity
  const st = strides(shape), k = out.length - shape.length, idx = new Int32Array(n), os = strides(out);
  for (let i = 0; i < n; i++) {
    let rem = i, off = 0;
    for (let d = 0; d < out.length; d++) {
      const c = Math.floor(rem / os[d]); rem -= c * os[d];
      const sd = d - k;
      if (sd >= 0 && shape[sd] !== 1) off += c * st[sd];
    }
    idx[i] = off;
  }
  return idx;
}

/** A normalised axis in [0, rank) from ONNX's [-rank, rank). */
export function axisOf(axis: number, rank: number, where: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new GatedError('FORMAT', `${where}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}
