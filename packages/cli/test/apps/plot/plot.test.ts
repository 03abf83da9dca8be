// The SVG writer: ticks and number labels, scales, well-formed SVG with axes, labels and legend, lines broken where a
// point cannot be drawn (≤ 0 on a log axis), heatmap colours at the colormap's ends, empty NaN cells, figure layout,
// and the PNG writer for big heatmaps (checked with node:zlib's CRC-32 and inflate).
import { describe, expect, it } from 'vitest';
import { crc32 as zlibCrc32, inflateSync } from 'node:zlib';
import { LEVELS, colorAt, heatmap } from '../../../src/apps/plot/heatmap.js';
import { lineChart } from '../../../src/apps/plot/line.js';
import { base64, crc32, indexedPng } from '../../../src/apps/plot/png.js';
import { esc, extent, figure, fmtNum, logTicks, niceTicks, scale } from '../../../src/apps/plot/svg.js';

/** Every opened tag is closed in order (a tiny well-formedness check; no XML parser in Node). */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self) continue;
    if (close) { if (stack.pop() !== name) return false; } else stack.push(name);
  }
  return stack.length === 0 && !/&(?!amp;|lt;|gt;|quot;)/.test(svg);
}

describe('ticks and labels', () => {
  it('nice ticks are 1, 2 or 5 × 10^k steps inside the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 600)).toEqual([0, 200, 400, 600]);
    expect(niceTicks(-3, 7)).toEqual([-2, 0, 2, 4, 6]);
  });
  it('log ticks are powers of ten, thinned over many decades, 1-2-5 within one', () => {
    expect(logTicks(1e-4, 1)).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1]);
    expect(logTicks(1e-41, 10)).toEqual([1e-40, 1e-30, 1e-20, 1e-10, 1]);
    expect(logTicks(1e-12, 1)).toEqual([1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1]);
    expect(logTicks(2, 30)).toEqual([2, 5, 10, 20]);
  });
  it('formats numbers compactly', () => {
    expect(fmtNum(1e-7)).toBe('10⁻⁷');
    expect(fmtNum(0.001)).toBe('0.001');
    expect(fmtNum(12000)).toBe('12k');
    expect(fmtNum(10000)).toBe('10⁴');
    expect(fmtNum(-0.5)).toBe('−0.5');
    expect(fmtNum(0)).toBe('0');
  });
  it('scales map the data range onto pixels, log scales by decades', () => {
    const s = scale(1e-4, 1, 300, 0, true);
    expect(s.map(1e-4)).toBeCloseTo(300);
    expect(s.map(1e-2)).toBeCloseTo(150);
    expect(scale(0, 10, 0, 100).map(2.5)).toBeCloseTo(25);
    expect(extent([3e-5, 0.2, 0, -1], true)).toEqual([1e-5, 1]);
  });
  it('escapes text', () => expect(esc('a<b & "c">')).toBe('a&lt;b &amp; &quot;c&quot;&gt;'));
});

describe('lineChart', () => {
  const chart = lineChart({
    title: 'T = 50', x: { label: 'step' }, y: { label: 'MSE (log)', log: true },
    series: [{ name: 'gru', points: [[0, 1], [1, 0.1], [2, 0], [3, 0.01], [4, 0.001]] }, { name: 'rnn <tanh>', points: [[0, 1], [4, 0.5]], dashed: true }],
    refLines: [{ y: 1 / 6, label: 'baseline' }],
  });
  const svg = figure([chart], { title: 'Adding & more' });
  it('is well-formed SVG with title, axis labels, legend and reference line', () => {
    expect(wellFormed(svg)).toBe(true);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    for (const s of ['T = 50', 'step', 'MSE (log)', '>gru<', 'rnn &lt;tanh&gt;', 'baseline', 'Adding &amp; more']) expect(svg).toContain(s);
    expect(svg).toContain('stroke-dasharray="6,3"');
  });
  it('draws a dash pattern given as a string (dotted chrono lines), in the plot and its legend', () => {
    const dotted = lineChart({ title: 't', x: { label: 'x' }, y: { label: 'y' }, series: [{ name: 'gru (chrono)', points: [[0, 1], [1, 2]], dashed: '1.5,2.5' }] }).body;
    expect(dotted.match(/stroke-dasharray="1\.5,2\.5"/g)).toHaveLength(2);
    expect(dotted).not.toContain('stroke-dasharray="6,3"');
  });
  it('breaks a line at a point a log axis cannot show instead of inventing it', () => {
    const gru = [...chart.body.matchAll(/<polyline[^>]*stroke="#0072B2"[^>]*points="([^"]*)"/g)].map((m) => m[1].split(' ').length);
    expect(gru).toEqual([2, 2]); // (0,1)-(1,0.1) and (3,0.01)-(4,0.001): the 0 at step 2 splits the line
  });
});

