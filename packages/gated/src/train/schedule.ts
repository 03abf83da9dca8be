// Learning-rate schedules that write `optimizer.lr`: StepLR, CosineAnnealingLR, LinearWarmup (torch's LinearLR) and
// SequentialLR to chain them — each a closed form of its epoch counter t (torch.optim.lr_scheduler's
// `_get_closed_form_lr`, which its recursive updates reproduce up to float64 rounding). One parameter group.
//
// Use like PyTorch: build the scheduler after the optimizer (that sets lr to the t = 0 value), then call
// `optimizer.step()` and `scheduler.step()` once per step (or epoch); `getLastLr()` is the lr now in effect.
//   StepLR:             lr(t) = base · γ^⌊t / stepSize⌋
//   CosineAnnealingLR:  lr(t) = ηmin + (base − ηmin) · (1 + cos(π t / tMax)) / 2
//   LinearWarmup:       lr(t) = base · (s + (e − s) · min(t, warmupSteps) / warmupSteps)     (s start, e end factor)
//   SequentialLR:       lr(t) = scheduler_k.lr(t − m_k)  with k = #{milestones ≤ t}, m_0 = 0
// `base` is the optimizer's lr when the first scheduler was attached (kept as `optimizer.initialLr`).
import { GatedError, check } from '../errors.js';

/** What a scheduler needs of an optimizer (every Optimizer fits). */
export interface Schedulable {
  lr: number;
  initialLr: number | undefined;
}

/** lastEpoch (t), the base lr, and the schedule's own hyper-parameters; SequentialLR adds its children. */
export interface SchedulerStateDict {
  scheduler: string;
  lastEpoch: number;
  baseLr: number;
  hyper: Record<string, number | number[]>;
  children?: SchedulerStateDict[];
}

export abstract class LRScheduler {
  readonly optimizer: Schedulable;
  /** The lr at t = 0 of the closed form (before any factor). */
  baseLr: number;
  /** t: how many times step() has been called. */
  lastEpoch = 0;
  abstract readonly name: string;

  constructor(optimizer: Schedulable) {
    check(typeof optimizer?.lr === 'number', 'INVALID_ARGUMENT', () => 'LR scheduler: expected an optimizer with a numeric lr');
    this.optimizer = optimizer;
    if (optimizer.initialLr === undefined) optimizer.initialLr = optimizer.lr;
    this.baseLr = optimizer.initialLr;
  }

  /** The closed-form learning rate at epoch t. */
  abstract lrAt(t: number): number;
  protected abstract hyper(): Record<string, number | number[]>;
  protected abstract setHyper(h: Record<string, number | number[]>): void;

  /** Advances t by one and writes lr(t) into the optimizer. */
  step(): void {
    this.lastEpoch++;
    this.optimizer.lr = this.lrAt(this.lastEpoch);
  }

  /** The learning rate set by the last step (or by construction). */
  getLastLr(): number { return this.lrAt(this.lastEpoch); }

  stateDict(): SchedulerStateDict {
    return { scheduler: this.name, lastEpoch: this.lastEpoch, baseLr: this.baseLr, hyper: this.hyper() };
  }

  /**
   * Restores t, the base lr and the hyper-parameters, and sets the optimizer's lr to lr(t) (so resuming works even
   * without the optimizer's own state). Mismatched scheduler type → GatedError('STATE_DICT').
   */
  loadStateDict(sd: SchedulerStateDict): void {
    const fail = (msg: string): never => { throw new GatedError('STATE_DICT', `${this.name}.loadStateDict: ${msg}`); };
    if (sd?.scheduler !== this.name) fail(`state dict is from scheduler ${JSON.stringify(sd?.scheduler)}, expected ${JSON.stringify(this.name)}`);
    if (!Number.isSafeInteger(sd.lastEpoch) || sd.lastEpoch < 0) fail(`lastEpoch must be a non-negative integer, got ${sd.lastEpoch}`);
    if (typeof sd.baseLr !== 'number') fail(`baseLr must be a number, got ${String(sd.baseLr)}`);
    const before = this.hyper();
    try { this.setHyper(sd.hyper ?? {}); } catch (e) {
      this.setHyper(before);
      fail(`invalid hyper-parameters (${e instanceof Error ? e.message : String(e)})`);
    }
    this.lastEpoch = sd.lastEpoch;
    this.baseLr = sd.baseLr;
    this.optimizer.lr = this.lrAt(this.lastEpoch);
  }

  /** Sets the optimizer to lr(0); subclasses call it at the end of their constructor (PyTorch's initial step). */
  protected start(): void { this.optimizer.lr = this.lrAt(0); }
}

const num = (h: Record<string, number | number[]>, k: string): number => {
  const v = h[k];
  check(typeof v === 'number' && !Number.isNaN(v), 'INVALID_ARGUMENT', () => `${k} must be a number, got ${JSON.stringify(v)}`);
  return v;
};
const posInt = (what: string, v: number): number => {
  check(Number.isSafeInteger(v) && v > 0, 'INVALID_ARGUMENT', () => `${what} must be a positive integer, got ${v}`);
  return v;
};

/** lr · γ every `stepSize` steps (γ default 0.1). */
export class StepLR extends LRScheduler {
  readonly name = 'StepLR';
  stepSize = 1;
  gamma = 0.1;
  constructor(optimizer: Schedulable, opts: { stepSize: number; gamma?: number }) {
    super(optimizer);
    this.setHyper({ stepSize: opts.stepSize, gamma: opts.gamma ?? 0.1 });
    this.start();
  }
  lrAt(t: number): number { return this.baseLr * this.gamma ** Math.floor(t / this.stepSize); }
  protected hyper(): Record<string, number> { return { stepSize: this.stepSize, gamma: this.gamma }; }
  protected setHyper(h: Record<string, number | number[]>): void {
    this.stepSize = posInt('StepLR: stepSize', num(h, 'stepSize'));
    this.gamma = num(h, 'gamma');
  }
}

