// The adding problem (Hochreiter & Schmidhuber 1997) for T ∈ {50, 100, 200, 400}: for each model, steps until the
// held-out MSE falls below 0.01, the final MSE and the wall time. The tanh RNN is expected to stay at the
// always-predict-1 baseline (MSE ≈ 0.167) for long sequences, the gated cells to solve it.
import { Rng, manualSeed, noGrad, clipGradNorm, mse, Adam } from 'gated';
import { lineChart } from '../plot/line.js';
import { figure, modelColors } from '../plot/svg.js';
import { INIT_STYLE_NOTE, RecurrentHead, checkInt, checkKinds, initDash, now, paramCount, round, variantName, variants, type InitKind, type ModelKind, type OnProgress, type TaskTraining } from './common.js';
import { chunkedRun } from './chunked.js';
import { curveBand, fmtSpread, groupBy, spread, type Seeded } from './seeds.js';
import { ADDING_BASELINE, addingBatch } from './tasks.js';

/** `target`: the "solved" threshold on the held-out MSE. */
export interface AddingOptions extends TaskTraining {
  /** Initialisations of the gated cells (each gated model runs under each; the tanh RNN under 'pytorch' only). */
  inits: InitKind[];
  /** Test sequences per length, evaluated once after training. */
  testSize: number;
  /** Sequence lengths T. */
  lengths: number[];
}

export const addingDefaults: AddingOptions = {
  lengths: [50, 100, 200, 400], models: ['rnn', 'gru', 'lstm'], inits: ['pytorch', 'bias1'], hidden: 64, batch: 32, maxSteps: 1500, lr: 1e-2, clip: 1,
  evalEvery: 50, evalSize: 256, testSize: 1024, target: 0.01, seed: 0,
};

/** What is selected on which split (recorded in result.json). */
export const addingSelection = 'a run stops at the first evaluation (every evalEvery steps) whose MSE on the validation set ' +
  '(evalSize fixed sequences) is below target, or when the step budget ends; the test set (testSize other sequences) is ' +
  'evaluated once, on the final weights; no hyperparameter was chosen per model or per seed';

/** Seconds on 2 cores: T = 50 only, 400 steps. */
export const addingQuick: Partial<AddingOptions> = { lengths: [50], maxSteps: 400 };

export interface AddingRun {
  model: ModelKind;
  init: InitKind;
  T: number;
  params: number;
  /** First evaluation step with held-out MSE < target, or null when the budget ran out first. */
  stepsToSolve: number | null;
  steps: number;
  /** Validation MSE at the last evaluation (what stopping looked at). */
  finalMse: number;
  /** Test MSE of the final weights (a separate set, evaluated once). */
  testMse: number;
  seconds: number;
  /** [step, validation MSE] every evalEvery steps (step 0 = at initialisation). */
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
  checkInt('adding: evalEvery', o.evalEvery, 1); checkInt('adding: evalSize', o.evalSize, 1); checkInt('adding: testSize', o.testSize, 1);
  checkInt('adding: seed', o.seed, 0);
  variants(o.models, o.inits);
}

/** The fixed validation set for length T (stopping looks at it). */
export const addingEvalSet = (T: number, o: Pick<AddingOptions, 'evalSize' | 'seed'>) => addingBatch(T, o.evalSize, new Rng(o.seed * 7919 + T + 0xe7a1));

/** The test set for length T: other sequences, evaluated once after training. */
export const addingTestSet = (T: number, o: Pick<AddingOptions, 'testSize' | 'seed'>) => addingBatch(T, o.testSize, new Rng(o.seed * 7919 + T + 0x7e57));

/**
 * Trains one model on the adding problem of length T; returns the run and the trained model. Both initialisations of
 * a cell start from the same seed, so they differ only in the gate's bias.
 */
