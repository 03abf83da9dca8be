// ONNX import: `loadOnnx(bytes)` checks a model once — schema, opsets, every operator supported, the graph acyclic
// and every value defined — and returns an OnnxModel whose `run(feeds)` evaluates the graph (synchronously, in
// inference mode). Anything wrong with the file is a GatedError naming the node: FORMAT for malformed input,
// UNSUPPORTED for valid ONNX that gated does not implement.
import { GatedError, fmtShape } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';
import { Attrs, type OpFn } from './_attrs.js';
import { mathOps } from './_ops.js';
import { recurrentOp } from './_rnn_op.js';
import { shapeOps } from './_shape_ops.js';
import { MAX_ELEMENTS, limits, type Val } from './_value.js';
import { DT, decodeModel, dtName, int64, tensorToVal, type GraphMsg, type NodeMsg, type ValueInfoMsg } from './proto.js';

const OPS: Record<string, OpFn> = { ...mathOps, ...shapeOps, GRU: recurrentOp('gru'), LSTM: recurrentOp('lstm'), RNN: recurrentOp('rnn') };

/** The operators `run` implements (default ONNX domain). */
export const supportedOnnxOps = (): string[] => Object.keys(OPS).sort();

/**
 * A graph input or output: name, element type, and shape (numbers for fixed dims, names or null for free ones).
 * @property name - the value's name in the graph.
 * @property type - its element type, lower case (`'float'`, `'int64'`, …; `'unknown'` when not declared).
 * @property shape - one entry per dimension: a number for a fixed size, a name or null for a free one; null when the rank is unknown.
 */
export interface OnnxValueInfo { name: string; type: string; shape: (number | string | null)[] | null }

/**
 * A feed: a float `Tensor`, or integer data (e.g. `sequence_lens`, token ids) with its shape.
 * @property data - the values, row-major.
 * @property shape - their shape.
 */
export type OnnxFeed = Tensor | { data: Int32Array | BigInt64Array | Float32Array | Float64Array | number[]; shape: number[] };

/** Resource limits of {@link loadOnnx} and {@link OnnxModel.run}, so a hostile file cannot exhaust memory or time. */
export interface OnnxLimits {
  /** Largest tensor, in elements (default 2^26). */
  maxElements?: number;
  /** Most multiply-adds one operator may do (default 2^36). */
  maxWork?: number;
}

interface Step { node: NodeMsg; fn: OpFn; attrs: Attrs; where: string }

const isFloatType = (t: number): boolean => t === DT.FLOAT || t === DT.DOUBLE || t === DT.FLOAT16 || t === DT.BFLOAT16;

function info(v: ValueInfoMsg): OnnxValueInfo {
  const tt = v.type?.tensor_type;
  const shape = tt?.shape ? tt.shape.dim.map((d) => (d.dim_value !== undefined && d.dim_value !== null && !d.dim_param ? int64(d.dim_value) : d.dim_param || null)) : null;
  return { name: v.name, type: tt ? dtName(tt.elem_type).toLowerCase() : 'unknown', shape };
}

/**
 * A checked ONNX model, evaluated by gated's own operators (synchronously, inference only): made by
 * {@link loadOnnx}. `run(feeds)` evaluates the whole graph; {@link onnxToStack} lifts a layer stack out of it to
 * train or re-export.
 * @throws (from `run`) ArgumentError for a missing feed or integer input holding non-integers; ShapeError for a
 * feed whose shape does not fit its input; UnsupportedError where an operator meets a case it does not implement.
 */
export class OnnxModel {
  /** The graph inputs to feed (those without an initializer). */
  readonly inputs: OnnxValueInfo[];
  /** The graph outputs `run` returns. */
  readonly outputs: OnnxValueInfo[];
  /** Version of the default ONNX operator set the model imports. */
  readonly opset: number;
  /** The producer name and version written in the file (e.g. `'pytorch 2.4.0'`). */
  readonly producer: string;
  /** The model's metadata_props. */
  readonly metadata: Record<string, string>;
  /**
   * The nodes in execution order.
   * @property name - the node's name (may be empty).
   * @property opType - its operator, e.g. `'GRU'`.
   * @property inputs - the names of its inputs (`''` for an omitted optional one).
   * @property outputs - the names of its outputs.
   * @property attrs - its attributes (see {@link OnnxAttributes}).
   */
  readonly nodes: { name: string; opType: string; inputs: string[]; outputs: string[]; attrs: Attrs }[];
  private readonly steps: Step[];
  private readonly inits = new Map<string, Val>();
  private readonly inputTypes = new Map<string, number>();
  private readonly lim: Required<OnnxLimits>;

