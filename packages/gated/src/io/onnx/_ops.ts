// ONNX math operators for inference: elementwise (with NumPy broadcasting), MatMul, Gemm, Softmax / LogSoftmax,
// LayerNormalization, reductions, Cast, Where. Float tensors compute in float32 storage; integer tensors exactly.
// Shape and indexing operators are in _shape_ops.ts; GRU / LSTM / RNN in _rnn_op.ts.
import { GatedError, fmtShape } from '../../errors.js';
import { need, type Attrs, type OpFn } from './_attrs.js';
import { axisOf, broadcastIndex, broadcastShapes, checkWork, floatVal, intVal, likeVal, numel, strides, type Val } from './_value.js';
import { DT, dtName } from './proto.js';

function binary(f: (a: number, b: number) => number, result: 'same' | 'bool' = 'same', intF?: (a: number, b: number) => number): OpFn {
  return (inputs, _attrs, where) => {
    const a = need(inputs, 0, where, 'A'), b = need(inputs, 1, where, 'B');
    if (result === 'same' && a.type !== b.type) throw new GatedError('FORMAT', `${where}: inputs differ in type (${dtName(a.onnxType)} and ${dtName(b.onnxType)})`);
    const shape = broadcastShapes(a.shape, b.shape, where);
    const out = result === 'bool' ? intVal(shape, undefined, where, 'bool') : likeVal(a, shape, where);
    const ia = broadcastIndex(a.shape, shape), ib = broadcastIndex(b.shape, shape);
    const g = a.type !== 'float' && intF ? intF : f, A = a.data, Bd = b.data, O = out.data;
    for (let i = 0; i < O.length; i++) O[i] = g(A[ia ? ia[i] : i], Bd[ib ? ib[i] : i]);
    return [out];
  };
}

function unary(f: (x: number) => number, floatOnly = true): OpFn {
  return (inputs, _attrs, where) => {
    const x = need(inputs, 0, where, 'X');
    if (floatOnly && x.type !== 'float') throw new GatedError('FORMAT', `${where}: expects a float tensor, got ${dtName(x.onnxType)}`);
    const out = likeVal(x, x.shape.slice(), where);
    for (let i = 0; i < x.data.length; i++) out.data[i] = f(x.data[i]);
    return [out];
  };
}

const sigmoid = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

function variadic(f: (a: number, b: number) => number): OpFn {
  const bin = binary(f);
  return (inputs, attrs, where, n) => {
    let acc = need(inputs, 0, where, 'data_0');
    for (let i = 1; i < inputs.length; i++) acc = bin([acc, need(inputs, i, where, `data_${i}`)], attrs, where, n)[0]!;
    return [acc];
  };
}

/** [..., M, K] × [..., K, N] with batch broadcasting; 1-d operands as in numpy.matmul. */
const matmul: OpFn = (inputs, _attrs, where) => {
  const a0 = need(inputs, 0, where, 'A'), b0 = need(inputs, 1, where, 'B');
  if (a0.type !== 'float' || b0.type !== 'float') throw new GatedError('UNSUPPORTED', `${where}: MatMul on ${dtName(a0.onnxType)} is not supported (float only)`);
  const aS = a0.shape.length === 1 ? [1, a0.shape[0]] : a0.shape, bS = b0.shape.length === 1 ? [b0.shape[0], 1] : b0.shape;
  if (aS.length < 2 || bS.length < 2) throw new GatedError('SHAPE_MISMATCH', `${where}: MatMul needs operands of rank ≥ 1`);
  const M = aS[aS.length - 2], K = aS[aS.length - 1], K2 = bS[bS.length - 2], N = bS[bS.length - 1];
  if (K !== K2) throw new GatedError('SHAPE_MISMATCH', `${where}: MatMul of ${fmtShape(a0.shape)} and ${fmtShape(b0.shape)}: inner sizes ${K} and ${K2} differ`);
  const batch = broadcastShapes(aS.slice(0, -2), bS.slice(0, -2), where), nb = numel(batch, where);
  const ia = broadcastIndex(aS.slice(0, -2), batch), ib = broadcastIndex(bS.slice(0, -2), batch);
  let outShape = [...batch, M, N];
  checkWork(nb * M * K * N, where);
  const out = new Float32Array(numel(outShape, where)), A = a0.data, Bd = b0.data, acc = new Float64Array(N);
  for (let p = 0; p < nb; p++) {
    const ao = (ia ? ia[p] : p) * M * K, bo = (ib ? ib[p] : p) * K * N, oo = p * M * N;
    for (let i = 0; i < M; i++) {
      acc.fill(0);
      for (let k = 0; k < K; k++) {
        const av = A[ao + i * K + k];
        if (av === 0) continue;
        const row = bo + k * N;
        for (let j = 0; j < N; j++) acc[j] += av * Bd[row + j];
      }
      for (let j = 0; j < N; j++) out[oo + i * N + j] = acc[j];
    }
  }
  if (a0.shape.length === 1) outShape = outShape.filter((_, i) => i !== outShape.length - 2);
  if (b0.shape.length === 1) outShape = outShape.slice(0, -1);
  return [floatVal(outShape, out, where)];
};

