// `gated task` as a user meets it: a quick training writes a model directory that eval and predict read back,
// and usage mistakes are one-line errors with exit code 2.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const gated = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'task', ...args], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });

// the child process picks its own kernels, so one run of this file covers it
describe.skipIf(process.env.GATED_BACKEND === 'js')('gated task', () => {
  it('births --quick: train, eval and predict agree on the saved model', { timeout: 180_000 }, () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gated-task-')), 'births');
    const t = gated('births', 'train', '--quick', '--out', out);
    expect(t.status, t.stderr).toBe(0);
    for (const f of ['model.safetensors', 'config.json', 'metrics.json', 'results.json', 'baseline.safetensors', 'forecast.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.model.mae).toBeLessThan(results.seasonalNaive.mae);
    expect(results.maeByHorizon.model).toHaveLength(14);
    const gatedLine = (s: string): string => s.split('\n').find((l) => l.includes('gated GRU'))!;
    const e = gated('births', 'eval', '--model', out);
    expect(e.status, e.stderr).toBe(0);
    expect(gatedLine(e.stdout)).toBe(gatedLine(t.stdout));
    const p = gated('births', 'predict', '--model', out, '--from', '1988-11-20');
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/1988-11-24 {2}Thu/);
    expect(p.stdout.trim().split('\n')).toHaveLength(15);
  });
  it('usage errors exit 2 with one line', { timeout: 60_000 }, () => {
    for (const args of [['nope', 'train'], ['g2p', 'fly'], ['spam', 'train', '--bogus'], ['g2p', 'predict']]) {
      const r = gated(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
