// A node's attributes, typed on read: `attrs.int('axis', 0)` names the node and the attribute when the file
// holds the wrong kind of value. Also the signature every operator implementation has.
import { GatedError } from '../../errors.js';
import { int64, tensorToVal, type AttrMsg } from './proto.js';
import type { Val } from './_value.js';

const KIND = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;
const dec = new TextDecoder();

export class Attrs {
  private readonly map = new Map<string, AttrMsg>();

  /** `opset`: the version of the default ONNX domain the model imports (operators changed their inputs over time). */
  constructor(list: AttrMsg[], readonly where: string, readonly opset: number) {
    for (const a of list) this.map.set(a.name, a);
  }

  has(name: string): boolean { return this.map.has(name); }
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

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const a = this.get(name, KIND.INT, 'i');
    return a ? int64(a.i) : fallback;
  }

  float(name: string, fallback: number): number;
  float(name: string): number | undefined;
  float(name: string, fallback?: number): number | undefined {
    const a = this.get(name, KIND.FLOAT, 'f');
    return a ? a.f : fallback;
  }

  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    const a = this.get(name, KIND.STRING, 's');
    return a ? dec.decode(a.s) : fallback;
  }

  ints(name: string): number[] | undefined {
    const a = this.get(name, KIND.INTS, 'ints');
    return a ? a.ints.map(int64) : undefined;
  }

  floats(name: string): number[] | undefined {
    const a = this.get(name, KIND.FLOATS, 'floats');
    return a ? a.floats.slice() : undefined;
  }

  strings(name: string): string[] | undefined {
    const a = this.get(name, KIND.STRINGS, 'strings');
    return a ? a.strings.map((s) => dec.decode(s)) : undefined;
  }

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
