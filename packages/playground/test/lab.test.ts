// The comparison lab's pure parts: parameter counts equal the library's, matched counts are close, the form's rules
// name their ranges, run statistics and exports, and model uploads with a previous/ checkpoint (verified as gated/node
// verifies it: a damaged latest falls back to previous/).
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { CharLM, manualSeed, type CellKind } from 'gated';
import { chooseCheckpoint, modelFiles } from '../src/modelzip.js';
import { hiddenForParameters, memoryEstimate, MEMORY_LIMIT, parameterCount, snapshotSteps } from '../src/params.js';
import type { RunInfo } from '../src/protocol.js';
import { bestVal, commonSteps, curvesCSV, curvesSVG, lossRange, newRun, stepsToReach, type Run } from '../src/runs.js';
import { checkForm, type FormValues } from '../src/validate.js';

describe('parameter counts', () => {
  it.each([['gru', 1], ['lstm', 2], ['rnn', 3]] as [CellKind, number][])('%s with %i layer(s) counts what the library builds', (cell, layers) => {
    for (const [V, E, H] of [[7, 5, 6], [60, 32, 16], [31, 8, 45]]) {
      manualSeed(1);
      const m = new CharLM({ vocabSize: V, cell, embed: E, hidden: H, layers, dropout: 0 });
      expect(parameterCount({ cell, vocabSize: V, embed: E, hidden: H, layers })).toBe(m.numParameters());
    }
  });
  it('matches an LSTM and an RNN to a GRU\'s count within a few percent', () => {
    const base = { vocabSize: 56, embed: 32, layers: 1 }, target = parameterCount({ ...base, cell: 'gru', hidden: 64 });
    for (const cell of ['lstm', 'rnn'] as const) {
      const h = hiddenForParameters(target, { ...base, cell });
      expect(Math.abs(parameterCount({ ...base, cell, hidden: h }) / target - 1)).toBeLessThan(0.03);
    }
  });
  it('keeps weights at 0, 10, 20, 50, … and at the budget', () => {
    expect(snapshotSteps(240)).toEqual([0, 10, 20, 50, 100, 200, 240]);
    expect(snapshotSteps(5)).toEqual([0, 5]);
  });
});

describe('the form', () => {
  const ok: FormValues = { dataset: 'names', text: '', textMode: 'auto', cell: 'gru', hidden: '64', layers: '1', embed: '32', lr: '0.003', batch: '32', seed: '42', steps: '1000' };
  const ctx: { vocabSize: number; seqLength: number; textKind: 'lines' | 'stream' } = { vocabSize: 56, seqLength: 16, textKind: 'lines' };
  const errors = (v: Partial<FormValues>, c = ctx) => { const r = checkForm({ ...ok, ...v }, c); return r.ok ? {} : r.errors; };
  it('accepts the defaults', () => expect(checkForm(ok, ctx)).toMatchObject({ ok: true, hidden: 64, lr: 0.003, steps: 1000 }));
  it('names the allowed range of every field', () => {
    expect(errors({ hidden: '2000' }).hidden).toBe('hidden size: an integer from 1 to 1024; got 2000');
    expect(errors({ hidden: 'big' }).hidden).toBe('hidden size: an integer from 1 to 1024; "big" is not one');
    expect(errors({ lr: 'abc' }).lr).toBe('learning rate: a number from 0.00001 to 1 (e.g. 0.003); "abc" is not a number');
    expect(errors({ lr: '0' }).lr).toBe('learning rate: a number from 0.00001 to 1; got 0');
    expect(errors({ layers: '9', embed: '', batch: '-1', seed: '1.5', steps: '0' })).toEqual({
      layers: 'layers: an integer from 1 to 4; got 9', embed: 'embedding size: an integer from 1 to 256',
      batch: 'batch size: an integer from 1 to 256; got -1', seed: 'seed: an integer from 0 to 2147483647; "1.5" is not one',
      steps: 'training steps: an integer from 1 to 100000; got 0' });
  });
  it('refuses a hidden size too large for memory, naming the largest that fits', () => {
    const e = errors({ cell: 'lstm', layers: '4', hidden: '1024', batch: '256' }, { ...ctx, seqLength: 64 }).hidden!;
    const max = Number(/allowed range is 1 to (\d+)/.exec(e)![1]);
    expect(e).toMatch(/^hidden size: too large for memory — about \d+ MB needed, 512 MB allowed per run/);
    const s = { cell: 'lstm' as const, vocabSize: 56, embed: 32, layers: 4 };
    expect(memoryEstimate({ ...s, hidden: max }, 256, 64)).toBeLessThanOrEqual(MEMORY_LIMIT);
    expect(memoryEstimate({ ...s, hidden: max + 1 }, 256, 64)).toBeGreaterThan(MEMORY_LIMIT);
  });
  it('needs a text with two different characters and enough of it', () => {
    expect(errors({ dataset: 'text', text: 'x' }).text).toBe('your text: at least 2 different characters are needed to learn anything; got only "x"');
    expect(errors({ dataset: 'text', text: '' }).text).toMatch(/got no text$/);
    expect(errors({ dataset: 'text', text: 'ab\nba' }).text).toBe('your text, read as lines: at least 10 non-empty lines (10% are held out for validation); got 2');
    expect(errors({ dataset: 'text', text: 'abc '.repeat(10) }, { ...ctx, textKind: 'stream' }).text).toMatch(/at least 200 characters .*got 40$/);
  });
});

