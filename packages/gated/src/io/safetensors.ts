// Safetensors (the Hugging Face format): read and write `Record<string, Tensor>` from / to bytes, exactly as the
// Python library lays them out. Malformed input always fails with GatedError('SAFETENSORS'), checked before any
// allocation sized by the file; no `node:` imports, so it runs in browsers too.
import { GatedError } from '../errors.js';
import { Tensor, storageOf, type DType } from '../tensor/tensor.js';
import { MAX_HEADER_BYTES, ITEM_SIZE, fail, q, show, isPlainObject, setOwn, asBytes, parseHeader, type Entry } from './_safetensors_header.js';

/*
 * Format: bytes 0..8 = header length N (u64, little-endian); bytes 8..8+N = UTF-8 JSON object
 *   { "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }, ..., "__metadata__"?: { str: str } }
 * then the data buffer; offsets are relative to its start, values little-endian, row-major.
 *
 * Reading (dtype in the file -> Tensor):
 *   F32                      -> float32 (bit-exact)
 *   F64, F16, BF16           -> float32 (F64 rounds to nearest-even like `tensor.float()`; F16 / BF16 are exact,
 *                               subnormals, ±Inf and NaN included)
 *   I32                      -> dtype 'int32', intData Int32Array
 *   I64                      -> dtype 'int64', intData BigInt64Array
 *   U32                      -> dtype 'int64', intData BigInt64Array (values up to 2^32 - 1 do not fit int32)
 *   BOOL, U8, I8, U16, I16   -> dtype 'int32', intData Int32Array (BOOL bytes must be 0 or 1)
 *   anything else (U64, F8_*, F4, F6_*, C64, ...) -> GatedError('SAFETENSORS') naming the dtype.
 * For int tensors `data` holds the same values as float32; when some value is not exactly representable in
 * float32, `data` becomes a getter that throws GatedError('DTYPE') pointing at `intData` (never silently rounded).
 *
 * Validation mirrors the Rust `safetensors` crate: header ≤ 100 MB and starting with '{', every entry well typed,
 * byte length = product(shape) · itemsize, and the tensors must tile the data buffer exactly — no gaps, no overlaps,
 * no trailing bytes (zero-size tensors sit anywhere on a boundary).
 *
 * Writing: float32 tensors as F32, int32 as I32, int64 as I64 (from intData when present). Order is the Python
 * library's: by dtype alignment, largest first (I64, then F32, then I32), then by name in UTF-8 byte order; the
 * header is compact JSON with `__metadata__` first (its keys sorted), padded with spaces to a multiple of 8.
 */

/** Position in the Rust `Dtype` enum (increasing alignment); the writer sorts by it, descending. */
const WRITE_RANK: Record<'I32' | 'F32' | 'I64', number> = { I32: 0, F32: 1, I64: 2 };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------- decoding

/** Reverses each `size`-byte group in place (only used on big-endian hosts). */
function swapBytes(u8: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= u8.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) { const t = u8[a]; u8[a] = u8[b]; u8[b] = t; }
  }
}

let halfTable: Uint32Array | null = null;
/** float32 bit patterns for all 65536 half-precision bit patterns (exact: NaN payloads, subnormals, ±Inf). */
function halfToFloatBits(): Uint32Array {
  if (halfTable) return halfTable;
  const t = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    let man = h & 0x3ff;
    let bits: number;
    if (exp === 0x1f) bits = sign | 0x7f800000 | (man << 13);
    else if (exp !== 0) bits = sign | ((exp + 112) << 23) | (man << 13);
    else if (man === 0) bits = sign;
    else { // subnormal: man · 2^-24, renormalised
      let e = 113;
      while ((man & 0x400) === 0) { man <<= 1; e--; }
      bits = sign | (e << 23) | ((man & 0x3ff) << 13);
    }
    t[h] = bits >>> 0;
  }
  return (halfTable = t);
}

function decode(u8: Uint8Array, dataStart: number, e: Entry): Tensor {
  const itemSize = ITEM_SIZE.get(e.dtype)!;
  // slice() copies into a fresh, aligned buffer: works whatever the alignment of the data in the file
  const raw = u8.slice(dataStart + e.begin, dataStart + e.end);
  if (!LITTLE_ENDIAN) swapBytes(raw, itemSize);
  const buf = raw.buffer;
  switch (e.dtype) {
    case 'F32': return new Tensor(new Float32Array(buf), e.shape);
    case 'F64': return new Tensor(new Float32Array(new Float64Array(buf)), e.shape);
    case 'F16': {
      const table = halfToFloatBits();
      const src = new Uint16Array(buf);
      const bits = new Uint32Array(src.length);
      for (let i = 0; i < src.length; i++) bits[i] = table[src[i]];
      return new Tensor(new Float32Array(bits.buffer), e.shape);
    }
    case 'BF16': {
      const src = new Uint16Array(buf);
      const bits = new Uint32Array(src.length);
      for (let i = 0; i < src.length; i++) bits[i] = src[i] << 16 >>> 0;
      return new Tensor(new Float32Array(bits.buffer), e.shape);
    }
    case 'I32': return intTensor(e, new Int32Array(buf), 'int32');
    case 'I64': return intTensor(e, new BigInt64Array(buf), 'int64');
    case 'U32': {
      const src = new Uint32Array(buf);
      const ints = new BigInt64Array(src.length);
      for (let i = 0; i < src.length; i++) ints[i] = BigInt(src[i]);
      return intTensor(e, ints, 'int64');
    }
    case 'BOOL': {
      const bad = raw.findIndex((b) => b > 1);
      if (bad >= 0) fail(`tensor ${q(e.name)}: BOOL element ${bad} is byte ${raw[bad]}, expected 0 or 1`);
      return intTensor(e, Int32Array.from(raw), 'int32');
    }
    case 'U8': return intTensor(e, Int32Array.from(raw), 'int32');
    case 'I8': return intTensor(e, Int32Array.from(new Int8Array(buf)), 'int32');
    case 'U16': return intTensor(e, Int32Array.from(new Uint16Array(buf)), 'int32');
    case 'I16': return intTensor(e, Int32Array.from(new Int16Array(buf)), 'int32');
  }
}

