// Parity of GRU / LSTM / RNN layers and GRUCell / LSTMCell / RNNCell with PyTorch.
// Fixtures: test/fixtures/recurrent/*.safetensors, written by test/generators/recurrent.py (see test/generators/README.md).
// Each fixture holds parameters (PyTorch names), inputs, upstream gradients (gy, ghn, gcn), PyTorch's outputs and
// every gradient of  L = Σ output·gy + Σ h_n·ghn (+ Σ c_n·gcn)  — for cells  L = Σ_t h_t·gy_t (+ Σ c_T·gcn).
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell, concat, readSafetensors, Tensor } from '../../src/index.js';

const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'recurrent');

interface FixtureConfig {
  mode: 'GRU' | 'LSTM' | 'RNN_TANH' | 'RNN_RELU' | 'GRUCell' | 'LSTMCell' | 'RNNCell';
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bias: boolean;
  batchFirst: boolean;
  bidirectional: boolean;
  projSize: number;
  resetAfter: boolean;
  nonlinearity: 'tanh' | 'relu';
  unbatched: boolean;
  cell?: boolean;
  tol: { atol: number; rtol: number };
  float64Drift?: number;
}

/** Keys of a fixture that are not parameters. */
const NON_PARAM = new Set(['x', 'h0', 'c0', 'lengths', 'gy', 'ghn', 'gcn', 'output', 'h_n', 'c_n']);

interface Header {
  [name: string]: { dtype: string; shape: number[]; data_offsets: [number, number] } | Record<string, string>;
}

/** Parses the safetensors header ourselves (metadata + integer tensors), independent of the library's reader. */
function parseHeader(bytes: Uint8Array): { header: Header; dataStart: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Header;
  return { header, dataStart: 8 + n };
}

function readConfig(bytes: Uint8Array): FixtureConfig {
  const meta = parseHeader(bytes).header.__metadata__ as Record<string, string> | undefined;
  if (!meta?.config) throw new Error('fixture has no __metadata__.config');
  return JSON.parse(meta.config) as FixtureConfig;
}

