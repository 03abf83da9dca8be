// The fused attention ops against PyTorch (test/generators/attention.py): context, weights and the gradients of
// L = Σ context·gc + Σ weights·ga for query, keys, values and v, with masking by lengths, 2-d and 3-d queries.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSafetensors, readSafetensorsMetadata } from '../../src/io/safetensors.js';
import { additiveAttention, dotAttention } from '../../src/nn/attention.js';
import { Tensor } from '../../src/tensor/tensor.js';

const bytes = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'attention', 'attention.safetensors'));
const tensors = readSafetensors(bytes);
const cases = JSON.parse(readSafetensorsMetadata(bytes).cases) as { name: string; kind: 'additive' | 'dot'; scale: number }[];

function expectClose(got: Float32Array, want: Tensor, what: string): void {
  expect(got.length, what).toBe(want.size);
  let worst = 0, at = -1;
  for (let i = 0; i < got.length; i++) {
    const excess = Math.abs(got[i] - want.data[i]) - (1e-5 + 1e-4 * Math.abs(want.data[i]));
    if (excess > worst) { worst = excess; at = i; }
  }
  expect(at, `${what}: element ${at} is ${got[at]}, PyTorch ${want.data[at]}`).toBe(-1);
}

describe('attention parity with PyTorch', () => {
  for (const c of cases) {
    it(c.name, () => {
      const t = (k: string): Tensor => tensors[`${c.name}.${k}`];
      const leaf = (k: string): Tensor => new Tensor(t(k).data.slice(), t(k).shape, { requiresGrad: true });
      const q = leaf('q'), keys = leaf('keys'), values = leaf('values'), v = c.kind === 'additive' ? leaf('v') : null;
      const lengths = Array.from(t('lengths').intData!, Number);
      const r = v ? additiveAttention(q, keys, v, values, lengths) : dotAttention(q, keys, values, lengths, c.scale);
      expectClose(r.context.data, t('context'), 'context');
      expectClose(r.weights.data, t('weights'), 'weights');
      r.context.mul(t('gc')).sum().add(r.weights.mul(t('ga')).sum()).backward();
      expectClose(q.grad!.data, t('grad.q'), 'grad q');
      expectClose(keys.grad!.data, t('grad.keys'), 'grad keys');
      expectClose(values.grad!.data, t('grad.values'), 'grad values');
      if (v) expectClose(v.grad!.data, t('grad.v'), 'grad v');
    });
  }
});
