// Vanishing gradients, measured: for the tanh RNN, GRU and LSTM at equal hidden size, ‖∂L/∂h_t‖ for a loss on the last
// state, as a function of the distance T − t — at initialisation and after training on the adding problem (a task
// that needs memory across ≥ T/2 steps) — and the singular values of the RNN's W_hh before and after.
import { Rng, manualSeed, mse } from 'gated';
import { lineChart } from '../plot/line.js';
import { figure, modelColors, pow10 } from '../plot/svg.js';
import { RecurrentHead, checkInt, checkKinds, paramCount, round, type ModelKind, type OnProgress } from './common.js';
import { addingDefaults, trainAdding, type AddingRun } from './adding.js';
import { hiddenGradients, meanRowNorm, type OneLayer } from './hidden-grads.js';
import { singularValues } from './linalg.js';
import { addingBatch } from './tasks.js';

export interface VanishingOptions {
  models: ModelKind[];
  hidden: number;
  /** Length of the sequences the gradients are measured on (distances 0 … T). */
  T: number;
  /** Sequences averaged over. */
  batch: number;
  /** Training on the adding problem before the second measurement: its length and step budget (0 = skip). */
  trainT: number;
  trainSteps: number;
  seed: number;
}

export const vanishingDefaults: VanishingOptions = { models: ['rnn', 'gru', 'lstm'], hidden: 64, T: 200, batch: 32, trainT: 100, trainSteps: 2000, seed: 0 };

/** Measured at T = 100 after a short training on T = 50. */
export const vanishingQuick: Partial<VanishingOptions> = { T: 100, trainT: 50, trainSteps: 400 };

export interface GradProfile {
  /** norms[k] = mean over sequences of ‖∂L/∂h_{T−k}‖₂, k = 0 … T (L: squared error of the read-out of h_T). */
  norms: number[];
  loss: number;
}

export interface VanishingModel {
  model: ModelKind;
  params: number;
  init: GradProfile;
  trained?: GradProfile & { adding: Omit<AddingRun, 'curve'> };
}

export interface VanishingResult {
  experiment: 'vanishing';
  options: VanishingOptions;
  models: VanishingModel[];
  /** Singular values of the tanh RNN's W_hh, largest first (when 'rnn' is among the models). */
  rnnSpectrum?: { init: number[]; trained?: number[] };
}

/** Gradient norms at every distance for the model's layer on a fixed batch of adding sequences. */
export function gradProfile(model: RecurrentHead, T: number, batch: number, seed: number): GradProfile {
  const { x, y } = addingBatch(T, batch, new Rng(seed * 104729 + T + 0x9a0));
  const g = hiddenGradients(model.rnn as OneLayer, x, (hT) => mse(model.head.forward(hT), y, { reduction: 'sum' }));
  const H = model.rnn.hiddenSize, norms: number[] = [];
  for (let k = 0; k <= T; k++) norms.push(round(meanRowNorm(g.dh[T - k], batch, H), 5));
  return { norms, loss: round(g.loss / batch) };
}

const whh = (m: RecurrentHead): number[] => {
  const w = m.rnn.namedParameters().find(([n]) => n === 'weight_hh_l0')![1];
  return singularValues(w.data, w.shape[0], w.shape[1]).map((v) => round(v, 5));
};

export function vanishingExperiment(options: Partial<VanishingOptions> = {}, onProgress?: OnProgress): VanishingResult {
  const o: VanishingOptions = { ...vanishingDefaults, ...options };
  checkKinds(o.models);
  checkInt('vanishing: hidden', o.hidden, 1); checkInt('vanishing: T', o.T, 1); checkInt('vanishing: batch', o.batch, 1);
  checkInt('vanishing: trainT', o.trainT, 2); checkInt('vanishing: trainSteps', o.trainSteps, 0); checkInt('vanishing: seed', o.seed, 0);
  const result: VanishingResult = { experiment: 'vanishing', options: o, models: [] };
  const adding = { ...addingDefaults, hidden: o.hidden, maxSteps: o.trainSteps, seed: o.seed };
  for (const kind of o.models) {
    // the same initial weights as the adding run below starts from
    manualSeed(adding.seed * 7919 + o.trainT);
    const fresh = new RecurrentHead(kind, 2, o.hidden, 1);
    onProgress?.({ phase: `${kind} at init`, step: 0, steps: 1 });
    const entry: VanishingModel = { model: kind, params: paramCount(fresh), init: gradProfile(fresh, o.T, o.batch, o.seed) };
    if (kind === 'rnn') result.rnnSpectrum = { init: whh(fresh) };
    if (o.trainSteps > 0) {
      const { run, model } = trainAdding(kind, o.trainT, adding, (p) => onProgress?.({ ...p, phase: `${kind}: training on adding T=${o.trainT}` }));
      const { curve: _curve, ...summary } = run;
      entry.trained = { ...gradProfile(model, o.T, o.batch, o.seed), adding: summary };
      if (kind === 'rnn') result.rnnSpectrum!.trained = whh(model);
    }
    result.models.push(entry);
  }
  return result;
}

