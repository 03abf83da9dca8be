// The playground's session, data and model-file plumbing: a saved model directory is what the CLI reads (the real
// `gated generate` samples the same text from it), loaded models keep their numbers and optimizer state, uploads in
// any of the accepted shapes give the same files, and text is split into lines or a stream as documented.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { CharVocab, Rng, decodeModelDir, encodeModelDir, loadCharLM, sample, type LMConfig, type LMData } from 'gated';
import { textData } from '../src/datasets.js';
import { checkUploadSizes, modelFiles, zipModel } from '../src/modelzip.js';
import { Session, restrictTo } from '../src/session.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const lines: LMData = { kind: 'lines', lines: ['Anna', 'Bert', 'Carla', 'Dieter', 'Emma', 'Fritz', 'Greta', 'Hanna', 'Ida', 'Jonas', 'Karl', 'Lena'], source: 'names' };
const stream: LMData = { kind: 'stream', text: 'the whale and the sea and the ship. '.repeat(40), source: 'pasted text' };

describe('Session', () => {
  it('trains step by step: the training loss falls on a tiny data set', () => {
    const s = Session.create(lines, { hidden: 16, embed: 8, batch: 4, lr: 0.01 });
    const first = s.trainStep();
    let last = first;
    for (let i = 0; i < 60; i++) last = s.trainStep();
    expect(s.steps).toBe(61);
    expect(s.epochs).toBeGreaterThan(10);                    // 11 training lines in batches of 4: 3 steps an epoch
    expect(last).toBeLessThan(first);
  });

  it('trains on a stream with truncated BPTT and samples passages', () => {
    const s = Session.create(stream, { hidden: 16, embed: 8, batch: 4, chunk: 16, cell: 'lstm' });
    for (let i = 0; i < 5; i++) expect(Number.isFinite(s.trainStep())).toBe(true);
    const [text] = s.samples(1, 1, new Rng(1));
    expect(text.startsWith('The ') || !s.vocab.has('T')).toBe(true);
    expect(s.probe.length).toBeGreaterThan(100);
  });

  it('a saved directory loads back with the same validation loss and optimizer state', () => {
    const s = Session.create(lines, { hidden: 12, embed: 6, layers: 2, batch: 4 });
    for (let i = 0; i < 7; i++) s.trainStep();
    const files = encodeModelDir(s.modelDir());
    expect(Object.keys(files).sort()).toEqual(['config.json', 'model.safetensors', 'optimizer.safetensors']);
    const back = Session.fromModelDir(decodeModelDir<LMConfig>(files), lines);
    expect(back.validate()).toBe(s.validate());
    expect(back.optimizer.stateDict().steps).toEqual(s.optimizer.stateDict().steps);
    expect(back.model.config).toEqual(s.model.config);
  });

  it.skipIf(process.env.GATED_BACKEND === 'js')('the CLI reads a playground model: `gated generate` samples what the library samples', () => {
    const s = Session.create(lines, { hidden: 12, embed: 6, batch: 4 });
    for (let i = 0; i < 5; i++) s.trainStep();
    const dir = mkdtempSync(join(tmpdir(), 'gated-web-model-'));
    try {
      for (const [name, bytes] of Object.entries(encodeModelDir(s.modelDir()))) writeFileSync(join(dir, name), bytes);
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, '../cli/src/cli/main.ts'), 'generate', '--model', dir, '--count', '4', '--seed', '3', '--temperature', '0.9'],
        { cwd: join(ROOT, '../cli'), encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      const { model, vocab } = loadCharLM(s.modelDir()), rng = new Rng(3);
      const expected = Array.from({ length: 4 }, () => sample(model, vocab, rng, { temperature: 0.9, maxLength: 32 }));
      expect(r.stdout.split('\n')).toEqual([...expected, '']);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  }, 60_000);
});

describe('restrictTo', () => {
  const vocab = new CharVocab([...'abc ']);
  it('drops lines with unknown characters', () => {
    expect(restrictTo({ kind: 'lines', lines: ['ab', 'abd', 'c'], source: 'x' }, vocab)).toEqual({ data: { kind: 'lines', lines: ['ab', 'c'], source: 'x' }, removed: 1 });
  });
  it('drops unknown characters from a stream', () => {
    expect(restrictTo({ kind: 'stream', text: 'a b!c?', source: 'x' }, vocab)).toEqual({ data: { kind: 'stream', text: 'a bc', source: 'x' }, removed: 2 });
  });
});

describe('model files', () => {
  const files = { 'model.safetensors': new Uint8Array([1, 2]), 'config.json': new Uint8Array([3]), 'optimizer.safetensors': new Uint8Array([4]) };
  it('reads the playground zip, a zipped CLI folder, and loose files alike', () => {
    const folder = zipSync({ 'runs/names-gru/model.safetensors': files['model.safetensors'], 'runs/names-gru/config.json': files['config.json'],
      'runs/names-gru/optimizer.safetensors': files['optimizer.safetensors'], 'runs/names-gru/': new Uint8Array(0), '__MACOSX/._x': new Uint8Array([9]) });
    expect(modelFiles([{ name: 'm.zip', bytes: zipModel(files) }]).files).toEqual(files);
    expect(modelFiles([{ name: 'names-gru.ZIP', bytes: folder }]).files).toEqual(files);
    expect(modelFiles(Object.entries(files).map(([name, bytes]) => ({ name, bytes }))).files).toEqual(files);
  });
  it('says what is missing, and refuses two models at once', () => {
    expect(() => modelFiles([{ name: 'config.json', bytes: new Uint8Array([1]) }])).toThrow(/missing: model\.safetensors \(got config\.json\)/);
    expect(() => modelFiles([{ name: 'a.zip', bytes: zipModel(files) }, { name: 'b.zip', bytes: zipModel(files) }])).toThrow(/more than one/);
  });
  it('refuses files over their size limit before reading or inflating them', () => {
    expect(() => checkUploadSizes([{ name: 'config.json', size: 16 * 2 ** 20 + 1 }])).toThrow(/config\.json is 16777217 bytes, more than the 16777216 bytes/);
    expect(() => checkUploadSizes([{ name: 'm.zip', size: 2 ** 32 }])).toThrow(/m\.zip is 4294967296 bytes/);
    checkUploadSizes([{ name: 'model.safetensors', size: 2 ** 30 }]);
    const bomb = zipSync({ 'config.json': new Uint8Array(16 * 2 ** 20 + 1).fill(0x20), 'model.safetensors': files['model.safetensors'] });
    expect(bomb.length).toBeLessThan(100_000);
    expect(() => modelFiles([{ name: 'bomb.zip', bytes: bomb }])).toThrow(/config\.json is 16777217 bytes/);
  });
});

describe('textData', () => {
  it('reads many short lines as lines and prose as a stream (auto), or as asked', () => {
    const list = Array.from({ length: 30 }, (_, i) => `name${i}`).join('\n');
    expect(textData(list, 'auto')).toMatchObject({ kind: 'lines', lines: expect.arrayContaining(['name0', 'name29']) });
    expect(textData('Call me Ishmael. Some years ago, never mind how long precisely.\n', 'auto').kind).toBe('stream');
    expect(textData('a\nb\n\nc', 'lines')).toMatchObject({ kind: 'lines', lines: ['a', 'b', 'c'] });
    expect(textData(list, 'stream')).toMatchObject({ kind: 'stream', text: list });
  });
});
