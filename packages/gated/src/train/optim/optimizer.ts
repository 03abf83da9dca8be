// Optimizer: the base of SGD, Adam, AdamW and RMSprop — one parameter group over a list of Tensors, per-parameter
// state (a step count and named float32 buffers), zeroGrad / step, and a state dict that restores training exactly.
// The update rules themselves live in sgd.ts, adam.ts and rmsprop.ts; this file holds no optimizer math.
//
// Precision: each element's update is computed in float64 from the float32 parameter, gradient and buffers, then
// stored as float32 (PyTorch computes in float32; results agree to float32 rounding). Buffers are read back after
// storing, so a step depends only on float32 state — which is what makes save / load / resume bit-identical.
import { GatedError, check, fmtShape } from '../../errors.js';
import { Tensor, writableStorage } from '../../tensor/tensor.js';

/** Hyper-parameter values as they appear in a state dict. */
export type HyperValue = number | boolean | readonly number[];

/**
 * Everything needed to resume an optimizer (PyTorch's `state_dict()` flattened for one parameter group):
 *   optimizer  the class name ('SGD', 'Adam', 'AdamW', 'RMSprop')
 *   hyper      hyper-parameters, lr included (and `initialLr` once an LR scheduler has been attached)
 *   steps      per-parameter step counts, in parameter order (0 = never stepped)
 *   state      buffers keyed `state.<paramIndex>.<name>` (e.g. `state.0.exp_avg`), each shaped like its parameter
 * `state` is a plain Record<string, Tensor>, so `writeSafetensors(sd.state, { hyper: JSON.stringify(...) })` saves it.
 * @property optimizer - the class name: `'SGD'`, `'Adam'`, `'AdamW'` or `'RMSprop'`.
 * @property hyper - hyper-parameters by option name, `lr` included (and `initialLr` once a scheduler is attached).
 * @property steps - per-parameter step counts, in parameter order (0 = never stepped).
 * @property state - buffers keyed `state.<paramIndex>.<name>`, each shaped like its parameter.
 */
export interface OptimizerStateDict {
  optimizer: string;
  hyper: Record<string, HyperValue>;
  steps: number[];
  state: Record<string, Tensor>;
}

/**
 * The base of {@link SGD}, {@link Adam}, {@link AdamW} and {@link RMSprop}, like `torch.optim.Optimizer` with one
 * parameter group: `zeroGrad()`, `step()`, and a state dict that resumes training bit for bit. Each element's update
 * is computed in float64 from float32 state and stored as float32 (agreeing with PyTorch to float32 rounding).
 * Parameters whose `grad` is null are skipped, as in PyTorch.
 *
 * @throws ArgumentError from a constructor for an empty or duplicated parameter list, a non-float32 parameter, a
 * negative or non-finite hyper-parameter, or an unknown option; ShapeError from `step` when a gradient's size differs
 * from its parameter's.
 * @example
 * ```ts
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * for (const batch of batches) {
 *   opt.zeroGrad();
 *   lossOf(batch).backward();
 *   clipGradNorm(model.parameters(), 1);
 *   opt.step();
 * }
 * const saved = opt.stateDict();     // and later: opt.loadStateDict(saved)
 * ```
 */
export abstract class Optimizer {
  /** The parameters, in the order used by state-dict keys. */
  readonly params: readonly Tensor[];
  /** Learning rate; mutable (LR schedules write it before each step). */
  lr: number;
  /** The learning rate schedules start from; set by the first scheduler attached (PyTorch's `initial_lr`). */
  initialLr: number | undefined;
  /** Class name, as stored in state dicts. */
  abstract readonly name: string;
  /** Per-parameter step counts (incremented only for parameters that had a gradient). */
  protected readonly steps: number[];
  /** Per-parameter named buffers, created lazily on the parameter's first step. */
  protected readonly buffers: Map<string, Float32Array>[];

