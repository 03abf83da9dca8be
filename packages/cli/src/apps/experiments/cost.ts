// What gates cost: parameters and time per sequence of one recurrent layer (tanh RNN, GRU, LSTM) across hidden sizes.
// Parameters per direction and layer, with bias:  RNN 1·(H·I + H·H + 2H),  GRU 3·(…),  LSTM 4·(…).
// Times: median (and fastest) of `repeats` timed runs after one warm-up, for a batch of B sequences of length T, per sequence;
// "forward" runs without recording the graph (inference), "forward+backward" records it and back-propagates
// output.sum() through the fused BPTT node. Absolute numbers depend on the machine and its load; ratios travel better.
import { Tensor, noGrad, Rng, manualSeed } from 'gated';
import { lineChart } from '../plot/line.js';
import { figure, modelColors } from '../plot/svg.js';
import { checkInt, checkKinds, makeRecurrent, median, now, paramCount, round, type ModelKind, type OnProgress } from './common.js';

export interface CostOptions { hiddens: number[]; models: ModelKind[]; inputSize: number; T: number; batch: number; repeats: number; seed: number }

export const costDefaults: CostOptions = { hiddens: [64, 128, 256, 512], models: ['rnn', 'gru', 'lstm'], inputSize: 64, T: 100, batch: 16, repeats: 7, seed: 0 };
export const costQuick: Partial<CostOptions> = { hiddens: [64, 128, 256], repeats: 3 };

export interface CostRow {
  model: ModelKind;
  hidden: number;
  /** Parameters of the layer as built, and by the formula gates·(H·I + H·H + 2H). */
  params: number;
  formula: number;
  /** Milliseconds per sequence: median and fastest of the repeats. */
  forwardMs: number;
  forwardBackwardMs: number;
  forwardMinMs: number;
  forwardBackwardMinMs: number;
}

export interface CostResult { experiment: 'cost'; options: CostOptions; rows: CostRow[] }

export const gatesOf = (kind: ModelKind): number => (kind === 'lstm' ? 4 : kind === 'rnn' ? 1 : 3);

export function costExperiment(options: Partial<CostOptions> = {}, onProgress?: OnProgress): CostResult {
  const o: CostOptions = { ...costDefaults, ...options };
  checkKinds(o.models);
  for (const H of o.hiddens) checkInt('cost: hidden size', H, 1);
  for (const [n, v, min] of [['inputSize', o.inputSize, 1], ['T', o.T, 1], ['batch', o.batch, 1], ['repeats', o.repeats, 1], ['seed', o.seed, 0]] as const) checkInt(`cost: ${n}`, v, min);
  const { T, batch: B, inputSize: I } = o, rng = new Rng(o.seed);
  const x = new Tensor(Float32Array.from({ length: T * B * I }, () => rng.uniform(-1, 1)), [T, B, I]);
  const rows: CostRow[] = [];
  for (const [hi, H] of o.hiddens.entries()) {
    // all models of one size are timed in turns (round-robin), so a burst of load from other processes hits them alike
    const layers = o.models.map((kind) => { manualSeed(o.seed); return makeRecurrent(kind, I, H); });
    const fwd = layers.map(() => [] as number[]), both = layers.map(() => [] as number[]);
    const timed = (fn: () => void): number => { const t0 = now(); fn(); return ((now() - t0) * 1000) / B; };
    for (let rep = -1; rep < o.repeats; rep++) { // rep −1: warm-up, not recorded
      layers.forEach((layer, m) => {
        const f = timed(() => { noGrad(() => layer.forward(x)); });
        const fb = timed(() => { layer.zeroGrad(); layer.forward(x).output.sum().backward(); });
        if (rep >= 0) { fwd[m].push(f); both[m].push(fb); }
      });
      onProgress?.({ phase: `timing H=${H}`, step: hi * (o.repeats + 1) + rep + 2, steps: o.hiddens.length * (o.repeats + 1) });
    }
    o.models.forEach((kind, m) => rows.push({
      model: kind, hidden: H, params: paramCount(layers[m]), formula: gatesOf(kind) * (H * I + H * H + 2 * H),
      forwardMs: round(median(fwd[m]), 4), forwardBackwardMs: round(median(both[m]), 4),
      forwardMinMs: round(Math.min(...fwd[m]), 4), forwardBackwardMinMs: round(Math.min(...both[m]), 4),
    }));
  }
  return { experiment: 'cost', options: o, rows };
}

export function costFigure(r: CostResult): string {
  const o = r.options, hs = o.hiddens;
  const series = (f: (row: CostRow) => number) => o.models.map((m) => ({
    name: m, color: modelColors[m], markers: true, points: r.rows.filter((x) => x.model === m).map((x) => [x.hidden, f(x)] as [number, number]),
  }));
  const x = { label: 'hidden size H', log: true, ticks: hs, tickFormat: String, min: Math.min(...hs) / 1.3, max: Math.max(...hs) * 1.3 };
  return figure([
    lineChart({ title: 'parameters (one layer)', x, y: { label: 'parameters', log: true }, series: series((x) => x.params), width: 330, height: 300 }),
    lineChart({ title: 'forward (inference)', x, y: { label: 'time per sequence (ms)', log: true }, series: series((x) => x.forwardMs), width: 330, height: 300 }),
    lineChart({ title: 'forward + backward (training)', x, y: { label: 'time per sequence (ms)', log: true }, series: series((x) => x.forwardBackwardMs), width: 330, height: 300 }),
  ], {
    title: 'Cost of the gates: parameters and time per sequence',
    note: `input ${o.inputSize}, T = ${o.T}, batch ${o.batch}, median of ${o.repeats}; times depend on the machine and its load`,
  });
}

export function costTable(r: CostResult): string {
  const rows = r.rows.map((x) => {
    const gru = r.rows.find((y) => y.model === 'gru' && y.hidden === x.hidden);
    const rel = gru ? (x.forwardBackwardMs / gru.forwardBackwardMs).toFixed(2) : '–';
    return `| ${x.model} | ${x.hidden} | ${x.params} | ${x.forwardMs.toFixed(3)} (${x.forwardMinMs.toFixed(3)}) | ${x.forwardBackwardMs.toFixed(3)} (${x.forwardBackwardMinMs.toFixed(3)}) | ${rel} |`;
  });
  return ['| model | H | params | forward, ms/seq: median (fastest) | forward+backward, ms/seq: median (fastest) | fwd+bwd median vs GRU |', '|---|---:|---:|---:|---:|---:|', ...rows].join('\n') + '\n';
}
