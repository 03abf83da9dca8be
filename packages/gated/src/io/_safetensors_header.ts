// Safetensors header parsing and validation (the part that must never trust the file): size limits, JSON shape,
// dtypes, offsets that tile the data buffer exactly. Used by safetensors.ts; not public.
import { GatedError } from '../errors.js';
import { jsonDepth, MAX_JSON_DEPTH } from '../limits.js';

export const MAX_HEADER_BYTES = 100_000_000; // the Python / Rust library's limit

export type StDtype = 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64';

export const ITEM_SIZE = new Map<string, number>([
  ['BOOL', 1], ['U8', 1], ['I8', 1], ['I16', 2], ['U16', 2], ['F16', 2], ['BF16', 2],
  ['I32', 4], ['U32', 4], ['F32', 4], ['F64', 8], ['I64', 8],
]);
/** Dtypes the format defines but gated cannot hold. */
export const UNSUPPORTED = new Set(['U64', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64']);

export interface Entry { name: string; dtype: StDtype; shape: number[]; numel: number; begin: number; end: number }
export interface Header { entries: Entry[]; metadata: Record<string, string>; dataStart: number }

export function fail(message: string): never { throw new GatedError('SAFETENSORS', `safetensors: ${message}`); }

/** A name for messages: quoted, cut short when absurdly long. */
export const q = (s: string): string => JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);

export const show = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `array ${clip(JSON.stringify(v))}`;
  if (typeof v === 'object') return 'object';
  if (typeof v === 'string') return `string ${q(v)}`;
  return `${typeof v} ${String(v)}`;
};
export const clip = (s: string): string => (s.length > 80 ? `${s.slice(0, 80)}…` : s);

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets `obj[key]` as an own data property (safe for keys like "__proto__"). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

export function asBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return fail(`expected the file contents as a Uint8Array, got ${show(bytes)}`);
}

// ---------------------------------------------------------------------------------------------- header parsing

export function parseHeader(u8: Uint8Array): Header {
  if (u8.length < 8) fail(`file is ${u8.length} bytes, too short for the 8-byte header-length prefix`);
  const n64 = new DataView(u8.buffer, u8.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n64} exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupt or not a safetensors file)`);
  const n = Number(n64);
  if (8 + n > u8.length) fail(`header length is ${n} bytes but only ${u8.length - 8} bytes follow the length prefix (file truncated?)`);
  if (n === 0 || u8[8] !== 0x7b) fail(`header must be a JSON object starting with '{', got ${n === 0 ? 'an empty header' : `byte 0x${u8[8].toString(16).padStart(2, '0')}`}`);

  let text: string;
  try { text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(u8.subarray(8, 8 + n)); }
  catch { return fail('header is not valid UTF-8'); }
  if (jsonDepth(text) > MAX_JSON_DEPTH) fail(`header JSON is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let json: unknown;
  try { json = JSON.parse(text); }
  catch (e) { return fail(`header is not valid JSON (${e instanceof Error ? e.message : String(e)})`); }
  if (!isPlainObject(json)) return fail(`header must be a JSON object, got ${show(json)}`);

  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const name of Object.keys(json)) {
    const value = json[name];
    if (name === '__metadata__') { metadata = parseMetadata(value); continue; }
    entries.push(parseEntry(name, value));
  }

  const dataStart = 8 + n;
  checkLayout(entries, u8.length - dataStart);
  return { entries, metadata, dataStart };
}

export function parseMetadata(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === null) return out; // the Rust crate reads `null` as "no metadata"
  if (!isPlainObject(value)) return fail(`"__metadata__" must be an object mapping strings to strings, got ${show(value)}`);
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v !== 'string') fail(`"__metadata__" values must be strings, but ${q(key)} is ${show(v)}`);
    setOwn(out, key, v as string);
  }
  return out;
}

export function parseEntry(name: string, value: unknown): Entry {
  const where = `tensor ${q(name)}`;
  if (name === '') fail('tensor names must be non-empty, the header has an entry named ""');
  if (!isPlainObject(value)) return fail(`${where}: expected an object with dtype, shape and data_offsets, got ${show(value)}`);
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!Object.hasOwn(value, field)) fail(`${where}: missing "${field}"`);
  }

  const dtype = value.dtype;
  if (typeof dtype !== 'string') return fail(`${where}: "dtype" must be a string, got ${show(dtype)}`);
  if (UNSUPPORTED.has(dtype)) {
    fail(`${where}: dtype ${dtype} is not supported by gated (supported: ${[...ITEM_SIZE.keys()].join(', ')})`);
  }
  const itemSize = ITEM_SIZE.get(dtype);
  if (itemSize === undefined) return fail(`${where}: unknown dtype ${q(dtype)} (supported: ${[...ITEM_SIZE.keys()].join(', ')})`);

  const shape = value.shape;
  if (!Array.isArray(shape)) return fail(`${where}: "shape" must be an array of non-negative integers, got ${show(shape)}`);
  shape.forEach((d: unknown, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      fail(`${where}: shape dimension ${i} must be a non-negative integer, got ${show(d)}`);
    }
  });
  const dims = shape as number[];
  let numel = 1;
  if (dims.includes(0)) numel = 0;
  else {
    for (const d of dims) {
      numel *= d;
      if (numel > Number.MAX_SAFE_INTEGER) fail(`${where}: shape [${dims.join(', ')}] has too many elements (size overflows)`);
    }
  }
  const nbytes = numel * itemSize;
  if (nbytes > Number.MAX_SAFE_INTEGER) fail(`${where}: shape [${dims.join(', ')}] of ${dtype} is too many bytes (size overflows)`);

  const offs = value.data_offsets;
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o: unknown) => typeof o === 'number' && Number.isSafeInteger(o) && o >= 0)) {
    return fail(`${where}: "data_offsets" must be [begin, end] with non-negative integers, got ${show(offs)}`);
  }
  const [begin, end] = offs as [number, number];
  if (begin > end) fail(`${where}: data_offsets [${begin}, ${end}] has begin > end`);
  if (end - begin !== nbytes) {
    fail(`${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes but shape [${dims.join(', ')}] of ${dtype} needs ${numel} × ${itemSize} = ${nbytes} bytes`);
  }
  return { name, dtype: dtype as StDtype, shape: dims.slice(), numel, begin, end };
}

/** The tensors must tile [0, dataLen) exactly, like the Rust crate demands. */
export function checkLayout(entries: Entry[], dataLen: number): void {
  for (const e of entries) {
    if (e.end > dataLen) {
      fail(`tensor ${q(e.name)}: data_offsets [${e.begin}, ${e.end}] run past the end of the data buffer, which has ${dataLen} bytes (file truncated?)`);
    }
  }
  const sorted = entries.slice().sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev: Entry | null = null;
  for (const e of sorted) {
    if (e.begin < pos) fail(`tensor ${q(e.name)}: data_offsets [${e.begin}, ${e.end}] overlap tensor ${q(prev!.name)} [${prev!.begin}, ${prev!.end}]`);
    if (e.begin > pos) fail(`data bytes [${pos}, ${e.begin}) belong to no tensor (gap before tensor ${q(e.name)}); tensors must cover the data buffer contiguously`);
    pos = e.end;
    prev = e;
  }
  if (pos !== dataLen) fail(`data buffer has ${dataLen} bytes but the tensors cover only ${pos} (${dataLen - pos} trailing bytes)`);
}
