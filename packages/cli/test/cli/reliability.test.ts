// The seven faults of issue #17, as an outside probe reproduced them: each must now end in a one-line typed error
// with exit 1 or 2, using under 2 s of CPU beyond the CLI's own start-up and under 4× the hostile input's size in
// extra memory (peak RSS), both measured against `gated train --help` in the process itself (_probe.mjs; CPU time,
// not wall time, so that a busy machine does not fail the test — wall time only has to show there was no hang);
// two runs on one --out: the second refuses to start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../../gated/test/fixtures/tfjs/keras_gru_reset_after', import.meta.url));
const NODE_ARGS = ['--import', 'tsx', '--import', join(ROOT, 'test', 'cli', '_probe.mjs'), join(ROOT, 'src', 'cli', 'main.ts')];
const dir = mkdtempSync(join(tmpdir(), 'gated-reliability-'));
const isRoot = process.getuid?.() === 0;

const probes = join(dir, 'probes');
mkdirSync(probes, { mode: 0o777 });
chmodSync(probes, 0o777); // the EACCES case runs the CLI as another user

interface Run { r: { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }; wallMs: number; cpuMs: number; rssKiB: number }
let runs = 0;
/** Runs the CLI without blocking this worker (spawn, not spawnSync, so vitest's RPC keeps being answered); killed after 60 s. */
async function gated(args: string[], opts: { env?: NodeJS.ProcessEnv; uid?: number; gid?: number } = {}): Promise<Run> {
  const probe = join(probes, `${runs++}.json`);
  const t0 = performance.now();
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], {
    cwd: ROOT, env: { ...process.env, ...opts.env, GATED_TEST_PROBE_FILE: probe }, uid: opts.uid, gid: opts.gid, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '', stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const r = await new Promise<Run['r']>((resolve) => child.on('close', (status, signal) => { clearTimeout(timer); resolve({ status, signal, stdout, stderr }); }));
  const wallMs = performance.now() - t0;
  const p = existsSync(probe) ? JSON.parse(readFileSync(probe, 'utf8')) as { rssKiB: number; cpuMs: number } : { rssKiB: NaN, cpuMs: NaN };
  return { r, wallMs, ...p };
}

// the CLI's own start-up: CPU time and memory of `gated train --help` (the least of two)
let base = { cpuMs: Infinity, rssKiB: Infinity };
beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const b = await gated(['train', '--help']);
    expect(b.r.status).toBe(0);
    base = { cpuMs: Math.min(base.cpuMs, b.cpuMs), rssKiB: Math.min(base.rssKiB, b.rssKiB) };
  }
}, 120_000);
const measured: string[] = [];
afterAll(() => {
  // GATED_RELIABILITY_REPORT=1 prints what each refusal cost beyond start-up (the numbers docs/robustness.md quotes)
  if (process.env.GATED_RELIABILITY_REPORT) console.log(`start-up (train --help): ${base.cpuMs.toFixed(0)} ms CPU, ${(base.rssKiB / 1024).toFixed(0)} MiB RSS\n${measured.join('\n')}`);
  rmSync(dir, { recursive: true, force: true });
});

/** A one-line typed error with the exit code, within 2 s beyond start-up, and under 4× `inputBytes` extra memory. */
async function expectRefused(pending: Run | Promise<Run>, code: 1 | 2, msg: RegExp, inputBytes = 0): Promise<void> {
  const run = await pending, { r } = run;
  expect(r.signal, `killed by ${r.signal}: ${r.stderr}`).toBeNull();
  expect(r.status, r.stderr).toBe(code);
  expect(r.stderr).toMatch(msg);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(run.cpuMs - base.cpuMs, `${run.cpuMs.toFixed(0)} ms of CPU against ${base.cpuMs.toFixed(0)} ms for --help`).toBeLessThan(2000);
  expect(run.wallMs, 'wall time').toBeLessThan(30_000);
  const extra = (run.rssKiB - base.rssKiB) * 1024;
  measured.push(`${(run.cpuMs - base.cpuMs).toFixed(0).padStart(5)} ms CPU  ${(extra / 2 ** 20).toFixed(1).padStart(6)} MiB RSS  ${run.wallMs.toFixed(0).padStart(5)} ms wall  input ${(inputBytes / 2 ** 20).toFixed(1)} MiB  ${r.stderr.trim().slice(0, 110)}`);
  expect(extra, `peak RSS ${run.rssKiB} KiB against ${base.rssKiB} KiB for --help`).toBeLessThan(Math.max(4 * inputBytes, 64 * 2 ** 20));
}