  protected constructor(params: readonly Tensor[], lr: number) {
    check(Array.isArray(params) && params.length > 0, 'INVALID_ARGUMENT',
      () => `optimizer: expected a non-empty array of parameter Tensors, got ${Array.isArray(params) ? 'an empty array' : typeof params}`);
    params.forEach((p, i) => {
      check(p instanceof Tensor && p.dtype === 'float32', 'INVALID_ARGUMENT', () => `optimizer: params[${i}] must be a float32 Tensor`);
      check(params.indexOf(p) === i, 'INVALID_ARGUMENT', () => `optimizer: params[${i}] is the same Tensor as params[${params.indexOf(p)}] (each parameter may appear once)`);
    });
    checkNonNegative('lr', lr);
    this.params = [...params];
    this.lr = lr;
    this.initialLr = undefined;
    this.steps = params.map(() => 0);
    this.buffers = params.map(() => new Map());
  }

  /** Hyper-parameters other than lr / initialLr, by their option names. */
  protected abstract hyper(): Record<string, HyperValue>;
  /** Validates and adopts hyper-parameters from a state dict (same keys as `hyper()`). */
  protected abstract setHyper(h: Record<string, HyperValue>): void;
  /** The buffers a stepped parameter carries under the current hyper-parameters. */
  protected abstract bufferNames(): string[];
  /** Updates parameter `i` in place from its gradient; `step` is its step count including this step (1-based). */
  protected abstract update(i: number, p: Float32Array, g: Float32Array, step: number): void;

  /** Parameter i's buffer `name`, zero-filled on first use. */
  protected buffer(i: number, name: string): Float32Array {
    let b = this.buffers[i].get(name);
    if (!b) this.buffers[i].set(name, (b = new Float32Array(this.params[i].size)));
    return b;
  }

  /**
   * Clears gradients. Default: `p.grad = null` (PyTorch ≥ 2.0's `set_to_none=True`; the next backward allocates
   * fresh gradients). With `setToNone = false`, existing gradients are zero-filled in place instead.
   */
  zeroGrad(setToNone = true): void {
    for (const p of this.params) {
      if (setToNone) p.grad = null;
      else p.grad?.data.fill(0);
    }
  }

  /** One update of every parameter that has a gradient; parameters with `grad === null` are skipped untouched. */
  step(): void {
    this.params.forEach((p, i) => {
      const g = p.grad;
      if (g === null) return;
      check(g.size === p.size, 'SHAPE_MISMATCH',
        () => `${this.name}.step: params[${i}] has shape ${fmtShape(p.shape)} but its grad has shape ${fmtShape(g.shape)}`);
      this.steps[i]++;
      this.update(i, writableStorage(p), g.data, this.steps[i]);
    });
  }

  /** A snapshot (copies) of the step counts, hyper-parameters and buffers. */
  stateDict(): OptimizerStateDict {
    const hyper: Record<string, HyperValue> = { lr: this.lr, ...this.hyper() };
    if (this.initialLr !== undefined) hyper.initialLr = this.initialLr;
    const state: Record<string, Tensor> = {};
    this.buffers.forEach((m, i) => {
      for (const [name, b] of m) state[`state.${i}.${name}`] = new Tensor(b.slice(), this.params[i].shape);
    });
    return { optimizer: this.name, hyper, steps: [...this.steps], state };
  }