/**
 * An int tensor: exact values in `intData`, the same values as float32 in `data` — unless one of them has no
 * exact float32, in which case reading `data` throws GatedError('DTYPE') (assigning it replaces the getter).
 */
function intTensor(e: Entry, ints: Int32Array | BigInt64Array, dtype: DType): Tensor {
  const n = ints.length;
  const f = new Float32Array(n);
  let bad = -1;
  if (ints instanceof Int32Array) {
    for (let i = 0; i < n; i++) { const v = ints[i]; f[i] = v; if (bad < 0 && f[i] !== v) bad = i; }
  } else {
    for (let i = 0; i < n; i++) {
      const v = ints[i];
      if (v >= -16777216n && v <= 16777216n) f[i] = Number(v);
      else { f[i] = Number(v); if (bad < 0 && BigInt(f[i]) !== v) bad = i; }
    }
  }
  const t = new Tensor(f, e.shape, { dtype, intData: ints });
  if (bad >= 0) {
    const value = String(ints[bad]);
    const nearest = String(BigInt(f[bad]));
    f.fill(0); // no rounded copy lingers
    Object.defineProperty(t, 'data', {
      configurable: true,
      enumerable: true,
      get(): Float32Array {
        throw new GatedError('DTYPE',
          `tensor ${q(e.name)} is ${dtype} (${e.dtype} in the file) and element ${bad} is ${value}, which float32 cannot hold exactly `
          + `(nearest ${nearest}); read the exact values from .intData (${ints instanceof Int32Array ? 'Int32Array' : 'BigInt64Array'}) `
          + `or assign .data yourself if rounding is acceptable`);
      },
      set(v: Float32Array) {
        Reflect.deleteProperty(t, 'size');
        Object.defineProperty(t, 'data', { value: v, writable: true, enumerable: true, configurable: true });
      },
    });
    // keep `size` (which reads data.length) usable
    Object.defineProperty(t, 'size', { configurable: true, enumerable: false, get: () => n });
  }
  return t;
}

// ---------------------------------------------------------------------------------------------- public API

/**
 * Parses a whole safetensors file into float32 / int32 / int64 Tensors (see the table above for dtypes).
 * Throws GatedError('SAFETENSORS') naming what is wrong with malformed bytes.
 * F32 is read exactly; F64, F16 and BF16 as float32; I32 and I64 keep their exact values in `intData`.
 * @throws FormatError (`SAFETENSORS`) for malformed bytes (bad header, overlapping or out-of-range offsets, unknown dtype).
 * @example
 * ```ts
 * const sd = readSafetensors(bytes);            // e.g. from torch: safetensors.torch.save_file(gru.state_dict(), path)
 * gru.loadStateDict(sd);                        // names and shapes as PyTorch's nn.GRU
 * ```
 */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const u8 = asBytes(bytes);
  const header = parseHeader(u8);
  const out: Record<string, Tensor> = {};
  const ordered = header.entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (const e of ordered) setOwn(out, e.name, decode(u8, header.dataStart, e));
  return out;
}

/**
 * The file's `__metadata__` string map ({} when absent). Validates the whole header but decodes no tensor.
 * @throws FormatError (`SAFETENSORS`) for a malformed header.
 */
export function readSafetensorsMetadata(bytes: Uint8Array | ArrayBuffer): Record<string, string> {
  return parseHeader(asBytes(bytes)).metadata;
}

/** Orders strings by code point, i.e. by their UTF-8 bytes (Rust's `String` order). */
function cmpCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n;) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

interface Pending { name: string; dtype: 'F32' | 'I32' | 'I64'; shape: number[]; bytes: Uint8Array }

