// The `gated` CLI as a user meets it: help text, one-line errors with non-zero exits, a run killed mid-way and
// resumed to the same weights as an uninterrupted run, and a trained model that loads and generates.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors } from '../../../gated/src/io/safetensors.js';
import { CharLM, sample } from '../../../gated/src/models/charlm.js';
import { CharVocab } from '../../../gated/src/train/data.js';
import { Rng } from '../../../gated/src/random.js';
import { runCli } from '../_util/run-cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
// node itself runs the CLI (tsx as a loader, not its wrapper process), so a kill reaches the training process
const NODE_ARGS = ['--import', 'tsx', MAIN];
const gated = (...args: string[]) => spawnSync(process.execPath, [...NODE_ARGS, ...args], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });

const dir = mkdtempSync(join(tmpdir(), 'gated-cli-'));
const rng = new Rng(9);
const lines = Array.from({ length: 1500 }, () => {
  const half = Array.from({ length: 2 + rng.int(4) }, () => 'abcdefghij'[rng.int(10)]).join('');
  return `${half}-${half}`;
});
const dataFile = join(dir, 'toy.txt');
writeFileSync(dataFile, lines.join('\n') + '\n');
const trainArgs = ['train', '--data', dataFile, '--hidden', '32', '--layers', '2', '--embed', '8', '--batch', '16', '--epochs', '4', '--dropout', '0.1', '--seed', '5'];

describe('gated CLI', () => {
  it('prints help for every command', async () => {
    const cases = [[[], ['train', 'generate', 'eval']], [['train'], ['--dataset', '--data', '--stream', '--cell', '--hidden', '--layers', '--embed', '--dropout', '--epochs', '--batch', '--lr', '--optimizer', '--weight-decay', '--clip', '--seed', '--out', '--resume']],
      [['generate'], ['--model', '--prompt', '--temperature', '--top-k', '--count', '--max-length', '--seed']], [['eval'], ['--model', '--data']]] as [string[], string[]][];
    const runs = await Promise.all(cases.map(([cmd]) => runCli([...cmd, '--help'])));
    cases.forEach(([, flags], i) => {
      expect(runs[i].status, runs[i].stderr).toBe(0);
      for (const f of flags) expect(runs[i].stdout).toContain(f);
    });
  }, 60_000);

  it('prints its version for --version and -v', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = await runCli([flag]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
      expect(r.stderr).toBe('');
    }
  });

  it('rejects bad flags and unreadable files with one line and a non-zero exit', async () => {
    const cases: [string[], number, RegExp][] = [
      [['train', '--bogus'], 2, /Unknown option '--bogus'/],
      [['train', '--hidden', 'abc'], 2, /--hidden expects a number, got 'abc'/],
      [['train', '--cell', 'gru2'], 2, /--cell must be one of gru, lstm, rnn/],
      [['train', '--weight-decay', '-0.1'], 2, /--weight-decay must be ≥ 0, got -0.1/],
      [['train', '--data', join(dir, 'missing.txt')], 1, /cannot read .*missing\.txt.*no such file/],
      [['generate'], 2, /--model DIR is required/],
      [['generate', '--model', join(dir, 'nope')], 1, /does not exist/],
      [['frobnicate'], 2, /unknown command 'frobnicate'/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    for (const [k, [args, code, msg]] of cases.entries()) {
      const r = runs[k];
      expect(r.status, args.join(' ')).toBe(code);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const r = await runCli(['train', '--help'], { ...process.env, GATED_NUM_THREADS: '0' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/GATED_NUM_THREADS must be a whole number ≥ 1, got '0'/);
  }, 60_000);

  it('resumes a killed run to the same weights as an uninterrupted run', async () => {
    const full = join(dir, 'full'), killed = join(dir, 'killed');
    const r = gated(...trainArgs, '--out', full);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/epoch 4: train [\d.]+ {2}val [\d.]+ {2}bigram [\d.]+/);
    const metrics = JSON.parse(readFileSync(join(full, 'metrics.json'), 'utf8'));
    expect(metrics).toHaveLength(4);
    for (const m of metrics) expect(Object.keys(m).sort()).toEqual(['baselineValLoss', 'epoch', 'seconds', 'trainLoss', 'valLoss']);

    // start again, kill it as soon as the first epoch's checkpoint lands
    const child = spawn(process.execPath, [...NODE_ARGS, ...trainArgs, '--out', killed], { cwd: ROOT, stdio: 'ignore' });
    const state = join(killed, 'state.json');
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (existsSync(state)) { clearInterval(timer); child.kill('SIGKILL'); resolve(); }
      }, 5);
      child.on('exit', () => { clearInterval(timer); reject(new Error('training finished before it could be killed')); });
    });
    await new Promise((res) => child.on('exit', res));
    const stoppedAt = JSON.parse(readFileSync(state, 'utf8')).epoch;
    expect(stoppedAt).toBeLessThan(4);

    const again = gated('train', '--resume', killed);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain(`resuming after epoch ${stoppedAt}`);
    expect(Buffer.compare(readFileSync(join(killed, 'model.safetensors')), readFileSync(join(full, 'model.safetensors')))).toBe(0);
    expect(JSON.parse(readFileSync(join(killed, 'metrics.json'), 'utf8')).map((m: { valLoss: number }) => m.valLoss))
      .toEqual(metrics.map((m: { valLoss: number }) => m.valLoss));
  }, 120_000);

  it('saves a model that loadStateDict accepts and that generates', () => {
    const full = join(dir, 'full');
    const config = JSON.parse(readFileSync(join(full, 'config.json'), 'utf8'));
    expect(config.training).toMatchObject({ optimizer: 'adamw', weightDecay: 0.1 });   // the defaults
    const model = new CharLM(config.model);
    model.loadStateDict(readSafetensors(new Uint8Array(readFileSync(join(full, 'model.safetensors')))));
    const name = sample(model, new CharVocab(config.vocab), new Rng(1), { maxLength: 20 });
    expect(name.length).toBeGreaterThan(0);

    const g = gated('generate', '--model', full, '--count', '5', '--seed', '2', '--temperature', '0.8');
    expect(g.status, g.stderr).toBe(0);
    const out = g.stdout.trim().split('\n');
    expect(out).toHaveLength(5);
    for (const s of out) expect(s).toMatch(/^[a-j-]+$/);

    const e = gated('eval', '--model', full, '--data', dataFile);
    expect(e.status, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/^loss [\d.]+ nats\/char {2}[\d.]+ bits\/char$/m);
  }, 60_000);
});
