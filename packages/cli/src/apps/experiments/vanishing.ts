// Vanishing gradients, measured: for the tanh RNN, GRU and LSTM at equal hidden size, ‖∂L/∂h_t‖ for a loss on the last
// state, as a function of the distance T − t — at initialisation and after training on the adding problem (a task
// that needs memory across ≥ T/2 steps) — and the singular values of the RNN's W_hh before and after.
import { Rng, manualSeed, mse } from 'gated';
import { lineChart } from '../plot/line.js';
import { figure, modelColors, pow10 } from '../plot/svg.js';
import { INIT_STYLE_NOTE, RecurrentHead, checkInt, checkKinds, initDash, median, paramCount, round, variantName, variants, type InitKind, type ModelKind, type OnProgress } from './common.js';
import { groupBy, type Seeded } from './seeds.js';
import { addingDefaults, trainAdding, type AddingRun } from './adding.js';
import { hiddenGradients, meanRowNorm, type OneLayer } from './hidden-grads.js';
import { singularValues } from './linalg.js';
import { addingBatch } from './tasks.js';

export interface VanishingOptions {
  models: ModelKind[];
  /** Initialisations of the gated cells (see InitKind; chrono uses T_max = trainT). */
  inits: InitKind[];
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

export const vanishingDefaults: VanishingOptions = { models: ['rnn', 'gru', 'lstm'], inits: ['pytorch', 'bias1'], hidden: 64, T: 200, batch: 32, trainT: 100, trainSteps: 2000, seed: 0 };

/** Measured at T = 100 after a short training on T = 50. */
export const vanishingQuick: Partial<VanishingOptions> = { T: 100, trainT: 50, trainSteps: 400 };

export interface GradProfile {
  /** norms[k] = mean over sequences of ‖∂L/∂h_{T−k}‖₂, k = 0 … T (L: squared error of the read-out of h_T). */
  norms: number[];
  loss: number;
}

export const vanishingSelection = 'nothing is selected: the gradients are measured at initialisation and after a fixed ' +
  'training on the adding problem that stops once the validation MSE is below 0.01 (see adding); the measurement batch is ' +
  'a separate set of sequences';

export interface VanishingModel {
  model: ModelKind;
  gateInit: InitKind;
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
  for (const { model: kind, init: gateInit } of variants(o.models, o.inits)) {
    // the same initial weights as the adding run below starts from
    manualSeed(adding.seed * 7919 + o.trainT);
    const fresh = new RecurrentHead(kind, 2, o.hidden, 1, 0, { init: gateInit, tMax: o.trainT });
    const name = variantName(kind, gateInit);
    onProgress?.({ phase: `${name} at init seed ${o.seed}`, step: 0, steps: 1 });
    const entry: VanishingModel = { model: kind, gateInit, params: paramCount(fresh), init: gradProfile(fresh, o.T, o.batch, o.seed) };
    if (kind === 'rnn') result.rnnSpectrum = { init: whh(fresh) };
    if (o.trainSteps > 0) {
      const { run, model } = trainAdding(kind, o.trainT, adding, (p) => onProgress?.({ ...p, phase: `${name}: training on adding T=${o.trainT} seed ${o.seed}` }), gateInit);
      const { curve: _curve, ...summary } = run;
      entry.trained = { ...gradProfile(model, o.T, o.batch, o.seed), adding: summary };
      if (kind === 'rnn') result.rnnSpectrum!.trained = whh(model);
    }
    result.models.push(entry);
  }
  return result;
}

const vanishingGroups = (r: Seeded<VanishingResult>) => groupBy(r.perSeed.flatMap((x) => x.models), (m) => `${m.model}|${m.gateInit}`);

/** Per distance k: median, min and max over seeds of the gradient norms. */
function normBands(ms: readonly VanishingModel[], which: 'init' | 'trained'): { med: number[]; lo: number[]; hi: number[] } {
  const T = ms[0][which]!.norms.length, med: number[] = [], lo: number[] = [], hi: number[] = [];
  for (let k = 0; k < T; k++) {
    const v = ms.map((m) => m[which]!.norms[k]);
    med.push(median(v)); lo.push(Math.min(...v)); hi.push(Math.max(...v));
  }
  return { med, lo, hi };
}

export function vanishingFigure(r: Seeded<VanishingResult>): string {
  const o = r.perSeed[0].options, groups = [...vanishingGroups(r).values()];
  const solved = (ms: VanishingModel[]): string => ` (solved ${ms.filter((m) => m.trained!.adding.stepsToSolve !== null).length}/${ms.length})`;
  const all = r.perSeed.flatMap((x) => x.models).flatMap((m) => [...m.init.norms, ...(m.trained?.norms ?? [])]).filter((v) => v > 0);
  const ymin = pow10(Math.floor(Math.log10(Math.min(...all)))), ymax = pow10(Math.ceil(Math.log10(Math.max(...all))));
  const profile = (which: 'init' | 'trained') => groups.filter((ms) => ms[0][which]).map((ms) => {
    const b = normBands(ms, which);
    return {
      name: variantName(ms[0].model, ms[0].gateInit) + (which === 'trained' ? solved(ms) : ''), color: modelColors[ms[0].model], dashed: initDash(ms[0].gateInit),
      points: b.med.map((v, k) => [k, v] as [number, number]),
      band: b.med.map((_, k) => [k, Math.max(b.lo[k], ymin), Math.max(b.hi[k], ymin)] as [number, number, number]),
    };
  });
  const x = { label: 'distance T − t (time steps)', min: 0, max: o.T };
  const y = { label: '‖∂L/∂hₜ‖ (mean over sequences)', log: true, min: ymin, max: ymax };
  const panels = [lineChart({ title: 'at initialisation', x, y, series: profile('init'), width: 500, height: 320 })];
  if (groups.some((ms) => ms[0].trained)) {
    panels.push(lineChart({ title: `after ≤ ${o.trainSteps} steps on adding T = ${o.trainT}`, x, y, series: profile('trained'), width: 560, height: 320 }));
  }
  const spectra = r.perSeed.map((x) => x.rnnSpectrum).filter((s) => s !== undefined);
  if (spectra.length) {
    const pts = (v: number[]) => v.map((sv, i) => [i + 1, sv] as [number, number]);
    const s = spectra[0]!;
    const series = [{ name: `init (σ_max ${s.init[0].toFixed(2)})`, points: pts(s.init), color: '#D55E00', dashed: true }];
    if (s.trained) series.push({ name: `trained (σ_max ${s.trained[0].toFixed(2)})`, points: pts(s.trained), color: '#D55E00', dashed: false });
    panels.push(lineChart({
      title: `tanh RNN: singular values of W_hh (seed ${r.seeds[0]})`, x: { label: 'index (largest first)', min: 1 }, y: { label: 'singular value', log: true },
      series, refLines: [{ y: 1, label: 'σ = 1' }], width: 440, height: 320,
    }));
  }
  return figure(panels, {
    columns: 3, title: 'Vanishing gradients: ‖∂L/∂hₜ‖ for a loss on the last state, by distance (median over seeds, band min–max)',
    note: `hidden ${o.hidden}; loss: squared error of the read-out of h_T on ${o.batch} adding-problem sequences of length ${o.T}; seeds ${r.seeds.join(', ')}; ${INIT_STYLE_NOTE}`,
  });
}

/** Markdown table: gradient norms at a few distances (median over seeds, [min, max]), at initialisation and after training. */
export function vanishingTable(r: Seeded<VanishingResult>): string {
  const o = r.perSeed[0].options, n = r.seeds.length;
  const ks = [0, 10, 25, 50, 100, 200].filter((k) => k <= o.T);
  const fmt = (v: number): string => (v === 0 ? '0' : v.toExponential(1));
  const cell = (b: { med: number[]; lo: number[]; hi: number[] }, k: number): string => (n > 1 ? `${fmt(b.med[k])} [${fmt(b.lo[k])}, ${fmt(b.hi[k])}]` : fmt(b.med[k]));
  const rows = [...vanishingGroups(r).values()].flatMap((ms) => {
    const name = `${ms[0].model} | ${ms[0].gateInit}`, bi = normBands(ms, 'init');
    const out = [`| ${name} | init | ${ks.map((k) => cell(bi, k)).join(' | ')} | – |`];
    if (ms[0].trained) {
      const bt = normBands(ms, 'trained'), steps = ms.map((m) => m.trained!.adding.stepsToSolve);
      out.push(`| ${name} | trained | ${ks.map((k) => cell(bt, k)).join(' | ')} | ${steps.map((s) => s ?? 'no').join(', ')} |`);
    }
    return out;
  });
  const head = `| model | gate init | weights | ${ks.map((k) => `k = ${k}`).join(' | ')} | adding T=${o.trainT} solved at step (per seed) |`;
  let out = [head, `|---|---|---|${ks.map(() => '---:').join('|')}|---:|`, ...rows].join('\n') + '\n';
  out += `\n‖∂L/∂h_{T−k}‖: ${n > 1 ? `median [min, max] over ${n} seeds` : 'one seed'} (${r.seeds.join(', ')}); 0 = below float32's smallest value.\n`;
  const spectra = r.perSeed.map((x) => x.rnnSpectrum).filter((s) => s !== undefined);
  if (spectra.length) {
    out += `\ntanh RNN W_hh, largest singular value per seed: ${spectra.map((s) => `${s!.init[0].toFixed(3)} at init${s!.trained ? ` → ${s!.trained[0].toFixed(3)} trained` : ''}`).join('; ')}.\n`;
  }
  return out;
}
