// LR schedules against torch.optim.lr_scheduler's get_last_lr() sequences (test/fixtures/train/schedules.json,
// written by test/generators/train.py), state-dict round trips and option validation.
import { describe, expect, it } from 'vitest';
import { GatedError } from '../../src/errors.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { SGD } from '../../src/train/optim/sgd.js';
import { CosineAnnealingLR, LinearWarmup, SequentialLR, StepLR, type LRScheduler } from '../../src/train/schedule.js';
import { expectClose } from '../_util/close.js';
import { loadJson } from './_fixtures.js';

interface ScheduleCase {
  name: string;
  scheduler: 'StepLR' | 'CosineAnnealingLR' | 'LinearWarmup' | 'SequentialLR';
  baseLr: number;
  options: Record<string, unknown>;
  lrs: number[];
}

const cases = loadJson<ScheduleCase[]>('schedules.json');
const optimizer = (lr: number): SGD => new SGD([new Tensor(new Float32Array(1), [1], { requiresGrad: true })], { lr });

function make(c: ScheduleCase, opt: SGD): LRScheduler {
  switch (c.scheduler) {
    case 'StepLR': return new StepLR(opt, c.options as { stepSize: number; gamma?: number });
    case 'CosineAnnealingLR': return new CosineAnnealingLR(opt, c.options as { tMax: number; etaMin?: number });
    case 'LinearWarmup': return new LinearWarmup(opt, c.options as { warmupSteps?: number; startFactor?: number; endFactor?: number });
    case 'SequentialLR': {
      const o = c.options as unknown as { warmup: { warmupSteps: number; startFactor: number }; cosine: { tMax: number; etaMin: number }; milestones: number[] };
      return new SequentialLR(opt, [new LinearWarmup(opt, o.warmup), new CosineAnnealingLR(opt, o.cosine)], o.milestones);
    }
  }
}

// PyTorch steps these schedules recursively (lr ← lr·ratio); the closed forms agree to float64 rounding.
const LR_TOL = { atol: 1e-15, rtol: 1e-12 };

describe('schedules match torch.optim.lr_scheduler', () => {
  for (const c of cases) {
    it(c.name, () => {
      const opt = optimizer(c.baseLr);
      const s = make(c, opt);
      const got = [s.getLastLr()];
      expect(opt.lr).toBe(got[0]);
      for (let i = 1; i < c.lrs.length; i++) {
        s.step();
        got.push(s.getLastLr());
        expect(opt.lr).toBe(got[i]);
      }
      expectClose(got, c.lrs, { ...LR_TOL, what: c.name });
    });

    it(`${c.name}: stateDict after 3 steps, load into a fresh scheduler, continue identically`, () => {
      const opt1 = optimizer(c.baseLr), s1 = make(c, opt1);
      for (let i = 0; i < 3; i++) s1.step();
      const sd = JSON.parse(JSON.stringify(s1.stateDict()));
      const opt2 = optimizer(c.baseLr), s2 = make(c, opt2);
      s2.loadStateDict(sd);
      expect(opt2.lr).toBe(opt1.lr);
      for (let i = 0; i < 5; i++) { s1.step(); s2.step(); expect(s2.getLastLr()).toBe(s1.getLastLr()); expect(opt2.lr).toBe(opt1.lr); }
    });
  }

  it('drives the optimizer: the lr in effect at each optimizer step is the schedule value', () => {
    const p = new Tensor(Float32Array.from([0]), [1], { requiresGrad: true });
    const opt = new SGD([p], { lr: 1 });
    const sched = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
    for (let i = 0; i < 3; i++) { p.grad = new Tensor(Float32Array.from([1]), [1]); opt.step(); sched.step(); }
    expect(p.data[0]).toBe(-(1 + 0.5 + 0.25));
  });

  it('a second scheduler on the same optimizer starts from the initial lr (like initial_lr)', () => {
    const opt = optimizer(0.1);
    new LinearWarmup(opt, { startFactor: 0.5 });
    expect(opt.lr).toBe(0.05);
    expect(new CosineAnnealingLR(opt, { tMax: 4 }).baseLr).toBe(0.1);
    expect(opt.stateDict().hyper.initialLr).toBe(0.1);
  });

  it('rejects bad options (INVALID_ARGUMENT) and foreign state (STATE_DICT)', () => {
    const opt = optimizer(0.1);
    const code = (f: () => unknown): string | undefined => { try { f(); } catch (e) { return e instanceof GatedError ? e.code : 'other'; } return undefined; };
    expect(code(() => new StepLR(opt, { stepSize: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => new CosineAnnealingLR(opt, { tMax: 1.5 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => new LinearWarmup(opt, { startFactor: 0 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => new SequentialLR(opt, [new StepLR(opt, { stepSize: 2 }), new StepLR(opt, { stepSize: 3 })], []))).toBe('INVALID_ARGUMENT');
    expect(code(() => new SequentialLR(opt, [new StepLR(optimizer(1), { stepSize: 2 })], []))).toBe('INVALID_ARGUMENT');
    const step = new StepLR(opt, { stepSize: 2 });
    expect(code(() => step.loadStateDict(new CosineAnnealingLR(opt, { tMax: 3 }).stateDict()))).toBe('STATE_DICT');
    expect(code(() => step.loadStateDict({ ...step.stateDict(), hyper: { stepSize: -1, gamma: 0.1 } }))).toBe('STATE_DICT');
    expect(step.stepSize).toBe(2);
  });
});
