// Crash safety of `gated train`: SIGKILL at random moments (20 times, many during checkpoint writes) and once
// exactly in the middle of writing a checkpoint; every time `--resume` continues, and every finished run has the
// same weights as an uninterrupted one.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../../gated/src/random.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE_ARGS = ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts')];
const dir = mkdtempSync(join(tmpdir(), 'gated-crash-'));
const rng = new Rng(17);
const data = join(dir, 'toy.txt');
writeFileSync(data, Array.from({ length: 300 }, () => 'abcdef'.slice(rng.int(3), 3 + rng.int(4))).join('\n'));
const args = (out: string) => ['train', '--data', data, '--hidden', '12', '--layers', '1', '--embed', '4', '--batch', '32', '--epochs', '20', '--dropout', '0.1', '--seed', '1', '--out', out];

const start = (argv: string[], delayMs: number): ChildProcess =>
  spawn(process.execPath, [...NODE_ARGS, ...argv], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, GATED_FAULT_WRITE_DELAY_MS: String(delayMs) } });
const exited = (c: ChildProcess): Promise<number | null> =>
  new Promise((res) => { if (c.exitCode !== null || c.signalCode !== null) res(c.exitCode); else c.on('exit', (code) => res(code)); });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const weights = (d: string) => readFileSync(join(d, 'model.safetensors'));
const hasCheckpoint = (d: string) => existsSync(join(d, 'state.json')) || existsSync(join(d, 'previous', 'state.json'));

describe('crash-safe training', () => {
  const reference = join(dir, 'reference');
  it('trains the reference run uninterrupted', () => {
    const r = spawnSync(process.execPath, [...NODE_ARGS, ...args(reference)], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  }, 60_000);

  it('falls back to the previous checkpoint when killed in the middle of writing one', async () => {
    const out = join(dir, 'mid-write');
    const child = start(args(out), 400);
    // the second checkpoint has begun once previous/ holds the first one; its first new file lands right after
    while (!existsSync(join(out, 'previous', 'state.json'))) { await sleep(10); if (child.exitCode !== null) throw new Error('run ended early'); }
    await sleep(600);
    child.kill('SIGKILL');
    await exited(child);
    const r = spawnSync(process.execPath, [...NODE_ARGS, 'train', '--resume', out], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('resuming from the previous one');
    expect(weights(out).equals(weights(reference))).toBe(true);
  }, 60_000);

  it('survives 20 kills at random moments', async () => {
    const out = join(dir, 'random');
    const kill = new Rng(5);
    let kills = 0, finished = 0, fallbacks = 0;
    while (kills < 20) {
      const child = start(hasCheckpoint(out) ? ['train', '--resume', out] : args(out), 15);
      let stderr = '';
      child.stderr!.on('data', (b) => { stderr += b; });
      await Promise.race([sleep(700 + kill.int(1300)), exited(child)]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL'); kills++;
        await exited(child);
      } else {
        expect(child.exitCode, stderr).toBe(0);
        expect(weights(out).equals(weights(reference))).toBe(true);
        finished++;
        rmSync(out, { recursive: true, force: true });
      }
      if (stderr.includes('resuming from the previous one')) fallbacks++;
    }
    while (true) { // let the last run finish
      const child = start(hasCheckpoint(out) ? ['train', '--resume', out] : args(out), 0);
      if ((await exited(child)) === 0) break;
    }
    expect(weights(out).equals(weights(reference))).toBe(true);
    console.log(`crash test: ${kills} kills, ${finished + 1} runs completed, ${fallbacks} resumes fell back to the previous checkpoint`);
  }, 180_000);
});
