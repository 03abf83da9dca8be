// ONNX protobuf messages in and out, with protobufjs/light and the official onnx.proto schema (_onnx_proto.ts).
// Decoding never trusts the bytes: any protobufjs failure becomes GatedError('FORMAT'), and a TensorProto's
// declared size is checked against the data it carries before anything is allocated from it.
import protobuf from 'protobufjs/light.js';
import { GatedError } from '../../errors.js';
import { onnxDescriptor } from './_onnx_proto.js';
import { limits, type Val, type ValType } from './_value.js';

const root = protobuf.Root.fromJSON(onnxDescriptor as unknown as protobuf.INamespace);
const ModelProto = root.lookupType('onnx.ModelProto');
const TensorProto = root.lookupType('onnx.TensorProto');

/** TensorProto.DataType values gated reads. */
export const DT = { FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9, FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, BFLOAT16: 16 } as const;
const DT_NAME: Record<number, string> = Object.fromEntries(Object.entries(DT).map(([k, v]) => [v, k]));
export const dtName = (t: number): string => DT_NAME[t] ?? `data type ${t}`;

/** protobufjs int64: a number, or a Long-like { low, high } when the `long` package is present. */
export type Int64 = number | { low: number; high: number; unsigned?: boolean } | string;

/** An int64 field as a JS number; values beyond ±2^53 keep their sign and magnitude approximately (INT64_MAX stays huge). */
export function int64(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  const lo = v.low >>> 0, hi = v.unsigned ? v.high >>> 0 : v.high | 0;
  return hi * 4294967296 + lo;
}

// Decoded message shapes (only the fields gated reads; protobufjs fills absent repeated fields with []).
export interface TensorMsg {
  dims: Int64[]; data_type: number; name: string; raw_data: Uint8Array;
  float_data: number[]; int32_data: number[]; int64_data: Int64[]; double_data: number[]; uint64_data: Int64[];
  string_data: Uint8Array[]; data_location: number; external_data: unknown[]; segment?: unknown;
}
export interface AttrMsg {
  name: string; type: number; f: number; i: Int64; s: Uint8Array; t?: TensorMsg | null; g?: GraphMsg | null;
  floats: number[]; ints: Int64[]; strings: Uint8Array[]; tensors: TensorMsg[]; graphs: GraphMsg[]; ref_attr_name: string;
}
export interface NodeMsg { input: string[]; output: string[]; name: string; op_type: string; domain: string; attribute: AttrMsg[] }
export interface DimMsg { dim_value?: Int64; dim_param?: string }
export interface ValueInfoMsg { name: string; type?: { tensor_type?: { elem_type: number; shape?: { dim: DimMsg[] } } } | null }
export interface GraphMsg {
  node: NodeMsg[]; name: string; initializer: TensorMsg[]; sparse_initializer: unknown[];
  input: ValueInfoMsg[]; output: ValueInfoMsg[]; value_info: ValueInfoMsg[];
}
export interface ModelMsg {
  ir_version: Int64; opset_import: { domain: string; version: Int64 }[]; producer_name: string; producer_version: string;
  graph?: GraphMsg | null; metadata_props: { key: string; value: string }[]; functions: unknown[];
}