function readLengths(bytes: Uint8Array): number[] | undefined {
  const { header, dataStart } = parseHeader(bytes);
  const info = header.lengths as { dtype: string; shape: number[]; data_offsets: [number, number] } | undefined;
  if (!info) return undefined;
  if (info.dtype !== 'I64') throw new Error(`lengths must be I64, got ${info.dtype}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let o = dataStart + info.data_offsets[0]; o < dataStart + info.data_offsets[1]; o += 8) {
    out.push(Number(view.getBigInt64(o, true)));
  }
  return out;
}

const fmtIndex = (i: number, shape?: readonly number[]): string => {
  if (!shape || shape.length === 0) return `${i}`;
  const idx: number[] = [];
  let r = i;
  for (let d = shape.length - 1; d >= 0; d--) { idx.unshift(r % shape[d]); r = Math.floor(r / shape[d]); }
  return `${i} [${idx.join(', ')}]`;
};

/**
 * Checks |actual − expected| ≤ atol + rtol·|expected| elementwise. Returns null when close, else a message with
 * the max abs diff, the max rel diff and the element where the worst violation of the bound occurs.
 */
function closeMessage(name: string, actual: Float32Array | undefined | null, expected: Float32Array,
  atol: number, rtol: number, shape?: readonly number[]): string | null {
  if (!actual) return `${name}: missing (expected ${expected.length} values)`;
  if (actual.length !== expected.length) return `${name}: length ${actual.length}, expected ${expected.length}`;
  let maxAbs = 0, maxAbsAt = -1, maxRel = 0, maxRelAt = -1, worst = -Infinity, worstAt = -1, bad = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    const d = Math.abs(a - e);
    const excess = Number.isNaN(d) ? Infinity : d - (atol + rtol * Math.abs(e));
    if (excess > 0) bad++;
    if (excess > worst) { worst = excess; worstAt = i; }
    if (d > maxAbs || Number.isNaN(d)) { maxAbs = d; maxAbsAt = i; }
    const rel = d / Math.max(Math.abs(e), 1e-30);
    if (rel > maxRel || Number.isNaN(rel)) { maxRel = rel; maxRelAt = i; }
  }
  if (bad === 0) return null;
  return `${name}: ${bad}/${expected.length} elements out of tolerance (atol ${atol}, rtol ${rtol}); `
    + `max abs diff ${maxAbs.toExponential(3)} at ${fmtIndex(maxAbsAt, shape)}, `
    + `max rel diff ${maxRel.toExponential(3)} at ${fmtIndex(maxRelAt, shape)}, `
    + `worst violation at ${fmtIndex(worstAt, shape)}: actual ${actual[worstAt]} vs expected ${expected[worstAt]}`;
}

/** Throws (with the diagnostics of closeMessage) unless `actual` is close to `expected`. */
function expectClose(name: string, actual: Float32Array, expected: Float32Array, atol: number, rtol: number,
  shape?: readonly number[]): void {
  const msg = closeMessage(name, actual, expected, atol, rtol, shape);
  if (msg !== null) throw new Error(msg);
}

/** Collects every mismatch of one case, so that a failing case reports all of its tensors at once. */
class Checker {
  readonly failures: string[] = [];
  constructor(private readonly fx: Record<string, Tensor>, private readonly tol: { atol: number; rtol: number }) {}

  tensor(name: string, key: string, actual: Tensor | null | undefined): void {
    const ref = this.fx[key];
    if (!ref) { this.failures.push(`fixture lacks '${key}'`); return; }
    if (!actual) { this.failures.push(`${name}: missing (null/undefined)`); return; }
    if (actual.shape.length !== ref.shape.length || actual.shape.some((d, i) => d !== ref.shape[i])) {
      this.failures.push(`${name}: shape [${actual.shape.join(', ')}], expected [${ref.shape.join(', ')}]`);
      return;
    }
    try {
      expectClose(name, actual.data, ref.data, this.tol.atol, this.tol.rtol, ref.shape);
    } catch (e) {
      this.failures.push((e as Error).message);
    }
  }

  grad(name: string, key: string, leaf: Tensor | undefined): void {
    if (!leaf) { this.failures.push(`${name}: no such tensor`); return; }
    if (leaf.grad === null) { this.failures.push(`${name}: .grad is null (expected a gradient, zeros included)`); return; }
    this.tensor(name, key, leaf.grad);
  }

  params(named: Iterable<[string, Tensor]>, expectedNames: string[]): void {
    const list = [...named];
    const got = list.map(([n]) => n).sort();
    const want = [...expectedNames].sort();
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      this.failures.push(`namedParameters names [${got.join(', ')}] != fixture params [${want.join(', ')}]`);
    }
    for (const [n, p] of list) if (this.fx[`grad.${n}`]) this.grad(`grad.${n}`, `grad.${n}`, p);
  }

  done(): void {
    if (this.failures.length) throw new Error(`${this.failures.length} mismatch(es):\n  ${this.failures.join('\n  ')}`);
  }
}

interface Loaded { cfg: FixtureConfig; fx: Record<string, Tensor>; params: Record<string, Tensor>; lengths?: number[] }

function load(file: string): Loaded {
  const bytes = new Uint8Array(readFileSync(join(FIXTURE_DIR, file))); // own ArrayBuffer, offset 0
  const cfg = readConfig(bytes);
  const fx = readSafetensors(bytes);
  const params: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(fx)) if (!NON_PARAM.has(k) && !k.startsWith('grad.')) params[k] = v;
  return { cfg, fx, params, lengths: readLengths(bytes) };
}

interface LayerRun { output: Tensor; h: Tensor; c?: Tensor; named: Iterable<[string, Tensor]> }

function runLayer({ cfg, fx, params, lengths }: Loaded): LayerRun {
  const common = {
    inputSize: cfg.inputSize, hiddenSize: cfg.hiddenSize, numLayers: cfg.numLayers, bias: cfg.bias,
    batchFirst: cfg.batchFirst, bidirectional: cfg.bidirectional,
  };
  const x = fx.x;
  const h0 = fx.h0;
  const c0 = fx.c0;
  x.requiresGrad = true;
  if (h0) h0.requiresGrad = true;
  if (c0) c0.requiresGrad = true;
  if (cfg.mode === 'GRU') {
    const m = new GRU({ ...common, resetAfter: cfg.resetAfter });
    m.loadStateDict(params);
    const r = m.forward(x, { h0, lengths });
    return { output: r.output, h: r.h, named: m.namedParameters() };
  }
  if (cfg.mode === 'LSTM') {
    const m = new LSTM({ ...common, projSize: cfg.projSize });
    m.loadStateDict(params);
    const r = m.forward(x, { h0, c0, lengths });
    return { output: r.output, h: r.h, c: r.c, named: m.namedParameters() };
  }
  const m = new RNN({ ...common, nonlinearity: cfg.mode === 'RNN_RELU' ? 'relu' : 'tanh' });
  m.loadStateDict(params);
  const r = m.forward(x, { h0, lengths });
  return { output: r.output, h: r.h, named: m.namedParameters() };
}

/** Runs a cell over x [T, B, I] step by step; output = stack of h_t [T, B, H]. */
function runCell({ cfg, fx, params }: Loaded): LayerRun {
  const x = fx.x;
  const [T, B, I] = x.shape;
  const H = cfg.hiddenSize;
  x.requiresGrad = true;
  if (fx.h0) fx.h0.requiresGrad = true;
  if (fx.c0) fx.c0.requiresGrad = true;
  const hs: Tensor[] = [];
  const step = (t: number): Tensor => x.slice(0, t, t + 1).reshape([B, I]);
  let c: Tensor | undefined;
  let named: Iterable<[string, Tensor]>;
  if (cfg.mode === 'LSTMCell') {
    const cell = new LSTMCell({ inputSize: cfg.inputSize, hiddenSize: H, bias: cfg.bias });
    cell.loadStateDict(params);
    let st: { h: Tensor; c: Tensor } | undefined = fx.h0 ? { h: fx.h0, c: fx.c0 } : undefined;
    for (let t = 0; t < T; t++) { st = cell.forward(step(t), st); hs.push(st.h); }
    c = st?.c;
    named = cell.namedParameters();
  } else {
    const cell = cfg.mode === 'GRUCell'
      ? new GRUCell({ inputSize: cfg.inputSize, hiddenSize: H, bias: cfg.bias })
      : new RNNCell({ inputSize: cfg.inputSize, hiddenSize: H, bias: cfg.bias, nonlinearity: cfg.nonlinearity });
    cell.loadStateDict(params);
    let h: Tensor | undefined = fx.h0;
    for (let t = 0; t < T; t++) { h = cell.forward(step(t), h); hs.push(h); }
    named = cell.namedParameters();
  }
  const output = concat(hs.map((h) => h.reshape([1, B, H])), 0);
  return { output, h: hs[hs.length - 1], c, named };
}

const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.safetensors')).sort();

describe('recurrent parity with PyTorch', () => {
  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of files) {
    it(file.replace(/\.safetensors$/, ''), () => {
      const loaded = load(file);
      const { cfg, fx, params } = loaded;
      const isCell = cfg.cell === true || cfg.mode.endsWith('Cell');
      const r = isCell ? runCell(loaded) : runLayer(loaded);
      const chk = new Checker(fx, cfg.tol);

      // forward
      chk.tensor('output', 'output', r.output);
      chk.tensor('h_n', 'h_n', r.h);
      if (fx.c_n) chk.tensor('c_n', 'c_n', r.c);

      // backward
      let loss = r.output.mul(fx.gy).sum();
      if (!isCell) loss = loss.add(r.h.mul(fx.ghn).sum());
      if (fx.gcn) {
        if (!r.c) throw new Error('fixture has gcn but the module returned no c');
        loss = loss.add(r.c.mul(fx.gcn).sum());
      }
      loss.backward();

      chk.grad('grad.x', 'grad.x', fx.x);
      if (fx.h0) chk.grad('grad.h0', 'grad.h0', fx.h0);
      if (fx.c0) chk.grad('grad.c0', 'grad.c0', fx.c0);
      chk.params(r.named, Object.keys(params));
      chk.done();
    });
  }
});