export function vanishingFigure(r: VanishingResult): string {
  const o = r.options;
  const status = (m: VanishingModel): string => (m.trained!.adding.stepsToSolve === null ? ' (not solved)' : ' (solved)');
  const profile = (which: 'init' | 'trained') => r.models.filter((m) => m[which]).map((m) => ({
    name: m.model + (which === 'trained' ? status(m) : ''), color: modelColors[m.model], points: m[which]!.norms.map((v, k) => [k, v] as [number, number]),
  }));
  const all = r.models.flatMap((m) => [...m.init.norms, ...(m.trained?.norms ?? [])]).filter((v) => v > 0);
  const ymin = pow10(Math.floor(Math.log10(Math.min(...all)))), ymax = pow10(Math.ceil(Math.log10(Math.max(...all))));
  const x = { label: 'distance T − t (time steps)', min: 0, max: o.T };
  const y = { label: '‖∂L/∂hₜ‖ (mean over sequences)', log: true, min: ymin, max: ymax };
  const panels = [lineChart({ title: 'at initialisation (PyTorch init)', x, y, series: profile('init'), width: 440, height: 320 })];
  if (r.models.some((m) => m.trained)) {
    panels.push(lineChart({ title: `after ≤ ${o.trainSteps} steps on adding T = ${o.trainT}`, x, y, series: profile('trained'), width: 470, height: 320 }));
  }
  if (r.rnnSpectrum) {
    const s = r.rnnSpectrum, pts = (v: number[]) => v.map((sv, i) => [i + 1, sv] as [number, number]);
    const series = [{ name: `init (σ_max ${s.init[0].toFixed(2)})`, points: pts(s.init), color: '#D55E00', dashed: true }];
    if (s.trained) series.push({ name: `trained (σ_max ${s.trained[0].toFixed(2)})`, points: pts(s.trained), color: '#D55E00', dashed: false });
    panels.push(lineChart({
      title: 'tanh RNN: singular values of W_hh', x: { label: 'index (largest first)', min: 1 }, y: { label: 'singular value', log: true },
      series, refLines: [{ y: 1, label: 'σ = 1' }], width: 440, height: 320,
    }));
  }
  return figure(panels, {
    columns: 3, title: 'Vanishing gradients: ‖∂L/∂hₜ‖ for a loss on the last state, by distance',
    note: `hidden ${o.hidden}; loss: squared error of the read-out of h_T on ${o.batch} adding-problem sequences of length ${o.T}; seed ${o.seed}`,
  });
}

/** Markdown table: gradient norms at a few distances, at initialisation and after training. */
export function vanishingTable(r: VanishingResult): string {
  const ks = [0, 10, 25, 50, 100, 200].filter((k) => k <= r.options.T);
  const fmt = (v: number | undefined): string => (v === undefined ? '–' : v === 0 ? '0' : v.toExponential(1));
  const rows = r.models.flatMap((m) => [
    `| ${m.model} | init | ${ks.map((k) => fmt(m.init.norms[k])).join(' | ')} | – |`,
    ...(m.trained ? [`| ${m.model} | trained | ${ks.map((k) => fmt(m.trained!.norms[k])).join(' | ')} | ${m.trained.adding.stepsToSolve ?? 'no'} (MSE ${m.trained.adding.finalMse.toFixed(4)}) |`] : []),
  ]);
  const head = `| model | weights | ${ks.map((k) => `k = ${k}`).join(' | ')} | adding T=${r.options.trainT} solved at step |`;
  let out = [head, `|---|---|${ks.map(() => '---:').join('|')}|---:|`, ...rows].join('\n') + '\n';
  if (r.rnnSpectrum) {
    const s = r.rnnSpectrum;
    out += `\ntanh RNN W_hh: largest singular value ${s.init[0].toFixed(3)} at init${s.trained ? `, ${s.trained[0].toFixed(3)} after training` : ''}.\n`;
  }
  return out;
}