function toIntValues(name: string, t: Tensor, kind: 'int32' | 'int64', numel: number): Int32Array | BigInt64Array {
  const src = t.intData;
  if (src !== undefined) {
    if (src.length !== numel) fail(`tensor ${q(name)}: intData has ${src.length} values but shape [${t.shape.join(', ')}] needs ${numel}`);
    if (kind === 'int64') return src instanceof BigInt64Array ? src : BigInt64Array.from(src, (v) => BigInt(v));
    if (src instanceof Int32Array) return src;
    const out = new Int32Array(numel);
    for (let i = 0; i < numel; i++) {
      const v = src[i];
      if (v < -2147483648n || v > 2147483647n) fail(`tensor ${q(name)} is int32 but intData element ${i} is ${v}, outside the int32 range`);
      out[i] = Number(v);
    }
    return out;
  }
  const data = t.data; // no intData: the values must be integers held in data
  if (data.length !== numel) fail(`tensor ${q(name)}: data has ${data.length} values but shape [${t.shape.join(', ')}] needs ${numel}`);
  const out = kind === 'int32' ? new Int32Array(numel) : new BigInt64Array(numel);
  for (let i = 0; i < numel; i++) {
    const v = data[i];
    const ok = Number.isInteger(v) && (kind === 'int64' || (v >= -2147483648 && v <= 2147483647));
    if (!ok) fail(`tensor ${q(name)} is ${kind} but element ${i} is ${v}, not an ${kind} value`);
    if (out instanceof Int32Array) out[i] = v; else out[i] = BigInt(v);
  }
  return out;
}

/**
 * Serialises tensors (and optional string metadata) byte-for-byte as Python's `safetensors.torch.save` does:
 * float32 → F32, int32 → I32, int64 → I64; see the top of this file for ordering and padding.
 * @param metadata - string pairs stored as `__metadata__` (optional).
 * @throws FormatError (`SAFETENSORS`) for a value that is not a Tensor, an empty or reserved name, or data that does not fill its shape.
 * @example
 * ```ts
 * import { GRU, readSafetensors, writeSafetensors } from 'gated';
 * const gru = new GRU({ inputSize: 4, hiddenSize: 8 });
 * const bytes = writeSafetensors(gru.stateDict(), { epoch: '3' });  // Python: safetensors.torch.load(bytes)
 * const copy = new GRU({ inputSize: 4, hiddenSize: 8 });
 * copy.loadStateDict(readSafetensors(bytes));                         // the same weights
 * ```
 */
export function writeSafetensors(record: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  if (!isPlainObject(record)) fail(`writeSafetensors expects an object mapping names to Tensors, got ${show(record)}`);
  if (metadata !== undefined && !isPlainObject(metadata)) fail(`metadata must be an object mapping strings to strings, got ${show(metadata)}`);

  const pending: Pending[] = [];
  for (const name of Object.keys(record)) {
    if (name === '') fail('tensor names must be non-empty');
    if (name === '__metadata__') fail('"__metadata__" is reserved for the metadata map and cannot name a tensor');
    const t: unknown = record[name];
    if (!(t instanceof Tensor)) return fail(`tensor ${q(name)}: expected a Tensor, got ${show(t)}`);
    const shape = [...t.shape];
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor ${q(name)}: shape [${shape.join(', ')}] is not non-negative integers`);
    const numel = shape.reduce((a, b) => a * b, 1);
    let bytes: Uint8Array;
    let dtype: Pending['dtype'];
    if (t.dtype === 'float32') {
      const data = storageOf(t);   // read, not handed out: the bytes are copied into the file below
      if (data.length !== numel) fail(`tensor ${q(name)}: data has ${data.length} values but shape [${shape.join(', ')}] needs ${numel}`);
      dtype = 'F32';
      bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    } else if (t.dtype === 'int32' || t.dtype === 'int64') {
      const ints = toIntValues(name, t, t.dtype, numel);
      dtype = t.dtype === 'int32' ? 'I32' : 'I64';
      bytes = new Uint8Array(ints.buffer, ints.byteOffset, ints.byteLength);
    } else {
      return fail(`tensor ${q(name)}: cannot write dtype ${String(t.dtype)} (expected float32, int32 or int64)`);
    }
    pending.push({ name, dtype, shape, bytes });
  }
  pending.sort((a, b) => WRITE_RANK[b.dtype] - WRITE_RANK[a.dtype] || cmpCodePoints(a.name, b.name));

  const parts: string[] = [];
  if (metadata !== undefined) {
    const keys = Object.keys(metadata).sort(cmpCodePoints);
    const kv = keys.map((k) => {
      const v: unknown = metadata[k];
      if (typeof v !== 'string') fail(`metadata values must be strings, but ${q(k)} is ${show(v)}`);
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
    });
    parts.push(`"__metadata__":{${kv.join(',')}}`);
  }
  let offset = 0;
  for (const p of pending) {
    const end = offset + p.bytes.length;
    parts.push(`${JSON.stringify(p.name)}:{"dtype":"${p.dtype}","shape":[${p.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  if (headerLen > MAX_HEADER_BYTES) fail(`header would be ${headerLen} bytes, over the ${MAX_HEADER_BYTES}-byte limit readers accept`);

  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const p of pending) {
    out.set(p.bytes, pos);
    if (!LITTLE_ENDIAN) swapBytes(out.subarray(pos, pos + p.bytes.length), p.dtype === 'I64' ? 8 : 4);
    pos += p.bytes.length;
  }
  return out;
}
