// ONNX shape and indexing operators: Shape, Reshape, Transpose, Squeeze, Unsqueeze, Flatten, Concat, Split, Slice,
// Gather, Expand, Tile, Range, Constant, ConstantOfShape, Identity, Dropout (inference: identity).
// Inputs that older opsets gave as attributes (axes, starts/ends, split) are read from either place.
import { GatedError, fmtShape } from '../../errors.js';
import { need, type Attrs, type OpFn } from './_attrs.js';
import { axisOf, broadcastIndex, broadcastShapes, floatVal, intVal, likeVal, numel, strides, type Val } from './_value.js';

const ints = (v: Val | null | undefined): number[] | undefined => (v ? Array.from(v.data) : undefined);

/** `name` from input `i` (opset ≥ since) or the attribute of the same name (older opsets). */
function listArg(inputs: (Val | null)[], attrs: Attrs, i: number, name: string, since: number): number[] | undefined {
  return attrs.opset >= since ? ints(inputs[i]) : attrs.ints(name);
}

const withShape = (x: Val, shape: number[], where: string): Val => {
  if (numel(shape, where) !== x.data.length) throw new GatedError('SHAPE_MISMATCH', `${where}: cannot view ${fmtShape(x.shape)} as ${fmtShape(shape)}`);
  return { ...x, shape };
};

const shapeOp: OpFn = (inputs, attrs, where) => {
  const x = need(inputs, 0, where, 'data'), r = x.shape.length;
  const clampAx = (a: number): number => Math.min(Math.max(a < 0 ? a + r : a, 0), r);
  const start = clampAx(attrs.int('start', 0)), end = clampAx(attrs.int('end', r));
  const s = x.shape.slice(start, Math.max(start, end));
  return [intVal([s.length], s, where)];
};

const reshape: OpFn = (inputs, attrs, where) => {
  const x = need(inputs, 0, where, 'data');
  const spec = attrs.opset >= 5 ? ints(need(inputs, 1, where, 'shape')) : attrs.ints('shape');
  if (!spec) throw new GatedError('FORMAT', `${where}: Reshape needs a shape`);
  const allowZero = attrs.int('allowzero', 0) !== 0;
  const out = spec.map((d, i) => (d === 0 && !allowZero ? x.shape[i] : d));
  const neg = out.filter((d) => d === -1).length;
  if (neg > 1 || out.some((d) => d === undefined || d < -1 || !Number.isInteger(d))) throw new GatedError('FORMAT', `${where}: invalid Reshape target ${fmtShape(spec)} for ${fmtShape(x.shape)}`);
  if (neg) {
    const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
    if (known === 0 || x.data.length % known !== 0) throw new GatedError('SHAPE_MISMATCH', `${where}: cannot reshape ${fmtShape(x.shape)} to ${fmtShape(spec)}`);
    out[out.indexOf(-1)] = x.data.length / known;
  }
  return [withShape(x, out, where)];
};

export function transposeVal(x: Val, perm: number[], where: string): Val {
  const r = x.shape.length;
  if (perm.length !== r || new Set(perm).size !== r || perm.some((p) => !(p >= 0 && p < r))) throw new GatedError('FORMAT', `${where}: perm ${fmtShape(perm)} is not a permutation of ${r} axes`);
  const shape = perm.map((p) => x.shape[p]), out = likeVal(x, shape, where), st = strides(x.shape), os = strides(shape);
  for (let i = 0; i < out.data.length; i++) {
    let rem = i, src = 0;
    for (let d = 0; d < r; d++) { const c = Math.floor(rem / os[d]); rem -= c * os[d]; src += c * st[perm[d]]; }
    out.data[i] = x.data[src];
  }
  return out;
}

const transpose: OpFn = (inputs, attrs, where) => {
  const x = need(inputs, 0, where, 'data');
  return [transposeVal(x, attrs.ints('perm') ?? x.shape.map((_, i) => x.shape.length - 1 - i), where)];
};