describe('runs', () => {
  const info = (id: number, cell: CellKind): RunInfo => ({ id, cell, hidden: 16, layers: 1, embed: 32, vocabSize: 56, parameters: 1000 * id, dataKind: 'lines',
    source: 'names', baseline: 2.4, seed: 3, lr: 0.003, batch: 32, budget: 100, backend: 'wasm', steps: 0 });
  const run = (id: number, cell: CellKind, val: [number, number][]): Run => ({ ...newRun(info(id, cell), []), val, train: [[10, 3.5], [50, 2.5], [100, 2.2]], steps: 100, snapshots: [0, 10, 20, 50, 100] });
  const a = run(1, 'gru', [[0, 4.0], [20, 2.6], [40, 2.35], [60, 2.3]]), b = run(2, 'rnn', [[0, 4.0], [20, 2.7], [40, 2.5], [60, 2.38]]);
  it('best validation loss and the steps to reach a target', () => {
    expect(bestVal(a)).toBe(2.3);
    expect(stepsToReach(a, 2.4)).toBe(40);
    expect(stepsToReach(b, 2.4)).toBe(60);
    expect(stepsToReach(b, 2.0)).toBeNull();
  });
  it('the y-range leaves out the first 5% of steps', () => {
    const [lo, hi] = lossRange([a, b], 2.4)!;
    expect(lo).toBeLessThan(2.2);
    expect(hi).toBeLessThan(3.6);                                         // the 4.0 at step 0 is not in the range
    expect(hi).toBeGreaterThan(3.5);
  });
  it('common snapshot steps, CSV and SVG exports', () => {
    expect(commonSteps([a, { ...b, snapshots: [0, 10, 20, 40] }])).toEqual([0, 10, 20]);
    const csv = curvesCSV([a, b]).trim().split('\n');
    expect(csv).toHaveLength(1 + 2 * (3 + 4));
    expect(csv[1]).toBe('"GRU-16 on names, seed 3",gru,16,1,1000,3,names,train,10,3.5');
    const svg = curvesSVG([a, b], { log: false, baseline: 2.4, title: 'a & b' });
    expect(svg).toContain('a &amp; b');
    expect(svg.match(/<path /g)).toHaveLength(4);
  });
});

describe('model uploads with a previous/ checkpoint', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const checkpoint = (tag: string) => {
    const f: Record<string, Uint8Array> = { 'model.safetensors': enc(`weights ${tag}`), 'config.json': enc(`{"tag":"${tag}"}`), 'optimizer.safetensors': enc(`adam ${tag}`) };
    f['state.json'] = enc(JSON.stringify({ epoch: 1, files: Object.fromEntries(Object.entries(f).map(([n, b]) => [n, sha(b)])) }));
    return f;
  };
  const dir = (latest: Record<string, Uint8Array>, previous: Record<string, Uint8Array>) => zipSync({
    ...Object.fromEntries(Object.entries(latest).map(([n, b]) => [`runs/names-gru/${n}`, b])),
    ...Object.fromEntries(Object.entries(previous).map(([n, b]) => [`runs/names-gru/previous/${n}`, b])),
    'runs/names-gru/metrics.json': enc('[]'),
  });
  it('takes the latest checkpoint when it verifies', async () => {
    const found = modelFiles([{ name: 'names-gru.zip', bytes: dir(checkpoint('2'), checkpoint('1')) }]);
    expect(found.dir).toBe('runs/names-gru');
    const c = await chooseCheckpoint(found);
    expect(c.source).toBe('latest');
    expect(new TextDecoder().decode(c.files['config.json'])).toBe('{"tag":"2"}');
  });
  it('falls back to previous/ when the latest is damaged, and says so when neither verifies', async () => {
    const damaged = { ...checkpoint('2'), 'model.safetensors': enc('half written') };
    const c = await chooseCheckpoint(modelFiles([{ name: 'x.zip', bytes: dir(damaged, checkpoint('1')) }]));
    expect(c.source).toBe('previous');
    expect(new TextDecoder().decode(c.files['config.json'])).toBe('{"tag":"1"}');
    await expect(chooseCheckpoint(modelFiles([{ name: 'x.zip', bytes: dir(damaged, { ...checkpoint('1'), 'config.json': enc('{}') }) }])))
      .rejects.toThrow('the checkpoint in runs/names-gru is incomplete or corrupt (its files do not match the checksums in state.json) and so is its previous/ checkpoint');
  });
  it('refuses what is not a zip, and two model folders', () => {
    expect(() => modelFiles([{ name: 'a.zip', bytes: enc('nope') }])).toThrow(/^a\.zip is not a readable \.zip file/);
    const two = zipSync({ 'a/model.safetensors': enc('1'), 'a/config.json': enc('{}'), 'b/model.safetensors': enc('1'), 'b/config.json': enc('{}') });
    expect(() => modelFiles([{ name: 'two.zip', bytes: two }])).toThrow('more than one model directory in what was loaded (a, b): give one');
  });
});
