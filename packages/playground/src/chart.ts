// The two line charts (uPlot, bundled): training and validation loss against steps with the bigram baseline, and the
// gradient view's ‖∂L/∂h‖ against distance on a log scale.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLORS = { train: '#2563eb', val: '#dc2626', baseline: '#6b7280', curves: ['#2563eb', '#93c5fd', '#dc2626'] };

/** Loss (nats per character) against optimizer steps: one point per training slice, validation where measured. */
export class LossChart {
  private readonly plot: uPlot;
  private readonly xs: number[] = [];
  private readonly train: (number | null)[] = [];
  private readonly val: (number | null)[] = [];
  private readonly base: (number | null)[] = [];
  private baseline: number | null = null;

  constructor(el: HTMLElement) {
    const opts: uPlot.Options = {
      width: Math.max(320, el.clientWidth), height: 260,
      scales: { x: { time: false } },
      axes: [{ label: 'optimizer step' }, { label: 'nats / character' }],
      series: [
        { label: 'step' },
        { label: 'train', stroke: COLORS.train, width: 1.5, points: { show: false } },
        { label: 'validation', stroke: COLORS.val, width: 2, spanGaps: true, points: { show: true, size: 5 } },
        { label: 'bigram baseline (validation)', stroke: COLORS.baseline, dash: [6, 4], width: 1.5, spanGaps: true, points: { show: false } },
      ],
    };
    this.plot = new uPlot(opts, [[], [], [], []], el);
    new ResizeObserver(() => this.plot.setSize({ width: Math.max(320, el.clientWidth), height: 260 })).observe(el);
  }

  reset(baseline: number): void {
    for (const a of [this.xs, this.train, this.val, this.base]) a.length = 0;
    this.baseline = baseline;
    this.redraw();
  }

  addTrain(step: number, loss: number): void {
    this.xs.push(step); this.train.push(loss); this.val.push(null); this.base.push(this.baseline);
    this.redraw();
  }

  addVal(step: number, loss: number): void {
    const last = this.xs.length - 1;
    if (last >= 0 && this.xs[last] === step) this.val[last] = loss;
    else { this.xs.push(step); this.train.push(null); this.val.push(loss); this.base.push(this.baseline); }
    this.redraw();
  }

  private redraw(): void { this.plot.setData([this.xs, this.train, this.val, this.base] as uPlot.AlignedData); }
}

/** Log-axis labels: powers of ten only, at most ~8 of them (every k-th decade), as 1, 0.01, 1e-5, … */
function decades(_u: uPlot, vals: number[]): string[] {
  const exp = (v: number): number | null => {
    const e = Math.log10(v);
    return v > 0 && Math.abs(e - Math.round(e)) < 1e-6 ? Math.round(e) : null;
  };
  const k = Math.max(1, Math.ceil(vals.filter((v) => v != null && exp(v) !== null).length / 8));
  return vals.map((v) => {
    const e = v == null ? null : exp(v);
    if (e === null || e % k !== 0) return '';
    return v >= 0.01 ? String(+v.toPrecision(2)) : v.toExponential(0);
  });
}

/** Curves of ‖∂L/∂h_{T−1−d}‖ against the distance d, log-scaled. */
export class GradientChart {
  private plot: uPlot | null = null;
  constructor(private readonly el: HTMLElement) {}

  show(curves: { label: string; values: number[] }[]): void {
    this.plot?.destroy();
    const T = curves[0].values.length;
    const opts: uPlot.Options = {
      width: Math.max(320, this.el.clientWidth), height: 300,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [{ label: 'distance d = steps back from the loss' },
        { label: '‖∂L/∂h(t−d)‖ (log)', size: 60, values: decades }],
      series: [{ label: 'd' }, ...curves.map((c, i) => ({ label: c.label, stroke: COLORS.curves[i % 3], width: 2 }))],
    };
    this.plot = new uPlot(opts, [Array.from({ length: T }, (_, d) => d), ...curves.map((c) => c.values)] as uPlot.AlignedData, this.el);
  }
}
