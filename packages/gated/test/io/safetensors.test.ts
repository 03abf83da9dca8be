// Tests for src/io/safetensors.ts: round trips, exact byte layouts (matching the Python library's output),
// dtype conversions, int exactness, every malformed-input error, and a seeded mutation fuzz.
import { describe, it, expect } from 'vitest';
import { GatedError } from '../../src/errors.js';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import { readSafetensors, readSafetensorsMetadata, writeSafetensors } from '../../src/io/safetensors.js';

const enc = new TextEncoder();

/** A file from raw parts: 8-byte LE length (defaults to the header's byte length), header text or bytes, data. */
function build(header: string | Uint8Array, data: ArrayLike<number> = [], n?: bigint): Uint8Array {
  const h = typeof header === 'string' ? enc.encode(header) : header;
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, n ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(Array.from(data), 8 + h.length);
  return out;
}

/** A file from a header object (JSON.stringify) and data bytes. */
const buildJson = (header: unknown, data: ArrayLike<number> = []): Uint8Array => build(JSON.stringify(header), data);

const f32Bytes = (...v: number[]): number[] => Array.from(new Uint8Array(new Float32Array(v).buffer));
const u16Bytes = (...v: number[]): number[] => Array.from(new Uint8Array(new Uint16Array(v).buffer));

function expectSt(fn: () => unknown, fragment: string | RegExp): void {
  let err: unknown;
  try { fn(); } catch (e) { err = e; }
  expect(err, 'expected a throw').toBeInstanceOf(GatedError);
  expect((err as GatedError).code).toBe('SAFETENSORS');
  if (typeof fragment === 'string') expect((err as GatedError).message).toContain(fragment);
  else expect((err as GatedError).message).toMatch(fragment);
}

const headerText = (file: Uint8Array): string => {
  const n = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(file.subarray(8, 8 + n));
};