const squeeze: OpFn = (inputs, attrs, where) => {
  const x = need(inputs, 0, where, 'data'), axes = listArg(inputs, attrs, 1, 'axes', 13);
  const ax = axes ? new Set(axes.map((a) => axisOf(a, x.shape.length, where))) : new Set(x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  for (const a of ax) if (x.shape[a] !== 1) throw new GatedError('SHAPE_MISMATCH', `${where}: cannot squeeze axis ${a} of ${fmtShape(x.shape)}`);
  return [withShape(x, x.shape.filter((_, i) => !ax.has(i)), where)];
};

const unsqueeze: OpFn = (inputs, attrs, where) => {
  const x = need(inputs, 0, where, 'data'), axes = listArg(inputs, attrs, 1, 'axes', 13);
  if (!axes) throw new GatedError('FORMAT', `${where}: Unsqueeze needs axes`);
  const r = x.shape.length + axes.length, ax = new Set(axes.map((a) => axisOf(a, r, where)));
  if (ax.size !== axes.length) throw new GatedError('FORMAT', `${where}: repeated axes ${fmtShape(axes)}`);
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) shape.push(ax.has(i) ? 1 : x.shape[k++]);
  return [withShape(x, shape, where)];
};

const flatten: OpFn = (inputs, attrs, where) => {
  const x = need(inputs, 0, where, 'input'), a = attrs.int('axis', 1), r = x.shape.length;
  const axis = a < 0 ? a + r : a;
  if (axis < 0 || axis > r) throw new GatedError('FORMAT', `${where}: axis ${a} out of range for rank ${r}`);
  const outer = x.shape.slice(0, axis).reduce((p, q) => p * q, 1);
  return [withShape(x, [outer, x.data.length / Math.max(outer, 1) || 0], where)];
};

export function concatVals(vals: Val[], axisAttr: number, where: string): Val {
  const r = vals[0].shape.length, axis = axisOf(axisAttr, r, where), base = vals[0].shape;
  for (const v of vals) {
    if (v.shape.length !== r || v.shape.some((d, i) => i !== axis && d !== base[i]) || v.type !== vals[0].type) {
      throw new GatedError('SHAPE_MISMATCH', `${where}: cannot concatenate ${vals.map((u) => fmtShape(u.shape)).join(', ')} on axis ${axis}`);
    }
  }
  const shape = base.slice();
  shape[axis] = vals.reduce((s, v) => s + v.shape[axis], 0);
  const out = likeVal(vals[0], shape, where), outer = base.slice(0, axis).reduce((p, q) => p * q, 1);
  const inner = base.slice(axis + 1).reduce((p, q) => p * q, 1);
  let off = 0;
  for (const v of vals) {
    const w = v.shape[axis] * inner;
    for (let o = 0; o < outer; o++) out.data.set(v.data.subarray(o * w, (o + 1) * w), o * shape[axis] * inner + off);
    off += w;
  }
  return out;
}

const concat: OpFn = (inputs, attrs, where) => {
  const vals = inputs.filter((v): v is Val => v !== null);
  if (!vals.length) throw new GatedError('FORMAT', `${where}: Concat needs inputs`);
  const a = attrs.int('axis');
  if (a === undefined) throw new GatedError('FORMAT', `${where}: Concat needs an axis`);
  return [concatVals(vals, a, where)];
};

