// The training loop: epochs of seeded-shuffled batches, backward, gradient clipping, optimizer and schedule steps,
// validation, early stopping, NaN/Inf detection, per-epoch metrics, progress events and resumable state.
// Browser-safe: it reports through `onEvent` and `onEpochEnd`; rendering and files are the caller's (CLI, web).
import { GatedError } from '../errors.js';
import { globalRng, Rng } from '../random.js';
import type { Tensor } from '../tensor/tensor.js';
import { clipGradNorm } from './clip.js';

/**
 * One epoch's numbers, as {@link fit} records them in {@link TrainState.metrics} (and `metrics.json`).
 * @property epoch - the epoch (1-based).
 * @property trainLoss - the mean training loss over the epoch's items (weighted by each batch's `count`).
 * @property valLoss - what `validate()` returned after the epoch.
 * @property seconds - wall time of the epoch, validation included.
 */
export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  seconds: number;
  [extra: string]: number;
}

/** Everything needed to continue a run exactly where it stopped (saved as state.json). */
export interface TrainState {
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps taken. */
  step: number;
  /** Shuffling generator and the global generator (dropout) at the end of the last completed epoch. */
  shuffleRng: number[];
  /** The global generator's state (see {@link Rng.getState}). */
  globalRng: number[];
  /** One entry per completed epoch. */
  metrics: EpochMetrics[];
  /** Steps dropped for a non-finite loss or gradient (with onNonFinite: 'skip'). */
  skippedSteps: number;
  /** The lowest validation loss so far (Infinity before the first epoch). */
  bestValLoss: number;
  /** Epochs since the validation loss last improved by more than `earlyStopping.minDelta`. */
  epochsWithoutImprovement: number;
}

/**
 * Progress reported by {@link fit} through `onEvent`, told apart by `type`:
 * `'epochStart'`, `'step'` (after every optimizer step), `'epochEnd'`, `'earlyStop'`.
 * @property type - which event this is.
 * @property epoch - the current epoch (1-based).
 * @property epochs - the number of epochs of the run.
 * @property steps - the number of steps (batches) in this epoch.
 * @property step - the step within the epoch (1-based).
 * @property loss - the epoch's mean training loss so far.
 * @property stepsPerSecond - steps per second in this epoch so far.
 * @property etaSeconds - estimated seconds until the epoch's last step.
 * @property metrics - the epoch's {@link EpochMetrics}.
 * @property bestValLoss - the best validation loss, when early stopping ends the run.
 */
export type TrainEvent =
  | { type: 'epochStart'; epoch: number; epochs: number; steps: number }
  | { type: 'step'; epoch: number; step: number; steps: number; loss: number; stepsPerSecond: number; etaSeconds: number }
  | { type: 'epochEnd'; metrics: EpochMetrics }
  | { type: 'earlyStop'; epoch: number; bestValLoss: number };

