// The copy (memory) task: read k symbols, wait D blanks, then write the k symbols back. Accuracy on held-out sequences
// against the delay D for the tanh RNN, GRU and LSTM; chance is 1/S. Cross-entropy is taken on the k recall steps only.
import { Rng, manualSeed, noGrad, clipGradNorm, crossEntropy, Adam } from 'gated';
import { lineChart } from '../plot/line.js';
import { figure, modelColors } from '../plot/svg.js';
import { RecurrentHead, checkInt, checkKinds, now, paramCount, round, type ModelKind, type OnProgress, type TaskTraining } from './common.js';
import { chunkedRun } from './chunked.js';
import { copyBatch, type CopyBatch } from './tasks.js';

/** `target`: the held-out accuracy that counts as solved. */
export interface CopyOptions extends TaskTraining {
  delays: number[];
  /** Symbols to remember and alphabet size. */
  k: number;
  symbols: number;
}

export const copyDefaults: CopyOptions = {
  delays: [10, 20, 40, 80], models: ['rnn', 'gru', 'lstm'], k: 5, symbols: 8, hidden: 64, batch: 32, maxSteps: 1500,
  lr: 1e-2, clip: 1, evalEvery: 50, evalSize: 256, target: 0.99, seed: 0,
};

export const copyQuick: Partial<CopyOptions> = { delays: [5, 20], maxSteps: 500 };

export interface CopyRun {
  model: ModelKind;
  D: number;
  params: number;
  /** Held-out accuracy per recalled symbol at the end of the run. */
  accuracy: number;
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

export function trainCopy(kind: ModelKind, D: number, o: CopyOptions, onProgress?: OnProgress): CopyRun {
  const { k, symbols: S } = o;
  manualSeed(o.seed * 7919 + D);
  const model = new RecurrentHead(kind, S + 2, o.hidden, S), params = model.parameters();
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
      onProgress?.({ phase: `${kind} D=${D}`, step, steps: o.maxSteps, info: `held-out accuracy ${a.toFixed(3)}` });
    }
  }
  return { model: kind, D, params: paramCount(model), accuracy: curve[curve.length - 1][1], stepsToTarget, steps: step, seconds: round(now() - t0, 4), curve };
}

export function copyExperiment(options: Partial<CopyOptions> = {}, onProgress?: OnProgress): CopyResult {
  const o: CopyOptions = { ...copyDefaults, ...options };
  checkKinds(o.models);
  for (const D of o.delays) checkInt('copy: delay D', D, 0);
  for (const [n, v, min] of [['k', o.k, 1], ['symbols', o.symbols, 2], ['hidden', o.hidden, 1], ['batch', o.batch, 1], ['maxSteps', o.maxSteps, 1],
    ['evalEvery', o.evalEvery, 1], ['evalSize', o.evalSize, 1], ['seed', o.seed, 0]] as const) checkInt(`copy: ${n}`, v, min);
  const runs: CopyRun[] = [];
  for (const D of o.delays) for (const kind of o.models) runs.push(trainCopy(kind, D, o, onProgress));
  return { experiment: 'copy', options: o, chance: 1 / o.symbols, runs };
}

export function copyFigure(r: CopyResult): string {
  const o = r.options, log = o.delays.length > 1 && Math.min(...o.delays) > 0;
  const acc = lineChart({
    title: `accuracy after ≤ ${o.maxSteps} steps`,
    x: { label: 'delay D (blank steps between the symbols and "go")', log, ticks: o.delays, tickFormat: String, ...(log ? { min: Math.min(...o.delays) / 1.4, max: Math.max(...o.delays) * 1.4 } : {}) },
    y: { label: 'held-out accuracy per symbol', min: 0, max: 1 },
    series: o.models.map((m) => ({ name: m, color: modelColors[m], markers: true, points: r.runs.filter((x) => x.model === m).map((x) => [x.D, x.accuracy] as [number, number]) })),
    refLines: [{ y: r.chance, label: `chance (1/${o.symbols})` }],
    width: 440, height: 300,
  });
  // the delay where the models differ most
  const spread = (D: number): number => { const a = r.runs.filter((x) => x.D === D).map((x) => x.accuracy); return Math.max(...a) - Math.min(...a); };
  const shown = o.delays.reduce((best, D) => (spread(D) > spread(best) ? D : best), o.delays[0]);
  const curves = lineChart({
    title: `training curves at D = ${shown} (largest spread)`,
    x: { label: 'training step', min: 0 }, y: { label: 'held-out accuracy per symbol', min: 0, max: 1 },
    series: r.runs.filter((x) => x.D === shown).map((x) => ({ name: x.model, color: modelColors[x.model], points: x.curve })),
    refLines: [{ y: r.chance, label: 'chance' }],
    width: 440, height: 300,
  });
  return figure([acc, curves], {
    title: `Copy task: recall ${o.k} of ${o.symbols} symbols after D blanks`,
    note: `hidden ${o.hidden}, batch ${o.batch}, Adam lr ${o.lr}, clip ${o.clip}, seed ${o.seed}; a run stops at accuracy ≥ ${o.target}`,
  });
}

export function copyTable(r: CopyResult): string {
  const rows = r.runs.map((x) => `| ${x.model} | ${x.D} | ${x.params} | ${x.accuracy.toFixed(3)} | ${x.stepsToTarget ?? `not within ${x.steps}`} | ${x.seconds.toFixed(1)} |`);
  return [`| model | D | params | accuracy | steps to ≥ ${r.options.target} | wall time (s) |`, '|---|---:|---:|---:|---:|---:|', ...rows].join('\n') + '\n';
}