/** Slice along several axes: [start, end) with step, clamped like numpy (INT64 extremes allowed). */
function sliceVal(x: Val, starts: number[], ends: number[], axes: number[], steps: number[], where: string): Val {
  const r = x.shape.length, lo = x.shape.map(() => 0), step = x.shape.map(() => 1), count = x.shape.slice();
  axes.forEach((a0, k) => {
    const a = axisOf(a0, r, where), d = x.shape[a], s = steps[k] ?? 1;
    if (!s || !Number.isFinite(s)) throw new GatedError('FORMAT', `${where}: slice step must be non-zero`);
    let b = starts[k], e = ends[k];
    b = b < 0 ? b + d : b; e = e < 0 ? e + d : e;
    if (s > 0) { b = Math.min(Math.max(b, 0), d); e = Math.min(Math.max(e, 0), d); count[a] = Math.max(0, Math.ceil((e - b) / s)); }
    else { b = Math.min(Math.max(b, -1), d - 1); e = Math.min(Math.max(e, -1), d - 1); count[a] = Math.max(0, Math.ceil((b - e) / -s)); }
    lo[a] = b; step[a] = s;
  });
  const out = likeVal(x, count, where), st = strides(x.shape), os = strides(count);
  for (let i = 0; i < out.data.length; i++) {
    let rem = i, src = 0;
    for (let d = 0; d < r; d++) { const c = Math.floor(rem / os[d]); rem -= c * os[d]; src += (lo[d] + c * step[d]) * st[d]; }
    out.data[i] = x.data[src];
  }
  return out;
}

const slice: OpFn = (inputs, attrs, where) => {
  const x = need(inputs, 0, where, 'data'), v10 = attrs.opset >= 10;
  const starts = v10 ? ints(need(inputs, 1, where, 'starts'))! : attrs.ints('starts'), ends = v10 ? ints(need(inputs, 2, where, 'ends'))! : attrs.ints('ends');
  if (!starts || !ends || starts.length !== ends.length) throw new GatedError('FORMAT', `${where}: Slice needs starts and ends of equal length`);
  const axes = (v10 ? ints(inputs[3]) : attrs.ints('axes')) ?? starts.map((_, i) => i);
  const steps = (v10 ? ints(inputs[4]) : undefined) ?? starts.map(() => 1);
  if (axes.length !== starts.length || steps.length !== starts.length) throw new GatedError('FORMAT', `${where}: Slice axes / steps must match starts`);
  return [sliceVal(x, starts, ends, axes, steps, where)];
};

const split: OpFn = (inputs, attrs, where, n) => {
  const x = need(inputs, 0, where, 'input'), axis = axisOf(attrs.int('axis', 0), x.shape.length, where), d = x.shape[axis];
  let sizes = attrs.opset >= 13 ? ints(inputs[1]) : attrs.ints('split');
  if (!sizes) {
    const k = attrs.int('num_outputs', n), each = Math.ceil(d / k);
    sizes = Array.from({ length: k }, (_, i) => Math.max(0, Math.min(each, d - i * each)));
  }
  if (sizes.reduce((p, q) => p + q, 0) !== d || sizes.some((s) => s < 0)) throw new GatedError('SHAPE_MISMATCH', `${where}: split sizes ${fmtShape(sizes)} do not add up to ${d}`);
  let at = 0;
  return sizes.map((s) => { const v = sliceVal(x, [at], [at + s], [axis], [1], where); at += s; return v; });
};

const gather: OpFn = (inputs, attrs, where) => {
  const x = need(inputs, 0, where, 'data'), idx = need(inputs, 1, where, 'indices');
  if (idx.type !== 'int') throw new GatedError('FORMAT', `${where}: Gather indices must be integers`);
  const axis = axisOf(attrs.int('axis', 0), x.shape.length, where), d = x.shape[axis];
  const outer = x.shape.slice(0, axis).reduce((p, q) => p * q, 1), inner = x.shape.slice(axis + 1).reduce((p, q) => p * q, 1);
  const shape = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)], out = likeVal(x, shape, where), K = idx.data.length;
  for (let k = 0; k < K; k++) {
    const raw = idx.data[k], j = raw < 0 ? raw + d : raw;
    if (!(j >= 0 && j < d)) throw new GatedError('INVALID_ARGUMENT', `${where}: index ${raw} is out of range for axis ${axis} of size ${d}`);
    for (let o = 0; o < outer; o++) out.data.set(x.data.subarray((o * d + j) * inner, (o * d + j + 1) * inner), (o * K + k) * inner);
  }
  return [out];
};