describe('round trips', () => {
  it('F32 tensors with metadata, scalar and zero-size tensors', () => {
    const rec = {
      'rnn.weight_ih_l0': tensor([[1, -2.5, 3], [Math.PI, -0, 1e-40]]),
      bias: tensor([0.1, 0.2, 0.3, Number.POSITIVE_INFINITY]),
      scalar: new Tensor(new Float32Array([42.5]), []),
      empty: new Tensor(new Float32Array(0), [0]),
      empty2d: new Tensor(new Float32Array(0), [2, 0]),
    };
    const meta = { format: 'pt', note: 'ünïcode ✓ "quoted"\n', '': 'empty key ok' };
    const bytes = writeSafetensors(rec, meta);
    const back = readSafetensors(bytes);
    expect(Object.keys(back).sort()).toEqual(Object.keys(rec).sort());
    for (const [k, t] of Object.entries(rec)) {
      expect(back[k].shape).toEqual(t.shape);
      expect(back[k].dtype).toBe('float32');
      expect(Array.from(back[k].data)).toEqual(Array.from(t.data));
    }
    expect(Object.is(back['rnn.weight_ih_l0'].data[4], -0)).toBe(true);
    expect(back.scalar.item()).toBe(42.5);
    expect(back.empty2d.shape).toEqual([2, 0]);
    expect(readSafetensorsMetadata(bytes)).toEqual(meta);
    // a Node Buffer and an ArrayBuffer are accepted too
    expect(readSafetensors(Buffer.from(bytes)).bias.shape).toEqual([4]);
    expect(readSafetensors(bytes.slice().buffer).bias.shape).toEqual([4]);
  });

  it('no metadata gives {}; empty metadata is written as "__metadata__":{} like Python', () => {
    const a = writeSafetensors({ x: tensor([1]) });
    expect(readSafetensorsMetadata(a)).toEqual({});
    const b = writeSafetensors({ x: tensor([1]) }, {});
    expect(headerText(b).trimEnd()).toBe('{"__metadata__":{},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
    expect(readSafetensorsMetadata(b)).toEqual({});
  });

  it('writes float data that is a view into a larger buffer', () => {
    const big = new Float32Array([9, 1, 2, 3, 9]);
    const back = readSafetensors(writeSafetensors({ v: new Tensor(big.subarray(1, 4), [3]) }));
    expect(Array.from(back.v.data)).toEqual([1, 2, 3]);
  });

  it('I32 round trip keeps exact values; data works when float32 can hold them', () => {
    const ints = new Int32Array([0, -7, 16777216, -16777216, 123456]);
    const t = new Tensor(Float32Array.from(ints), [5], { dtype: 'int32', intData: ints });
    const back = readSafetensors(writeSafetensors({ idx: t })).idx;
    expect(back.dtype).toBe('int32');
    expect(back.intData).toBeInstanceOf(Int32Array);
    expect(Array.from(back.intData as Int32Array)).toEqual(Array.from(ints));
    expect(Array.from(back.data)).toEqual(Array.from(ints));
    expect(headerText(writeSafetensors({ idx: t }))).toContain('"dtype":"I32"');
  });

  it('I32 extremes: intData exact, data throws DTYPE', () => {
    const ints = new Int32Array([-2147483648, 2147483647, 5]);
    const back = readSafetensors(writeSafetensors({ i: new Tensor(new Float32Array(3), [3], { dtype: 'int32', intData: ints }) })).i;
    expect(Array.from(back.intData as Int32Array)).toEqual([-2147483648, 2147483647, 5]);
    expect(() => back.data).toThrow(/intData/);
  });

  it('int tensors without intData are written from data (integers only)', () => {
    const t32 = new Tensor(new Float32Array([1, -2, 3]), [3], { dtype: 'int32' });
    expect(Array.from(readSafetensors(writeSafetensors({ t: t32 })).t.intData as Int32Array)).toEqual([1, -2, 3]);
    const t64 = new Tensor(new Float32Array([2 ** 40, -5]), [2], { dtype: 'int64' });
    expect(Array.from(readSafetensors(writeSafetensors({ t: t64 })).t.intData as BigInt64Array)).toEqual([2n ** 40n, -5n]);
    expectSt(() => writeSafetensors({ t: new Tensor(new Float32Array([1.5]), [1], { dtype: 'int32' }) }), 'not an int32');
    expectSt(() => writeSafetensors({ t: new Tensor(new Float32Array([2 ** 31]), [1], { dtype: 'int32' }) }), 'not an int32');
  });
});

describe('I64', () => {
  const big = [2n ** 53n + 1n, -(2n ** 60n) - 3n, 5n, 2n ** 63n - 1n, -(2n ** 63n)];
  const file = writeSafetensors({ ids: new Tensor(new Float32Array(5), [5], { dtype: 'int64', intData: BigInt64Array.from(big) }) });

  it('values above 2^53 are kept exactly in intData and reading data throws DTYPE', () => {
    expect(headerText(file)).toContain('"dtype":"I64"');
    const t = readSafetensors(file).ids;
    expect(t.dtype).toBe('int64');
    expect(t.intData).toBeInstanceOf(BigInt64Array);
    expect(Array.from(t.intData as BigInt64Array)).toEqual(big);
    let err: unknown;
    try { void t.data; } catch (e) { err = e; }
    expect(err).toBeInstanceOf(GatedError);
    expect((err as GatedError).code).toBe('DTYPE');
    expect((err as GatedError).message).toContain('intData');
    expect((err as GatedError).message).toContain(String(2n ** 53n + 1n));
    expect(t.size).toBe(5);
    expect(t.shape).toEqual([5]);
    // the data round-trips through intData even though data is unreadable
    expect(Array.from(readSafetensors(writeSafetensors({ ids: t })).ids.intData as BigInt64Array)).toEqual(big);
    // assigning data replaces the getter
    t.data = new Float32Array([1, 2, 3, 4, 5]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5]);
    expect(t.size).toBe(5);
  });

  it('a value just past 2^24 is not representable; large powers of two are', () => {
    const ok = readSafetensors(writeSafetensors({ a: new Tensor(new Float32Array(3), [3], { dtype: 'int64', intData: BigInt64Array.from([2n ** 40n, -(2n ** 24n), 2n ** 62n]) }) })).a;
    expect(Array.from(ok.data)).toEqual([2 ** 40, -(2 ** 24), 2 ** 62]);
    const bad = readSafetensors(writeSafetensors({ a: new Tensor(new Float32Array(1), [1], { dtype: 'int64', intData: BigInt64Array.from([16777217n]) }) })).a;
    expect(() => bad.data).toThrow(GatedError);
    expect((bad.intData as BigInt64Array)[0]).toBe(16777217n);
  });
});

