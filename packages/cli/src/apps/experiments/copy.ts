// The copy (memory) task: read k symbols, wait D blanks, then write the k symbols back. Accuracy on held-out sequences
// against the delay D for the tanh RNN, GRU and LSTM; chance is 1/S. Cross-entropy is taken on the k recall steps only.
import { Rng, manualSeed, noGrad, clipGradNorm, crossEntropy, Adam } from 'gated';
import { lineChart } from '../plot/line.js';
import { figure, modelColors } from '../plot/svg.js';
import { INIT_STYLE_NOTE, RecurrentHead, checkInt, checkKinds, initDash, now, paramCount, round, variantName, variants, type InitKind, type ModelKind, type OnProgress, type TaskTraining } from './common.js';
import { chunkedRun } from './chunked.js';
import { curveBand, fmtSpread, groupBy, spread, type Seeded } from './seeds.js';
import { copyBatch, type CopyBatch } from './tasks.js';

/** `target`: the held-out accuracy that counts as solved. */
export interface CopyOptions extends TaskTraining {
  delays: number[];
  /** Symbols to remember and alphabet size. */
  k: number;
  symbols: number;
  /** Initialisations of the gated cells (each gated model runs under each; the tanh RNN under 'pytorch' only). */
  inits: InitKind[];
  /** Test sequences per delay, evaluated once after training. */
  testSize: number;
}

export const copyDefaults: CopyOptions = {
  delays: [10, 20, 40, 80], models: ['rnn', 'gru', 'lstm'], inits: ['pytorch', 'bias1'], k: 5, symbols: 8, hidden: 64, batch: 32, maxSteps: 1500,
  lr: 1e-2, clip: 1, evalEvery: 50, evalSize: 256, testSize: 1024, target: 0.99, seed: 0,
};

/** What is selected on which split (recorded in result.json). */
export const copySelection = 'a run stops at the first evaluation (every evalEvery steps) whose accuracy on the validation set ' +
  '(evalSize fixed sequences) reaches target, or when the step budget ends; the test set (testSize other sequences) is ' +
  'evaluated once, on the final weights; no hyperparameter was chosen per model or per seed';

export const copyQuick: Partial<CopyOptions> = { delays: [5, 20], maxSteps: 500 };

export interface CopyRun {
  model: ModelKind;
  init: InitKind;
  D: number;
  params: number;
  /** Validation accuracy per recalled symbol at the end of the run (what stopping looked at). */
  accuracy: number;
  /** Test accuracy of the final weights (a separate set, evaluated once). */
  testAccuracy: number;
  stepsToTarget: number | null;
  steps: number;
  seconds: number;
  /** [step, held-out accuracy]. */
  curve: [number, number][];
}

export interface CopyResult { experiment: 'copy'; options: CopyOptions; chance: number; runs: CopyRun[] }

/** Logits of the k recall steps: [k, B, S]. */
function recallLogits(m: RecurrentHead, b: CopyBatch, k: number) {
  const { output } = m.rnn.forward(b.x);
  return m.head.forward(output.slice(0, b.first, b.first + k));
}

function accuracy(m: RecurrentHead, b: CopyBatch, k: number, S: number): number {
  return noGrad(() => {
    const logits = recallLogits(m, b, k).data;
    let right = 0;
    for (let i = 0; i < b.targets.length; i++) {
      let best = 0;
      for (let c = 1; c < S; c++) if (logits[i * S + c] > logits[i * S + best]) best = c;
      if (best === b.targets[i]) right++;
    }
    return right / b.targets.length;
  });
}

export function trainCopy(kind: ModelKind, D: number, o: CopyOptions, onProgress?: OnProgress, init: InitKind = 'pytorch'): CopyRun {
  const { k, symbols: S } = o;
  manualSeed(o.seed * 7919 + D);
  const model = new RecurrentHead(kind, S + 2, o.hidden, S, 0, { init, tMax: D + 2 * k }), params = model.parameters();
  const opt = new Adam(params, { lr: o.lr });
  const data = new Rng(o.seed * 7919 + D), ev = copyBatch(k, D, S, o.evalSize, new Rng(o.seed * 7919 + D + 0xc0b1));
  const curve: [number, number][] = [[0, round(accuracy(model, ev, k, S), 4)]];
  const t0 = now();
  let stepsToTarget: number | null = null, step = 0;
  while (step < o.maxSteps && stepsToTarget === null) {
    step++;
    const b = copyBatch(k, D, S, o.batch, data);
    opt.zeroGrad();
    const run = chunkedRun(model.rnn, b.x); // BPTT with tiny gradients flushed (see chunked.ts)
    const loss = crossEntropy(model.head.forward(run.output.slice(0, b.first, b.first + k)).reshape([k * o.batch, S]), b.targets);
    loss.backward();
    run.backward();
    if (o.clip > 0) clipGradNorm(params, o.clip);
    opt.step();
    if (step % o.evalEvery === 0 || step === o.maxSteps) {
      const a = accuracy(model, ev, k, S);
      curve.push([step, round(a, 4)]);
      if (a >= o.target) stepsToTarget = step;
      onProgress?.({ phase: `${variantName(kind, init)} D=${D} seed ${o.seed}`, step, steps: o.maxSteps, info: `validation accuracy ${a.toFixed(3)}` });
    }
  }
  const seconds = round(now() - t0, 4);
  const testAccuracy = round(accuracy(model, copyBatch(k, D, S, o.testSize, new Rng(o.seed * 7919 + D + 0x7e57)), k, S), 4);
  return { model: kind, init, D, params: paramCount(model), accuracy: curve[curve.length - 1][1], testAccuracy, stepsToTarget, steps: step, seconds, curve };
}

