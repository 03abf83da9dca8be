// `gated experiment` and `gated inspect` as a user meets them: help, one-line errors with the right exit codes, and
// real runs that write their JSON, SVG, table and HTML. Skipped on the js kernel backend like test/cli/ (spawns cost
// seconds each and the CLI picks its own backend).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainCharLM } from '../../../../gated/src/models/charlm-train.js';
import { encodeModelDir } from '../../../../gated/src/io/checkpoint.js';
import { writeModelDir } from '../../../../gated/src/node/files.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const gated = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'gated-exp-'));

describe.skipIf(process.env.GATED_BACKEND === 'js')('gated experiment / inspect', () => {
  it('prints help with every experiment and flag', () => {
    const e = gated('experiment', '--help');
    expect(e.status, e.stderr).toBe(0);
    for (const s of ['vanishing', 'adding', 'copy', 'cost', 'music', 'agreement', '--quick', '--out', '--seed', '--seeds', '--inits', '--dataset', '--max-epochs', '--lm']) expect(e.stdout).toContain(s);
    const i = gated('inspect', '--help');
    expect(i.status, i.stderr).toBe(0);
    for (const s of ['--model', '--text', '--out', '--units']) expect(i.stdout).toContain(s);
  }, 60_000);

  it('rejects unknown experiments and misplaced flags with one line and exit 2', () => {
    for (const [args, msg] of [[['experiment', 'nope'], /unknown experiment 'nope'/], [['experiment', 'adding', '--dataset', 'jsb'], /--dataset does not apply to the adding experiment/],
      [['experiment', 'cost', '--seeds', '3'], /--seeds does not apply to cost/], [['experiment', 'copy', '--inits', 'pytorch,keras'], /--inits: each must be one of pytorch, bias1, chrono, got 'keras'/],
      [['experiment', 'adding', '--grid'], /--grid does not apply to the adding experiment/], [['experiment', 'music', '--models', 'rnn,gpt'], /--models: each must be one of rnn, gru, lstm, gru-cho, got 'gpt'/],
      [['inspect', '--text', 'hi'], /--model DIR is required/]] as [string[], RegExp][]) {
      const r = gated(...args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  }, 60_000);

  it('cost --quick writes result.json, cost.svg and table.md', () => {
    const out = join(dir, 'cost');
    const r = gated('experiment', 'cost', '--quick', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(res.experiment).toBe('cost');
    expect(res.seeds).toEqual([0]);
    expect(res.machine.cores).toBeGreaterThan(0);
    expect(typeof res.selection).toBe('string');
    expect(res.perSeedSeconds[0].seed).toBe(0);
    expect(res.perSeed[0].rows).toHaveLength(9);
    for (const row of res.perSeed[0].rows) expect(row.params).toBe(row.formula);
    expect(readFileSync(join(out, 'cost.svg'), 'utf8')).toMatch(/^<svg xmlns/);
    expect(r.stdout).toContain('| gru | 256 |');
  }, 120_000);

  it('music --grid --quick: the grid has validation numbers only, the finals test; --merge joins two model sets', () => {
    const part = (models: string) => {
      const out = join(dir, `music-${models}`);
      const r = gated('experiment', 'music', '--grid', '--quick', '--max-epochs', '1', '--models', models, '--out', out);
      expect(r.status, r.stderr).toBe(0);
      return out;
    };
    const a = part('rnn'), b = part('gru');
    const res = JSON.parse(readFileSync(join(a, 'result.json'), 'utf8'));
    expect(res.grid).toEqual({ weightNoise: [0, 0.1], lr: [0.003], seed: 0 });
    expect(res.candidates.map((c: { model: string; weightNoise: number }) => `${c.model} ${c.weightNoise}`)).toEqual(['rnn 0', 'rnn 0.1']);
    for (const c of res.candidates) expect(Object.keys(c.fit)).not.toContain('testNll');
    expect(res.selection).toContain('test is never evaluated for a candidate');
    expect(res.perSeed[0].results[0].testNll).toBeGreaterThan(0);
    const merged = join(dir, 'music-merged'), m = gated('experiment', 'music', '--merge', `${a},${b}`, '--out', merged);
    expect(m.status, m.stderr).toBe(0);
    const mres = JSON.parse(readFileSync(join(merged, 'result.json'), 'utf8'));
    expect(mres.selected.map((s: { model: string }) => s.model)).toEqual(['rnn', 'gru']);
    expect(readFileSync(join(merged, 'table.md'), 'utf8')).toContain('Selection grid (seed 0, validation only)');
    expect(readFileSync(join(merged, 'music.svg'), 'utf8')).toMatch(/^<svg xmlns/);
  }, 120_000);

  it('inspect writes gates.json, gates.svg and gates.html for a GRU model', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `the cat ${'abc'[i % 3]} was full`);
    const { dir: model } = trainCharLM({ kind: 'lines', lines, source: 'toy' }, { hidden: 8, layers: 1, embed: 4, epochs: 1, batch: 16, dropout: 0 });
    writeModelDir(join(dir, 'model'), encodeModelDir(model));
    const out = join(dir, 'inspect');
    const r = gated('inspect', '--model', join(dir, 'model'), '--text', 'the cat was full', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    for (const f of ['gates.json', 'gates.svg', 'gates.html']) expect(existsSync(join(out, f)), f).toBe(true);
    const rep = JSON.parse(readFileSync(join(out, 'gates.json'), 'utf8'));
    expect(rep.chars).toHaveLength(16);
    expect(rep.layers[0].z[0]).toHaveLength(8);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('"')).length).toBe(16);
    const bad = gated('inspect', '--model', join(dir, 'model'), '--text', 'the dog');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/character "d" at position 4 is not in the model's vocabulary/);
  }, 120_000);
});