  /** Use `loadOnnx`. */
  constructor(bytes: Uint8Array, opts: OnnxLimits = {}) {
    this.lim = { maxElements: opts.maxElements ?? MAX_ELEMENTS, maxWork: opts.maxWork ?? limits.maxWork };
    const model = decodeModel(bytes);
    const g = model.graph;
    if (!g) throw new GatedError('FORMAT', 'ONNX model has no graph (is this an ONNX file?)');
    const opsets = model.opset_import.filter((o) => o.domain === '' || o.domain === 'ai.onnx');
    if (!opsets.length) throw new GatedError('FORMAT', 'ONNX model imports no version of the default operator set (opset_import)');
    this.opset = int64(opsets[0].version);
    if (!(this.opset >= 1 && this.opset <= 1000)) throw new GatedError('FORMAT', `ONNX model imports opset ${this.opset}`);
    this.producer = `${model.producer_name} ${model.producer_version}`.trim();
    this.metadata = {};
    for (const p of model.metadata_props) Object.defineProperty(this.metadata, p.key, { value: p.value, enumerable: true });
    this.withLimits(() => this.readInitializers(g));
    const initNames = new Set(this.inits.keys());
    this.inputs = g.input.filter((v) => !initNames.has(v.name)).map(info);
    for (const v of g.input) if (v.type?.tensor_type) this.inputTypes.set(v.name, v.type.tensor_type.elem_type);
    this.outputs = g.output.map(info);
    this.steps = this.schedule(g);
    this.nodes = this.steps.map((s) => ({ name: s.node.name, opType: s.node.op_type, inputs: s.node.input.slice(), outputs: s.node.output.slice(), attrs: s.attrs }));
  }

  private withLimits<R>(fn: () => R): R {
    const saved = { ...limits };
    limits.maxElements = this.lim.maxElements; limits.maxWork = this.lim.maxWork;
    try { return fn(); } finally { Object.assign(limits, saved); }
  }

  private readInitializers(g: GraphMsg): void {
    if (g.sparse_initializer.length) throw new GatedError('UNSUPPORTED', 'ONNX sparse initializers are not supported');
    for (const t of g.initializer) {
      if (!t.name) throw new GatedError('FORMAT', 'ONNX initializer without a name');
      this.inits.set(t.name, tensorToVal(t, `initializer '${t.name}'`));
    }
  }

  /** Checks every node and orders them so each runs after its inputs exist (Kahn's algorithm). */
  private schedule(g: GraphMsg): Step[] {
    const defined = new Set<string>(['', ...this.inits.keys(), ...g.input.map((v) => v.name)]);
    const producers = new Map<string, number>();
    const steps = g.node.map((node, i): Step => {
      const where = `node ${i} '${node.name || '(unnamed)'}' (${node.op_type})`;
      if (node.domain && node.domain !== 'ai.onnx') throw new GatedError('UNSUPPORTED', `${where}: operator domain '${node.domain}' is not supported (only the default ONNX domain)`);
      const fn = Object.hasOwn(OPS, node.op_type) ? OPS[node.op_type] : undefined;
      if (!fn) throw new GatedError('UNSUPPORTED', `${where}: operator '${node.op_type}' is not supported by gated (supported: ${supportedOnnxOps().join(', ')})`);
      for (const o of node.output) {
        if (o && (producers.has(o) || defined.has(o))) throw new GatedError('FORMAT', `${where}: value '${o}' is defined twice`);
        if (o) producers.set(o, i);
      }
      return { node, fn, attrs: new Attrs(node.attribute, where, this.opset), where };
    });
    const order: Step[] = [], done = new Array<boolean>(steps.length).fill(false), avail = new Set(defined);
    let progress = true;
    while (order.length < steps.length && progress) {
      progress = false;
      steps.forEach((s, i) => {
        if (done[i] || !s.node.input.every((n) => avail.has(n))) return;
        done[i] = true; progress = true; order.push(s);
        for (const o of s.node.output) if (o) avail.add(o);
      });
    }
    if (order.length < steps.length) {
      const s = steps[done.indexOf(false)], missing = s.node.input.find((n) => !avail.has(n))!;
      throw new GatedError('FORMAT', `${s.where}: input '${missing}' is ${producers.has(missing) ? 'part of a cycle' : 'never defined'}`);
    }
    for (const o of g.output) if (!o.name || !avail.has(o.name)) throw new GatedError('FORMAT', `graph output '${o.name}' is never computed`);
    return order;
  }

  /** An initializer (weight) by name, as a Tensor; undefined when absent or not float. */
  initializer(name: string): Tensor | undefined {
    const v = this.inits.get(name);
    return v && v.type === 'float' ? new Tensor((v.data as Float32Array).slice(), v.shape) : undefined;
  }

  /** Integer initializer values by name (shape constants, indices). */
  intInitializer(name: string): number[] | undefined {
    const v = this.inits.get(name);
    return v && v.type !== 'float' ? Array.from(v.data) : undefined;
  }