const data = join(dir, 'toy.txt');
writeFileSync(data, Array.from({ length: 400 }, (_, i) => 'abcdefgh'.slice(i % 5, 3 + (i % 4))).join('\n'));
const small = ['--data', data, '--hidden', '8', '--layers', '1', '--embed', '4', '--batch', '32'];

/** A small trained model directory (trained once, on first use). */
async function trained(): Promise<string> {
  const m = join(dir, 'trained');
  if (!existsSync(join(m, 'state.json'))) {
    const r = await gated(['train', ...small, '--epochs', '1', '--out', m]);
    expect(r.r.status, r.r.stderr).toBe(0);
  }
  return m;
}

/** A copy of the TF.js fixture whose shard is replaced by `make(shardPath)`. */
function tfjsWith(name: string, make: (shard: string) => void): string {
  const m = join(dir, name);
  cpSync(FIXTURE, m, { recursive: true });
  const shard = join(m, 'group1-shard1of1.bin');
  unlinkSync(shard);
  make(shard);
  return m;
}

describe('fault 1: a TF.js shard that is a symlink out of the model directory', () => {
  it('is refused, and nothing is written', async () => {
    const outside = join(dir, 'outside.bin');
    writeFileSync(outside, new Uint8Array(2068).fill(7));
    for (const target of [outside, '/etc/passwd']) {
      const m = tfjsWith(`sym-${target === outside ? 'file' : 'passwd'}`, (s) => symlinkSync(target, s));
      const out = join(dir, `sym-out-${runs}`);
      await expectRefused(gated(['convert', join(m, 'model.json'), out]), 1, /error\[IO\]: .*group1-shard1of1\.bin' resolves to .*, outside the model directory/);
      expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
    }
  }, 120_000);

  it('a symlink that stays inside the directory is followed', async () => {
    const m = tfjsWith('sym-inside', (s) => { cpSync(join(FIXTURE, 'group1-shard1of1.bin'), s + '.real'); symlinkSync(s + '.real', s); });
    const run = await gated(['convert', join(m, 'model.json'), join(dir, 'sym-inside-out')]);
    expect(run.r.status, run.r.stderr).toBe(0);
  }, 60_000);
});

describe('fault 2: special files — /dev/zero, a FIFO', () => {
  it('a shard that is /dev/zero or a FIFO, --data /dev/zero or a FIFO: refused without reading', async () => {
    const zero = tfjsWith('zero', (s) => symlinkSync('/dev/zero', s));
    await expectRefused(gated(['run', '--model', join(zero, 'model.json'), '--input', data, '--output', join(dir, 'y.safetensors')]), 1, /error\[IO\]: .*resolves to '\/dev\/zero', outside the model directory/);
    const fifoDir = tfjsWith('fifo', (s) => spawnSync('mkfifo', [s]));
    await expectRefused(gated(['run', '--model', join(fifoDir, 'model.json'), '--input', data, '--output', join(dir, 'y.safetensors')]), 1, /error\[IO\]: cannot read .*group1-shard1of1\.bin': it is a FIFO \(named pipe\), not a regular file/);
    await expectRefused(gated(['train', '--data', '/dev/zero', '--out', join(dir, 'zero-out')]), 1, /error\[IO\]: cannot read '\/dev\/zero': it is a character device, not a regular file/);
    const fifo = join(dir, 'data.fifo');
    spawnSync('mkfifo', [fifo]);
    await expectRefused(gated(['train', '--data', fifo, '--out', join(dir, 'fifo-out')]), 1, /error\[IO\]: cannot read .*data\.fifo': it is a FIFO/);
    const fifoModel = join(dir, 'fifo-model');
    mkdirSync(fifoModel);
    writeFileSync(join(fifoModel, 'config.json'), '{}');
    spawnSync('mkfifo', [join(fifoModel, 'model.safetensors')]);
    await expectRefused(gated(['generate', '--model', fifoModel]), 1, /error\[IO\]: cannot read .*model\.safetensors': it is a FIFO/);
  }, 120_000);
});

describe('fault 3: nested and oversized config.json', () => {
  let model = '';
  beforeAll(async () => {
    const m = await trained();
    model = join(dir, 'plain');
    mkdirSync(model);
    cpSync(join(m, 'model.safetensors'), join(model, 'model.safetensors'));
  }, 120_000);

  const withConfig = (bytes: number, make: (n: number) => string | Uint8Array): number => {
    writeFileSync(join(model, 'config.json'), make(bytes));
    return bytes;
  };

  it('100 Mi [ then 100 Mi ]: refused by size before reading', async () => {
    const n = withConfig(2 * 100 * 2 ** 20, (b) => '['.repeat(b / 2) + ']'.repeat(b / 2));
    await expectRefused(gated(['generate', '--model', model]), 1, /error\[FORMAT\]: .*config\.json' is 200\.0 MiB .*over the 16\.0 MiB .*limit/, n);
  }, 60_000);

  it('a 15 MB nest (under the size limit): FORMAT for its depth, in one linear scan', async () => {
    const n = withConfig(15 * 10 ** 6, (b) => '['.repeat(b / 2) + ']'.repeat(b / 2));
    await expectRefused(gated(['generate', '--model', model]), 1, /error\[FORMAT\]: config\.json: JSON nested deeper than 64 levels/, n);
  }, 60_000);

  it('a valid config of 20 MB: refused by size', async () => {
    const n = withConfig(20 * 10 ** 6, (b) => JSON.stringify({ format: 'gated-charlm', pad: 'x'.repeat(b - 40) }));
    await expectRefused(gated(['generate', '--model', model]), 1, /error\[FORMAT\]: .*over the 16\.0 MiB .*limit for a JSON file/, n);
  }, 60_000);
});

describe('fault 4: file-system errors are data errors, reported before training', () => {
  const notTrained = (run: Run) => expect(run.r.stdout).not.toMatch(/epoch 1/);

  it('--out under a file (ENOTDIR)', async () => {
    const run = await gated(['train', ...small, '--epochs', '1', '--out', join(ROOT, 'package.json', 'x')]);
    await expectRefused(run, 1, /error\[IO\]: cannot create the output directory '.*package\.json\/x': ENOTDIR/);
    notTrained(run);
  }, 60_000);

  it('--out where the file system refuses (EPERM: a new directory in /sys)', async ({ skip }) => {
    if (!existsSync('/sys/kernel')) skip('no /sys here (not Linux)');
    const run = await gated(['train', ...small, '--epochs', '1', '--out', '/sys/gated-test-out']);
    await expectRefused(run, 1, /error\[IO\]: cannot create the output directory '\/sys\/gated-test-out': (EPERM|EACCES|EROFS) /);
    notTrained(run);
  }, 60_000);

  it('--out the user may not write (EACCES)', async ({ skip }) => {
    // Root may write anywhere, so as root the CLI runs as 'nobody' (uid 65534), which must be able to read the
    // checkout; where it cannot (a private home directory), the case cannot run and is skipped.
    const asNobody = isRoot ? { uid: 65534, gid: 65534 } : {};
    if (isRoot && spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(join(ROOT, 'src', 'cli', 'main.ts'))}, 4)`], asNobody).status !== 0) {
      skip("running as root, and user 'nobody' cannot read the checkout");
    }
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o555 });
    chmodSync(locked, 0o555);
    chmodSync(dir, 0o755);
    chmodSync(data, 0o644);
    const run = await gated(['train', ...small, '--epochs', '1', '--out', join(locked, 'out')], asNobody);
    await expectRefused(run, 1, /error\[IO\]: cannot create the output directory '.*locked\/out': EACCES \(permission denied\)/);
    notTrained(run);
  }, 60_000);

  it('a write that fails later (ENOSPC): a FileError, exit 1, and the last good checkpoint is kept', async () => {
    const out = join(dir, 'enospc');
    // epoch 1 writes 5 files (the write test and the lock are not counted); the 8th write, inside epoch 2's checkpoint, fails
    const run = await gated(['train', ...small, '--epochs', '3', '--out', out], { env: { GATED_FAULT_WRITE_ENOSPC_AFTER: '7' } });
    expect(run.r.status, run.r.stderr).toBe(1);
    expect(run.r.stderr).toMatch(/\ngated train: error\[IO\]: cannot write '.*enospc\/.*': ENOSPC \(no space left on device\)\n$/);
    expect(run.r.stdout).toMatch(/epoch 1:/);
    const resumed = await gated(['train', '--resume', out, '--epochs', '3']);
    expect(resumed.r.status, resumed.r.stderr).toBe(0);
    expect(resumed.r.stdout).toMatch(/resuming after epoch [12]\)/);
    expect(readdirSync(out).filter((n) => n.includes('.tmp-'))).toEqual([]);
  }, 120_000);
});

describe('faults 5 and 6: sizes and layer counts that cannot be built', () => {
  it('fail with INVALID_ARGUMENT naming the flag, the value and the limit, before any allocation', async () => {
    const out = ['--out', join(dir, 'huge')];
    const cases: [string[], RegExp][] = [
      [['--hidden', '1e12'], /--hidden 1000000000000, .* parameters .*over the limit of 268435456/],
      [['--hidden', '1e6'], /--hidden 1000000, .* parameters .*over the limit of 268435456/],
      [['--embed', '1e9'], /--embed 1000000000 has .* parameters .*over the limit of 268435456/],
      [['--layers', '1e9'], /--layers 1000000000 exceeds the limit of 1000 recurrent layers/],
      [['--layers=1e5'], /--layers 100000 exceeds the limit of 1000/],
      [['--layers=5000'], /--layers 5000 exceeds the limit of 1000/],
      [['--layers=1000', '--hidden=256'], /--hidden 256, --layers 1000, --embed 32 has .* parameters .*over the limit/],
    ];
    for (const [flags, msg] of cases) await expectRefused(gated(['train', ...flags, ...out]), 1, new RegExp(`error\\[INVALID_ARGUMENT\\]: .*${msg.source}`));
  }, 120_000);

  it('a binary file as training text is refused, naming what was found', async () => {
    const bin = join(dir, 'random.bin');
    const bytes = new Uint8Array(1 << 20);
    for (let i = 0, x = 1; i < bytes.length; i++) { x = (x * 1103515245 + 12345) >>> 0; bytes[i] = x >>> 24; }
    writeFileSync(bin, bytes);
    await expectRefused(gated(['train', '--data', bin, '--out', join(dir, 'bin-out')]), 1, /error\[INVALID_ARGUMENT\]: .*random\.bin: (more than 4096 distinct characters|\d+% of its \d+ characters are control characters)/, bytes.length);
  }, 60_000);
});

describe('fault 7: one writer per output directory', () => {
  it('a second run on the same --out refuses to start; the first finishes', async () => {
    const out = join(dir, 'cc');
    const first = spawn(process.execPath, [...NODE_ARGS, 'train', ...small, '--hidden', '32', '--epochs', '30', '--seed', '1', '--out', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    first.stderr.on('data', (d) => { stderr += d; });
    const done = new Promise<number | null>((res) => first.on('exit', (c) => res(c)));
    const lock = join(out, '.lock');
    for (let i = 0; i < 600 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(lock)).toBe(true);
    const second = await gated(['train', ...small, '--epochs', '1', '--seed', '2', '--out', out]);
    await expectRefused(second, 1, new RegExp(`error\\[IO\\]: '.*cc' is in use by process ${first.pid} on ${hostname()} \\(gated train\\), started .*; one run writes a directory at a time`));
    expect(await done, stderr).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).training.seed).toBe(1);
  }, 120_000);

  it('a lock of a process that is gone is taken over, and said so; temp files of a dead run are removed', async () => {
    const out = join(dir, 'stale');
    expect((await gated(['train', ...small, '--epochs', '1', '--out', out])).r.status).toBe(0);
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], { encoding: 'utf8' });
    const pid = Number(dead.stdout.trim());
    writeFileSync(join(out, '.lock'), JSON.stringify({ pid, host: hostname(), started: '2026-01-01T00:00:00.000Z' }));
    writeFileSync(join(out, `model.safetensors.tmp-${pid}`), 'torn');
    const run = await gated(['train', '--resume', out, '--epochs', '2']);
    expect(run.r.status, run.r.stderr).toBe(0);
    expect(run.r.stderr).toContain(`took over the lock of ${out} from process ${pid} on ${hostname()}, which is no longer running`);
    expect(readdirSync(out).filter((n) => n.includes('.tmp-') || n === '.lock')).toEqual([]);
  }, 120_000);
});

describe('option values that begin with -', () => {
  it('--hidden -1 reaches the range check, like --hidden=-1', async () => {
    const spaced = await gated(['train', '--hidden', '-1']), joined = await gated(['train', '--hidden=-1']);
    await expectRefused(spaced, 2, /--hidden must be ≥ 1, got -1/);
    expect(spaced.r.stderr).toBe(joined.r.stderr);
    await expectRefused(gated(['generate', '--model', await trained(), '--temperature', '-0.5']), 2, /--temperature must be > 0, got -0\.5/);
  }, 60_000);
});
