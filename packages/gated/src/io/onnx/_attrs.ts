// A node's attributes, typed on read: `attrs.int('axis', 0)` names the node and the attribute when the file
// holds the wrong kind of value. Also the signature every operator implementation has.
import { GatedError } from '../../errors.js';
import { int64, tensorToVal, type AttrMsg } from './proto.js';
import type { Val } from './_value.js';

const KIND = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;
const dec = new TextDecoder();

/**
 * The attributes of one ONNX node (as listed in {@link OnnxModel.nodes}), read by name and type. A getter returns
 * undefined (or the fallback) for an absent attribute.
 * @throws FormatError when an attribute holds another type than the one asked for, or no value.
 */
export class Attrs {
  private readonly map = new Map<string, AttrMsg>();

  /**
   * `opset`: the version of the default ONNX domain the model imports (operators changed their inputs over time).
   * @param where - the node, as error messages name it.
   * @param opset - the version of the default ONNX domain the model imports.
   * @internal
   */
  constructor(list: AttrMsg[], readonly where: string, readonly opset: number) {
    for (const a of list) this.map.set(a.name, a);
  }

  /** Whether the node has the attribute `name`. */
  has(name: string): boolean { return this.map.has(name); }
  /** The names of the node's attributes. */
  names(): string[] { return [...this.map.keys()]; }

  private get(name: string, kind: number, field: keyof AttrMsg): AttrMsg | undefined {
    const a = this.map.get(name);
    if (!a) return undefined;
    const setKind = a.type;
    if (setKind && setKind !== kind) {
      const names = Object.entries(KIND).find(([, v]) => v === setKind)?.[0] ?? String(setKind);
      const want = Object.entries(KIND).find(([, v]) => v === kind)![0];
      throw new GatedError('FORMAT', `${this.where}: attribute '${name}' should be ${want}, the file has ${names}`);
    }
    if (!setKind && (a[field] === undefined || a[field] === null)) throw new GatedError('FORMAT', `${this.where}: attribute '${name}' has no ${String(field)} value`);
    return a;
  }

  /** An INT attribute, or `fallback` when absent. */
  int(name: string, fallback: number): number;
  /** An INT attribute, or undefined when absent. */
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const a = this.get(name, KIND.INT, 'i');
    return a ? int64(a.i) : fallback;
  }

  /** A FLOAT attribute, or `fallback` when absent. */
  float(name: string, fallback: number): number;
  /** A FLOAT attribute, or undefined when absent. */
  float(name: string): number | undefined;
  float(name: string, fallback?: number): number | undefined {
    const a = this.get(name, KIND.FLOAT, 'f');
    return a ? a.f : fallback;
  }

  /** A STRING attribute (UTF-8 decoded), or `fallback` when absent. */
  string(name: string, fallback: string): string;
  /** A STRING attribute (UTF-8 decoded), or undefined when absent. */
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    const a = this.get(name, KIND.STRING, 's');
    return a ? dec.decode(a.s) : fallback;
  }

  /** An INTS attribute, or undefined when absent. */
  ints(name: string): number[] | undefined {
    const a = this.get(name, KIND.INTS, 'ints');
    return a ? a.ints.map(int64) : undefined;
  }

  /** A FLOATS attribute, or undefined when absent. */
  floats(name: string): number[] | undefined {
    const a = this.get(name, KIND.FLOATS, 'floats');
    return a ? a.floats.slice() : undefined;
  }

  /** A STRINGS attribute, or undefined when absent. */
  strings(name: string): string[] | undefined {
    const a = this.get(name, KIND.STRINGS, 'strings');
    return a ? a.strings.map((s) => dec.decode(s)) : undefined;
  }

  /**
   * A TENSOR attribute in the evaluator's own representation.
   * @internal
   */
  tensor(name: string): Val | undefined {
    const a = this.get(name, KIND.TENSOR, 't');
    if (!a) return undefined;
    if (!a.t) throw new GatedError('FORMAT', `${this.where}: attribute '${name}' holds no tensor`);
    return tensorToVal(a.t, `${this.where} attribute '${name}'`);
  }
}

/** Operator implementations: inputs in order (null for an omitted optional input) → outputs in order. */
export type OpFn = (inputs: (Val | null)[], attrs: Attrs, where: string, numOutputs: number) => (Val | null)[];

/** Input `i`, which the operator requires. */
export function need(inputs: (Val | null)[], i: number, where: string, what: string): Val {
  const v = inputs[i];
  if (!v) throw new GatedError('FORMAT', `${where}: input ${i} (${what}) is required`);
  return v;
}
