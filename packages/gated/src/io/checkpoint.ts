// A model directory as bytes, browser-safe: model.safetensors (PyTorch names), config.json, and for resuming
// optimizer.safetensors (tensors of the optimizer state; the rest as JSON metadata) + state.json.
// Writing the files (atomically) is the caller's: see node/files.ts, or a download in the browser.
import { GatedError } from '../errors.js';
import { parseJsonLimited } from '../limits.js';
import { Tensor } from '../tensor/tensor.js';
import { readSafetensors, readSafetensorsMetadata, writeSafetensors } from './safetensors.js';

/**
 * The files of a model directory by name (`model.safetensors`, `config.json`, …) as bytes: what
 * {@link encodeModelDir} makes and {@link decodeModelDir} reads; `writeModelDir` / `readModelDir` of `gated/node`
 * move them to and from disk (in a browser: a zip or a download).
 */
export type Files = Record<string, Uint8Array>;

const enc = new TextEncoder();
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
  return fill(parseJsonLimited(meta.state, 'optimizer state metadata', { syntaxCode: 'CHECKPOINT' }));
}

/** A model directory's contents; `C` is the type of its `config.json`. */
export interface ModelDir<C> {
  /** The state dict (`model.safetensors`, PyTorch names). */
  weights: Record<string, Tensor>;
  /** The parsed `config.json`. */
  config: C;
  /** The optimizer state (`optimizer.safetensors`: its tensors as tensors, the rest as JSON metadata), for resuming. */
  optimizer?: unknown;
  /** The training state (`state.json`, e.g. a {@link TrainState}), for resuming. */
  state?: unknown;
}

/**
 * The files of a model directory: `model.safetensors` and `config.json`, plus `optimizer.safetensors` and
 * `state.json` when `d` has them.
 * @example
 * ```ts
 * const files = encodeModelDir({ weights: model.stateDict(), config: { hidden: 64 } });
 * Object.keys(files);   // ['model.safetensors', 'config.json']
 * ```
 */
export function encodeModelDir<C>(d: ModelDir<C>): Files {
  const files: Files = {
    'model.safetensors': writeSafetensors(d.weights, { format: 'pt' }),
    'config.json': jsonBytes(d.config),
  };
  if (d.optimizer !== undefined) files['optimizer.safetensors'] = packState(d.optimizer);
  if (d.state !== undefined) files['state.json'] = jsonBytes(d.state);
  return files;
}

/**
 * Reads a model directory's files back (the inverse of {@link encodeModelDir}); `C` is the config's type, not checked.
 * @throws FormatError (`CHECKPOINT`) when `model.safetensors` or `config.json` is missing or a JSON file is invalid;
 * (`SAFETENSORS`) for malformed safetensors.
 */
export function decodeModelDir<C>(files: Files): ModelDir<C> {
  for (const need of ['model.safetensors', 'config.json']) {
    if (!files[need]) throw new GatedError('CHECKPOINT', `model directory lacks ${need}`);
  }
  // size and nesting are checked before parsing (see limits.ts)
  const parse = (name: string): unknown => parseJsonLimited(files[name], name, { syntaxCode: 'CHECKPOINT' });
  const out: ModelDir<C> = { weights: readSafetensors(files['model.safetensors']), config: parse('config.json') as C };
  if (files['optimizer.safetensors']) out.optimizer = unpackState(files['optimizer.safetensors']);
  if (files['state.json']) out.state = parse('state.json');
  return out;
}