describe('known byte layout', () => {
  it('parses a file built byte by byte', () => {
    const header = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    expect(header.length).toBe(54);
    const bytes = new Uint8Array([
      54, 0, 0, 0, 0, 0, 0, 0,
      ...Array.from(header, (c) => c.charCodeAt(0)),
      0x00, 0x00, 0xc0, 0x3f, // 1.5
      0x00, 0x00, 0x00, 0xc0, // -2
    ]);
    const out = readSafetensors(bytes);
    expect(Object.keys(out)).toEqual(['a']);
    expect(out.a.shape).toEqual([2]);
    expect(Array.from(out.a.data)).toEqual([1.5, -2]);
  });

  it('writes the same bytes as the Python library for a tiny tensor (no padding needed)', () => {
    const out = writeSafetensors({ 'attn.0': tensor([0, 1, 2, 3, 4, 5], [1, 2, 3]) });
    const json = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(64);
    expect(Array.from(out)).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0,
      ...Array.from(enc.encode(json)),
      0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  it('pads the header with spaces to a multiple of 8', () => {
    const out = writeSafetensors({ attn0: tensor([0, 1, 2, 3, 4, 5], [1, 1, 2, 3]) });
    const json = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(json.length).toBe(65);
    expect(Array.from(out.subarray(0, 8))).toEqual([72, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(out.subarray(8, 80))).toBe(`${json}       `);
    expect(out.length).toBe(8 + 72 + 24);
    expect(Array.from(out.subarray(80))).toEqual(f32Bytes(0, 1, 2, 3, 4, 5));
  });

  it('empty file and metadata-only file match the Python output', () => {
    expect(Array.from(writeSafetensors({}))).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(readSafetensors(writeSafetensors({}))).toEqual({});
    const m = writeSafetensors({}, { framework: 'pt' });
    expect(Array.from(m.subarray(0, 8))).toEqual([40, 0, 0, 0, 0, 0, 0, 0]);
    expect(new TextDecoder().decode(m.subarray(8))).toBe('{"__metadata__":{"framework":"pt"}}     ');
  });

  it('orders like Python: dtype alignment first (I64, F32, I32), then names by UTF-8 bytes', () => {
    const i64 = new Tensor(new Float32Array(1), [1], { dtype: 'int64', intData: BigInt64Array.from([7n]) });
    const i32 = new Tensor(new Float32Array(1), [1], { dtype: 'int32', intData: Int32Array.from([9]) });
    const out = writeSafetensors({ c: i32, b: tensor([2]), z: i64, a: tensor([1]), '\uffff': tensor([3]), '😀': tensor([4]), B: tensor([5]) });
    const h = headerText(out).trimEnd();
    expect(h).toBe('{"z":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},'
      + '"B":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},'
      + '"a":{"dtype":"F32","shape":[1],"data_offsets":[12,16]},'
      + '"b":{"dtype":"F32","shape":[1],"data_offsets":[16,20]},'
      + '"\uffff":{"dtype":"F32","shape":[1],"data_offsets":[20,24]},'
      + '"😀":{"dtype":"F32","shape":[1],"data_offsets":[24,28]},'
      + '"c":{"dtype":"I32","shape":[1],"data_offsets":[28,32]}}');
    expect((8 + h.length) % 8).toBeLessThan(8);
    const back = readSafetensors(out);
    expect((back.z.intData as BigInt64Array)[0]).toBe(7n);
    expect((back.c.intData as Int32Array)[0]).toBe(9);
    expect(back['😀'].item()).toBe(4);
  });

  it('writes integer-like names in sorted order (not JS object key order)', () => {
    const h = headerText(writeSafetensors({ 10: tensor([1]), 2: tensor([2]), a: tensor([3]) })).trimEnd();
    expect(h.indexOf('"10"')).toBeLessThan(h.indexOf('"2"'));
    expect(h.indexOf('"2"')).toBeLessThan(h.indexOf('"a"'));
  });

  it('zero-size and scalar tensors in the header', () => {
    const out = writeSafetensors({ a: new Tensor(new Float32Array(0), [0]), b: new Tensor(new Float32Array(0), [2, 0]), s: new Tensor(new Float32Array([3]), []) });
    expect(headerText(out).trimEnd()).toBe('{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},'
      + '"b":{"dtype":"F32","shape":[2,0],"data_offsets":[0,0]},"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}');
    const back = readSafetensors(out);
    expect(back.a.size).toBe(0);
    expect(back.b.shape).toEqual([2, 0]);
    expect(back.s.shape).toEqual([]);
    expect(back.s.item()).toBe(3);
    // zero-size tensors may sit at any tensor boundary, even with a huge other dimension
    const f = buildJson({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, z: { dtype: 'F64', shape: [2 ** 52, 0], data_offsets: [4, 4] } }, f32Bytes(1));
    expect(readSafetensors(f).z.shape).toEqual([2 ** 52, 0]);
  });
});

describe('dtype conversion', () => {
  it('F64 rounds to nearest float32 (overflow to Inf, underflow to 0)', () => {
    const vals = [1 / 3, -1e300, 1e300, -0, 1e-46, Number.NaN, 123456789.123, 2 ** -140];
    const data = Array.from(new Uint8Array(new Float64Array(vals).buffer));
    const t = readSafetensors(buildJson({ d: { dtype: 'F64', shape: [8], data_offsets: [0, 64] } }, data)).d;
    expect(t.dtype).toBe('float32');
    expect(Array.from(t.data)).toEqual(vals.map(Math.fround));
    expect(Object.is(t.data[3], -0)).toBe(true);
  });

  it('F16: every one of the 65536 bit patterns decodes exactly', () => {
    const n = 65536;
    const bits = new Uint16Array(n).map((_, i) => i);
    const file = buildJson({ h: { dtype: 'F16', shape: [256, 256], data_offsets: [0, 2 * n] } }, new Uint8Array(bits.buffer));
    const t = readSafetensors(file).h;
    for (let h = 0; h < n; h++) {
      const s = h >> 15 ? -1 : 1;
      const e = (h >> 10) & 0x1f;
      const m = h & 0x3ff;
      const want = e === 31 ? (m ? Number.NaN : s * Infinity) : e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
      if (!Object.is(t.data[h], want)) throw new Error(`F16 0x${h.toString(16)}: got ${t.data[h]}, want ${want}`);
    }
    // named spot checks: subnormals, max, inf, NaN, -0
    const at = (h: number): number => t.data[h];
    expect(at(0x0001)).toBe(2 ** -24);
    expect(at(0x03ff)).toBe(1023 * 2 ** -24);
    expect(at(0x0400)).toBe(2 ** -14);
    expect(at(0x7bff)).toBe(65504);
    expect(at(0x7c00)).toBe(Infinity);
    expect(at(0xfc00)).toBe(-Infinity);
    expect(at(0x7e00)).toBeNaN();
    expect(Object.is(at(0x8000), -0)).toBe(true);
    expect(at(0x3555)).toBe(0.333251953125);
    // NaN payload and sign survive in the float32 bits
    expect(new Uint32Array(t.data.buffer, t.data.byteOffset)[0x7e01]).toBe(0x7fc02000);
    expect(new Uint32Array(t.data.buffer, t.data.byteOffset)[0xfe00]).toBe(0xffc00000);
  });

  it('BF16 is the top half of float32, subnormals, Inf and NaN included', () => {
    const vals = [0x3f80, 0xc049, 0x0001, 0x7f80, 0xff80, 0x7fc0, 0x8000, 0x4049];
    const t = readSafetensors(buildJson({ b: { dtype: 'BF16', shape: [2, 4], data_offsets: [0, 16] } }, u16Bytes(...vals))).b;
    expect(t.data[0]).toBe(1);
    expect(t.data[1]).toBe(-3.140625);
    expect(t.data[2]).toBe(2 ** -133);
    expect(t.data[3]).toBe(Infinity);
    expect(t.data[4]).toBe(-Infinity);
    expect(t.data[5]).toBeNaN();
    expect(Object.is(t.data[6], -0)).toBe(true);
    expect(t.data[7]).toBe(3.140625);
  });

  it('U8, I8, U16, I16 and BOOL become int32; U32 becomes int64', () => {
    const parts = {
      u8: { dtype: 'U8', bytes: [0, 255] },
      i8: { dtype: 'I8', bytes: [0x80, 0x7f] },
      u16: { dtype: 'U16', bytes: u16Bytes(65535, 1) },
      i16: { dtype: 'I16', bytes: u16Bytes(0x8000, 0x7fff) },
      bo: { dtype: 'BOOL', bytes: [1, 0] },
      u32: { dtype: 'U32', bytes: [0xff, 0xff, 0xff, 0xff, 3, 0, 0, 0] },
    };
    const header: Record<string, unknown> = {};
    const data: number[] = [];
    for (const [k, p] of Object.entries(parts)) {
      header[k] = { dtype: p.dtype, shape: [2], data_offsets: [data.length, data.length + p.bytes.length] };
      data.push(...p.bytes);
    }
    const out = readSafetensors(buildJson(header, data));
    const ints = (k: string): unknown[] => Array.from(out[k].intData as ArrayLike<unknown>);
    expect(ints('u8')).toEqual([0, 255]);
    expect(ints('i8')).toEqual([-128, 127]);
    expect(ints('u16')).toEqual([65535, 1]);
    expect(ints('i16')).toEqual([-32768, 32767]);
    expect(ints('bo')).toEqual([1, 0]);
    for (const k of ['u8', 'i8', 'u16', 'i16', 'bo']) {
      expect(out[k].dtype).toBe('int32');
      expect(Array.from(out[k].data)).toEqual(ints(k));
    }
    expect(out.u32.dtype).toBe('int64');
    expect(ints('u32')).toEqual([4294967295n, 3n]);
    expect(() => out.u32.data).toThrow(/intData/); // 2^32 - 1 is not a float32
  });

  it('reads unaligned tensors and unaligned input views', () => {
    // F16 at 0 (2 bytes), F32 at 2 (unaligned), F64 at 6 (unaligned), I64 at 14, I32 at 22
    const data = [
      ...u16Bytes(0x3c00),
      ...f32Bytes(-1.25),
      ...Array.from(new Uint8Array(new Float64Array([0.5]).buffer)),
      ...Array.from(new Uint8Array(new BigInt64Array([-(2n ** 55n) - 1n]).buffer)),
      ...Array.from(new Uint8Array(new Int32Array([-77]).buffer)),
    ];
    const file = buildJson({
      h: { dtype: 'F16', shape: [1], data_offsets: [0, 2] },
      f: { dtype: 'F32', shape: [1], data_offsets: [2, 6] },
      d: { dtype: 'F64', shape: [], data_offsets: [6, 14] },
      l: { dtype: 'I64', shape: [1, 1], data_offsets: [14, 22] },
      i: { dtype: 'I32', shape: [1], data_offsets: [22, 26] },
    }, data);
    // place the whole file at an odd offset inside a bigger buffer
    const host = new Uint8Array(file.length + 3);
    host.set(file, 3);
    for (const bytes of [file, host.subarray(3)]) {
      const out = readSafetensors(bytes);
      expect(out.h.item()).toBe(1);
      expect(out.f.item()).toBe(-1.25);
      expect(out.d.item()).toBe(0.5);
      expect((out.l.intData as BigInt64Array)[0]).toBe(-(2n ** 55n) - 1n);
      expect(Array.from(out.i.data)).toEqual([-77]);
    }
    // the F32 really sits at an address that is not 4-aligned
    expect((8 + headerText(file).length + 2) % 4).not.toBe(0);
  });

  it('keeps odd names such as "__proto__" as own keys', () => {
    const out = readSafetensors(buildJson({ ['__proto__']: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32Bytes(2)));
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')!.value).toBeInstanceOf(Tensor);
  });
});

describe('malformed input', () => {
  const ok = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, ...extra });
  const d8 = f32Bytes(1, 2);
  const entry = (e: Record<string, unknown>): Uint8Array => buildJson({ a: e }, d8);

  it('fewer than 8 bytes', () => {
    expectSt(() => readSafetensors(new Uint8Array(0)), 'too short');
    expectSt(() => readSafetensors(new Uint8Array(7)), '7 bytes');
  });

  it('header length larger than the file or absurd', () => {
    expectSt(() => readSafetensors(build('{}', [], 100n)), 'only 2 bytes follow');
    expectSt(() => readSafetensors(build('{}', [], 100_000_001n)), 'exceeds the 100000000-byte limit');
    expectSt(() => readSafetensors(build('{}', [], 2n ** 64n - 1n)), 'limit');
    expectSt(() => readSafetensors(build('', [])), 'empty header');
  });

  it('header not UTF-8, not JSON, or not an object', () => {
    expectSt(() => readSafetensors(build(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))), 'not valid UTF-8');
    expectSt(() => readSafetensors(build('{"a":')), 'not valid JSON');
    expectSt(() => readSafetensors(build('{"a":1} x')), 'not valid JSON');
    expectSt(() => readSafetensors(build('[1,2]')), "starting with '{'");
    expectSt(() => readSafetensors(build('null    ')), "starting with '{'");
    expectSt(() => readSafetensors(build('\ufeff{}')), "starting with '{'");
    expectSt(() => readSafetensors('nope' as unknown as Uint8Array), 'Uint8Array');
  });

  it('entries missing fields or with wrong types', () => {
    expectSt(() => readSafetensors(buildJson({ a: 5 })), 'expected an object with dtype');
    expectSt(() => readSafetensors(buildJson({ a: [1] })), 'expected an object');
    expectSt(() => readSafetensors(entry({ shape: [2], data_offsets: [0, 8] })), 'missing "dtype"');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', data_offsets: [0, 8] })), 'missing "shape"');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: [2] })), 'missing "data_offsets"');
    expectSt(() => readSafetensors(entry({ dtype: 5, shape: [2], data_offsets: [0, 8] })), '"dtype" must be a string');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: 2, data_offsets: [0, 8] })), '"shape" must be an array');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: [-2], data_offsets: [0, 8] })), 'dimension 0 must be a non-negative integer');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: [1, 1.5], data_offsets: [0, 8] })), 'dimension 1');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: ['2'], data_offsets: [0, 8] })), 'non-negative integer');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: [1e300], data_offsets: [0, 8] })), 'non-negative integer');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: [2], data_offsets: 8 })), '[begin, end]');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: [2], data_offsets: [0, 4, 8] })), '[begin, end]');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: [2], data_offsets: [0, 8.5] })), '[begin, end]');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: [2], data_offsets: [-8, 0] })), '[begin, end]');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: [2], data_offsets: ['0', '8'] })), '[begin, end]');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: [0], data_offsets: [8, 0] })), 'begin > end');
    expectSt(() => readSafetensors(buildJson({ '': { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, d8)), 'non-empty');
  });

  it('unknown and unsupported dtypes', () => {
    expectSt(() => readSafetensors(entry({ dtype: 'F33', shape: [2], data_offsets: [0, 8] })), 'unknown dtype "F33"');
    expectSt(() => readSafetensors(entry({ dtype: 'constructor', shape: [2], data_offsets: [0, 8] })), 'unknown dtype');
    expectSt(() => readSafetensors(buildJson({ a: { dtype: 'U64', shape: [1], data_offsets: [0, 8] } }, d8)), 'dtype U64 is not supported');
    expectSt(() => readSafetensors(buildJson({ a: { dtype: 'F8_E4M3', shape: [8], data_offsets: [0, 8] } }, d8)), 'F8_E4M3 is not supported');
  });

  it('byte length not matching shape × itemsize, and size overflow', () => {
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: [3], data_offsets: [0, 8] })), 'needs 3 × 4 = 12 bytes');
    expectSt(() => readSafetensors(entry({ dtype: 'F64', shape: [2], data_offsets: [0, 8] })), 'span 8 bytes');
    expectSt(() => readSafetensors(entry({ dtype: 'F32', shape: [2 ** 26, 2 ** 26, 2 ** 26], data_offsets: [0, 8] })), 'overflows');
    expectSt(() => readSafetensors(entry({ dtype: 'F64', shape: [2 ** 52], data_offsets: [0, 8] })), 'overflows');
  });

  it('offsets out of bounds (data truncated)', () => {
    const full = buildJson(ok(), d8);
    expectSt(() => readSafetensors(full.subarray(0, full.length - 1)), 'run past the end of the data buffer, which has 7 bytes');
    expectSt(() => readSafetensors(buildJson(ok(), [])), 'file truncated');
  });

  it('overlapping tensors, gaps and trailing bytes', () => {
    const two = (b: [number, number], c: [number, number], data: number[]): Uint8Array =>
      buildJson({ b: { dtype: 'F32', shape: [1], data_offsets: b }, c: { dtype: 'F32', shape: [2], data_offsets: c } }, data);
    expectSt(() => readSafetensors(two([4, 8], [0, 8], f32Bytes(1, 2))), 'overlap');
    expectSt(() => readSafetensors(two([0, 4], [0, 8], f32Bytes(1, 2))), 'overlap');
    expectSt(() => readSafetensors(two([0, 4], [8, 16], f32Bytes(1, 2, 3, 4))), 'gap before tensor "c"');
    expectSt(() => readSafetensors(buildJson({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, d8)), 'bytes [0, 4) belong to no tensor');
    expectSt(() => readSafetensors(buildJson(ok(), [...d8, 0, 0])), '2 trailing bytes');
    expectSt(() => readSafetensors(buildJson({}, [1])), 'trailing');
    // a zero-size tensor inside another tensor's bytes overlaps it
    expectSt(() => readSafetensors(buildJson(ok({ z: { dtype: 'F32', shape: [0], data_offsets: [4, 4] } }), d8)), 'overlap');
    // but one on a boundary is fine
    expect(readSafetensors(buildJson(ok({ z: { dtype: 'F32', shape: [0], data_offsets: [8, 8] } }), d8)).z.shape).toEqual([0]);
  });

  it('__metadata__ not a string → string map', () => {
    expectSt(() => readSafetensors(buildJson(ok({ __metadata__: 5 }), d8)), '"__metadata__" must be an object');
    expectSt(() => readSafetensors(buildJson(ok({ __metadata__: ['a'] }), d8)), '"__metadata__" must be an object');
    expectSt(() => readSafetensorsMetadata(buildJson(ok({ __metadata__: { k: 1 } }), d8)), 'values must be strings, but "k" is number 1');
    expectSt(() => readSafetensorsMetadata(buildJson(ok({ __metadata__: { k: { x: 'y' } } }), d8)), 'values must be strings');
    expect(readSafetensorsMetadata(buildJson(ok({ __metadata__: null }), d8))).toEqual({});
    expect(readSafetensorsMetadata(buildJson(ok({ __metadata__: { k: 'v' } }), d8))).toEqual({ k: 'v' });
  });

  it('BOOL bytes other than 0/1', () => {
    expectSt(() => readSafetensors(buildJson({ m: { dtype: 'BOOL', shape: [3], data_offsets: [0, 3] } }, [1, 0, 2])), 'BOOL element 2 is byte 2');
  });

  it('writer validation', () => {
    const t = tensor([1]);
    expectSt(() => writeSafetensors({ x: t }, { k: 5 as unknown as string }), 'metadata values must be strings');
    expectSt(() => writeSafetensors({ x: t }, [] as unknown as Record<string, string>), 'metadata must be an object');
    expectSt(() => writeSafetensors({ '': t }), 'non-empty');
    expectSt(() => writeSafetensors({ __metadata__: t }), 'reserved');
    expectSt(() => writeSafetensors({ x: [1, 2] as unknown as Tensor }), 'expected a Tensor');
    expectSt(() => writeSafetensors(null as unknown as Record<string, Tensor>), 'expects an object');
    const wrong = new Tensor(new Float32Array(2), [2], { dtype: 'int32', intData: new Int32Array(3) });
    expectSt(() => writeSafetensors({ w: wrong }), 'intData has 3 values');
  });
});

