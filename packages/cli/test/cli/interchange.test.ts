// `gated convert` and `gated run` end to end (the CLI run by node with tsx): TF.js → gated dir → ONNX → gated dir,
// PyTorch's ONNX → gated, each run on the same inputs and compared with the source's reference outputs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors, writeSafetensors } from '../../../gated/src/io/safetensors.js';
import { Tensor } from '../../../gated/src/tensor/tensor.js';
import { expectClose } from '../../../gated/test/io/onnx/_close.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../gated/test/fixtures/', import.meta.url));
const gated = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], { encoding: 'utf8', cwd: ROOT, timeout: 120_000 });
const tmp = mkdtempSync(join(tmpdir(), 'gated-convert-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const ok = (r: ReturnType<typeof gated>) => { expect(r.stderr + r.stdout, `exit ${r.status}`).not.toMatch(/error/i); expect(r.status).toBe(0); };

describe('gated convert / gated run', { timeout: 60_000 }, () => {
  it('Keras model.json → gated dir → .onnx → gated dir, each run equal to PyTorch', () => {
    const fx = join(FIXTURES, 'tfjs/keras_gru_reset_after');
    const io = readSafetensors(new Uint8Array(readFileSync(join(fx, 'expected.safetensors'))));
    writeFileSync(join(tmp, 'x.safetensors'), writeSafetensors({ input: io.ids }));
    ok(gated('convert', join(fx, 'model.json'), join(tmp, 'keras-dir')));
    ok(gated('convert', join(tmp, 'keras-dir'), join(tmp, 'keras.onnx')));
    ok(gated('convert', join(tmp, 'keras.onnx'), join(tmp, 'back-dir')));
    for (const m of [join(fx, 'model.json'), join(tmp, 'keras-dir'), join(tmp, 'keras.onnx'), join(tmp, 'back-dir')]) {
      ok(gated('run', '--model', m, '--input', join(tmp, 'x.safetensors'), '--output', join(tmp, 'y.safetensors')));
      expectClose(readSafetensors(new Uint8Array(readFileSync(join(tmp, 'y.safetensors')))).output, io.output, m);
    }
  });

  it('torch.onnx.export file → gated dir, run equal to PyTorch', () => {
    const fx = join(FIXTURES, 'onnx/torch');
    const io = readSafetensors(new Uint8Array(readFileSync(join(fx, 'emb_lstm_bidir_layers2.io.safetensors'))));
    ok(gated('convert', join(fx, 'emb_lstm_bidir_layers2.onnx'), join(tmp, 'torch-dir')));
    writeFileSync(join(tmp, 'ids.safetensors'), writeSafetensors({ input: io.input }));
    ok(gated('run', '--model', join(tmp, 'torch-dir'), '--input', join(tmp, 'ids.safetensors'), '--output', join(tmp, 'out.safetensors')));
    const out = readSafetensors(new Uint8Array(readFileSync(join(tmp, 'out.safetensors'))));
    expectClose(out.output, io['out.output'], 'output');
    expect(out['h_n.0'].shape).toEqual([4, 2, 8]);
  });

  it('typed one-line errors: a corrupt .onnx, a missing input tensor', () => {
    writeFileSync(join(tmp, 'bad.onnx'), Uint8Array.from([8, 7, 18, 255, 255, 255]));
    const r = gated('convert', join(tmp, 'bad.onnx'), join(tmp, 'nope.onnx'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FORMAT/);
    writeFileSync(join(tmp, 'empty.safetensors'), writeSafetensors({ other: new Tensor(new Float32Array(2), [2]), more: new Tensor(new Float32Array(1), [1]) }));
    const r2 = gated('run', '--model', join(FIXTURES, 'tfjs/keras_gru_reset_after'), '--input', join(tmp, 'empty.safetensors'), '--output', join(tmp, 'o.safetensors'));
    expect(r2.status).toBe(1);
    expect(r2.stderr).toMatch(/'input'/);
  });
});