/** Options of {@link fit}; `B` is the caller's batch type. */
export interface FitOptions<B> {
  /** The parameters to train: the gradient norm (and clipping) is taken over them. */
  params: Tensor[];
  /**
   * The optimizer, e.g. {@link Adam}; anything with `zeroGrad()` and `step()`.
   * @property zeroGrad - clears the gradients before each batch.
   * @property step - applies one update after each backward.
   */
  optimizer: { zeroGrad(): void; step(): void };
  /** The last epoch to run (with `resume`, the run continues up to it). */
  epochs: number;
  /** This epoch's batches; shuffle them with `rng` (the trainer saves and restores its state). */
  batches: (epoch: number, rng: Rng) => B[];
  /**
   * Forward and loss of one batch: mean loss over `count` items. In training mode when `model` is given.
   * @property loss - the batch's mean loss, shape `[]`.
   * @property count - how many items the mean is over (to weight the epoch's mean).
   */
  lossOf: (batch: B, epoch: number, index: number) => { loss: Tensor; count: number };
  /** Validation loss after each epoch. In eval mode when `model` is given (else the mode is the caller's). */
  validate: () => number;
  /**
   * The model being trained (a Module): fit calls `model.train()` before each epoch's steps and `model.eval()`
   * before `validate`, so dropout is on while training and off while validating; fit returns with it in eval mode.
   * Without it, modes are the caller's.
   * @property train - switches to training mode (e.g. {@link Module.train}).
   * @property eval - switches to evaluation mode (e.g. {@link Module.eval}).
   */
  model?: { train(): unknown; eval(): unknown };
  /** Extra numbers to store in each epoch's metrics (e.g. a baseline). */
  extraMetrics?: () => Record<string, number>;
  /** Seed of the shuffling generator passed to `batches` (default 0). */
  seed?: number;
  /** Maximum gradient norm for {@link clipGradNorm} before each step (default: no clipping). */
  clip?: number;
  /** A non-finite loss or gradient norm: 'error' (default) stops with a NumericError naming the step; 'skip' drops that step. */
  onNonFinite?: 'error' | 'skip';
  /**
   * A learning-rate schedule stepped after every optimizer step, e.g. {@link CosineAnnealingLR}.
   * @property step - advances the schedule by one optimizer step.
   */
  scheduler?: { step(): void };
  /**
   * Stop when validation has not improved by minDelta for `patience` epochs.
   * @property patience - epochs without improvement before stopping.
   * @property minDelta - the smallest decrease of the validation loss that counts as an improvement (default 0).
   */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Called with progress events (see {@link TrainEvent}), e.g. to print or draw a progress bar. */
  onEvent?: (e: TrainEvent) => void;
  /** Called after each epoch with the state to checkpoint (write weights and optimizer state alongside). */
  onEpochEnd?: (state: TrainState) => void;
  /** Continue from a saved state (weights and optimizer state must already be loaded). */
  resume?: TrainState;
  /** Clock in seconds (injectable for tests). */
  now?: () => number;
}

/** Checks a TrainState read from a file (state.json) before it is used; a bad one is a CHECKPOINT error. */
export function checkTrainState(s: unknown): TrainState {
  const bad = (msg: string): never => { throw new GatedError('CHECKPOINT', `state.json: ${msg}`); };
  if (typeof s !== 'object' || s === null) bad('not an object');
  const t = s as Record<string, unknown>;
  for (const k of ['epoch', 'step', 'epochsWithoutImprovement']) {
    if (!Number.isSafeInteger(t[k]) || (t[k] as number) < 0) bad(`${k} must be a non-negative integer, got ${JSON.stringify(t[k])}`);
  }
  if (t.skippedSteps !== undefined && (!Number.isSafeInteger(t.skippedSteps) || (t.skippedSteps as number) < 0)) bad('skippedSteps must be a non-negative integer');
  for (const k of ['shuffleRng', 'globalRng']) {
    const r = t[k];
    if (!Array.isArray(r) || r.length !== 4 || !r.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)) bad(`${k} must be 4 unsigned 32-bit integers`);
  }
  if (typeof t.bestValLoss !== 'number' && t.bestValLoss !== null) bad('bestValLoss must be a number');
  if (t.bestValLoss === null) t.bestValLoss = Infinity; // JSON has no Infinity
  if (!Array.isArray(t.metrics) || t.metrics.some((m) => typeof m !== 'object' || m === null)) bad('metrics must be an array of objects');
  return t as unknown as TrainState;
}

/**
 * The training loop: for each epoch, the caller's batches (shuffled with a seeded generator the loop saves), and for
 * each batch zeroGrad → `lossOf` → backward → gradient norm (clipped with `clip`) → optimizer step → scheduler step;
 * then `validate()`, the epoch's {@link EpochMetrics}, `onEpochEnd(state)` for checkpoints, and early stopping.
 * A non-finite loss or gradient norm stops with a NumericError naming the epoch and step (or is skipped with
 * `onNonFinite: 'skip'`). With `model`, steps run in training mode and `validate` in eval mode (without it, modes
 * are the caller's). Returns the final {@link TrainState}; pass a saved one as `resume` to continue exactly (same
 * batches, same dropout masks).
 *
 * @throws NumericError (`NOT_FINITE`) for a non-finite loss or gradient norm, or an epoch where every step was
 * skipped; FormatError (`CHECKPOINT`) for an invalid `resume` state.
 * @example
 * ```ts
 * const model = new SequenceClassifier({ vocabSize: 100, embed: 16, hidden: 32, classes: 2 });
 * const opt = new Adam(model.parameters(), { lr: 1e-3 });
 * const state = fit({
 *   model, params: model.parameters(), optimizer: opt, epochs: 10, clip: 1, earlyStopping: { patience: 3 },
 *   batches: (_epoch, rng) => shuffle([...trainBatches], rng),
 *   lossOf: (b) => ({ loss: crossEntropy(model.forward(b.ids, b.B, b.T, b.lengths), b.labels), count: b.B }),
 *   validate: () => noGrad(() => valLoss(model)),
 *   onEvent: (e) => { if (e.type === 'epochEnd') console.log(e.metrics.epoch, e.metrics.valLoss); },
 * });
 * ```
 */