/** Y = alpha · A' B' + beta · C, A' = transA ? Aᵀ : A. */
const gemm: OpFn = (inputs, attrs, where) => {
  const a = need(inputs, 0, where, 'A'), b = need(inputs, 1, where, 'B'), c = inputs[2] ?? null;
  if (a.shape.length !== 2 || b.shape.length !== 2) throw new GatedError('SHAPE_MISMATCH', `${where}: Gemm needs 2-d A and B, got ${fmtShape(a.shape)}, ${fmtShape(b.shape)}`);
  const tA = attrs.int('transA', 0) !== 0, tB = attrs.int('transB', 0) !== 0;
  const alpha = attrs.float('alpha', 1), beta = attrs.float('beta', 1);
  const [M, K] = tA ? [a.shape[1], a.shape[0]] : a.shape, [K2, N] = tB ? [b.shape[1], b.shape[0]] : b.shape;
  if (K !== K2) throw new GatedError('SHAPE_MISMATCH', `${where}: Gemm inner sizes ${K} and ${K2} differ`);
  checkWork(M * N * K, where);
  const out = floatVal([M, N], undefined, where), A = a.data, Bd = b.data;
  const ic = c ? broadcastIndex(c.shape, [M, N]) : null;
  if (c) broadcastShapes(c.shape, [M, N], where);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) s += A[tA ? k * M + i : i * K + k] * Bd[tB ? j * K + k : k * N + j];
    const idx = i * N + j;
    out.data[idx] = alpha * s + (c ? beta * c.data[ic ? ic[idx] : idx] : 0);
  }
  return [out];
};

/** Softmax / LogSoftmax: opset ≥ 13 along `axis` (default −1); before, over the flattened dims from `axis` (default 1). */
function softmaxOp(log: boolean): OpFn {
  return (inputs, attrs, where) => {
    const x = need(inputs, 0, where, 'input'), r = x.shape.length, legacy = attrs.opset < 13;
    if (x.type !== 'float') throw new GatedError('FORMAT', `${where}: expects a float tensor`);
    const axis = axisOf(attrs.int('axis', legacy ? 1 : -1), Math.max(r, 1), where);
    const inner = legacy ? x.shape.slice(axis).reduce((p, q) => p * q, 1) : x.shape[axis];
    const after = legacy ? 1 : x.shape.slice(axis + 1).reduce((p, q) => p * q, 1);
    const outer = x.data.length / Math.max(inner * after, 1), out = likeVal(x, x.shape.slice(), where);
    for (let o = 0; o < outer; o++) for (let q = 0; q < after; q++) {
      const base = o * inner * after + q;
      let m = -Infinity;
      for (let i = 0; i < inner; i++) m = Math.max(m, x.data[base + i * after]);
      let s = 0;
      for (let i = 0; i < inner; i++) s += Math.exp(x.data[base + i * after] - m);
      for (let i = 0; i < inner; i++) {
        const v = x.data[base + i * after] - m;
        out.data[base + i * after] = log ? v - Math.log(s) : Math.exp(v) / s;
      }
    }
    return [out];
  };
}