  /**
   * Restores a state dict from `stateDict()` (values are copied in). Throws GatedError('STATE_DICT') — before changing
   * anything — when it was made by another optimizer class, for a different number of parameters, with buffers whose
   * shapes differ from the parameters', or with buffers missing or unexpected for its hyper-parameters.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const where = `${this.name}.loadStateDict`;
    const fail = (msg: string): never => { throw new GatedError('STATE_DICT', `${where}: ${msg}`); };
    if (typeof sd !== 'object' || sd === null) fail(`expected a state dict object, got ${String(sd)}`);
    if (sd.optimizer !== this.name) fail(`state dict is from optimizer ${JSON.stringify(sd.optimizer)}, expected ${JSON.stringify(this.name)}`);
    if (!Array.isArray(sd.steps) || sd.steps.length !== this.params.length) {
      fail(`state dict has step counts for ${Array.isArray(sd.steps) ? sd.steps.length : 'no'} parameters, this optimizer has ${this.params.length}`);
    }
    sd.steps.forEach((s, i) => { if (!Number.isSafeInteger(s) || s < 0) fail(`steps[${i}] must be a non-negative integer, got ${s}`); });
    const h = sd.hyper ?? fail('state dict has no hyper-parameters');
    if (typeof h.lr !== 'number') fail(`hyper.lr must be a number, got ${String(h.lr)}`);
    if (h.initialLr !== undefined && typeof h.initialLr !== 'number') fail(`hyper.initialLr must be a number, got ${String(h.initialLr)}`);
    const { lr: _lr, initialLr: _ilr, ...rest } = h;
    const own = this.hyper();
    const unknown = Object.keys(rest).filter((k) => !(k in own)), missing = Object.keys(own).filter((k) => !(k in rest));
    if (unknown.length || missing.length) {
      fail([missing.length ? `missing hyper-parameter(s) ${missing.join(', ')}` : '', unknown.length ? `unexpected hyper-parameter(s) ${unknown.join(', ')}` : '']
        .filter(Boolean).join('; '));
    }

    // adopt the hyper-parameters on a trial basis: the buffer names depend on them
    try {
      checkNonNegative('lr', h.lr as number);
      this.setHyper(rest);
    } catch (e) {
      this.setHyper(own);
      fail(`invalid hyper-parameters (${e instanceof Error ? e.message : String(e)})`);
    }
    const names = this.bufferNames();
    const incoming = this.params.map(() => new Map<string, Float32Array>());
    try {
      for (const [key, t] of Object.entries(sd.state ?? {})) {
        const m = /^state\.(\d+)\.([A-Za-z_]\w*)$/.exec(key);
        if (!m) fail(`unexpected key ${JSON.stringify(key)} (expected state.<paramIndex>.<buffer>)`);
        const i = Number(m![1]), name = m![2];
        if (i >= this.params.length) fail(`key ${key}: parameter index ${i} out of range (this optimizer has ${this.params.length} parameters)`);
        if (!names.includes(name)) fail(`key ${key}: unexpected buffer ${name} (this configuration keeps ${names.length ? names.join(', ') : 'no buffers'})`);
        if (!(t instanceof Tensor) || t.dtype !== 'float32') fail(`key ${key} must be a float32 Tensor`);
        const p = this.params[i];
        if (t.shape.length !== p.shape.length || t.shape.some((d, k) => d !== p.shape[k])) {
          fail(`key ${key} has shape ${fmtShape(t.shape)}, expected ${fmtShape(p.shape)} (the shape of params[${i}])`);
        }
        incoming[i].set(name, t.data.slice());
      }
      incoming.forEach((m, i) => {
        const stepped = sd.steps[i] > 0 && names.length > 0;
        for (const name of names) {
          if (stepped && !m.has(name)) fail(`missing buffer state.${i}.${name} (params[${i}] has taken ${sd.steps[i]} steps)`);
        }
        if (!stepped && m.size > 0) fail(`params[${i}] has taken no steps but has buffers ${[...m.keys()].join(', ')}`);
      });
    } catch (e) {
      this.setHyper(own);
      throw e;
    }
    this.lr = h.lr as number;
    this.initialLr = h.initialLr as number | undefined;
    sd.steps.forEach((s, i) => { this.steps[i] = s; });
    incoming.forEach((m, i) => { this.buffers[i] = m; });
  }
}

export function checkNonNegative(name: string, v: unknown): void {
  check(typeof v === 'number' && v >= 0 && Number.isFinite(v), 'INVALID_ARGUMENT', () => `optimizer: ${name} must be a finite number ≥ 0, got ${String(v)}`);
}

export function checkBool(name: string, v: unknown): void {
  check(typeof v === 'boolean', 'INVALID_ARGUMENT', () => `optimizer: ${name} must be a boolean, got ${String(v)}`);
}
