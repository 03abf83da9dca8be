// The two line charts (uPlot, bundled): every kept run's training and validation loss against steps (one colour per
// run; thin = training, thick = validation), and the gradient view's ‖∂L/∂h‖ against distance on a log scale.
// Legends are the page's own (uPlot's shows cursor values, "--" when the cursor is away).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { lossRange, type Run } from './runs.js';

const HEIGHT = 300;

/** Loss (nats per character) against optimizer steps for every run; the x values are the union of all runs' steps. */
export class LossChart {
  private plot: uPlot | null = null;
  private key = '';
  private runs: Run[] = [];
  private baseline: number | null = null;
  log = false;

  constructor(private readonly el: HTMLElement) {
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: HEIGHT })).observe(el);
  }

  private width(): number { return Math.max(300, this.el.clientWidth); }

  /** Redraws with these runs; the chart is rebuilt only when the set of series (or their colours, or the scale) changes. */
  draw(runs: Run[], baseline: number | null): void {
    this.runs = runs; this.baseline = baseline;
    const key = JSON.stringify([this.log, baseline, runs.map((r) => [r.info.id, r.color])]);
    const data = this.data();
    if (key !== this.key || !this.plot) {
      this.plot?.destroy();
      this.key = key;
      this.plot = new uPlot(this.options(), data, this.el);
    } else this.plot.setData(data);
    this.el.dataset.runs = JSON.stringify(runs.map((r) => ({ id: r.info.id, train: r.train.length, val: r.val.length })));
  }

  private options(): uPlot.Options {
    const series: uPlot.Series[] = [{ label: 'step' }];
    for (const r of this.runs) {
      series.push({ label: `${r.name} train`, stroke: `${r.color}80`, width: 1, spanGaps: true, points: { show: false } });
      series.push({ label: `${r.name} validation`, stroke: r.color, width: 2.2, spanGaps: true, points: { show: true, size: 4 } });
    }
    if (this.baseline !== null) series.push({ label: 'bigram baseline', stroke: '#6b7280', dash: [6, 4], width: 1.2, spanGaps: true, points: { show: false } });
    return {
      width: this.width(), height: HEIGHT, legend: { show: false },
      scales: { x: { time: false }, y: this.log ? { distr: 3, range: () => this.range() } : { range: () => this.range() } },
      axes: [{ label: 'optimizer step' }, { label: `loss, nats / character${this.log ? ' (log)' : ''}`, size: 56 }],
      series,
    };
  }

  private range(): uPlot.Range.MinMax {
    const r = lossRange(this.runs, this.baseline) ?? [0, 1];
    return this.log ? [Math.max(1e-3, r[0]), r[1]] : r;
  }

  private data(): uPlot.AlignedData {
    const xs = [...new Set(this.runs.flatMap((r) => [...r.train, ...r.val].map(([s]) => s)))].sort((a, b) => a - b);
    const at = new Map(xs.map((s, k) => [s, k]));
    const column = (pts: [number, number][]): (number | null)[] => {
      const c: (number | null)[] = new Array(xs.length).fill(null);
      for (const [s, v] of pts) c[at.get(s)!] = v;
      return c;
    };
    const cols: (number | null)[][] = this.runs.flatMap((r) => [column(r.train), column(r.val)]);
    if (this.baseline !== null) cols.push(xs.map(() => this.baseline));
    return [xs, ...cols] as uPlot.AlignedData;
  }

  /** The drawn canvas (axes and curves) as a PNG. */
  png(): Promise<Blob | null> {
    const cv = this.el.querySelector('canvas');
    return new Promise((resolve) => (cv ? cv.toBlob(resolve, 'image/png') : resolve(null)));
  }
}

/**
 * The gradient axis: log10 of the norm on a linear scale, labelled as powers of ten (1, 0.01, 1e-5, …) at most ~8
 * of them. (uPlot's own log scale loops forever on ranges of ~30 decades, which a plain RNN's gradient reaches.)
 */
function decadeSplits(_u: uPlot, _axis: number, min: number, max: number): number[] {
  const lo = Math.floor(min), hi = Math.ceil(max), k = Math.max(1, Math.ceil((hi - lo) / 8)), out: number[] = [];
  for (let e = Math.ceil(lo / k) * k; e <= hi; e += k) out.push(e);
  return out;
}
const decadeLabel = (e: number): string => (e >= -2 ? String(+(10 ** e).toPrecision(2)) : `1e${e}`);

export interface GradientCurve { label: string; color: string; dashed: boolean; values: number[] }

/** Curves of ‖∂L/∂h_{T−1−d}‖ against the distance d, log-scaled. */
export class GradientChart {
  private plot: uPlot | null = null;
  constructor(private readonly el: HTMLElement) {}

  show(curves: GradientCurve[]): void {
    this.plot?.destroy();
    const T = curves[0].values.length;
    const opts: uPlot.Options = {
      width: Math.max(300, this.el.clientWidth), height: 320, legend: { show: false },
      scales: { x: { time: false }, y: { range: (_u, lo, hi) => [Math.floor(lo), Math.ceil(hi)] } },
      axes: [{ label: 'distance d = steps back from the loss' },
        { label: '‖∂L/∂h(t−d)‖ (log scale)', size: 60, splits: decadeSplits, values: (_u, vals) => vals.map(decadeLabel) }],
      series: [{ label: 'd' }, ...curves.map((c) => ({ label: c.label, stroke: c.color, width: 2, ...(c.dashed ? { dash: [6, 4] } : {}) }))],
    };
    const logs = curves.map((c) => c.values.map((v) => Math.log10(Math.max(v, 1e-30))));
    this.plot = new uPlot(opts, [Array.from({ length: T }, (_, d) => d), ...logs] as uPlot.AlignedData, this.el);
  }
}
