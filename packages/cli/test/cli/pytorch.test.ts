// A model directory written by PyTorch (examples/pytorch-ddp/train.py, 2 DDP processes) used by the CLI as it is:
// eval prints PyTorch's loss, generate samples, convert exports ONNX, and train --init fine-tunes from its weights.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensorsMetadata } from '../../../gated/src/io/safetensors.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIX = fileURLToPath(new URL('../../../gated/test/fixtures/charlm/', import.meta.url));
const gated = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), ...args], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });
const tmp = mkdtempSync(join(tmpdir(), 'gated-pytorch-'));
const config = (dir: string) => JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { model: Record<string, unknown>; vocab: string[]; training: Record<string, unknown> };

describe('a model directory written by PyTorch DDP', () => {
  it('gated eval prints the loss PyTorch computed on the same text', () => {
    for (const [name, scored] of [['ddp-gru', 'eval-names.txt'], ['ddp-lstm-stream', 'eval-stream.txt']]) {
      const loss = Number(readSafetensorsMetadata(new Uint8Array(readFileSync(`${FIX}${name}.reference.safetensors`))).loss);
      const dir = join(tmp, name); // as the script leaves it: with trainer.pt, its resume state, which gated ignores
      cpSync(FIX + name, dir, { recursive: true });
      writeFileSync(join(dir, 'trainer.pt'), 'PK\x03\x04 a torch.save zip');
      const r = gated('eval', '--model', dir, '--data', FIX + scored);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`loss ${loss.toFixed(4)} nats/char`);
    }
  }, 60_000);

  it('gated generate samples from it and gated convert exports it to ONNX', () => {
    const r = gated('generate', '--model', FIX + 'ddp-gru', '--count', '3', '--seed', '1');
    expect(r.status, r.stderr).toBe(0);
    const vocab = new Set(config(FIX + 'ddp-gru').vocab);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect([...l].every((c) => vocab.has(c)), l).toBe(true);
    const c = gated('convert', FIX + 'ddp-gru', join(tmp, 'ddp-gru.onnx'));
    expect(c.status, c.stderr).toBe(0);
    expect(readFileSync(join(tmp, 'ddp-gru.onnx')).length).toBeGreaterThan(1000);
  }, 60_000);

  it('gated train --init fine-tunes from its weights, keeping architecture and vocabulary', () => {
    const out = join(tmp, 'tuned');
    const r = gated('train', '--init', FIX + 'ddp-gru', '--data', FIX + 'names-small.txt', '--epochs', '1', '--batch', '16', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`(weights from ${FIX}ddp-gru; optimizer starts afresh)`);
    const from = config(FIX + 'ddp-gru'), to = config(out);
    for (const k of ['vocabSize', 'cell', 'embed', 'hidden', 'layers']) expect(to.model[k], k).toBe(from.model[k]);
    expect(to.vocab).toEqual(from.vocab);
    expect(to.training).toMatchObject({ epochs: 1, batch: 16, hidden: from.model.hidden });

    const bad = gated('train', '--init', FIX + 'ddp-gru', '--data', FIX + 'names-small.txt', '--hidden', '99', '--out', join(tmp, 'bad'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/hidden 99 differs from the initial weights' hidden 16/);
    const both = gated('train', '--resume', out, '--init', FIX + 'ddp-gru');
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/cannot be combined with --init/);
  }, 120_000);
});
