// Models exported by torch.onnx.export (test/generators/onnx_export.py): gated's ONNX import reproduces PyTorch's
// outputs within |Δ| ≤ 1e-5 + 1e-4·|expected| — Embedding → GRU / LSTM / RNN → (LayerNorm) → Linear → (log)softmax,
// with the exporter's shape arithmetic, bidirectional stacks, batch_first and initial states.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadOnnx, type OnnxFeed } from '../../../src/io/onnx/import.js';
import { readSafetensors } from '../../../src/io/safetensors.js';
import { expectClose } from './_close.js';

const DIR = fileURLToPath(new URL('../../fixtures/onnx/torch/', import.meta.url));
const cases = readdirSync(DIR).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5)).sort();

describe('torch.onnx.export models', () => {
  it('has the exported cases', () => expect(cases.length).toBeGreaterThanOrEqual(7));
  for (const name of cases) {
    it(name, () => {
      const model = loadOnnx(new Uint8Array(readFileSync(join(DIR, `${name}.onnx`))));
      const io = readSafetensors(new Uint8Array(readFileSync(join(DIR, `${name}.io.safetensors`))));
      const feeds: Record<string, OnnxFeed> = {};
      for (const inp of model.inputs) feeds[inp.name] = io[inp.name];
      const out = model.run(feeds);
      for (const o of model.outputs) expectClose(out[o.name], io[`out.${o.name}`], `${name} ${o.name}`);
    });
  }
});
