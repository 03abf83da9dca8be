// Hostile files: thousands of mutated .onnx and model.json files (seeded, so failures reproduce). Each must load
// and run, or fail with a GatedError — never another exception, a hang or an unbounded allocation (limits are
// lowered so a mutated shape cannot make a test allocate gigabytes).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GatedError } from '../../../src/errors.js';
import { loadOnnx, type OnnxFeed } from '../../../src/io/onnx/import.js';
import { onnxToStack } from '../../../src/io/onnx/lift.js';
import { decodeTensor, tensorToVal } from '../../../src/io/onnx/proto.js';
import { loadTfjs } from '../../../src/io/tfjs/import.js';
import { Rng } from '../../../src/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';

const FX = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const LIMITS = { maxElements: 1 << 20, maxWork: 1e8 };
/** FUZZ_N=20000 FUZZ_SEED=1 npx vitest run test/io/onnx/fuzz.test.ts for a longer run with other mutations. */
const N = Number(process.env.FUZZ_N ?? 10_000);

interface Seed { bytes: Uint8Array; feeds: Record<string, OnnxFeed> }
function seeds(): Seed[] {
  const out: Seed[] = [];
  const node = join(FX, 'onnx/node');
  for (const name of readdirSync(node)) {
    const bytes = new Uint8Array(readFileSync(join(node, name, 'model.onnx'))), m = loadOnnx(bytes), dir = join(node, name, 'test_data_set_0');
    const feeds: Record<string, OnnxFeed> = {};
    m.inputs.forEach((inp, i) => {
      try {
        const v = tensorToVal(decodeTensor(new Uint8Array(readFileSync(join(dir, `input_${i}.pb`)))), inp.name);
        feeds[inp.name] = v.type === 'float' ? new Tensor(v.data as Float32Array, v.shape) : { data: v.data, shape: v.shape };
      } catch { /* optional input without data */ }
    });
    out.push({ bytes, feeds });
  }
  for (const name of ['emb_gru_linear', 'emb_lstm_bidir_layers2', 'gru_h0_layers2_layernorm']) {
    const bytes = new Uint8Array(readFileSync(join(FX, `onnx/torch/${name}.onnx`))), m = loadOnnx(bytes);
    const T = 3, B = 2, feeds: Record<string, OnnxFeed> = {};
    for (const inp of m.inputs) {
      if (inp.type === 'int64') feeds[inp.name] = { data: new Int32Array(T * B).fill(1), shape: [T, B] };
      else feeds[inp.name] = new Tensor(new Float32Array(inp.shape!.map((d, i) => (typeof d === 'number' ? d : i === 0 ? (inp.name === 'h0' ? 2 : T) : B)).reduce((a, b) => a * b, 1)).fill(0.5), inp.shape!.map((d, i) => (typeof d === 'number' ? d : i === 0 ? (inp.name === 'h0' ? 2 : T) : B)));
    }
    out.push({ bytes, feeds });
  }
  return out;
}

function mutate(src: Uint8Array, rng: Rng): Uint8Array {
  const b = src.slice(), n = 1 + Math.floor(rng.next() * 4);
  let out = b;
  for (let k = 0; k < n; k++) {
    const r = rng.next(), at = Math.floor(rng.next() * out.length);
    if (r < 0.45) out[at] = Math.floor(rng.next() * 256);                                   // random byte
    else if (r < 0.6) out[at] ^= 1 << Math.floor(rng.next() * 8);                            // bit flip
    else if (r < 0.7) out[at] = [0, 1, 0x7f, 0x80, 0xff][Math.floor(rng.next() * 5)];        // varint edge
    else if (r < 0.8) out = out.subarray(0, at);                                             // truncation
    else if (r < 0.9) { const c = new Uint8Array(out.length + 4); c.set(out.subarray(0, at)); c.set([0xff, 0xff, 0xff, 0x0f], at); c.set(out.subarray(at), at + 4); out = c; } // huge length
    else { const len = Math.floor(rng.next() * 16), c = new Uint8Array(out.length - Math.min(len, out.length - at)); c.set(out.subarray(0, at)); c.set(out.subarray(at + len), at); out = c; } // deletion
  }
  return out;
}