  /**
   * Evaluates the graph. `feeds` holds every graph input that has no initializer, by name; returns every graph
   * output by name (float outputs as float32 Tensors; integer outputs as int64 Tensors with `intData`).
   */
  run(feeds: Record<string, OnnxFeed>): Record<string, Tensor> {
    return this.withLimits(() => {
      const env = new Map<string, Val>(this.inits);
      for (const inp of this.inputs) {
        const f = Object.hasOwn(feeds, inp.name) ? feeds[inp.name] : undefined;
        if (f === undefined) {
          if (this.inits.has(inp.name)) continue;
          throw new GatedError('INVALID_ARGUMENT', `ONNX run: missing input '${inp.name}' (inputs: ${this.inputs.map((i) => i.name).join(', ')})`);
        }
        env.set(inp.name, this.feedToVal(inp, f));
      }
      for (const s of this.steps) {
        const ins = s.node.input.map((n) => (n === '' ? null : env.get(n) ?? null));
        let outs: (Val | null)[];
        try { outs = s.fn(ins, s.attrs, s.where, s.node.output.length); } catch (e) {
          if (e instanceof RangeError) throw new GatedError('UNSUPPORTED', `${s.where}: ${e.message}`);
          throw e;
        }
        s.node.output.forEach((o, k) => {
          if (!o) return;
          const v = outs[k];
          if (!v) throw new GatedError('UNSUPPORTED', `${s.where}: output ${k} ('${o}') is not produced by gated's ${s.node.op_type}`);
          env.set(o, v);
        });
      }
      const result: Record<string, Tensor> = {};
      for (const o of this.outputs) {
        const v = env.get(o.name);
        if (!v) throw new GatedError('FORMAT', `graph output '${o.name}' has no value (not computed, not an input that was fed)`);
        Object.defineProperty(result, o.name, { value: toTensor(v), enumerable: true, writable: true, configurable: true });
      }
      return result;
    });
  }

  private feedToVal(inp: OnnxValueInfo, f: OnnxFeed): Val {
    const where = `ONNX run: input '${inp.name}'`;
    const declared = this.inputTypes.get(inp.name) ?? DT.FLOAT;
    const isTensor = f instanceof Tensor;
    const raw = isTensor ? (f.intData ?? f.data) : f?.data;
    const shape = isTensor ? f.shape.slice() : f?.shape;
    if (!raw || !Array.isArray(shape) || typeof raw.length !== 'number') throw new GatedError('INVALID_ARGUMENT', `${where}: expected a Tensor or { data, shape }`);
    const n = shape.reduce((a, b) => a * b, 1);
    if (raw.length !== n) throw new GatedError('SHAPE_MISMATCH', `${where}: ${raw.length} values do not fill shape ${fmtShape(shape)}`);
    if (inp.shape) {
      const ok = inp.shape.length === shape.length && inp.shape.every((d, i) => typeof d !== 'number' || d === shape[i]);
      if (!ok) throw new GatedError('SHAPE_MISMATCH', `${where}: expected shape [${inp.shape.map((d) => d ?? '?').join(', ')}], got ${fmtShape(shape)}`);
    }
    if (isFloatType(declared)) {
      const data = raw instanceof Float32Array ? raw : Float32Array.from(raw as ArrayLike<number>, Number);
      return { type: 'float', onnxType: declared, shape, data };
    }
    const data = Float64Array.from(raw as ArrayLike<number | bigint>, (v) => Number(v));
    if (data.some((v) => !Number.isInteger(v))) throw new GatedError('INVALID_ARGUMENT', `${where}: ${dtName(declared)} input holds non-integer values`);
    return { type: declared === DT.BOOL ? 'bool' : 'int', onnxType: declared, shape, data };
  }
}

function toTensor(v: Val): Tensor {
  if (v.type === 'float') return new Tensor(v.data as Float32Array, v.shape);
  const ints = BigInt64Array.from(v.data, (x) => BigInt(x));
  return new Tensor(Float32Array.from(v.data), v.shape, { dtype: 'int64', intData: ints });
}

/**
 * Parses an ONNX model (the bytes of a .onnx file). Throws GatedError FORMAT / UNSUPPORTED naming what is wrong.
 * Every operator is checked against {@link supportedOnnxOps} up front.
 * @param opts - resource limits (see {@link OnnxLimits}).
 * @throws FormatError (`FORMAT`) for malformed bytes or an invalid graph; UnsupportedError (`UNSUPPORTED`) for an
 * operator or attribute gated does not implement.
 * @example
 * ```ts
 * import { StackModel, exportOnnx, loadOnnx, onnxToStack, zeros } from 'gated';
 * // bytes of a .onnx file, e.g. from torch.onnx.export (here: one that gated wrote)
 * const bytes = exportOnnx(new StackModel({ format: 'gated-stack', version: 1, input: 'float', batchFirst: false,
 *   layers: [{ type: 'gru', inputSize: 3, hiddenSize: 8 }] }));
 * const model = loadOnnx(bytes);
 * model.inputs.map((i) => i.name);                          // ['input']
 * const { output } = model.run({ input: zeros([5, 2, 3]) }); // Tensors by output name: output [5, 2, 8]
 * const stack = onnxToStack(model);                         // the same network as a trainable StackModel
 * ```
 */
export function loadOnnx(bytes: Uint8Array, opts: OnnxLimits = {}): OnnxModel {
  return new OnnxModel(bytes, opts);
}
