// Fuzzing the loaders users feed files from the internet: safetensors, and a whole model directory
// (model.safetensors + config.json + optimizer.safetensors + state.json) through decodeModelDir → loadCharLM.
// Property-based (fast-check) byte mutations of valid seed files plus structured hostile JSON; the only error
// allowed is a GatedError, and nothing decoded may be larger than 4× its file. FUZZ_RUNS scales it (npm run fuzz).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GatedError, Tensor, readSafetensors, writeSafetensors } from '../../src/index.js';
import { decodeModelDir, encodeModelDir, type Files } from '../../src/io/checkpoint.js';
import { loadCharLM, trainCharLM, type LMConfig } from '../../src/models/charlm-train.js';
import { loadTfjs } from '../../src/io/tfjs/import.js';
import { readFileSync } from 'node:fs';

const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);

/** A byte-level mutation: flip, overwrite, insert, delete or truncate at arbitrary positions. */
const mutation = fc.array(fc.record({
  kind: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate'),
  pos: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), len: fc.integer({ min: 1, max: 16 }),
}), { minLength: 1, maxLength: 4 });

function mutate(src: Uint8Array, ops: { kind: string; pos: number; byte: number; len: number }[]): Uint8Array {
  let b = Array.from(src);
  for (const op of ops) {
    const p = b.length ? op.pos % b.length : 0;
    if (op.kind === 'flip') b[p] ^= 1 << (op.byte % 8);
    else if (op.kind === 'set') b[p] = op.byte;
    else if (op.kind === 'insert') b.splice(p, 0, ...Array<number>(op.len).fill(op.byte));
    else if (op.kind === 'delete') b.splice(p, op.len);
    else b = b.slice(0, p);
  }
  return Uint8Array.from(b);
}

/** Runs `f`; anything thrown must be a GatedError. Returns the result or null. */
function onlyGatedErrors<T>(f: () => T): T | null {
  try { return f(); } catch (e) {
    if (!(e instanceof GatedError)) throw new Error(`non-GatedError thrown: ${(e as Error)?.stack ?? String(e)}`);
    return null;
  }
}

const totalBytes = (ts: Record<string, Tensor>) => Object.values(ts).reduce((n, t) => n + 4 * t.size + (t.intData?.byteLength ?? 0), 0);

describe('fuzzing', () => {
  it(`safetensors: ${RUNS} mutated files give a result or a GatedError, never more than 4× the file`, () => {
    const seed = writeSafetensors({
      a: new Tensor(Float32Array.from({ length: 12 }, (_, i) => i / 3), [3, 4]),
      b: new Tensor(new Float32Array(5).fill(-1), [5]),
      n: new Tensor(Float32Array.of(7, 8), [2], { dtype: 'int64', intData: BigInt64Array.of(7n, 8n) }),
    }, { note: 'seed' });
    let parsed = 0;
    fc.assert(fc.property(mutation, (ops) => {
      const bytes = mutate(seed, ops);
      const r = onlyGatedErrors(() => readSafetensors(bytes));
      if (r) { parsed++; expect(totalBytes(r)).toBeLessThanOrEqual(4 * bytes.length + 64); }
    }), { numRuns: RUNS, seed: 42 });
    console.log(`safetensors fuzz: ${parsed} parsed, ${RUNS - parsed} typed errors`);
    expect(parsed).toBeGreaterThan(0);
  }, 120_000);

  describe('model directory', () => {
    const { dir } = trainCharLM({ kind: 'lines', lines: ['abc', 'bca', 'cab', 'aab', 'bbc', 'cca'], source: 'toy' },
      { hidden: 3, layers: 1, embed: 2, epochs: 1, batch: 2, valFraction: 0.34 });
    const files = encodeModelDir(dir);
    const load = (f: Files) => loadCharLM(decodeModelDir<LMConfig>(f));
    const fileNames = Object.keys(files).sort();

    it(`${RUNS} mutated model directories load or fail with a GatedError`, () => {
      let loaded = 0;
      fc.assert(fc.property(fc.constantFrom(...fileNames), mutation, (name, ops) => {
        const bytes = mutate(files[name], ops);
        if (onlyGatedErrors(() => load({ ...files, [name]: bytes }))) loaded++;
      }), { numRuns: RUNS, seed: 7 });
      console.log(`model directory fuzz: ${loaded} loaded, ${RUNS - loaded} typed errors`);
    }, 120_000);

    it(`${Math.ceil(RUNS / 5)} mutated checkpoints resume or fail with a GatedError`, () => {
      const data = { kind: 'lines' as const, lines: ['abc', 'bca', 'cab', 'aab', 'bbc', 'cca'], source: 'toy' };
      let resumed = 0;
      fc.assert(fc.property(fc.constantFrom(...fileNames), mutation, (name, ops) => {
        const f = { ...files, [name]: mutate(files[name], ops) };
        if (onlyGatedErrors(() => trainCharLM(data, {}, { resume: decodeModelDir<LMConfig>(f) }))) resumed++;
      }), { numRuns: Math.ceil(RUNS / 5), seed: 11 });
      console.log(`resume fuzz: ${resumed} resumed, ${Math.ceil(RUNS / 5) - resumed} typed errors`);
    }, 120_000);

    it('hostile config.json values are FORMAT errors before anything is allocated', () => {
      const base = JSON.parse(new TextDecoder().decode(files['config.json']));
      const hostile: [string, unknown][] = [
        ['model.hidden', 1e9], ['model.hidden', -1], ['model.hidden', '64'], ['model.layers', 1e6], ['model.vocabSize', 2 ** 40],
        ['model.cell', 'transformer'], ['model.dropout', NaN], ['vocab', 'abc'], ['vocab', ['ab', 'c']], ['vocab', ['a', 'a', 'b']],
        ['format', 'pytorch'], ['model', null], ['data', { kind: '../../etc' }],
      ];
      for (const [path, value] of hostile) {
        const c = structuredClone(base);
        const keys = path.split('.');
        let o = c;
        for (const k of keys.slice(0, -1)) o = o[k];
        o[keys[keys.length - 1]] = value;
        const f = { ...files, 'config.json': new TextEncoder().encode(JSON.stringify(c)) };
        expect(() => load(f), `${path} = ${JSON.stringify(value)}`).toThrowError(GatedError);
      }
      const polluted = new TextEncoder().encode(JSON.stringify(base).replace('{', '{"__proto__":{"polluted":true},'));
      onlyGatedErrors(() => load({ ...files, 'config.json': polluted }));
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
      const deep = new TextEncoder().encode('['.repeat(100_000) + ']'.repeat(100_000));
      expect(() => load({ ...files, 'config.json': deep })).toThrowError(GatedError);
    });
  });

  it('TF.js weight shards cannot name paths outside the model directory', () => {
    const dir = new URL('../fixtures/tfjs/keras_gru_reset_after/', import.meta.url);
    const model = JSON.parse(readFileSync(new URL('model.json', dir), 'utf8'));
    const shard = new Uint8Array(readFileSync(new URL('group1-shard1of1.bin', dir)));
    for (const evil of ['../../x.bin', '/etc/passwd', 'https://example.com/w.bin', '..\\w.bin', 'a/../../b.bin']) {
      const m = structuredClone(model);
      m.weightsManifest[0].paths = [evil];
      let read = '';
      expect(() => loadTfjs(JSON.stringify(m), (p: string) => { read = p; return shard; }), evil).toThrowError(GatedError);
      expect(read, `${evil} must be rejected before it is read`).toBe('');
    }
  });
});