const expand: OpFn = (inputs, _attrs, where) => {
  const x = need(inputs, 0, where, 'input'), target = ints(need(inputs, 1, where, 'shape'))!;
  const shape = broadcastShapes(x.shape, target, where), out = likeVal(x, shape, where), ix = broadcastIndex(x.shape, shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = x.data[ix ? ix[i] : i];
  return [out];
};

const tile: OpFn = (inputs, _attrs, where) => {
  const x = need(inputs, 0, where, 'input'), reps = ints(need(inputs, 1, where, 'repeats'))!;
  if (reps.length !== x.shape.length || reps.some((r) => r < 0)) throw new GatedError('FORMAT', `${where}: repeats ${fmtShape(reps)} do not fit ${fmtShape(x.shape)}`);
  const shape = x.shape.map((d, i) => d * reps[i]), out = likeVal(x, shape, where), st = strides(x.shape), os = strides(shape);
  for (let i = 0; i < out.data.length; i++) {
    let rem = i, src = 0;
    for (let d = 0; d < shape.length; d++) { const c = Math.floor(rem / os[d]); rem -= c * os[d]; src += (c % x.shape[d]) * st[d]; }
    out.data[i] = x.data[src];
  }
  return [out];
};

const range: OpFn = (inputs, _attrs, where) => {
  const [s, l, d] = [0, 1, 2].map((i) => need(inputs, i, where, ['start', 'limit', 'delta'][i]));
  const start = s.data[0], delta = d.data[0], n = Math.max(Math.ceil((l.data[0] - start) / delta), 0);
  if (!Number.isFinite(n)) throw new GatedError('FORMAT', `${where}: Range with delta ${delta}`);
  const out = likeVal(s, [n], where);
  for (let i = 0; i < n; i++) out.data[i] = start + i * delta;
  return [out];
};

const constant: OpFn = (_inputs, attrs, where) => {
  const t = attrs.tensor('value');
  if (t) return [t];
  const f = attrs.float('value_float'), fs = attrs.floats('value_floats'), i = attrs.int('value_int'), is = attrs.ints('value_ints');
  if (f !== undefined) return [floatVal([], Float32Array.of(f), where)];
  if (fs) return [floatVal([fs.length], Float32Array.from(fs), where)];
  if (i !== undefined) return [intVal([], [i], where)];
  if (is) return [intVal([is.length], is, where)];
  throw new GatedError('UNSUPPORTED', `${where}: Constant needs value, value_float(s) or value_int(s); has ${attrs.names().join(', ') || 'none'}`);
};

const constantOfShape: OpFn = (inputs, attrs, where) => {
  const shape = ints(need(inputs, 0, where, 'input'))!, v = attrs.tensor('value') ?? floatVal([1], Float32Array.of(0), where);
  if (v.data.length !== 1) throw new GatedError('FORMAT', `${where}: value must hold one element`);
  const out = likeVal(v, shape, where);
  out.data.fill(v.data[0]);
  return [out];
};

const identity: OpFn = (inputs, _attrs, where) => [need(inputs, 0, where, 'input')];

/** Dropout at inference is the identity; the optional mask output is all true. */
const dropout: OpFn = (inputs, _attrs, where, n) => {
  const x = need(inputs, 0, where, 'data');
  return n > 1 ? [x, { ...intVal(x.shape.slice(), undefined, where, 'bool'), data: new Float64Array(x.data.length).fill(1) }] : [x];
};

export const shapeOps: Record<string, OpFn> = {
  Shape: shapeOp, Reshape: reshape, Transpose: transpose, Squeeze: squeeze, Unsqueeze: unsqueeze, Flatten: flatten,
  Concat: concat, Split: split, Slice: slice, Gather: gather, Expand: expand, Tile: tile, Range: range,
  Constant: constant, ConstantOfShape: constantOfShape, Identity: identity, Dropout: dropout,
};