export function fit<B>(o: FitOptions<B>): TrainState {
  const now = o.now ?? (() => performance.now() / 1000);
  const rng = new Rng(o.seed ?? 0);
  const state: TrainState = o.resume
    ? checkTrainState(structuredClone(o.resume))
    : { epoch: 0, step: 0, shuffleRng: rng.getState(), globalRng: globalRng.getState(), metrics: [], skippedSteps: 0, bestValLoss: Infinity, epochsWithoutImprovement: 0 };
  state.skippedSteps ??= 0; // states saved before this field existed
  const skip = o.onNonFinite === 'skip';
  rng.setState(state.shuffleRng);
  globalRng.setState(state.globalRng);

  for (let epoch = state.epoch + 1; epoch <= o.epochs; epoch++) {
    const t0 = now(), batches = o.batches(epoch, rng);
    o.onEvent?.({ type: 'epochStart', epoch, epochs: o.epochs, steps: batches.length });
    let sum = 0, count = 0;
    o.model?.train();
    for (let i = 0; i < batches.length; i++) {
      o.optimizer.zeroGrad();
      const { loss, count: n } = o.lossOf(batches[i], epoch, i);
      const v = loss.item();
      const where = `at epoch ${epoch}, step ${i + 1} of ${batches.length} (global step ${state.step + 1})`;
      if (!Number.isFinite(v)) {
        if (skip) { state.skippedSteps++; continue; }
        throw new GatedError('NOT_FINITE', `training loss is ${v} ${where}; try a lower learning rate or gradient clipping (or onNonFinite: 'skip')`);
      }
      loss.backward();
      const norm = o.clip && o.clip > 0 ? clipGradNorm(o.params, o.clip) : gradNorm(o.params);
      if (!Number.isFinite(norm)) {
        if (skip) { state.skippedSteps++; continue; }
        throw new GatedError('NOT_FINITE', `gradient norm is ${norm} ${where}; try a lower learning rate or gradient clipping (or onNonFinite: 'skip')`);
      }
      o.optimizer.step();
      o.scheduler?.step();
      state.step++;
      sum += v * n; count += n;
      const elapsed = now() - t0, sps = (i + 1) / Math.max(elapsed, 1e-9);
      o.onEvent?.({ type: 'step', epoch, step: i + 1, steps: batches.length, loss: sum / count, stepsPerSecond: sps, etaSeconds: (batches.length - i - 1) / sps });
    }
    if (count === 0) throw new GatedError('NOT_FINITE', `every step of epoch ${epoch} was skipped for a non-finite loss or gradient`);
    o.model?.eval();
    const valLoss = o.validate();
    const metrics: EpochMetrics = { epoch, trainLoss: sum / count, valLoss, ...(o.extraMetrics?.() ?? {}), seconds: now() - t0 };
    state.metrics.push(metrics);
    state.epoch = epoch;
    state.shuffleRng = rng.getState();
    state.globalRng = globalRng.getState();
    if (valLoss < state.bestValLoss - (o.earlyStopping?.minDelta ?? 0)) { state.bestValLoss = valLoss; state.epochsWithoutImprovement = 0; }
    else state.epochsWithoutImprovement++;
    o.onEvent?.({ type: 'epochEnd', metrics });
    o.onEpochEnd?.(structuredClone(state));
    if (o.earlyStopping && state.epochsWithoutImprovement >= o.earlyStopping.patience) {
      o.onEvent?.({ type: 'earlyStop', epoch, bestValLoss: state.bestValLoss });
      break;
    }
  }
  return state;
}

/** Euclidean norm of all gradients (0 for parameters without one). */
function gradNorm(params: readonly Tensor[]): number {
  let s = 0;
  for (const p of params) if (p.grad) for (const g of p.grad.data) s += g * g;
  return Math.sqrt(s);
}