export function trainAdding(kind: ModelKind, T: number, o: AddingOptions, onProgress?: OnProgress, init: InitKind = 'pytorch'): { run: AddingRun; model: RecurrentHead } {
  manualSeed(o.seed * 7919 + T);
  const model = new RecurrentHead(kind, 2, o.hidden, 1, 0, { init, tMax: T });
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
      onProgress?.({ phase: `${variantName(kind, init)} T=${T} seed ${o.seed}`, step, steps: o.maxSteps, info: `validation MSE ${e.toFixed(4)}` });
    }
  }
  const seconds = round(now() - t0, 4), te = addingTestSet(T, o);
  const testMse = round(noGrad(() => mse(model.last(te.x), te.y).item()));
  const run: AddingRun = {
    model: kind, init, T, params: paramCount(model), stepsToSolve, steps: step, finalMse: curve[curve.length - 1][1], testMse, seconds, curve,
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
  for (const T of o.lengths) for (const v of variants(o.models, o.inits)) runs.push(trainAdding(v.model, T, o, onProgress, v.init).run);
  return { experiment: 'adding', options: o, baseline, runs };
}

/** The runs of every seed grouped by (model, init, T), in the order of the first seed. */
const addingGroups = (r: Seeded<AddingResult>) => groupBy(r.perSeed.flatMap((x) => x.runs), (x) => `${x.T}|${x.model}|${x.init}`);

/** One panel per T: validation MSE (log) against training steps, mean over seeds with the min–max band. */
export function addingFigure(r: Seeded<AddingResult>): string {
  const o = r.perSeed[0].options, groups = [...addingGroups(r).values()];
  const panels = o.lengths.map((T) => lineChart({
    title: `T = ${T}`,
    x: { label: 'training step (batch of ' + o.batch + ')', min: 0 },
    y: { label: 'validation MSE', log: true, min: 1e-4, max: 1 },
    series: groups.filter((g) => g[0].T === T).map((g) => {
      const { mean, band } = curveBand(g.map((x) => x.curve));
      return { name: variantName(g[0].model, g[0].init), points: mean, band, color: modelColors[g[0].model], dashed: initDash(g[0].init) };
    }),
    refLines: [
      { y: r.perSeed[0].baseline.find((b) => b.T === T)?.mse ?? ADDING_BASELINE, label: 'always predict 1 (≈0.167)' },
      { y: o.target, label: `solved (MSE < ${o.target})`, color: '#2a2' },
    ],
    width: 440, height: 280,
  }));
  return figure(panels, {
    columns: 2, title: 'Adding problem: validation MSE while training (mean over seeds, band min–max)',
    note: `hidden ${o.hidden}, Adam lr ${o.lr}, clip ${o.clip}, seeds ${r.seeds.join(', ')}; a run stops once solved (then held at its last value); ${INIT_STYLE_NOTE}`,
  });
}

/** Markdown table: one row per model, initialisation and length; spread over seeds. */
export function addingTable(r: Seeded<AddingResult>): string {
  const o = r.perSeed[0].options, n = r.seeds.length;
  const rows = [...addingGroups(r).values()].map((g) => {
    const solved = g.filter((x) => x.stepsToSolve !== null).map((x) => x.stepsToSolve!);
    const steps = solved.length ? `${fmtSpread(spread(solved), 0)}${solved.length < g.length ? ' (solved runs)' : ''}` : '–';
    return `| ${g[0].model} | ${g[0].init} | ${g[0].T} | ${g[0].params} | ${solved.length}/${g.length} | ${steps} | ${fmtSpread(spread(g.map((x) => x.testMse)), 4)} | ${fmtSpread(spread(g.map((x) => x.seconds)), 1)} |`;
  });
  return [`| model | init | T | params | solved (val. MSE < ${o.target}) | steps to solve | test MSE | wall time (s) |`, '|---|---|---:|---:|---:|---:|---:|---:|', ...rows].join('\n')
    + `\n\nmean ± sd over ${n} seed${n > 1 ? 's' : ''} (${r.seeds.join(', ')}); budget ${o.maxSteps} steps.\n`;
}
