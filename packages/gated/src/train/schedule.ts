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

/**
 * What a scheduler needs of an optimizer (every Optimizer fits).
 * @property lr - the learning rate the scheduler writes.
 * @property initialLr - the base of the schedule, set by the first scheduler attached (PyTorch's `initial_lr`).
 */
export interface Schedulable {
  lr: number;
  initialLr: number | undefined;
}

/**
 * lastEpoch (t), the base lr, and the schedule's own hyper-parameters; SequentialLR adds its children.
 * @property scheduler - the class name, e.g. `'CosineAnnealingLR'`.
 * @property lastEpoch - t: steps taken.
 * @property baseLr - the lr at t = 0 of the closed form.
 * @property hyper - the schedule's hyper-parameters by option name.
 * @property children - SequentialLR only: its schedulers' state dicts, in order.
 */
export interface SchedulerStateDict {
  scheduler: string;
  lastEpoch: number;
  baseLr: number;
  hyper: Record<string, number | number[]>;
  children?: SchedulerStateDict[];
}

/**
 * The base of the learning-rate schedules, like `torch.optim.lr_scheduler.LRScheduler` for one parameter group:
 * each computes lr(t) in closed form from its step counter t and writes it into `optimizer.lr`. Build it after the
 * optimizer (that sets lr to lr(0)), then call `scheduler.step()` after each `optimizer.step()` (or once per epoch).
 * `base` is the optimizer's lr when the first scheduler was attached (kept as `optimizer.initialLr`).
 *
 * @throws ArgumentError when the optimizer has no numeric lr, or a hyper-parameter is out of range.
 * @example
 * ```ts
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });   // lr 0.1 for t < 30, 0.01 for t < 60, …
 * for (let epoch = 0; epoch < 90; epoch++) { trainOneEpoch(opt); sched.step(); }
 * ```
 */
export abstract class LRScheduler {
  /** The optimizer whose `lr` this schedule writes. */
  readonly optimizer: Schedulable;
  /** The lr at t = 0 of the closed form (before any factor). */
  baseLr: number;
  /** t: how many times step() has been called. */
  lastEpoch = 0;
  /** Class name, as stored in state dicts. */
  abstract readonly name: string;

  constructor(optimizer: Schedulable) {
    check(typeof optimizer?.lr === 'number', 'INVALID_ARGUMENT', () => 'LR scheduler: expected an optimizer with a numeric lr');
    this.optimizer = optimizer;
    if (optimizer.initialLr === undefined) optimizer.initialLr = optimizer.lr;
    this.baseLr = optimizer.initialLr;
  }

  /** The closed-form learning rate at epoch t. */
  abstract lrAt(t: number): number;
  /** The schedule's hyper-parameters by option name (for state dicts). */
  protected abstract hyper(): Record<string, number | number[]>;
  /** Validates and adopts hyper-parameters from a state dict (same keys as `hyper()`). */
  protected abstract setHyper(h: Record<string, number | number[]>): void;

  /** Advances t by one and writes lr(t) into the optimizer. */
  step(): void {
    this.lastEpoch++;
    this.optimizer.lr = this.lrAt(this.lastEpoch);
  }

  /** The learning rate set by the last step (or by construction). */
  getLastLr(): number { return this.lrAt(this.lastEpoch); }

  /** A snapshot of t, the base lr and the hyper-parameters. */
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

/**
 * lr · γ every `stepSize` steps (γ default 0.1).
 * lr(t) = base · γ^⌊t / stepSize⌋, like `torch.optim.lr_scheduler.StepLR`.
 * @throws ArgumentError when stepSize is not a positive integer.
 */
export class StepLR extends LRScheduler {
  /** `'StepLR'`. */
  readonly name = 'StepLR';
  /** Steps between decays (a positive integer, required). */
  stepSize = 1;
  /** γ, the factor of each decay (default 0.1). */
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

/**
 * Half a cosine from the base lr down to etaMin over tMax steps (then back up, periodically, like PyTorch).
 * lr(t) = ηmin + (base − ηmin) · (1 + cos(π t / tMax)) / 2, like `torch.optim.lr_scheduler.CosineAnnealingLR`.
 * @throws ArgumentError when tMax is not a positive integer.
 * @example
 * ```ts
 * const sched = new CosineAnnealingLR(opt, { tMax: epochs * stepsPerEpoch, etaMin: 1e-5 });
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  /** `'CosineAnnealingLR'`. */
  readonly name = 'CosineAnnealingLR';
  /** Steps of the half cosine (a positive integer, required). */
  tMax = 1;
  /** ηmin, the lowest lr (default 0). */
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
 * lr(t) = base · (s + (e − s) · min(t, warmupSteps) / warmupSteps) with s = startFactor, e = endFactor.
 * @throws ArgumentError when startFactor is not in (0, 1], endFactor not in [0, 1], or warmupSteps not a positive integer.
 */
export class LinearWarmup extends LRScheduler {
  /** `'LinearWarmup'`. */
  readonly name = 'LinearWarmup';
  /** Steps of the ramp (default 5). */
  warmupSteps = 5;
  /** The factor at t = 0, in (0, 1] (default 1/3). */
  startFactor = 1 / 3;
  /** The factor from t = warmupSteps on, in [0, 1] (default 1). */
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
 * lr(t) = schedulers[k].lrAt(t − m_k) with k = the number of milestones ≤ t and m_0 = 0.
 * @throws ArgumentError when a scheduler is built on another optimizer, or the milestones are not increasing
 * positive integers, one fewer than the schedulers.
 */
export class SequentialLR extends LRScheduler {
  /** `'SequentialLR'`. */
  readonly name = 'SequentialLR';
  /** The chained schedules (each built on the same optimizer). */
  readonly schedulers: readonly LRScheduler[];
  /** The steps at which the next schedule takes over (increasing; one fewer than the schedulers). */
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