/** Half a cosine from the base lr down to etaMin over tMax steps (then back up, periodically, like PyTorch). */
export class CosineAnnealingLR extends LRScheduler {
  readonly name = 'CosineAnnealingLR';
  tMax = 1;
  etaMin = 0;
  constructor(optimizer: Schedulable, opts: { tMax: number; etaMin?: number }) {
    super(optimizer);
    this.setHyper({ tMax: opts.tMax, etaMin: opts.etaMin ?? 0 });
    this.start();
  }
  lrAt(t: number): number { return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * t) / this.tMax))) / 2; }
  protected hyper(): Record<string, number> { return { tMax: this.tMax, etaMin: this.etaMin }; }
  protected setHyper(h: Record<string, number | number[]>): void {
    this.tMax = posInt('CosineAnnealingLR: tMax', num(h, 'tMax'));
    this.etaMin = num(h, 'etaMin');
  }
}

/**
 * Linear ramp of the lr factor from startFactor to endFactor over warmupSteps steps, then constant — torch's
 * LinearLR(start_factor, end_factor, total_iters) with its defaults (1/3, 1, 5).
 */
export class LinearWarmup extends LRScheduler {
  readonly name = 'LinearWarmup';
  warmupSteps = 5;
  startFactor = 1 / 3;
  endFactor = 1;
  constructor(optimizer: Schedulable, opts: { warmupSteps?: number; startFactor?: number; endFactor?: number } = {}) {
    super(optimizer);
    this.setHyper({ warmupSteps: opts.warmupSteps ?? 5, startFactor: opts.startFactor ?? 1 / 3, endFactor: opts.endFactor ?? 1 });
    this.start();
  }
  lrAt(t: number): number {
    return this.baseLr * (this.startFactor + ((this.endFactor - this.startFactor) * Math.min(t, this.warmupSteps)) / this.warmupSteps);
  }
  protected hyper(): Record<string, number> { return { warmupSteps: this.warmupSteps, startFactor: this.startFactor, endFactor: this.endFactor }; }
  protected setHyper(h: Record<string, number | number[]>): void {
    const s = num(h, 'startFactor'), e = num(h, 'endFactor');
    check(s > 0 && s <= 1, 'INVALID_ARGUMENT', () => `LinearWarmup: startFactor must be in (0, 1], got ${s}`);
    check(e >= 0 && e <= 1, 'INVALID_ARGUMENT', () => `LinearWarmup: endFactor must be in [0, 1], got ${e}`);
    this.warmupSteps = posInt('LinearWarmup: warmupSteps', num(h, 'warmupSteps'));
    this.startFactor = s; this.endFactor = e;
  }
}

/**
 * Runs `schedulers[k]` from milestone m_k on, restarting its clock there (torch's SequentialLR), e.g. warmup then
 * cosine: `new SequentialLR(opt, [new LinearWarmup(opt, { warmupSteps: 100 }), new CosineAnnealingLR(opt, { tMax: 900 })], [100])`.
 */
export class SequentialLR extends LRScheduler {
  readonly name = 'SequentialLR';
  readonly schedulers: readonly LRScheduler[];
  milestones: number[] = [];
  constructor(optimizer: Schedulable, schedulers: readonly LRScheduler[], milestones: readonly number[]) {
    super(optimizer);
    check(schedulers.length > 0 && schedulers.every((s) => s.optimizer === optimizer), 'INVALID_ARGUMENT',
      'SequentialLR: expected one or more schedulers, all built on the same optimizer as the SequentialLR');
    this.schedulers = [...schedulers];
    this.setHyper({ milestones: [...milestones] });
    this.start();
  }
  private phase(t: number): number { let k = 0; while (k < this.milestones.length && this.milestones[k] <= t) k++; return k; }
  lrAt(t: number): number {
    const k = this.phase(t);
    return this.schedulers[k].lrAt(k === 0 ? t : t - this.milestones[k - 1]);
  }
  override step(): void {
    super.step();
    const k = this.phase(this.lastEpoch);
    this.schedulers[k].lastEpoch = k === 0 ? this.lastEpoch : this.lastEpoch - this.milestones[k - 1];
  }
  protected hyper(): Record<string, number[]> { return { milestones: [...this.milestones] }; }
  protected setHyper(h: Record<string, number | number[]>): void {
    const m = h.milestones;
    check(Array.isArray(m) && m.length === this.schedulers.length - 1 && m.every((x, i) => Number.isSafeInteger(x) && x > 0 && (i === 0 || x > m[i - 1])),
      'INVALID_ARGUMENT', () => `SequentialLR: milestones must be ${this.schedulers.length - 1} increasing positive integers (one fewer than the schedulers), got ${JSON.stringify(m)}`);
    this.milestones = [...m];
  }
  override stateDict(): SchedulerStateDict { return { ...super.stateDict(), children: this.schedulers.map((s) => s.stateDict()) }; }
  override loadStateDict(sd: SchedulerStateDict): void {
    check(Array.isArray(sd?.children) && sd.children.length === this.schedulers.length, 'STATE_DICT',
      () => `SequentialLR.loadStateDict: expected ${this.schedulers.length} child scheduler states, got ${Array.isArray(sd?.children) ? sd.children.length : 'none'}`);
    this.schedulers.forEach((s, i) => s.loadStateDict(sd.children![i]));
    super.loadStateDict(sd);
  }
}
