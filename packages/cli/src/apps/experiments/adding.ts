// The adding problem (Hochreiter & Schmidhuber 1997) for T ∈ {50, 100, 200, 400}: for each model, steps until the
// held-out MSE falls below 0.01, the final MSE and the wall time. The tanh RNN is expected to stay at the
// always-predict-1 baseline (MSE ≈ 0.167) for long sequences, the gated cells to solve it.
import { Rng, manualSeed, noGrad, clipGradNorm, mse, Adam } from 'gated';
import { lineChart } from '../plot/line.js';
import { figure, modelColors } from '../plot/svg.js';
import { RecurrentHead, checkInt, checkKinds, now, paramCount, round, type ModelKind, type OnProgress, type TaskTraining } from './common.js';
import { chunkedRun } from './chunked.js';
import { ADDING_BASELINE, addingBatch } from './tasks.js';

/** `target`: the "solved" threshold on the held-out MSE. */
export interface AddingOptions extends TaskTraining {
  /** Sequence lengths T. */
  lengths: number[];
}

export const addingDefaults: AddingOptions = {
  lengths: [50, 100, 200, 400], models: ['rnn', 'gru', 'lstm'], hidden: 64, batch: 32, maxSteps: 1500, lr: 1e-2, clip: 1,
  evalEvery: 50, evalSize: 256, target: 0.01, seed: 0,
};

/** Seconds on 2 cores: T = 50 only, 400 steps. */
export const addingQuick: Partial<AddingOptions> = { lengths: [50], maxSteps: 400 };

export interface AddingRun {
  model: ModelKind;
  T: number;
  params: number;
  /** First evaluation step with held-out MSE < target, or null when the budget ran out first. */
  stepsToSolve: number | null;
  steps: number;
  finalMse: number;
  seconds: number;
  /** [step, held-out MSE] every evalEvery steps (step 0 = at initialisation). */
  curve: [number, number][];
}

export interface AddingResult {
  experiment: 'adding';
  options: AddingOptions;
  /** MSE of always predicting 1 on each held-out set (≈ 1/6). */
  baseline: { T: number; mse: number }[];
  runs: AddingRun[];
}

function validate(o: AddingOptions): void {
  checkKinds(o.models);
  for (const T of o.lengths) checkInt('adding: sequence length T', T, 2);
  checkInt('adding: hidden', o.hidden, 1); checkInt('adding: batch', o.batch, 1); checkInt('adding: maxSteps', o.maxSteps, 1);
  checkInt('adding: evalEvery', o.evalEvery, 1); checkInt('adding: evalSize', o.evalSize, 1); checkInt('adding: seed', o.seed, 0);
}

/** The fixed held-out set for length T. */
export const addingEvalSet = (T: number, o: Pick<AddingOptions, 'evalSize' | 'seed'>) => addingBatch(T, o.evalSize, new Rng(o.seed * 7919 + T + 0xe7a1));

/** Trains one model on the adding problem of length T; returns the run and the trained model. */
export function trainAdding(kind: ModelKind, T: number, o: AddingOptions, onProgress?: OnProgress): { run: AddingRun; model: RecurrentHead } {
  manualSeed(o.seed * 7919 + T);
  const model = new RecurrentHead(kind, 2, o.hidden, 1);
  const params = model.parameters();
  const opt = new Adam(params, { lr: o.lr });
  const data = new Rng(o.seed * 7919 + T), ev = addingEvalSet(T, o);
  const evaluate = (): number => noGrad(() => mse(model.last(ev.x), ev.y).item());
  const curve: [number, number][] = [[0, round(evaluate())]];
  const t0 = now();
  let stepsToSolve: number | null = null, step = 0;
  while (step < o.maxSteps && stepsToSolve === null) {
    step++;
    const { x, y } = addingBatch(T, o.batch, data);
    opt.zeroGrad();
    const run = chunkedRun(model.rnn, x); // BPTT with tiny gradients flushed (see chunked.ts)
    const loss = mse(model.head.forward(run.hT), y);
    loss.backward();
    run.backward();
    if (o.clip > 0) clipGradNorm(params, o.clip);
    opt.step();
    if (step % o.evalEvery === 0 || step === o.maxSteps) {
      const e = evaluate();
      curve.push([step, round(e)]);
      if (e < o.target) stepsToSolve = step;
      onProgress?.({ phase: `${kind} T=${T}`, step, steps: o.maxSteps, info: `held-out MSE ${e.toFixed(4)}` });
    }
  }
  const run: AddingRun = {
    model: kind, T, params: paramCount(model), stepsToSolve, steps: step, finalMse: curve[curve.length - 1][1], seconds: round(now() - t0, 4), curve,
  };
  return { run, model };
}

export function addingExperiment(options: Partial<AddingOptions> = {}, onProgress?: OnProgress): AddingResult {
  const o: AddingOptions = { ...addingDefaults, ...options };
  validate(o);
  const baseline = o.lengths.map((T) => {
    const { y } = addingEvalSet(T, o);
    let s = 0;
    for (const v of y.data) s += (v - 1) ** 2;
    return { T, mse: round(s / y.size) };
  });
  const runs: AddingRun[] = [];
  for (const T of o.lengths) for (const kind of o.models) runs.push(trainAdding(kind, T, o, onProgress).run);
  return { experiment: 'adding', options: o, baseline, runs };
}

/** One panel per T: held-out MSE (log) against training steps, the baseline and the target as reference lines. */
export function addingFigure(r: AddingResult): string {
  const panels = r.options.lengths.map((T) => lineChart({
    title: `T = ${T}`,
    x: { label: 'training step (batch of ' + r.options.batch + ')', min: 0 },
    y: { label: 'held-out MSE', log: true, min: 1e-4, max: 1 },
    series: r.runs.filter((run) => run.T === T).map((run) => ({ name: run.model, points: run.curve, color: modelColors[run.model] })),
    refLines: [
      { y: r.baseline.find((b) => b.T === T)?.mse ?? ADDING_BASELINE, label: 'always predict 1 (≈0.167)' },
      { y: r.options.target, label: `solved (MSE < ${r.options.target})`, color: '#2a2' },
    ],
    width: 420, height: 280,
  }));
  return figure(panels, {
    columns: 2, title: 'Adding problem: held-out MSE while training',
    note: `hidden ${r.options.hidden}, Adam lr ${r.options.lr}, clip ${r.options.clip}, seed ${r.options.seed}; a run stops once solved`,
  });
}

/** Markdown table: one row per model and length. */
export function addingTable(r: AddingResult): string {
  const rows = r.runs.map((x) => `| ${x.model} | ${x.T} | ${x.params} | ${x.stepsToSolve ?? `not within ${x.steps}`} | ${x.finalMse.toFixed(4)} | ${x.seconds.toFixed(1)} |`);
  return ['| model | T | params | steps to MSE < ' + r.options.target + ' | final MSE | wall time (s) |', '|---|---:|---:|---:|---:|---:|', ...rows].join('\n') + '\n';
}
