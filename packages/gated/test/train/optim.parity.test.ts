// Parity of SGD, Adam, AdamW and RMSprop with torch.optim: 5 steps on 3 parameter tensors with PyTorch's random
// gradients (some parameters without a gradient at some steps), comparing the parameters after every step and the
// optimizer buffers and step counts after the last (test/fixtures/train/optim.safetensors, test/generators/train.py).
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor/tensor.js';
import { expectClose } from '../_util/close.js';
import { TOL, loadFixture } from './_fixtures.js';
import { makeOptimizer, type OptimCase } from './_optim.js';

const fx = loadFixture<OptimCase>('optim.safetensors');

describe('optimizers match torch.optim step by step', () => {
  it('covers every optimizer and option named in the fixtures', () => {
    expect(new Set(fx.cases.map((c) => c.optimizer))).toEqual(new Set(['SGD', 'Adam', 'AdamW', 'RMSprop']));
    expect(fx.cases.length).toBe(16);
  });

  for (const c of fx.cases) {
    it(c.name, () => {
      const params = c.shapes.map((s, i) => new Tensor(fx.get(`${c.name}.p${i}.init`).data.slice(), s, { requiresGrad: true }));
      const opt = makeOptimizer(c, params);
      for (let s = 1; s <= c.steps; s++) {
        opt.zeroGrad();
        params.forEach((p, i) => {
          const g = fx.maybe(`${c.name}.p${i}.grad.${s}`);
          expect(g === undefined).toBe((c.skip[String(s)] ?? []).includes(i));
          if (g) p.grad = new Tensor(g.data.slice(), g.shape);
        });
        opt.step();
        params.forEach((p, i) => expectClose(p.data, fx.get(`${c.name}.p${i}.after.${s}`).data, { ...TOL, what: `${c.name} params[${i}] after step ${s}` }));
      }
      const sd = opt.stateDict();
      const torchKeys = Object.keys(Object.fromEntries(c.shapes.flatMap((_, i) =>
        ['exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'momentum_buffer', 'square_avg', 'grad_avg']
          .filter((b) => fx.maybe(`${c.name}.state.${i}.${b}`)).map((b) => [`state.${i}.${b}`, 0]))));
      expect(Object.keys(sd.state).sort()).toEqual(torchKeys.sort());
      for (const k of torchKeys) expectClose(sd.state[k].data, fx.get(`${c.name}.${k}`).data, { ...TOL, what: `${c.name} ${k}` });
      c.stepCounts.forEach((n, i) => { if (n !== null) expect(sd.steps[i]).toBe(n); });
    });
  }
});