function formatError(what: string, e: unknown): GatedError {
  if (e instanceof GatedError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new GatedError('FORMAT', `${what}: not a valid ONNX protobuf (${msg.length > 200 ? `${msg.slice(0, 200)}…` : msg})`);
}

export function decodeModel(bytes: Uint8Array): ModelMsg {
  if (!(bytes instanceof Uint8Array)) throw new GatedError('INVALID_ARGUMENT', `loadOnnx: expected the file contents as a Uint8Array, got ${typeof bytes}`);
  try { return ModelProto.decode(bytes) as unknown as ModelMsg; } catch (e) { throw formatError('ONNX model', e); }
}

export function decodeTensor(bytes: Uint8Array): TensorMsg {
  try { return TensorProto.decode(bytes) as unknown as TensorMsg; } catch (e) { throw formatError('ONNX TensorProto', e); }
}

export function encodeModel(model: object): Uint8Array {
  const err = ModelProto.verify(model);
  if (err) throw new GatedError('FORMAT', `ONNX export built an invalid ModelProto: ${err}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

const ITEM: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

/** A TensorProto's contents as a Val (floats → Float32Array, integers and bools → Float64Array). */
export function tensorToVal(t: TensorMsg, where: string): Val {
  const dt = t.data_type;
  if (t.data_location === 1 || (t.external_data && t.external_data.length)) {
    throw new GatedError('UNSUPPORTED', `${where}: tensor '${t.name}' keeps its data in an external file, which gated cannot read; save the model with its weights inside`);
  }
  const item = ITEM[dt];
  if (item === undefined) throw new GatedError('UNSUPPORTED', `${where}: tensor '${t.name}' has ${dtName(dt)}, which gated does not read (float, double, float16, bfloat16, integers, bool)`);
  const shape = t.dims.map(int64);
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new GatedError('FORMAT', `${where}: tensor '${t.name}' has dimension ${d}; dimensions must be integers ≥ 0`);
    n *= d;
  }
  if (n > limits.maxElements) throw new GatedError('FORMAT', `${where}: tensor '${t.name}' declares ${n} elements, more than the limit of ${limits.maxElements}`);
  const type: ValType = dt === DT.FLOAT || dt === DT.DOUBLE || dt === DT.FLOAT16 || dt === DT.BFLOAT16 ? 'float' : dt === DT.BOOL ? 'bool' : 'int';
  const data = type === 'float' ? new Float32Array(n) : new Float64Array(n);
  const raw = t.raw_data;
  if (raw && raw.length) {
    if (raw.length !== n * item) throw new GatedError('FORMAT', `${where}: tensor '${t.name}' of shape [${shape.join(', ')}] ${dtName(dt)} needs ${n * item} bytes of raw_data, got ${raw.length}`);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) data[i] = readRaw(dv, dt, i);
    return { type, onnxType: dt, shape, data };
  }
  const src: ArrayLike<Int64> = dt === DT.FLOAT || dt === DT.FLOAT16 || dt === DT.BFLOAT16 || dt === DT.INT32 || dt === DT.INT16 || dt === DT.INT8
    || dt === DT.UINT8 || dt === DT.UINT16 || dt === DT.BOOL
    ? (dt === DT.FLOAT ? t.float_data : t.int32_data)
    : dt === DT.INT64 ? t.int64_data : dt === DT.DOUBLE ? t.double_data : t.uint64_data;
  if (src.length !== n) throw new GatedError('FORMAT', `${where}: tensor '${t.name}' of shape [${shape.join(', ')}] needs ${n} values, got ${src.length}`);
  for (let i = 0; i < n; i++) {
    const v = int64(src[i]);
    data[i] = dt === DT.FLOAT16 ? half(v) : dt === DT.BFLOAT16 ? bf16(v) : v;
  }
  return { type, onnxType: dt, shape, data };
}

function readRaw(dv: DataView, dt: number, i: number): number {
  switch (dt) {
    case DT.FLOAT: return dv.getFloat32(i * 4, true);
    case DT.DOUBLE: return dv.getFloat64(i * 8, true);
    case DT.INT64: return Number(dv.getBigInt64(i * 8, true));
    case DT.UINT64: return Number(dv.getBigUint64(i * 8, true));
    case DT.INT32: return dv.getInt32(i * 4, true);
    case DT.UINT32: return dv.getUint32(i * 4, true);
    case DT.INT16: return dv.getInt16(i * 2, true);
    case DT.UINT16: return dv.getUint16(i * 2, true);
    case DT.INT8: return dv.getInt8(i);
    case DT.UINT8: return dv.getUint8(i);
    case DT.BOOL: return dv.getUint8(i) ? 1 : 0;
    case DT.FLOAT16: return half(dv.getUint16(i * 2, true));
    case DT.BFLOAT16: return bf16(dv.getUint16(i * 2, true));
    default: throw new GatedError('UNSUPPORTED', `${dtName(dt)} tensors are not supported`);
  }
}

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
function bf16(bits: number): number { u32[0] = (bits & 0xffff) << 16; return f32[0]; }
function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1, e = (bits >> 10) & 0x1f, m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** A float32 or int64 Val as a TensorProto object (for export and test data). */
export function valToTensor(name: string, v: Val): object {
  if (v.type === 'float') {
    const raw = new Uint8Array(v.data.length * 4), dv = new DataView(raw.buffer);
    for (let i = 0; i < v.data.length; i++) dv.setFloat32(i * 4, v.data[i], true);
    return { name, dims: v.shape, data_type: DT.FLOAT, raw_data: raw };
  }
  const raw = new Uint8Array(v.data.length * 8), dv = new DataView(raw.buffer);
  for (let i = 0; i < v.data.length; i++) dv.setBigInt64(i * 8, BigInt(Math.trunc(v.data[i])), true);
  return { name, dims: v.shape, data_type: v.type === 'bool' ? DT.BOOL : DT.INT64, raw_data: v.type === 'bool' ? Uint8Array.from(v.data) : raw };
}
