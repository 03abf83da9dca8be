// Shared pieces of the experiments: the three recurrent kinds behind one constructor, a recurrent layer + linear
// head model with PyTorch names (rnn.weight_ih_l0, …, head.weight), progress reporting, and small statistics.
// Browser-safe: timing uses `performance.now()`, results are plain JSON-able objects.
import { GatedError, Dropout, GRU, Linear, LSTM, Module, RNN } from 'gated';
import type { Tensor } from 'gated';

/** 'gru' is PyTorch's GRU (reset after W_hn h), 'gru-cho' Cho et al. 2014's (reset before), 'rnn' the tanh Elman RNN. */
export type ModelKind = 'rnn' | 'gru' | 'lstm' | 'gru-cho';
export const modelKinds: readonly ModelKind[] = ['rnn', 'gru', 'lstm', 'gru-cho'];

export type Recurrent = GRU | LSTM | RNN;

export function makeRecurrent(kind: ModelKind, inputSize: number, hiddenSize: number): Recurrent {
  if (kind === 'gru') return new GRU({ inputSize, hiddenSize });
  if (kind === 'gru-cho') return new GRU({ inputSize, hiddenSize, resetAfter: false });
  if (kind === 'lstm') return new LSTM({ inputSize, hiddenSize });
  if (kind === 'rnn') return new RNN({ inputSize, hiddenSize, nonlinearity: 'tanh' });
  throw new GatedError('INVALID_ARGUMENT', `model kind must be one of ${modelKinds.join(', ')}, got '${String(kind)}'`);
}

/**
 * One recurrent layer and a linear read-out: x [T, B, I] → outputs [T, B, O] (or only the last step's [B, O]).
 * Optional dropout on the recurrent outputs before the read-out (training mode only; no parameters).
 */
export class RecurrentHead extends Module {
  readonly kind: ModelKind;
  rnn: Recurrent;
  drop: Dropout;
  head: Linear;

  constructor(kind: ModelKind, inputSize: number, hiddenSize: number, outputSize: number, dropout = 0) {
    super();
    this.kind = kind;
    this.rnn = makeRecurrent(kind, inputSize, hiddenSize);
    this.drop = new Dropout(dropout);
    this.head = new Linear(hiddenSize, outputSize);
  }

  /** Read-out at every step: [T, B, O]. `lengths` as in the recurrent layers (outputs past the end are read from zeros). */
  forward(x: Tensor, lengths?: number[]): Tensor {
    return this.head.forward(this.drop.forward(this.rnn.forward(x, { lengths }).output));
  }

  /** Read-out of the final state only: [B, O]. */
  last(x: Tensor): Tensor {
    const { h } = this.rnn.forward(x);
    return this.head.forward(h.reshape([h.shape[1], h.shape[2]]));
  }
}

export const paramCount = (m: Module): number => m.parameters().reduce((n, p) => n + p.size, 0);

/** Progress of a long experiment: `step` of `steps` within the named phase (e.g. "gru T=100"). */
/** What the long-range tasks (adding, copy) share: the models, their size, and the training budget per run. */
export interface TaskTraining {
  models: ModelKind[];
  hidden: number;
  batch: number;
  /** Step budget per model and task size; a run stops earlier once held-out performance reaches `target`. */
  maxSteps: number;
  /** Adam learning rate (gradient norm clipped at `clip`). */
  lr: number;
  clip: number;
  evalEvery: number;
  /** Held-out sequences per task size (the same set for every model). */
  evalSize: number;
  target: number;
  seed: number;
}

export interface Progress { phase: string; step: number; steps: number; info?: string }
export type OnProgress = (p: Progress) => void;

export const now = (): number => performance.now() / 1000;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Rounds for JSON (keeps files small and diffs readable); NaN/Infinity become null in JSON anyway. */
export const round = (x: number, digits = 6): number => (Number.isFinite(x) ? Number(x.toPrecision(digits)) : x);

export function checkInt(name: string, v: number, min: number): void {
  if (!(Number.isInteger(v) && v >= min)) throw new GatedError('INVALID_ARGUMENT', `${name} must be an integer ≥ ${min}, got ${v}`);
}

export function checkKinds(kinds: readonly string[]): ModelKind[] {
  for (const k of kinds) {
    if (!modelKinds.includes(k as ModelKind)) throw new GatedError('INVALID_ARGUMENT', `model kind must be one of ${modelKinds.join(', ')}, got '${k}'`);
  }
  return kinds as ModelKind[];
}
