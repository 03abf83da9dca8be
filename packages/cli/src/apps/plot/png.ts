// A minimal PNG writer for heatmaps embedded in SVG: 8-bit indexed colour (a palette of up to 256 colours), one byte a
// pixel, zlib "stored" (uncompressed) blocks — no compressor needed, so it runs unchanged in browsers. A 128 × 200
// heatmap is ~26 kB of PNG instead of ~900 kB of SVG rectangles.
import { GatedError } from 'gated';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1, b = 0;
  for (let i = 0; i < bytes.length; i++) { a = (a + bytes[i]) % 65521; b = (b + a) % 65521; }
  return ((b << 16) | a) >>> 0;
}

/** zlib stream of `data` in stored blocks of at most 65535 bytes. */
function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + data.length + 5 * blocks + 4);
  out[0] = 0x78; out[1] = 0x01; // deflate, 32 K window, no dictionary, fastest
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const s = b * 65535, n = Math.min(65535, data.length - s);
    out[o++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE = 00 (stored)
    out[o++] = n & 0xff; out[o++] = n >>> 8; out[o++] = ~n & 0xff; out[o++] = (~n >>> 8) & 0xff;
    out.set(data.subarray(s, s + n), o); o += n;
  }
  new DataView(out.buffer).setUint32(o, adler32(data));
  return out;
}

/**
 * PNG bytes of a width × height image whose pixel (x, y) is palette[index[y·width + x]].
 * palette: "#rrggbb" strings (at most 256).
 */
export function indexedPng(width: number, height: number, index: Uint8Array, palette: readonly string[]): Uint8Array {
  if (!(width >= 1 && height >= 1 && index.length === width * height && palette.length >= 1 && palette.length <= 256)) {
    throw new GatedError('INVALID_ARGUMENT', `indexedPng: need width, height ≥ 1, ${width * height} indices and 1–256 colours, got ${width} × ${height}, ${index.length} indices, ${palette.length} colours`);
  }
  const raw = new Uint8Array(height * (width + 1)); // each scanline: filter byte 0, then the indices
  for (let y = 0; y < height; y++) raw.set(index.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const plte = new Uint8Array(palette.length * 3);
  palette.forEach((c, i) => { for (let k = 0; k < 3; k++) plte[i * 3 + k] = parseInt(c.slice(1 + 2 * k, 3 + 2 * k), 16); });
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width); v.setUint32(4, height);
  ihdr.set([8, 3, 0, 0, 0], 8); // bit depth 8, colour type 3 (indexed), deflate, filter 0, no interlace
  const chunks: [string, Uint8Array][] = [['IHDR', ihdr], ['PLTE', plte], ['IDAT', zlibStored(raw)], ['IEND', new Uint8Array(0)]];
  const size = 8 + chunks.reduce((n, [, d]) => n + 12 + d.length, 0);
  const out = new Uint8Array(size), dv = new DataView(out.buffer);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let o = 8;
  for (const [type, data] of chunks) {
    dv.setUint32(o, data.length);
    for (let k = 0; k < 4; k++) out[o + 4 + k] = type.charCodeAt(k);
    out.set(data, o + 8);
    dv.setUint32(o + 8 + data.length, crc32(out, o + 4, o + 8 + data.length));
    o += 12 + data.length;
  }
  return out;
}

/** Base64 of bytes (browser and Node: btoa). */
export function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
