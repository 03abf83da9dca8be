// `gated task` as a user meets it: a quick training writes a model directory that eval and predict read back, --seeds
// writes one result.json with every seed's raw numbers and their mean ± sd, and usage mistakes are one-line errors with exit code 2.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../_util/run-cli.js';

/** Runs `gated task …` (see runCli: asynchronous, so that the test worker keeps answering vitest while it waits). */
const gated = (...args: string[]) => runCli(['task', ...args]);

// the child process picks its own kernels, so one run of this file covers it
describe.skipIf(process.env.GATED_BACKEND === 'js')('gated task', () => {
  it('births --quick: train, eval and predict agree on the saved model', { timeout: 180_000 }, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gated-task-')), 'births');
    const t = await gated('births', 'train', '--quick', '--out', out);
    expect(t.status, t.stderr).toBe(0);
    for (const f of ['model.safetensors', 'config.json', 'metrics.json', 'results.json', 'baseline.safetensors', 'forecast.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(results.model.mae).toBeLessThan(results.seasonalNaive.mae);
    expect(results.maeByHorizon.model).toHaveLength(14);
    const gatedLine = (s: string): string => s.split('\n').find((l) => l.includes('gated GRU'))!;
    const e = await gated('births', 'eval', '--model', out);
    expect(e.status, e.stderr).toBe(0);
    expect(gatedLine(e.stdout)).toBe(gatedLine(t.stdout));
    const p = await gated('births', 'predict', '--model', out, '--from', '1988-11-20');
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/1988-11-24 {2}Thu/);
    expect(p.stdout.trim().split('\n')).toHaveLength(15);
  });
  // --seeds: one result.json with every seed's raw test numbers and their aggregate, recomputed here from the raw values
  const meanSd = (xs: number[]): [number, number] => {
    const m = xs.reduce((a, x) => a + x, 0) / xs.length;
    return [m, Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1))];
  };
  const expectAggregate = (agg: { mean: number; sd: number; values: number[] }, raw: number[]): void => {
    const [m, sd] = meanSd(raw);
    expect(agg.values).toEqual(raw);
    expect(agg.mean).toBeCloseTo(m, 10);
    expect(agg.sd).toBeCloseTo(sd, 10);
  };
  const seededRun = async (task: string, checkModelDir: string[], extra: string[] = []) => {
    const out = join(mkdtempSync(join(tmpdir(), 'gated-task-')), task);
    const t = await gated(task, 'train', '--quick', '--seeds', '2', '--seed', '3', '--out', out, ...extra);
    expect(t.status, t.stderr).toBe(0);
    const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(r.seeds).toEqual([3, 4]);
    expect(r.perSeed.map((x: { seed: number }) => x.seed)).toEqual([3, 4]);
    expect(r.perSeedSeconds.map((x: { seed: number }) => x.seed)).toEqual([3, 4]);
    expect(r.complete).toBe(true);
    expect(r.machine.cores).toBeGreaterThan(0);
    expect(r.selection).toMatch(/validation/);
    for (const s of [3, 4]) for (const f of checkModelDir) expect(existsSync(join(out, `seed-${s}`, f)), `seed-${s}/${f}`).toBe(true);
    expect(readFileSync(join(out, 'table.md'), 'utf8')).toContain('mean ± sd over 2 seeds (3, 4)');
    return { ...r, out };
  };
  it('spam --quick --seeds 2: two seeds, their raw numbers and mean ± sd in result.json', { timeout: 180_000 }, async () => {
    const r = await seededRun('spam', ['model.safetensors', 'baseline.safetensors', 'results.json']);
    // each seed draws its own split, so even the deterministic baseline differs between seeds
    expect(r.perSeed[0].test.baseline.confusion).not.toEqual(r.perSeed[1].test.baseline.confusion);
    for (const who of ['model', 'baseline']) {
      for (const k of ['accuracy', 'precision', 'recall', 'f1', 'rocAuc', 'prAuc']) {
        expectAggregate(r.summary[who][k], r.perSeed.map((x: { test: Record<string, Record<string, number>> }) => x.test[who][k]));
      }
    }
  });
  it('spam --quick --level char: train, eval and predict agree on a character-level model directory', { timeout: 180_000 }, async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gated-task-')), 'spam-char');
    const t = await gated('spam', 'train', '--quick', '--level', 'char', '--max-chars', '120', '--epochs', '2', '--out', out);
    expect(t.status, t.stderr).toBe(0);
    for (const f of ['model.safetensors', 'config.json', 'metrics.json', 'results.json', 'baseline.safetensors', 'result.json', 'table.md']) expect(existsSync(join(out, f)), f).toBe(true);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.training).toMatchObject({ level: 'char', maxChars: 120, epochs: 2 });
    expect(config.chars.slice(0, 2)).toEqual(['<pad>', '<unk>']);
    expect(config.model.vocabSize).toBe(config.chars.length);
    expect(config.vocab.length).toBeGreaterThan(config.chars.length);   // the baseline's words are kept beside the characters
    const r = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(r.experiment).toBe('task spam --level char');
    expect(r.selection).toMatch(/character-level/);
    expect(readFileSync(join(out, 'table.md'), 'utf8')).toContain('character-level bidirectional GRU (first 120 characters)');
    const line = (s: string, who: string): string => s.split('\n').find((l) => l.includes(who))!;
    const e = await gated('spam', 'eval', '--model', out);
    expect(e.status, e.stderr).toBe(0);
    expect(line(e.stdout, 'gated char GRU')).toBe(line(t.stdout, 'gated char GRU'));
    expect(line(e.stdout, 'BoW')).toBe(line(t.stdout, 'BoW'));
    const p = await gated('spam', 'predict', '--model', out, '--text', 'Subject: WIN $$$ now!!!\n\nclick here to claim your prize');
    expect(p.status, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/^--text\t(spam|ham)\tp\(spam\) [01]\.\d{3} {2}\(baseline [01]\.\d{3}\)\n$/);
  });
  it('births --quick --seeds 2: two seeds, their raw numbers and mean ± sd in result.json', { timeout: 180_000 }, async () => {
    const r = await seededRun('births', ['model.safetensors', 'baseline.safetensors', 'forecast.svg']);
    expect(r.perSeed[0].test.model.mae).not.toBe(r.perSeed[1].test.model.mae);
    type Run = { test: Record<string, Record<string, number>> & { maeByHorizon: Record<string, number[]> } };
    for (const m of ['model', 'linear', 'seasonalNaive']) {
      for (const e of ['mae', 'rmse', 'mape']) expectAggregate(r.summary.errors[m][e], r.perSeed.map((x: Run) => x.test[m][e]));
      for (let h = 0; h < 14; h++) expectAggregate(r.summary.maeByHorizon[m][h], r.perSeed.map((x: Run) => x.test.maeByHorizon[m][h]));
    }
  });
  it('g2p --quick --seeds 2: two seeds on one split, their raw numbers and mean ± sd in result.json; eval reads a seed back', { timeout: 240_000 }, async () => {
    const r = await seededRun('g2p', ['model.safetensors', 'config.json', 'results.json', 'attention.svg'], ['--epochs', '1', '--hidden', '32', '--embed', '16']);
    expect(r.splitSeed).toBe(1);
    // the split is the same for every seed: so is the deterministic baseline, while the models differ
    expect(r.perSeed[0].test.baseline).toEqual(r.perSeed[1].test.baseline);
    expect(r.perSeed[0].test.model.per).not.toBe(r.perSeed[1].test.model.per);
    type Run = { test: { model: Record<string, number> & { firstReference: Record<string, number> }; baseline: Record<string, number> } };
    for (const k of ['per', 'wer']) {
      expectAggregate(r.summary.model[k], r.perSeed.map((x: Run) => x.test.model[k]));
      expectAggregate(r.summary.firstReference[k], r.perSeed.map((x: Run) => x.test.model.firstReference[k]));
      expectAggregate(r.summary.baseline[k], r.perSeed.map((x: Run) => x.test.baseline[k]));
    }
    const dir = join(r.out, 'seed-4');
    expect(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'))).toMatchObject({ data: { seed: 1 }, training: { seed: 4 } });
    const e = await gated('g2p', 'eval', '--model', dir);
    expect(e.status, e.stderr).toBe(0);
    expect(e.stdout).toContain(`gated PER ${(100 * r.perSeed[1].test.model.per).toFixed(2)}%  WER ${(100 * r.perSeed[1].test.model.wer).toFixed(2)}%`);
  });
  it('usage errors exit 2 with one line', { timeout: 120_000 }, async () => {
    for (const args of [['nope', 'train'], ['g2p', 'fly'], ['spam', 'train', '--bogus'], ['g2p', 'predict'], ['births', 'train', '--seeds', '0'], ['g2p', 'train', '--seeds', '0'], ['g2p', 'train', '--label-smoothing', '1']]) {
      const r = await gated(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
  it('g2p --label-smoothing outside [0, 1) names the flag and the bound', { timeout: 60_000 }, async () => {
    for (const [value, msg] of [['1', /--label-smoothing must be < 1, got 1/], ['-0.1', /--label-smoothing must be ≥ 0, got -0.1/]] as const) {
      const r = await gated('g2p', 'train', '--label-smoothing', value);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });
  it('spam --level: bad values are one-line usage errors naming the flag; --help lists the flags with defaults', { timeout: 120_000 }, async () => {
    const bad: [string[], RegExp][] = [
      [['--level', 'bytes'], /--level must be one of word, char, got 'bytes'/],
      [['--level', 'char', '--max-chars', '0'], /--max-chars must be ≥ 1, got 0/],
      [['--level', 'char', '--max-chars', '1.5'], /--max-chars expects an integer/],
      [['--level', 'char', '--char-vocab', 'many'], /--char-vocab expects a number/],
      [['--max-chars', '300'], /--max-chars needs --level char/],
    ];
    for (const [args, message] of bad) {
      const r = await gated('spam', 'train', ...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
    const h = await gated('spam', '--help');
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/--level word\|char .*\n.*\[word\]/);
    expect(h.stdout).toMatch(/--max-chars N --char-vocab N[\s\S]*\[\d+, \d+\]/);
  });
});