export function copyExperiment(options: Partial<CopyOptions> = {}, onProgress?: OnProgress): CopyResult {
  const o: CopyOptions = { ...copyDefaults, ...options };
  checkKinds(o.models);
  for (const D of o.delays) checkInt('copy: delay D', D, 0);
  for (const [n, v, min] of [['k', o.k, 1], ['symbols', o.symbols, 2], ['hidden', o.hidden, 1], ['batch', o.batch, 1], ['maxSteps', o.maxSteps, 1],
    ['evalEvery', o.evalEvery, 1], ['evalSize', o.evalSize, 1], ['testSize', o.testSize, 1], ['seed', o.seed, 0]] as const) checkInt(`copy: ${n}`, v, min);
  const runs: CopyRun[] = [];
  for (const D of o.delays) for (const v of variants(o.models, o.inits)) runs.push(trainCopy(v.model, D, o, onProgress, v.init));
  return { experiment: 'copy', options: o, chance: 1 / o.symbols, runs };
}

const copyGroups = (r: Seeded<CopyResult>) => groupBy(r.perSeed.flatMap((x) => x.runs), (x) => `${x.model}|${x.init}|${x.D}`);

/** Test accuracy against D (mean, min–max band over seeds) and the training curves at the delay of largest spread. */
export function copyFigure(r: Seeded<CopyResult>): string {
  const o = r.perSeed[0].options, chance = r.perSeed[0].chance, log = o.delays.length > 1 && Math.min(...o.delays) > 0;
  const groups = [...copyGroups(r).values()];
  const byVariant = groupBy(groups, (g) => `${g[0].model}|${g[0].init}`);
  const acc = lineChart({
    title: `test accuracy after ≤ ${o.maxSteps} steps`,
    x: { label: 'delay D (blank steps between the symbols and "go")', log, ticks: o.delays, tickFormat: String, ...(log ? { min: Math.min(...o.delays) / 1.4, max: Math.max(...o.delays) * 1.4 } : {}) },
    y: { label: 'test accuracy per symbol', min: 0, max: 1 },
    series: [...byVariant.values()].map((gs) => {
      const s = gs.map((g) => ({ D: g[0].D, sp: spread(g.map((x) => x.testAccuracy)) }));
      return {
        name: variantName(gs[0][0].model, gs[0][0].init), color: modelColors[gs[0][0].model], markers: true, dashed: initDash(gs[0][0].init),
        points: s.map((x) => [x.D, x.sp.mean] as [number, number]), band: s.map((x) => [x.D, x.sp.min, x.sp.max] as [number, number, number]),
      };
    }),
    refLines: [{ y: chance, label: `chance (1/${o.symbols})` }],
    width: 460, height: 300,
  });
  const mean = (D: number) => groups.filter((g) => g[0].D === D).map((g) => spread(g.map((x) => x.testAccuracy)).mean);
  const spreadAt = (D: number): number => Math.max(...mean(D)) - Math.min(...mean(D));
  const shown = o.delays.reduce((best, D) => (spreadAt(D) > spreadAt(best) ? D : best), o.delays[0]);
  const curves = lineChart({
    title: `training curves at D = ${shown} (largest spread)`,
    x: { label: 'training step', min: 0 }, y: { label: 'validation accuracy per symbol', min: 0, max: 1 },
    series: groups.filter((g) => g[0].D === shown).map((g) => {
      const { mean: m, band } = curveBand(g.map((x) => x.curve));
      return { name: variantName(g[0].model, g[0].init), color: modelColors[g[0].model], dashed: initDash(g[0].init), points: m, band };
    }),
    refLines: [{ y: chance, label: 'chance' }],
    width: 460, height: 300,
  });
  return figure([acc, curves], {
    title: `Copy task: recall ${o.k} of ${o.symbols} symbols after D blanks (mean over seeds, band min–max)`,
    note: `hidden ${o.hidden}, batch ${o.batch}, Adam lr ${o.lr}, clip ${o.clip}, seeds ${r.seeds.join(', ')}; a run stops at validation accuracy ≥ ${o.target}; ${INIT_STYLE_NOTE}`,
  });
}

export function copyTable(r: Seeded<CopyResult>): string {
  const o = r.perSeed[0].options, n = r.seeds.length;
  const rows = [...copyGroups(r).values()].map((g) => {
    const solved = g.filter((x) => x.stepsToTarget !== null).map((x) => x.stepsToTarget!);
    const steps = solved.length ? `${fmtSpread(spread(solved), 0)}${solved.length < g.length ? ' (solved runs)' : ''}` : '–';
    return `| ${g[0].model} | ${g[0].init} | ${g[0].D} | ${g[0].params} | ${fmtSpread(spread(g.map((x) => x.testAccuracy)), 3)} | ${solved.length}/${g.length} | ${steps} | ${fmtSpread(spread(g.map((x) => x.seconds)), 1)} |`;
  });
  return [`| model | init | D | params | test accuracy | reached ≥ ${o.target} | steps to reach | wall time (s) |`, '|---|---|---:|---:|---:|---:|---:|---:|', ...rows].join('\n')
    + `\n\nmean ± sd over ${n} seed${n > 1 ? 's' : ''} (${r.seeds.join(', ')}); chance ${r.perSeed[0].chance.toFixed(3)}; budget ${o.maxSteps} steps.\n`;
}
