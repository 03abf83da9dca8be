// gated/node's safe reading and writing: readFileChecked (realpath inside a directory, regular files only, a FIFO
// never blocks, size known before reading), model directories that hold a symlink out or a special file, TF.js
// shards bigger than their manifest, prepareOutDir's write test, the output-directory lock, and the temp files a
// dead run leaves.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatedError } from '../../src/errors.js';
import { encodeModelDir } from '../../src/io/checkpoint.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { lockDir, prepareOutDir, readCheckpoint, readFileChecked, readText, readTfjsModel, writeModelDir } from '../../src/node/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gated-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FIXTURE = fileURLToPath(new URL('../fixtures/tfjs/keras_gru_reset_after', import.meta.url));

const codeOf = (f: () => unknown): string => {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(GatedError); return `${(e as GatedError).code}: ${(e as Error).message}`; }
  return 'no error';
};

describe('readFileChecked', () => {
  const inside = join(dir, 'in'), outsideFile = join(dir, 'secret.txt');
  mkdirSync(inside);
  writeFileSync(outsideFile, 'secret');
  writeFileSync(join(inside, 'a.bin'), new Uint8Array(100));

  it('reads a regular file up to its limit', () => {
    expect(readFileChecked(join(inside, 'a.bin'), { maxBytes: 100, within: inside })).toHaveLength(100);
    expect(codeOf(() => readFileChecked(join(inside, 'a.bin'), { maxBytes: 99, what: 'a test file' }))).toMatch(/^FORMAT: .*a\.bin' is 0\.000 MiB \(100 bytes\), over the 0\.000 MiB \(99 bytes\) limit for a test file/);
    expect(codeOf(() => readFileChecked(join(inside, 'nope'), { maxBytes: 10 }))).toMatch(/^IO: cannot read .*nope': ENOENT \(no such file or directory\)/);
  });

  it('refuses a symlink out of the directory (also to /etc/passwd and /dev/zero), and follows one that stays inside', () => {
    for (const [name, target] of [['out', outsideFile], ['passwd', '/etc/passwd'], ['zero', '/dev/zero'], ['up', '../secret.txt']]) {
      symlinkSync(target, join(inside, name));
      expect(codeOf(() => readFileChecked(join(inside, name), { maxBytes: 1e9, within: inside }))).toMatch(/^IO: .* resolves to .*, outside the model directory/);
    }
    symlinkSync('a.bin', join(inside, 'alias'));
    expect(readFileChecked(join(inside, 'alias'), { maxBytes: 100, within: inside })).toHaveLength(100);
  });

  it('refuses a FIFO at once (no reader blocks), a character device and a directory', () => {
    const fifo = join(inside, 'pipe');
    spawnSync('mkfifo', [fifo]);
    const t0 = performance.now();
    expect(codeOf(() => readFileChecked(fifo, { maxBytes: 10 }))).toMatch(/^IO: cannot read .*pipe': it is a FIFO \(named pipe\), not a regular file/);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(codeOf(() => readFileChecked('/dev/zero', { maxBytes: 10 }))).toMatch(/it is a character device, not a regular file/);
    expect(codeOf(() => readFileChecked(inside, { maxBytes: 10 }))).toMatch(/it is a directory, not a regular file/);
    expect(codeOf(() => readText('/dev/zero'))).toMatch(/^IO: .*character device/);
  });
});

describe('model directories', () => {
  const weights = { w: new Tensor(new Float32Array([1, 2, 3]), [3]) };
  const files = encodeModelDir({ weights, config: { a: 1 }, state: { epoch: 1 } });

  it('a file of the directory that is a symlink out of it or a FIFO is an IO error, never read', () => {
    const d = join(dir, 'model-sym');
    writeModelDir(d, files);
    expect(readCheckpoint(d).source).toBe('latest');
    unlinkSync(join(d, 'config.json'));
    symlinkSync('/etc/passwd', join(d, 'config.json'));
    expect(codeOf(() => readCheckpoint(d))).toMatch(/^IO: .*config\.json' resolves to '\/etc\/passwd', outside the model directory/);
    unlinkSync(join(d, 'config.json'));
    spawnSync('mkfifo', [join(d, 'config.json')]);
    expect(codeOf(() => readCheckpoint(d))).toMatch(/^IO: cannot read .*config\.json': it is a FIFO/);
  });

  it('a JSON file over 16 MiB is refused by its size', () => {
    const d = join(dir, 'model-big');
    mkdirSync(d);
    writeFileSync(join(d, 'config.json'), ' '.repeat(16 * 2 ** 20 + 1));
    expect(codeOf(() => readCheckpoint(d))).toMatch(/^FORMAT: .*config\.json' is 16\.0 MiB .*over the 16\.0 MiB \(16777216 bytes\) limit for a JSON file/);
  });

  it('temp files of a dead run are removed by the next successful write; live ones are kept', () => {
    const d = join(dir, 'model-tmp');
    writeModelDir(d, files);
    writeModelDir(d, files); // now with previous/
    const dead = Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
    writeFileSync(join(d, `model.safetensors.tmp-${dead}`), 'torn');
    writeFileSync(join(d, 'previous', `state.json.tmp-${dead}`), 'torn');
    writeFileSync(join(d, `config.json.tmp-${process.ppid}`), 'a live process');
    writeModelDir(d, files);
    expect(readdirSync(d).filter((n) => n.includes('.tmp-'))).toEqual([`config.json.tmp-${process.ppid}`]);
    expect(readdirSync(join(d, 'previous')).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });
});

describe('TF.js shards', () => {
  it('a shard larger than the manifest says is refused before it is read in full', () => {
    const d = join(dir, 'tfjs-big');
    cpSync(FIXTURE, d, { recursive: true });
    const shard = join(d, 'group1-shard1of1.bin'), size = readFileSync(shard).length;
    writeFileSync(shard, new Uint8Array(size + 1));
    expect(codeOf(() => readTfjsModel(join(d, 'model.json')))).toMatch(new RegExp(`^FORMAT: .*group1-shard1of1\\.bin' is .*\\(${size + 1} bytes\\), over the .*\\(${size} bytes\\) limit`));
    copyFileSync(join(FIXTURE, 'group1-shard1of1.bin'), shard);
    expect(readTfjsModel(join(d, 'model.json')).config.layers.length).toBeGreaterThan(0);
  });
});

describe('output directories', () => {
  it('prepareOutDir: ENOTDIR under a file, EEXIST-like for a file, fine for a new directory', () => {
    writeFileSync(join(dir, 'afile'), 'x');
    expect(codeOf(() => prepareOutDir(join(dir, 'afile', 'x')))).toMatch(/^IO: cannot create the output directory .*afile\/x': ENOTDIR/);
    expect(codeOf(() => prepareOutDir(join(dir, 'afile')))).toMatch(/^IO: cannot use .*afile' as the output directory: it exists and is not a directory/);
    prepareOutDir(join(dir, 'new', 'deep'));
    expect(readdirSync(join(dir, 'new', 'deep'))).toEqual([]);
  });

  it('lockDir: a second lock is refused naming the holder; a stale one is taken over; release removes it', () => {
    const d = join(dir, 'locked');
    mkdirSync(d);
    // a lock held by a live process (our parent) on this host
    writeFileSync(join(d, '.lock'), JSON.stringify({ pid: process.ppid, host: hostname(), started: 'then', command: 'gated train' }));
    expect(codeOf(() => lockDir(d))).toMatch(new RegExp(`^IO: '.*locked' is in use by process ${process.ppid} on ${hostname()} \\(gated train\\), started then; one run writes a directory at a time`));
    // a lock of a dead process
    const dead = Number(spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' }).stdout.trim());
    writeFileSync(join(d, '.lock'), JSON.stringify({ pid: dead, host: hostname(), started: 'then' }));
    const lock = lockDir(d, 'test');
    expect(lock.tookOver?.pid).toBe(dead);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), command: 'test' });
    lock.check();
    writeFileSync(lock.path, JSON.stringify({ pid: 1, host: 'elsewhere', started: 'now' }));
    expect(codeOf(() => lock.check())).toMatch(/^IO: lost the lock of/);
    unlinkSync(lock.path);
    const again = lockDir(d);
    expect(again.tookOver).toBeNull();
    again.release();
    expect(existsSync(join(d, '.lock'))).toBe(false);
    expect(readdirSync(d)).toEqual([]);
  });
});
