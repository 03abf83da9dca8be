// limits.ts: the JSON depth scan (brackets inside strings and escapes do not count, no recursion, stops early),
// parseJsonLimited's size and depth refusals before JSON.parse, and the parameter-count checks of the modules —
// all typed errors before any allocation.
import { describe, expect, it } from 'vitest';
import { GatedError } from '../src/errors.js';
import { MAX_JSON_DEPTH, MAX_PARAMETERS, jsonDepth, parseJsonLimited } from '../src/limits.js';
import { GRU } from '../src/nn/gru.js';
import { Linear } from '../src/nn/linear.js';
import { Embedding } from '../src/nn/embedding.js';
import { CharLM } from '../src/models/charlm.js';
import { Module } from '../src/nn/module.js';
import { Tensor } from '../src/tensor/tensor.js';
import { decodeModelDir } from '../src/io/checkpoint.js';
import { readSafetensors } from '../src/io/safetensors.js';

const enc = new TextEncoder();

describe('jsonDepth', () => {
  it('counts nesting outside strings, on text and on UTF-8 bytes alike', () => {
    for (const [s, d] of [['1', 0], ['[]', 1], ['{"a":[1,{"b":[]}]}', 4], ['"[[[["', 0], ['["\\"[[", {}]', 2], ['{"\\\\": [[]]}', 3], ['["é[", ["ü"]]', 2]] as const) {
      expect(jsonDepth(s), s).toBe(d);
      expect(jsonDepth(enc.encode(s)), s).toBe(d);
    }
  });

  it('stops as soon as the limit is passed: 100 Mi brackets cost nothing', () => {
    const t0 = performance.now();
    const n = 100 * 2 ** 20, bytes = new Uint8Array(2 * n).fill(0x5b, 0, n).fill(0x5d, n);
    expect(jsonDepth(bytes)).toBe(MAX_JSON_DEPTH + 1);
    expect(performance.now() - t0).toBeLessThan(2000); // almost all of it filling the array
  });
});

describe('parseJsonLimited', () => {
  it('refuses oversized and deeply nested JSON with FORMAT before parsing, invalid JSON with the given code', () => {
    expect(() => parseJsonLimited('[1, 2]', 'x.json', { maxBytes: 5 })).toThrow(/x\.json is .*over the .* limit for JSON/);
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(() => parseJsonLimited(deep, 'x.json')).toThrow(/x\.json: JSON nested deeper than 64 levels/);
    expect(parseJsonLimited('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH), 'x.json')).toBeInstanceOf(Array);
    try { parseJsonLimited('{', 'c.json', { syntaxCode: 'CHECKPOINT' }); } catch (e) { expect((e as GatedError).code).toBe('CHECKPOINT'); }
    try { parseJsonLimited(deep, 'c.json', { syntaxCode: 'CHECKPOINT' }); } catch (e) { expect((e as GatedError).code).toBe('FORMAT'); }
  });

  it('guards config.json, state.json, the optimizer metadata and safetensors headers', () => {
    const deep = '['.repeat(1000) + ']'.repeat(1000);
    const model = new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 0x7b, 0x7d]);
    expect(() => decodeModelDir({ 'model.safetensors': model, 'config.json': enc.encode(deep) })).toThrow(/config\.json: JSON nested deeper/);
    expect(() => decodeModelDir({ 'model.safetensors': model, 'config.json': enc.encode('{}'), 'state.json': enc.encode(deep) })).toThrow(/state\.json: JSON nested deeper/);
    const header = enc.encode(`{"__metadata__":{"a":"b"},"x":${deep}}`);
    const st = new Uint8Array(8 + header.length);
    new DataView(st.buffer).setBigUint64(0, BigInt(header.length), true);
    st.set(header, 8);
    expect(() => readSafetensors(st)).toThrow(/nested deeper than 64/);
    const big = new Uint8Array(16 * 2 ** 20 + 1).fill(0x20);
    expect(() => decodeModelDir({ 'model.safetensors': model, 'config.json': big })).toThrow(/config\.json is 16\.0 MiB .*over the 16\.0 MiB/);
  });
});

describe('parameter limits', () => {
  it('modules refuse sizes beyond MAX_PARAMETERS or MAX_LAYERS with INVALID_ARGUMENT, before allocating', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => new GRU({ inputSize: 8, hiddenSize: 1e6 }), /GRU with inputSize 8, hiddenSize 1000000, numLayers 1 has 3\.00e\+12 parameters .*over the limit of 268435456/],
      [() => new GRU({ inputSize: 8, hiddenSize: 1, numLayers: 1e5 }), /GRU: numLayers 100000 exceeds the limit of 1000/],
      [() => new Linear(1e5, 1e5), /a parameter of shape \[100000, 100000\] has 1\.00e\+10 parameters/],
      [() => new Embedding(1e9, 32), /a parameter of shape \[1000000000, 32\]/],
      [() => new CharLM({ vocabSize: 30, cell: 'lstm', embed: 32, hidden: 1e5, layers: 2, dropout: 0 }), /LSTM language model with hidden 100000, layers 2, embed 32 and 30 tokens has/],
      [() => new CharLM({ vocabSize: 30, cell: 'gru', embed: 32, hidden: 4, layers: 5000, dropout: 0 }), /layers 5000 exceeds the limit of 1000 recurrent layers/],
    ];
    for (const [make, msg] of cases) {
      const t0 = performance.now();
      let err: unknown;
      try { make(); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(GatedError);
      expect((err as GatedError).code).toBe('INVALID_ARGUMENT');
      expect((err as Error).message).toMatch(msg);
      expect(performance.now() - t0).toBeLessThan(100);
    }
    expect(MAX_PARAMETERS).toBe(2 ** 28);
  });

  it('a child with 2·10^5 parameter tensors is listed without overflowing the stack', () => {
    class Many extends Module {
      constructor() { super(); for (let i = 0; i < 200_000; i++) this.param(`p${i}`, new Tensor(new Float32Array(1), [1])); }
      forward(): void {}
    }
    class Outer extends Module { many = new Many(); forward(): void {} }
    expect(new Outer().parameters()).toHaveLength(200_000);
    expect(new GRU({ inputSize: 1, hiddenSize: 1, numLayers: 1000, bidirectional: true }).parameters()).toHaveLength(8000);
  });
});