/** LayerNormalization (opset 17): normalise over the dims from `axis`, then · Scale + B. */
const layerNorm: OpFn = (inputs, attrs, where) => {
  const x = need(inputs, 0, where, 'X'), scale = need(inputs, 1, where, 'Scale'), bias = inputs[2] ?? null;
  const axis = axisOf(attrs.int('axis', -1), x.shape.length, where), eps = attrs.float('epsilon', 1e-5);
  const inner = x.shape.slice(axis), N = inner.reduce((p, q) => p * q, 1), M = x.data.length / Math.max(N, 1);
  const is = broadcastIndex(scale.shape, inner), ib = bias ? broadcastIndex(bias.shape, inner) : null;
  broadcastShapes(scale.shape, inner, where);
  const out = likeVal(x, x.shape.slice(), where);
  for (let m = 0; m < M; m++) {
    const o = m * N;
    let mu = 0;
    for (let j = 0; j < N; j++) mu += x.data[o + j];
    mu /= N;
    let v = 0;
    for (let j = 0; j < N; j++) v += (x.data[o + j] - mu) ** 2;
    const rstd = 1 / Math.sqrt(v / N + eps);
    for (let j = 0; j < N; j++) {
      out.data[o + j] = (x.data[o + j] - mu) * rstd * scale.data[is ? is[j] : j] + (bias ? bias.data[ib ? ib[j] : j] : 0);
    }
  }
  return [out];
};

function reduce(kind: 'mean' | 'sum' | 'max'): OpFn {
  return (inputs, attrs, where) => {
    const x = need(inputs, 0, where, 'data'), r = x.shape.length, keep = attrs.int('keepdims', 1) !== 0;
    const fromInput = (kind === 'sum' && attrs.opset >= 13) || attrs.opset >= 18;
    let axes = fromInput ? (inputs[1] ? Array.from(inputs[1].data) : undefined) : attrs.ints('axes');
    if (!axes || axes.length === 0) {
      if (fromInput && attrs.int('noop_with_empty_axes', 0)) return [x];
      axes = x.shape.map((_, i) => i);
    }
    const ax = new Set(axes.map((a) => axisOf(a, r, where)));
    const outFull = x.shape.map((d, i) => (ax.has(i) ? 1 : d)), out = likeVal(x, outFull, where);
    const cnt = x.shape.reduce((p, d, i) => (ax.has(i) ? p * d : p), 1), st = strides(x.shape), os = strides(outFull);
    if (kind === 'max') out.data.fill(-Infinity);
    for (let i = 0; i < x.data.length; i++) {
      let rem = i, o = 0;
      for (let d = 0; d < r; d++) { const c = Math.floor(rem / st[d]); rem -= c * st[d]; if (!ax.has(d)) o += c * os[d]; }
      out.data[o] = kind === 'max' ? Math.max(out.data[o], x.data[i]) : out.data[o] + x.data[i];
    }
    if (kind === 'mean') for (let i = 0; i < out.data.length; i++) out.data[i] /= cnt;
    out.shape = keep ? outFull : x.shape.filter((_, i) => !ax.has(i));
    return [out];
  };
}

const CAST_TO: Record<number, 'float' | 'int' | 'bool'> = {
  [DT.FLOAT]: 'float', [DT.DOUBLE]: 'float', [DT.FLOAT16]: 'float', [DT.BFLOAT16]: 'float', [DT.BOOL]: 'bool',
  [DT.INT64]: 'int', [DT.INT32]: 'int', [DT.INT16]: 'int', [DT.INT8]: 'int', [DT.UINT8]: 'int', [DT.UINT16]: 'int', [DT.UINT32]: 'int', [DT.UINT64]: 'int',
};

const cast: OpFn = (inputs, attrs, where) => {
  const x = need(inputs, 0, where, 'input'), to = attrs.int('to', 0), kind = CAST_TO[to];
  if (!kind) throw new GatedError('UNSUPPORTED', `${where}: Cast to ${dtName(to)} is not supported`);
  const out: Val = kind === 'float' ? floatVal(x.shape.slice(), undefined, where) : intVal(x.shape.slice(), undefined, where, kind);
  out.onnxType = to;
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    out.data[i] = kind === 'float' ? v : kind === 'bool' ? (v !== 0 ? 1 : 0) : Number.isFinite(v) ? Math.trunc(v) : 0;
  }
  return [out];
};