const onlyGatedErrors = (fn: () => void, what: string): 'ok' | 'error' => {
  try { fn(); return 'ok'; } catch (e) {
    if (!(e instanceof GatedError)) throw new Error(`${what}: threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}\n${(e as Error)?.stack?.split("\n").slice(1, 4).join("\n")}`);
    return 'error';
  }
};

describe('fuzzing the parsers', { timeout: 60_000 }, () => {
  it(`${N} mutated .onnx files: each loads and runs, or throws a GatedError`, () => {
    const ss = seeds(), rng = new Rng(Number(process.env.FUZZ_SEED ?? 20261122)), counts = { ok: 0, error: 0 };
    let slowest = 0;
    for (let i = 0; i < N; i++) {
      const s = ss[i % ss.length], bytes = mutate(s.bytes, rng), t0 = performance.now();
      counts[onlyGatedErrors(() => {
        const m = loadOnnx(bytes, LIMITS);
        m.run(s.feeds);
        if (i % 10 === 0) onnxToStack(m);
      }, `mutation ${i} of seed ${i % ss.length}`)]++;
      slowest = Math.max(slowest, performance.now() - t0);
    }
    console.log(`onnx fuzz: ${counts.ok} ran, ${counts.error} typed errors, slowest ${slowest.toFixed(0)} ms`);
    expect(counts.ok + counts.error).toBe(N);
    expect(counts.error).toBeGreaterThan(N / 10);   // the mutations do break files
    expect(slowest).toBeLessThan(5000);          // no hang
  });

  it(`${N} mutated TF.js model.json files and shards: each loads or throws a GatedError`, () => {
    const dir = join(FX, 'tfjs/keras_gru_reset_after'), base = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const shard = new Uint8Array(readFileSync(join(dir, 'group1-shard1of1.bin'))), rng = new Rng(Number(process.env.FUZZ_SEED ?? 7)), counts = { ok: 0, error: 0 };
    const junk = (): unknown => [null, -1, 0, 1e9, 2.5, '', '../x', 'hard_sigmoid', 'GRU', [], [-1], [1e6, 1e6], {}, { class_name: 'GRU', config: {} }, true, '__proto__'][Math.floor(rng.next() * 16)];
    for (let i = 0; i < N; i++) {
      const j = structuredClone(base);
      // walk to a random node of the JSON tree and replace or delete it
      for (let k = 0; k < 1 + Math.floor(rng.next() * 3); k++) {
        let node: Record<string, unknown> = j, key: string | null = null;
        for (let depth = 0; depth < 8; depth++) {
          const keys = Object.keys(node);
          if (!keys.length) break;
          key = keys[Math.floor(rng.next() * keys.length)];
          const next = node[key];
          if (next && typeof next === 'object' && rng.next() < 0.8) node = next as Record<string, unknown>; else break;
        }
        if (key === null) continue;
        if (rng.next() < 0.2) delete node[key]; else node[key] = junk();
      }
      const text = rng.next() < 0.1 ? JSON.stringify(j).slice(0, Math.floor(rng.next() * 4000)) : JSON.stringify(j);
      const sh = rng.next() < 0.2 ? mutate(shard, rng) : shard;
      counts[onlyGatedErrors(() => loadTfjs(text, { 'group1-shard1of1.bin': sh }).forward(new Tensor(new Float32Array(6).fill(1), [1, 6])), `model.json mutation ${i}`)]++;
    }
    console.log(`model.json fuzz: ${counts.ok} ran, ${counts.error} typed errors`);
    expect(counts.error).toBeGreaterThan(200);
  });
});