/** mulberry32: a tiny seeded PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzz', () => {
  it('random mutations and truncations either parse or throw GatedError(SAFETENSORS)', () => {
    const base = buildJson({
      __metadata__: { format: 'pt', k: 'v' },
      i: { dtype: 'I64', shape: [2], data_offsets: [0, 16] },
      f: { dtype: 'F32', shape: [2, 2], data_offsets: [16, 32] },
      h: { dtype: 'F16', shape: [3], data_offsets: [32, 38] },
      b: { dtype: 'BOOL', shape: [2], data_offsets: [38, 40] },
      e: { dtype: 'BF16', shape: [0, 5], data_offsets: [40, 40] },
      s: { dtype: 'I32', shape: [], data_offsets: [40, 44] },
    }, Array.from({ length: 44 }, (_, i) => (i === 38 || i === 39 ? i & 1 : (i * 37) & 0xff)));
    expect(Object.keys(readSafetensors(base)).length).toBe(6);
    const headerEnd = 8 + Number(new DataView(base.buffer).getBigUint64(0, true));
    const jsonChars = enc.encode('0123456789{}[]":,-.e ntuFIBU');

    const rand = rng(20240607);
    const int = (n: number): number => Math.floor(rand() * n);
    let parsed = 0;
    let rejected = 0;
    for (let iter = 0; iter < 4000; iter++) {
      let bytes = base.slice();
      const ops = 1 + int(3);
      for (let k = 0; k < ops; k++) {
        const op = int(7);
        if (op === 0) bytes[int(bytes.length)] = int(256); // random byte anywhere
        else if (op === 1) bytes[8 + int(headerEnd - 8)] = jsonChars[int(jsonChars.length)]; // JSON-ish byte in header
        else if (op === 2) bytes = bytes.slice(0, int(bytes.length + 1)); // truncate
        else if (op === 3) bytes[int(8)] = int(256); // length prefix
        else if (op === 4) { // delete a run
          const at = int(bytes.length);
          const len = 1 + int(4);
          bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + len)]);
        } else if (op === 5) { // insert random bytes
          const at = int(bytes.length + 1);
          const ins = Array.from({ length: 1 + int(4) }, () => int(256));
          bytes = Uint8Array.from([...bytes.subarray(0, at), ...ins, ...bytes.subarray(at)]);
        } else { // flip one bit in the header
          const at = 8 + int(Math.max(1, Math.min(headerEnd, bytes.length) - 8));
          if (at < bytes.length) bytes[at] ^= 1 << int(8);
        }
      }
      try {
        const out = readSafetensors(bytes);
        readSafetensorsMetadata(bytes);
        for (const t of Object.values(out)) {
          expect(t).toBeInstanceOf(Tensor);
          try { void t.data; } catch (e) { expect((e as GatedError).code).toBe('DTYPE'); }
        }
        parsed++;
      } catch (e) {
        if (!(e instanceof GatedError) || e.code !== 'SAFETENSORS') {
          throw new Error(`iteration ${iter}: unexpected ${String(e)} for bytes ${Buffer.from(bytes).toString('base64')}`);
        }
        rejected++;
      }
    }
    expect(parsed + rejected).toBe(4000);
    expect(parsed).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(1000);
  });
});