describe('heatmap', () => {
  it('uses the colormap ends and leaves NaN cells empty', () => {
    expect(colorAt('viridis', 0)).toBe('#440154');
    expect(colorAt('viridis', 1)).toBe('#fde725');
    expect(colorAt('viridis', 2)).toBe('#fde725');
    expect(colorAt('diverging', 0.5)).toBe('#f7f7f7');
    const p = heatmap({ values: [[0, 1, NaN, 1, 1], [0.5, NaN, 0.25, 0.25, 0.5]], colLabels: ['a', ' ', 'c', 'd', 'e'], rowLabels: ['z', 'r'], min: 0, max: 1, colorbarLabel: 'gate (0–1)' });
    // one path per colour level; each cell a 10 × 10 square "M x y h10 v10 h-10 z"
    const cells = [...p.body.matchAll(/<path fill="(#[0-9a-f]{6})" d="([^"]*)"/g)].flatMap((m) => m[2].split('z').filter(Boolean).map((c) => `${m[1]} ${c}z`));
    const at = (u: number) => colorAt('viridis', Math.round(u * (LEVELS - 1)) / (LEVELS - 1));
    // runs of equal cells in a row are one rectangle (1, 1 in row 0; 0.25, 0.25 in row 1)
    expect(cells.sort()).toEqual([`${at(0)} M64 6h10v10h-10z`, `${at(1)} M74 6h10v10h-10z`, `${at(1)} M94 6h20v10h-20z`,
      `${at(0.5)} M64 16h10v10h-10z`, `${at(0.25)} M84 16h20v10h-20z`, `${at(0.5)} M104 16h10v10h-10z`].sort());
    expect(p.body).toContain('␣');
    expect(p.body).toContain('gate (0–1)');
    expect(wellFormed(figure([p]))).toBe(true);
  });
});

describe('indexedPng', () => {
  it('writes a valid PNG: signature, chunk CRCs (checked with node:zlib), inflatable scanlines, palette', () => {
    const W = 5, H = 3, index = Uint8Array.from({ length: W * H }, (_, i) => i % 3), palette = ['#ff0000', '#00ff00', '#0000ff'];
    const png = indexedPng(W, H, index, palette), dv = new DataView(png.buffer);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const chunks: Record<string, Uint8Array> = {};
    for (let o = 8; o < png.length;) {
      const len = dv.getUint32(o), type = String.fromCharCode(...png.subarray(o + 4, o + 8)), data = png.subarray(o + 8, o + 8 + len);
      expect(dv.getUint32(o + 8 + len), `${type} CRC`).toBe(zlibCrc32(png.subarray(o + 4, o + 8 + len)));
      chunks[type] = data;
      o += 12 + len;
    }
    expect(Object.keys(chunks)).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
    expect([...chunks.IHDR]).toEqual([0, 0, 0, W, 0, 0, 0, H, 8, 3, 0, 0, 0]);
    expect([...chunks.PLTE]).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255]);
    const raw = inflateSync(chunks.IDAT); // also checks the zlib header and Adler-32
    for (let y = 0; y < H; y++) {
      expect(raw[y * (W + 1)]).toBe(0); // filter: none
      expect([...raw.subarray(y * (W + 1) + 1, (y + 1) * (W + 1))]).toEqual([...index.subarray(y * W, (y + 1) * W)]);
    }
    expect(crc32(png, 12, 29)).toBe(zlibCrc32(png.subarray(12, 29)));
  });
  it('splits big images into several stored blocks and is base64-encoded for data URIs', () => {
    const W = 300, H = 300, index = Uint8Array.from({ length: W * H }, (_, i) => (i * 7) % 64);
    const png = indexedPng(W, H, index, Array.from({ length: 64 }, (_, i) => colorAt('viridis', i / 63)));
    const b64 = base64(png);
    expect(Buffer.from(b64, 'base64').equals(Buffer.from(png))).toBe(true);
    expect(() => indexedPng(2, 2, new Uint8Array(3), ['#000000'])).toThrow(/indexedPng: need/);
  });
  it('big heatmap blocks are embedded as a PNG image', () => {
    const values = Array.from({ length: 40 }, (_, r) => Array.from({ length: 50 }, (_, c) => ((r * c) % 10) / 10));
    const p = heatmap({ values, min: 0, max: 1, colorbarLabel: 'x' });
    expect(p.body).toMatch(/<image x="8" y="6" width="500" height="400" preserveAspectRatio="none"[^>]*href="data:image\/png;base64,/);
    expect(p.body).not.toContain('<path fill');
  });
});
