// TF.js weight manifests: `weightsManifest` groups of { paths, weights: [{ name, shape, dtype, quantization? }] },
// each group's shard files concatenated in order and sliced into the weights in order. Everything is checked before
// use: shard names (no path traversal), dtypes (float32, int32, and the converter's uint8 / uint16 / float16
// quantization, dequantized to float32), and sizes: a group's byte count follows from its weights, so every shard is
// read with that limit known beforehand (a reader never takes more than the manifest says).
import { GatedError } from '../../errors.js';
import { Tensor } from '../../tensor/tensor.js';

const fail = (msg: string): never => { throw new GatedError('FORMAT', `TF.js weights: ${msg}`); };
const MAX_ELEMENTS = 2 ** 26;

/**
 * Shard contents by the path written in the manifest, or a function that reads one.
 * The paths are those of the model.json's `weightsManifest`; `maxBytes` is what the manifest leaves for this shard
 * (the group's byte count minus the shards before it): a reader should refuse a larger file.
 */
export type ShardSource = Record<string, Uint8Array> | ((path: string, maxBytes: number) => Uint8Array);

/** A shard path must be a plain relative file name: no '..', no absolute paths, no URLs, no backslashes. */
export function checkShardPath(p: unknown): string {
  if (typeof p !== 'string' || p === '' || p.length > 1024) return fail(`shard path must be a non-empty string, got ${JSON.stringify(p)}`);
  if (p.startsWith('/') || p.includes('\\') || /^[a-z][a-z0-9+.-]*:/i.test(p) || p.split('/').some((s) => s === '..' || s === '.' || s === '')) {
    return fail(`shard path '${p}' must be a relative file name beside model.json (no '..', absolute paths or URLs)`);
  }
  return p;
}

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1, e = (bits >> 10) & 0x1f, m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Every weight of the manifest by its name (float32 Tensors; int32 weights keep `intData`). */
export function readWeights(manifest: unknown, shards: ShardSource): Map<string, Tensor> {
  if (!Array.isArray(manifest)) return fail(`weightsManifest must be an array, got ${typeof manifest}`);
  const out = new Map<string, Tensor>();
  manifest.forEach((group: unknown, gi: number) => {
    if (!group || typeof group !== 'object') return fail(`weightsManifest[${gi}] must be an object`);
    const { paths, weights } = group as { paths?: unknown; weights?: unknown };
    if (!Array.isArray(paths) || !Array.isArray(weights)) return fail(`weightsManifest[${gi}] needs 'paths' and 'weights' arrays`);
    const specs = weights.map((w: unknown, wi: number) => weightSpec(w, `weightsManifest[${gi}].weights[${wi}]`));
    const need = specs.reduce((s, w) => s + w.bytes, 0);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const p of paths) {
      const path = checkShardPath(p), maxBytes = need - total;
      let bytes: Uint8Array | undefined;
      try { bytes = typeof shards === 'function' ? shards(path, maxBytes) : Object.hasOwn(shards, path) ? shards[path] : undefined; } catch (e) {
        if (e instanceof GatedError) throw e;
        return fail(`cannot read shard '${path}': ${(e as Error).message}`);
      }
      if (!(bytes instanceof Uint8Array)) return fail(`shard '${path}' is missing`);
      if (bytes.length > maxBytes) return fail(`shard '${path}' is ${bytes.length} bytes, more than the ${maxBytes} bytes the manifest leaves for it`);
      parts.push(bytes); total += bytes.length;
    }
    if (total !== need) fail(`weightsManifest[${gi}]: the weights use ${need} bytes but the shards hold ${total}`);
    const buf = parts.length === 1 ? parts[0] : new Uint8Array(total); // one shard: no copy
    if (parts.length !== 1) { let at = 0; for (const b of parts) { buf.set(b, at); at += b.length; } }
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let off = 0;
    specs.forEach(({ name, shape, dtype, q, n, item, bytes }) => {
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const p = off + i * item;
        f[i] = !q ? (dtype === 'int32' ? dv.getInt32(p, true) : dv.getFloat32(p, true))
          : q.dtype === 'float16' ? half(dv.getUint16(p, true))
            : (q.dtype === 'uint8' ? dv.getUint8(p) : dv.getUint16(p, true)) * q.scale! + q.min!;
      }
      off += bytes;
      if (out.has(name)) return fail(`weight '${name}' appears twice`);
      out.set(name, dtype === 'int32' && !q ? new Tensor(f, shape, { dtype: 'int32', intData: Int32Array.from(f) }) : new Tensor(f, shape));
    });
  });
  return out;
}

interface WeightSpec { name: string; shape: number[]; dtype: 'float32' | 'int32'; q: Quantization | null; n: number; item: number; bytes: number }
interface Quantization { dtype: string; scale?: number; min?: number }

/** One manifest entry, checked: name, shape, dtype, quantization, and the bytes it takes in the shards. */
function weightSpec(w: unknown, where: string): WeightSpec {
  if (!w || typeof w !== 'object') return fail(`${where} must be an object`);
  const { name, shape, dtype, quantization } = w as { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: unknown };
  if (typeof name !== 'string' || !name) return fail(`${where}: name must be a non-empty string`);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) return fail(`${where} ('${name}'): shape must be an array of integers ≥ 0`);
  const n = shape.reduce((a: number, b: number) => a * b, 1);
  if (n > MAX_ELEMENTS) return fail(`${where} ('${name}'): ${n} elements exceed the limit of ${MAX_ELEMENTS}`);
  if (dtype !== 'float32' && dtype !== 'int32') return fail(`${where} ('${name}'): dtype must be float32 or int32, got ${JSON.stringify(dtype)}`);
  let q: Quantization | null = null;
  if (quantization !== undefined && quantization !== null) {
    const qq = quantization as { dtype?: unknown; scale?: unknown; min?: unknown };
    if (qq.dtype === 'float16') q = { dtype: 'float16' };
    else if ((qq.dtype === 'uint8' || qq.dtype === 'uint16') && Number.isFinite(qq.scale) && Number.isFinite(qq.min)) q = { dtype: qq.dtype, scale: qq.scale as number, min: qq.min as number };
    else return fail(`${where} ('${name}'): unsupported quantization ${JSON.stringify(quantization)}`);
  }
  const item = q ? (q.dtype === 'uint8' ? 1 : 2) : 4;
  return { name, shape: shape as number[], dtype, q, n, item, bytes: n * item };
}
