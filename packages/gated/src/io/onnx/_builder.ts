// A small ONNX graph builder: nodes, initializers, typed inputs/outputs with symbolic dims, serialised with the
// official schema (proto.ts). Used by the exporter and by tests that build single-operator models.
import type { Tensor } from '../../tensor/tensor.js';
import { DT, encodeModel, valToTensor } from './proto.js';
import { floatVal, intVal } from './_value.js';

type AttrValue = number | string | number[] | string[] | { floats: number[] } | Tensor;

const AT = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7, STRINGS: 8 };
const enc = new TextEncoder();

/** `{ floats: [...] }` marks a float list; plain number arrays are ints; a non-integer number is a float. */
export const floats = (xs: number[]): { floats: number[] } => ({ floats: xs });

function attr(name: string, v: AttrValue, asFloat: boolean): object {
  if (typeof v === 'string') return { name, type: AT.STRING, s: enc.encode(v) };
  if (typeof v === 'number') return asFloat || !Number.isInteger(v) ? { name, type: AT.FLOAT, f: v } : { name, type: AT.INT, i: v };
  if (Array.isArray(v)) {
    if (v.length && typeof v[0] === 'string') return { name, type: AT.STRINGS, strings: (v as string[]).map((s) => enc.encode(s)) };
    return { name, type: AT.INTS, ints: v as number[] };
  }
  if ('floats' in v) return { name, type: AT.FLOATS, floats: v.floats };
  return { name, type: AT.TENSOR, t: valToTensor(name, floatVal(v.shape.slice(), v.data)) };
}

export class GraphBuilder {
  private readonly nodes: object[] = [];
  private readonly inits: object[] = [];
  private readonly inputs: object[] = [];
  private readonly outputs: object[] = [];
  private n = 0;

  /** A fresh value name. */
  name(hint: string): string { return `${hint}_${this.n++}`; }

  /** Adds a node; returns its output names. Float attributes must be listed in `floatAttrs` when their value is integral. */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, numOutputs = 1, floatAttrs: string[] = []): string[] {
    const outs = Array.from({ length: numOutputs }, () => this.name(op.toLowerCase()));
    this.nodes.push({
      op_type: op, name: this.name(op), input: inputs, output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attr(k, v, floatAttrs.includes(k))),
    });
    return outs;
  }

  /** A node whose outputs get the given names (graph outputs). */
  nodeNamed(op: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}, floatAttrs: string[] = []): void {
    this.nodes.push({ op_type: op, name: this.name(op), input: inputs, output: outputs, attribute: Object.entries(attrs).map(([k, v]) => attr(k, v, floatAttrs.includes(k))) });
  }

  /** A float32 initializer. */
  init(hint: string, data: Float32Array, shape: number[]): string {
    const name = this.name(hint);
    this.inits.push(valToTensor(name, floatVal(shape, data)));
    return name;
  }

  /** An int64 initializer (shapes, axes, indices). */
  ints(hint: string, values: number[], shape = [values.length]): string {
    const name = this.name(hint);
    this.inits.push(valToTensor(name, intVal(shape, values)));
    return name;
  }

  input(name: string, elemType: number, dims: (number | string)[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: (number | string)[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** The serialised ModelProto. */
  build(opts: { opset: number; name?: string; metadata?: Record<string, string>; producer?: string }): Uint8Array {
    return encodeModel({
      ir_version: 8, producer_name: opts.producer ?? 'gated', producer_version: '0.1.0',
      opset_import: [{ domain: '', version: opts.opset }],
      metadata_props: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: { name: opts.name ?? 'gated', node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs },
    });
  }
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): object {
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) } } } };
}

export { DT };
