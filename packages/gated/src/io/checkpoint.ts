// A model directory as bytes, browser-safe: model.safetensors (PyTorch names), config.json, and for resuming
// optimizer.safetensors (tensors of the optimizer state; the rest as JSON metadata) + state.json.
// Writing the files (atomically) is the caller's: see node/files.ts, or a download in the browser.
import { GatedError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { readSafetensors, readSafetensorsMetadata, writeSafetensors } from './safetensors.js';

export type Files = Record<string, Uint8Array>;

const enc = new TextEncoder(), dec = new TextDecoder();
export const jsonBytes = (v: unknown): Uint8Array => enc.encode(JSON.stringify(v, null, 2) + '\n');

/** Tensors found anywhere in `obj` become safetensors entries keyed by their path; the rest stays JSON. */
export function packState(obj: unknown): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  const walk = (v: unknown, path: string): unknown => {
    if (v instanceof Tensor) { tensors[path] = v; return { $tensor: path }; }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}.${i}`));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, path ? `${path}.${k}` : k)]));
    return v;
  };
  const skeleton = walk(obj, '');
  return writeSafetensors(tensors, { state: JSON.stringify(skeleton) });
}

export function unpackState(bytes: Uint8Array): unknown {
  const tensors = readSafetensors(bytes), meta = readSafetensorsMetadata(bytes);
  if (meta.state === undefined) throw new GatedError('CHECKPOINT', 'optimizer state file has no "state" metadata');
  const fill = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') {
      const ref = (v as { $tensor?: string }).$tensor;
      if (ref !== undefined) {
        const t = tensors[ref];
        if (!t) throw new GatedError('CHECKPOINT', `optimizer state refers to tensor '${ref}', which the file lacks`);
        return t;
      }
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    }
    return v;
  };
  let skeleton: unknown;
  try { skeleton = JSON.parse(meta.state); } catch (e) { throw new GatedError('CHECKPOINT', `optimizer state metadata is not valid JSON: ${(e as Error).message}`); }
  return fill(skeleton);
}

export interface ModelDir<C> {
  weights: Record<string, Tensor>;
  config: C;
  optimizer?: unknown;
  state?: unknown;
}

export function encodeModelDir<C>(d: ModelDir<C>): Files {
  const files: Files = {
    'model.safetensors': writeSafetensors(d.weights, { format: 'pt' }),
    'config.json': jsonBytes(d.config),
  };
  if (d.optimizer !== undefined) files['optimizer.safetensors'] = packState(d.optimizer);
  if (d.state !== undefined) files['state.json'] = jsonBytes(d.state);
  return files;
}

export function decodeModelDir<C>(files: Files): ModelDir<C> {
  for (const need of ['model.safetensors', 'config.json']) {
    if (!files[need]) throw new GatedError('CHECKPOINT', `model directory lacks ${need}`);
  }
  const parse = (name: string): unknown => {
    try { return JSON.parse(dec.decode(files[name])); } catch (e) { throw new GatedError('CHECKPOINT', `${name} is not valid JSON: ${(e as Error).message}`); }
  };
  const out: ModelDir<C> = { weights: readSafetensors(files['model.safetensors']), config: parse('config.json') as C };
  if (files['optimizer.safetensors']) out.optimizer = unpackState(files['optimizer.safetensors']);
  if (files['state.json']) out.state = parse('state.json');
  return out;
}