const where3: OpFn = (inputs, _attrs, where) => {
  const c = need(inputs, 0, where, 'condition'), x = need(inputs, 1, where, 'X'), y = need(inputs, 2, where, 'Y');
  const shape = broadcastShapes(broadcastShapes(c.shape, x.shape, where), y.shape, where), out = likeVal(x, shape, where);
  const ic = broadcastIndex(c.shape, shape), ix = broadcastIndex(x.shape, shape), iy = broadcastIndex(y.shape, shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = c.data[ic ? ic[i] : i] ? x.data[ix ? ix[i] : i] : y.data[iy ? iy[i] : i];
  return [out];
};

function withAttrs(f: (x: number, attrs: Attrs) => number): OpFn {
  return (inputs, attrs, where, n) => unary((x) => f(x, attrs))(inputs, attrs, where, n);
}

export const mathOps: Record<string, OpFn> = {
  Add: binary((a, b) => a + b), Sub: binary((a, b) => a - b), Mul: binary((a, b) => a * b),
  Div: binary((a, b) => a / b, 'same', (a, b) => (b === 0 ? 0 : Math.trunc(a / b))), Pow: binary((a, b) => a ** b),
  Equal: binary((a, b) => Number(a === b), 'bool'), Less: binary((a, b) => Number(a < b), 'bool'),
  Greater: binary((a, b) => Number(a > b), 'bool'), LessOrEqual: binary((a, b) => Number(a <= b), 'bool'),
  GreaterOrEqual: binary((a, b) => Number(a >= b), 'bool'), And: binary((a, b) => Number(!!a && !!b), 'bool'),
  Or: binary((a, b) => Number(!!a || !!b), 'bool'), Max: variadic(Math.max), Min: variadic(Math.min),
  Sum: variadic((a, b) => a + b),
  Sigmoid: unary(sigmoid), Tanh: unary(Math.tanh), Relu: unary((x) => (x > 0 ? x : 0), false), Exp: unary(Math.exp),
  Log: unary(Math.log), Sqrt: unary(Math.sqrt), Abs: unary(Math.abs, false), Neg: unary((x) => -x, false),
  Reciprocal: unary((x) => 1 / x), Softsign: unary((x) => x / (1 + Math.abs(x))),
  Softplus: unary((x) => (x > 20 ? x : Math.log1p(Math.exp(x)))), Not: unary((x) => Number(!x), false),
  Erf: unary(erf),
  HardSigmoid: withAttrs((x, a) => Math.max(0, Math.min(1, a.float('alpha', 0.2) * x + a.float('beta', 0.5)))),
  LeakyRelu: withAttrs((x, a) => (x >= 0 ? x : a.float('alpha', 0.01) * x)),
  Elu: withAttrs((x, a) => (x >= 0 ? x : a.float('alpha', 1) * (Math.exp(x) - 1))),
  MatMul: matmul, Gemm: gemm, Softmax: softmaxOp(false), LogSoftmax: softmaxOp(true), LayerNormalization: layerNorm,
  ReduceMean: reduce('mean'), ReduceSum: reduce('sum'), ReduceMax: reduce('max'), Cast: cast, Where: where3,
};

/** erf to float32 accuracy: its Maclaurin series for |x| < 2.5, else the continued fraction of erfc. */
function erf(x: number): number {
  const s = Math.sign(x), a = Math.abs(x);
  if (a < 2.5) { // Maclaurin series
    let term = a, sum = a;
    for (let n = 1; n < 60; n++) { term *= -a * a / n; sum += term / (2 * n + 1); }
    return s * sum * 2 / Math.sqrt(Math.PI);
  }
  let f = 0; // continued fraction for erfc
  for (let n = 60; n >= 1; n--) f = n / 2 / (a + f);
  return s * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f));
}
