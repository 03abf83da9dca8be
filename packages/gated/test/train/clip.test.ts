// clipGradNorm / clipGradValue against torch.nn.utils.clip_grad_norm_ / clip_grad_value_
// (test/fixtures/train/clip.safetensors, test/generators/train.py), plus edge cases.
import { describe, expect, it } from 'vitest';
import { GatedError } from '../../src/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { clipGradNorm, clipGradValue } from '../../src/train/clip.js';
import { expectClose } from '../_util/close.js';
import { TOL, loadFixture } from './_fixtures.js';

interface ClipCase {
  name: string;
  fn: 'clipGradNorm' | 'clipGradValue';
  missing: number[];
  maxNorm?: number;
  normType?: number | 'inf';
  totalNorm?: number;
  clipValue?: number;
}

const fx = loadFixture<ClipCase>('clip.safetensors');
const SHAPES = [[3, 4], [5], [2, 3, 2]];

describe('clipping matches torch.nn.utils', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const params = SHAPES.map((s, i) => {
        const p = new Tensor(new Float32Array(s.reduce((a, b) => a * b, 1)), s, { requiresGrad: true });
        const g = fx.maybe(`${c.name}.g${i}`);
        if (g) p.grad = new Tensor(g.data.slice(), s);
        return p;
      });
      expect(params.map((p) => p.grad === null)).toEqual(SHAPES.map((_, i) => c.missing.includes(i)));
      if (c.fn === 'clipGradNorm') {
        const total = clipGradNorm(params, c.maxNorm!, c.normType === 'inf' ? Infinity : c.normType);
        expectClose([total], [c.totalNorm!], { ...TOL, what: `${c.name} total norm` });
      } else clipGradValue(params, c.clipValue!);
      params.forEach((p, i) => {
        if (p.grad) expectClose(p.grad.data, fx.get(`${c.name}.clipped.${i}`).data, { ...TOL, what: `${c.name} grad[${i}]` });
      });
    });
  }

  it('leaves gradients bit-identical when no clipping is needed', () => {
    const p = new Tensor(new Float32Array(3), [3], { requiresGrad: true });
    const g = Float32Array.from([0.1, -0.2, 0.3]);
    p.grad = new Tensor(g.slice(), [3]);
    expect(clipGradNorm([p], 1)).toBeCloseTo(Math.sqrt(0.14), 6);
    expect(p.grad.data).toEqual(g);
  });

  it('applies the 1e-6 epsilon: clip_coef = maxNorm / (total + 1e-6)', () => {
    const p = new Tensor(new Float32Array(2), [2], { requiresGrad: true });
    p.grad = new Tensor(Float32Array.from([3, 4]), [2]);
    expect(clipGradNorm([p], 1)).toBe(5);
    const coef = Math.fround(1 / Math.fround(5 + 1e-6));
    expect(Array.from(p.grad.data)).toEqual([Math.fround(3 * coef), Math.fround(4 * coef)]);
  });

  it('returns 0 when no parameter has a gradient', () => {
    expect(clipGradNorm([new Tensor(new Float32Array(2), [2])], 1)).toBe(0);
  });

  it('non-finite norms: scaled like PyTorch by default, NOT_FINITE with errorIfNonfinite', () => {
    const p = new Tensor(new Float32Array(2), [2], { requiresGrad: true });
    p.grad = new Tensor(Float32Array.from([NaN, 1]), [2]);
    expect(Number.isNaN(clipGradNorm([p], 1))).toBe(true);
    expect(Number.isNaN(p.grad.data[1])).toBe(true);
    p.grad = new Tensor(Float32Array.from([Infinity, 1]), [2]);
    let err: unknown;
    try { clipGradNorm([p], 1, 2, { errorIfNonfinite: true }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(GatedError);
    expect((err as GatedError).code).toBe('NOT_FINITE');
    expect(Array.from(p.grad.data)).toEqual([Infinity, 1]);
  });

  it('rejects bad arguments with INVALID_ARGUMENT', () => {
    const p = new Tensor(new Float32Array(2), [2], { requiresGrad: true });
    for (const f of [() => clipGradNorm([p], 1, 0), () => clipGradNorm([p], NaN), () => clipGradValue([p], -1)]) {
      expect(f).toThrow(GatedError);
    }
  });
});
