// Optimizer state dicts (resume bit-for-bit, through safetensors too; typed errors on mismatch), zeroGrad, skipping
// parameters without gradients, and option validation. Update rules themselves: optim.parity.test.ts.
import { describe, expect, it } from 'vitest';
import { GatedError } from '../../src/errors.js';
import { readSafetensors, readSafetensorsMetadata, writeSafetensors } from '../../src/io/safetensors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Adam, AdamW } from '../../src/train/optim/adam.js';
import type { Optimizer, OptimizerStateDict } from '../../src/train/optim/optimizer.js';
import { RMSprop } from '../../src/train/optim/rmsprop.js';
import { SGD } from '../../src/train/optim/sgd.js';
import { loadFixture } from './_fixtures.js';
import { makeOptimizer, type OptimCase } from './_optim.js';

const fx = loadFixture<OptimCase>('optim.safetensors');

const expectGatedError = (f: () => unknown, code: string, pattern?: RegExp): void => {
  let err: unknown;
  try { f(); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(GatedError);
  expect((err as GatedError).code).toBe(code);
  if (pattern) expect((err as GatedError).message).toMatch(pattern);
};

const freshParams = (c: OptimCase): Tensor[] =>
  c.shapes.map((s, i) => new Tensor(fx.get(`${c.name}.p${i}.init`).data.slice(), s, { requiresGrad: true }));

/** Runs steps from..to (1-based, inclusive) with the fixture's gradients. */
function run(c: OptimCase, opt: Optimizer, params: Tensor[], from: number, to: number): void {
  for (let s = from; s <= to; s++) {
    opt.zeroGrad();
    params.forEach((p, i) => {
      const g = fx.maybe(`${c.name}.p${i}.grad.${s}`);
      if (g) p.grad = new Tensor(g.data.slice(), g.shape);
    });
    opt.step();
  }
}

const bits = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** The state dict as files: buffers in safetensors, the rest as JSON metadata — and back. */
function throughSafetensors(sd: OptimizerStateDict): OptimizerStateDict {
  const bytes = writeSafetensors(sd.state, { optimizer: sd.optimizer, hyper: JSON.stringify(sd.hyper), steps: JSON.stringify(sd.steps) });
  const meta = readSafetensorsMetadata(bytes);
  return { optimizer: meta.optimizer, hyper: JSON.parse(meta.hyper), steps: JSON.parse(meta.steps), state: readSafetensors(bytes) };
}

describe('stateDict / loadStateDict resume bit-for-bit', () => {
  for (const c of fx.cases) {
    for (const via of ['object', 'safetensors'] as const) {
      it(`${c.name}: 3 steps, save, load into a fresh optimizer (${via}), 2 steps == 5 uninterrupted steps`, () => {
        const straight = freshParams(c);
        run(c, makeOptimizer(c, straight), straight, 1, 5);

        const first = freshParams(c);
        const opt1 = makeOptimizer(c, first);
        run(c, opt1, first, 1, 3);
        const sd = via === 'object' ? opt1.stateDict() : throughSafetensors(opt1.stateDict());
        const second = first.map((p) => new Tensor(p.data.slice(), p.shape, { requiresGrad: true }));
        // a fresh optimizer built with other hyper-parameters: loading must restore them
        const opt2 = makeOptimizer({ optimizer: c.optimizer, options: { lr: 123 } }, second);
        opt2.loadStateDict(sd);
        expect(opt2.lr).toBe(opt1.lr);
        run(c, opt2, second, 4, 5);
        second.forEach((p, i) => expect(bits(p.data), `${c.name} params[${i}]`).toEqual(bits(straight[i].data)));
      });
    }
  }

  it('the state dict is a snapshot: stepping afterwards does not change it, and loading copies', () => {
    const p = new Tensor(Float32Array.from([1, 2]), [2], { requiresGrad: true });
    const opt = new Adam([p], { lr: 0.1 });
    p.grad = new Tensor(Float32Array.from([0.5, -0.5]), [2]);
    opt.step();
    const sd = opt.stateDict();
    const saved = sd.state['state.0.exp_avg'].data.slice();
    opt.step();
    expect(sd.state['state.0.exp_avg'].data).toEqual(saved);
    expect(sd.steps).toEqual([1]);
    const opt2 = new Adam([p]);
    opt2.loadStateDict(sd);
    sd.state['state.0.exp_avg'].data.fill(9);
    expect(opt2.stateDict().state['state.0.exp_avg'].data).toEqual(saved);
  });

  it('keys buffers state.<paramIndex>.<name>, like torch.optim', () => {
    const ps = [new Tensor(new Float32Array(2), [2], { requiresGrad: true }), new Tensor(new Float32Array(3), [3], { requiresGrad: true })];
    const opt = new RMSprop(ps, { momentum: 0.9, centered: true });
    ps[1].grad = new Tensor(Float32Array.from([1, 2, 3]), [3]);
    opt.step();
    const sd = opt.stateDict();
    expect(Object.keys(sd.state).sort()).toEqual(['state.1.grad_avg', 'state.1.momentum_buffer', 'state.1.square_avg']);
    expect(sd.steps).toEqual([0, 1]);
    expect(sd.hyper).toEqual({ lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0.9, centered: true, maximize: false });
  });
});

describe('loadStateDict rejects state that does not fit, without changing anything', () => {
  const make = (): { opt: Adam; sd: OptimizerStateDict } => {
    const ps = [new Tensor(new Float32Array(4), [2, 2], { requiresGrad: true }), new Tensor(new Float32Array(3), [3], { requiresGrad: true })];
    const opt = new Adam(ps, { lr: 0.01 });
    ps.forEach((p) => { p.grad = new Tensor(Float32Array.from({ length: p.size }, (_, k) => k + 1), p.shape); });
    opt.step();
    return { opt, sd: opt.stateDict() };
  };

  it('another optimizer class', () => {
    const { sd } = make();
    const p = new Tensor(new Float32Array(4), [2, 2], { requiresGrad: true }), q = new Tensor(new Float32Array(3), [3], { requiresGrad: true });
    expectGatedError(() => new AdamW([p, q]).loadStateDict(sd), 'STATE_DICT', /from optimizer "Adam", expected "AdamW"/);
    expectGatedError(() => new SGD([p, q], { lr: 1 }).loadStateDict(sd), 'STATE_DICT', /expected "SGD"/);
  });

  it('a different number of parameters', () => {
    const { sd } = make();
    expectGatedError(() => new Adam([new Tensor(new Float32Array(4), [2, 2])]).loadStateDict(sd), 'STATE_DICT', /for 2 parameters, this optimizer has 1/);
  });

  it('a buffer shaped unlike its parameter', () => {
    const { sd } = make();
    const ps = [new Tensor(new Float32Array(4), [4], { requiresGrad: true }), new Tensor(new Float32Array(3), [3], { requiresGrad: true })];
    expectGatedError(() => new Adam(ps).loadStateDict(sd), 'STATE_DICT', /state\.0\.exp_avg has shape \[2, 2\], expected \[4\]/);
  });

  it('missing, unexpected or malformed buffers; bad hyper-parameters — and the optimizer is left as it was', () => {
    const { opt, sd } = make();
    const before = opt.stateDict();
    const { ['state.1.exp_avg_sq']: _gone, ...missing } = sd.state;
    expectGatedError(() => opt.loadStateDict({ ...sd, state: missing }), 'STATE_DICT', /missing buffer state\.1\.exp_avg_sq/);
    expectGatedError(() => opt.loadStateDict({ ...sd, state: { ...sd.state, 'state.0.momentum_buffer': sd.state['state.0.exp_avg'] } }),
      'STATE_DICT', /unexpected buffer momentum_buffer/);
    expectGatedError(() => opt.loadStateDict({ ...sd, state: { ...sd.state, 'state.2.exp_avg': sd.state['state.0.exp_avg'] } }), 'STATE_DICT', /index 2 out of range/);
    expectGatedError(() => opt.loadStateDict({ ...sd, state: { ...sd.state, exp_avg: sd.state['state.0.exp_avg'] } }), 'STATE_DICT', /unexpected key "exp_avg"/);
    expectGatedError(() => opt.loadStateDict({ ...sd, steps: [0, 1] }), 'STATE_DICT', /params\[0\] has taken no steps but has buffers/);
    expectGatedError(() => opt.loadStateDict({ ...sd, hyper: { ...sd.hyper, betas: [0.9, 1.5] } }), 'STATE_DICT', /betas/);
    // amsgrad needs a buffer the state lacks
    expectGatedError(() => opt.loadStateDict({ ...sd, hyper: { ...sd.hyper, amsgrad: true } }), 'STATE_DICT', /missing buffer state\.0\.max_exp_avg_sq/);
    const { eps: _e, ...noEps } = sd.hyper;
    expectGatedError(() => opt.loadStateDict({ ...sd, hyper: noEps }), 'STATE_DICT', /missing hyper-parameter\(s\) eps/);
    expectGatedError(() => opt.loadStateDict({ ...sd, hyper: { ...sd.hyper, momentum: 0.9 } }), 'STATE_DICT', /unexpected hyper-parameter\(s\) momentum/);
    expect(opt.stateDict()).toEqual(before);
    expect(opt.amsgrad).toBe(false);
  });
});

describe('step, zeroGrad and options', () => {
  it('step() skips parameters whose grad is null (no buffers, no step count, no weight decay)', () => {
    const a = new Tensor(Float32Array.from([1, 2]), [2], { requiresGrad: true });
    const b = new Tensor(Float32Array.from([3, 4]), [2], { requiresGrad: true });
    for (const opt of [new SGD([a, b], { lr: 0.1, momentum: 0.9, weightDecay: 0.1 }), new AdamW([a, b], { lr: 0.1 }), new RMSprop([a, b])]) {
      a.grad = new Tensor(Float32Array.from([1, 1]), [2]);
      b.grad = null;
      opt.step();
      expect(Array.from(b.data)).toEqual([3, 4]);
      expect(opt.stateDict().steps).toEqual([1, 0]);
      expect(Object.keys(opt.stateDict().state).every((k) => k.startsWith('state.0.'))).toBe(true);
    }
  });

  it('zeroGrad() sets grads to null by default, or zero-fills them in place', () => {
    const p = new Tensor(Float32Array.from([1, 2]), [2], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.1 });
    const g = new Tensor(Float32Array.from([5, 6]), [2]);
    p.grad = g;
    opt.zeroGrad(false);
    expect(p.grad).toBe(g);
    expect(Array.from(g.data)).toEqual([0, 0]);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });

  it('lr is mutable and takes effect on the next step', () => {
    const p = new Tensor(Float32Array.from([1]), [1], { requiresGrad: true });
    const opt = new SGD([p], { lr: 0.5 });
    p.grad = new Tensor(Float32Array.from([1]), [1]);
    opt.step();
    opt.lr = 0.25;
    opt.step();
    expect(p.data[0]).toBe(0.25);
  });

  it('a grad whose size differs from its parameter → SHAPE_MISMATCH', () => {
    const p = new Tensor(new Float32Array(2), [2], { requiresGrad: true });
    p.grad = new Tensor(new Float32Array(3), [3]);
    expectGatedError(() => new Adam([p]).step(), 'SHAPE_MISMATCH', /params\[0\] has shape \[2\] but its grad has shape \[3\]/);
  });

  it('rejects options PyTorch rejects (and duplicate or missing parameters) with INVALID_ARGUMENT', () => {
    const p = new Tensor(new Float32Array(2), [2], { requiresGrad: true });
    expectGatedError(() => new SGD([p], {} as { lr: number }), 'INVALID_ARGUMENT', /lr is required/);
    expectGatedError(() => new SGD([p], { lr: 0.1, nesterov: true }), 'INVALID_ARGUMENT', /nesterov needs momentum > 0 and dampening = 0/);
    expectGatedError(() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), 'INVALID_ARGUMENT', /nesterov/);
    expectGatedError(() => new Adam([p], { lr: -1 }), 'INVALID_ARGUMENT', /lr must be a finite number ≥ 0, got -1/);
    expectGatedError(() => new AdamW([p], { betas: [0.9, 1] }), 'INVALID_ARGUMENT', /AdamW: betas must be two numbers in \[0, 1\)/);
    expectGatedError(() => new RMSprop([p], { alpha: -0.5 }), 'INVALID_ARGUMENT', /alpha/);
    expectGatedError(() => new Adam([]), 'INVALID_ARGUMENT', /non-empty/);
    expectGatedError(() => new Adam([p, p]), 'INVALID_ARGUMENT', /params\[1\] is the same Tensor as params\[0\]/);
  });

  it("uses PyTorch's defaults", () => {
    const p = new Tensor(new Float32Array(2), [2], { requiresGrad: true });
    expect(new Adam([p]).stateDict().hyper).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
    expect(new AdamW([p]).stateDict().hyper).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, amsgrad: false, maximize: false });
    expect(new SGD([p], { lr: 0.1 }).stateDict().hyper).toEqual({ lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
    expect(new RMSprop([p]).stateDict().hyper).toEqual({ lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false });
    expect(new AdamW([p]).name).toBe('AdamW');
  });
});
