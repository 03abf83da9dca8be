// Shared pieces of the experiments: the three recurrent kinds behind one constructor, a recurrent layer + linear
// head model with PyTorch names (rnn.weight_ih_l0, …, head.weight), progress reporting, and small statistics.
// Browser-safe: timing uses `performance.now()`, results are plain JSON-able objects.
import { GatedError, Dropout, GRU, Linear, LSTM, Module, RNN } from 'gated';
import type { Tensor } from 'gated';

/** 'gru' is PyTorch's GRU (reset after W_hn h), 'gru-cho' Cho et al. 2014's (reset before), 'rnn' the tanh Elman RNN. */
export type ModelKind = 'rnn' | 'gru' | 'lstm' | 'gru-cho';
export const modelKinds: readonly ModelKind[] = ['rnn', 'gru', 'lstm', 'gru-cho'];

export type Recurrent = GRU | LSTM | RNN;

/**
 * How the gated cells' "keep" gate starts: 'pytorch' = PyTorch's uniform initialisation (z and f near σ(0) = 0.5);
 * 'bias1' = that gate's bias at 1 (LSTM forgetBias: 1 as Keras' unit_forget_bias; GRU updateBias: 1, the same
 * intervention on z); 'chrono' = chrono initialisation with T_max (Tallec & Ollivier 2018). The tanh RNN has no gate:
 * only 'pytorch' applies to it.
 */
export type InitKind = 'pytorch' | 'bias1' | 'chrono';
export const initKinds: readonly InitKind[] = ['pytorch', 'bias1', 'chrono'];

export interface InitChoice { init?: InitKind; /** T_max of chrono initialisation. */ tMax?: number }

const gateBias = (c: InitChoice) => (c.init === 'bias1' ? 1 : c.init === 'chrono' ? { chrono: c.tMax ?? 100 } : undefined);

export function makeRecurrent(kind: ModelKind, inputSize: number, hiddenSize: number, c: InitChoice = {}): Recurrent {
  if (c.init && c.init !== 'pytorch' && kind === 'rnn') throw new GatedError('INVALID_ARGUMENT', `the tanh RNN has no gate to initialise ('${c.init}')`);
  const bias = gateBias(c);
  if (kind === 'gru') return new GRU({ inputSize, hiddenSize, ...(bias === undefined ? {} : { updateBias: bias }) });
  if (kind === 'gru-cho') return new GRU({ inputSize, hiddenSize, resetAfter: false, ...(bias === undefined ? {} : { updateBias: bias }) });
  if (kind === 'lstm') return new LSTM({ inputSize, hiddenSize, ...(bias === undefined ? {} : { forgetBias: bias }) });
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

  constructor(kind: ModelKind, inputSize: number, hiddenSize: number, outputSize: number, dropout = 0, init: InitChoice = {}) {
    super();
    this.kind = kind;
    this.rnn = makeRecurrent(kind, inputSize, hiddenSize, init);
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

/** The (model, init) pairs to run: every model under every init, except the tanh RNN under PyTorch's only. */
export function variants(models: readonly ModelKind[], inits: readonly InitKind[]): { model: ModelKind; init: InitKind }[] {
  for (const i of inits) if (!initKinds.includes(i)) throw new GatedError('INVALID_ARGUMENT', `init must be one of ${initKinds.join(', ')}, got '${i}'`);
  return models.flatMap((model): { model: ModelKind; init: InitKind }[] => (model === 'rnn' ? [{ model, init: 'pytorch' }] : inits.map((init) => ({ model, init }))));
}

/** "gru" or "gru (bias1)": the label of a model under an initialisation in tables and legends. */
export const variantName = (model: string, init: InitKind | undefined): string => (!init || init === 'pytorch' ? model : `${model} (${init})`);
/** How a figure draws an initialisation's series: PyTorch's solid, gate bias 1 dashed, chrono dotted (INIT_STYLE_NOTE). */
export const initDash = (init: InitKind | undefined): boolean | string => (!init || init === 'pytorch' ? false : init === 'chrono' ? '1.5,2.5' : true);
export const INIT_STYLE_NOTE = 'solid: PyTorch init, dashed: gate bias 1, dotted: chrono';

export function checkKinds(kinds: readonly string[]): ModelKind[] {
  for (const k of kinds) {
    if (!modelKinds.includes(k as ModelKind)) throw new GatedError('INVALID_ARGUMENT', `model kind must be one of ${modelKinds.join(', ')}, got '${k}'`);
  }
  return kinds as ModelKind[];
}
