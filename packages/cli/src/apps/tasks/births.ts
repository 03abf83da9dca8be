// The births task: forecast the next 14 days of US births (CDC/NCHS 1969–1988) from the last 56, with a GRU
// encoder–decoder (sequence-to-sequence regression; or sequence-to-one-vector with mode 'direct'), against the
// seasonal-naive forecast (same weekday of the last observed week) and a ridge linear model on the same inputs.
//
// Inputs per day: births scaled by the window's level (x / mean(last 28 inputs) − 1) and calendar features
// (weekday one-hot, day of year as sin/cos, a US-holiday flag). The decoder reads the calendar features and the
// seasonal-naive value of each target day and predicts the correction to that value (ŷ = naive + f(·)), so an
// untrained model starts at the baseline. Splits by time: training targets before 1987, validation targets in 1987, test targets in 1988
// (every forecast origin whose 14 days fall in 1988). Browser-safe.
import { GatedError, GRU, Linear, Module, manualSeed, add, reshape, slice, noGrad, Tensor, shuffle, mse, Adam, CosineAnnealingLR, fit, type EpochMetrics, type TrainEvent, forecastErrors, type ForecastErrors } from 'gated';
import type { ModelDir } from 'gated';

export interface Day { year: number; month: number; date_of_month: number; day_of_week: number; births: number }

export const WINDOW = 56, HORIZON = 14, LEVEL = 28, CAL = 10;

/** nth (1-based; −1 = last) weekday `dow` (1 Mon … 7 Sun) of a month, as a day of the month. */
function nthWeekday(year: number, month: number, dow: number, nth: number): number {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay() || 7;          // 1 Mon … 7 Sun
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const firstHit = 1 + ((dow - first + 7) % 7);
  if (nth > 0) return firstHit + 7 * (nth - 1);
  return firstHit + 7 * Math.floor((days - firstHit) / 7);
}

/** US holidays that move births: New Year, Memorial Day, Independence Day, Labor Day, Thanksgiving, Christmas. */
export function isHoliday(d: Pick<Day, 'year' | 'month' | 'date_of_month'>): boolean {
  const { year: y, month: m, date_of_month: dd } = d;
  return (m === 1 && dd === 1) || (m === 7 && dd === 4) || (m === 12 && dd === 25)
    || (m === 5 && dd === nthWeekday(y, 5, 1, -1)) || (m === 9 && dd === nthWeekday(y, 9, 1, 1)) || (m === 11 && dd === nthWeekday(y, 11, 4, 4));
}

/** Calendar features of one day: weekday one-hot (7), sin/cos of the day of year, holiday flag. */
export function calendar(d: Day): number[] {
  const doy = (Date.UTC(d.year, d.month - 1, d.date_of_month) - Date.UTC(d.year, 0, 1)) / 864e5;
  const f = new Array<number>(CAL).fill(0);
  f[d.day_of_week - 1] = 1;
  f[7] = Math.sin((2 * Math.PI * doy) / 365.25); f[8] = Math.cos((2 * Math.PI * doy) / 365.25); f[9] = isHoliday(d) ? 1 : 0;
  return f;
}

/** One forecast: origin o (index of the last observed day); inputs o−55…o, targets o+1…o+14. */
export interface Sample { origin: number; level: number; enc: number[]; dec: number[]; naive: number[]; target: number[] }

export function makeSample(days: readonly Day[], cal: readonly number[][], o: number): Sample {
  let level = 0;
  for (let i = o - LEVEL + 1; i <= o; i++) level += days[i].births;
  level /= LEVEL;
  const enc: number[] = [], dec: number[] = [], target: number[] = [], naive = seasonalNaive(days, o).map((y) => y / level - 1);
  for (let i = o - WINDOW + 1; i <= o; i++) enc.push(days[i].births / level - 1, ...cal[i]);
  for (let h = 1; h <= HORIZON; h++) { dec.push(...cal[o + h], naive[h - 1]); target.push(days[o + h].births / level - 1); }
  return { origin: o, level, enc, dec, naive, target };
}

export interface BirthsSplit { train: Sample[]; val: Sample[]; test: Sample[]; days: readonly Day[] }

/** Samples for every origin, split by the year of their targets (see the header). */
export function birthsSplit(days: readonly Day[]): BirthsSplit {
  const cal = days.map(calendar), first = (y: number): number => days.findIndex((d) => d.year === y);
  const v0 = first(1987), t0 = first(1988);
  if (v0 < 0 || t0 < 0) throw new GatedError('INVALID_ARGUMENT', 'births: the series must cover 1987 and 1988');
  const out: BirthsSplit = { train: [], val: [], test: [], days };
  for (let o = WINDOW - 1; o + HORIZON < days.length; o++) {
    const a = o + 1, b = o + HORIZON;
    const part = b < v0 ? out.train : a >= v0 && b < t0 ? out.val : a >= t0 ? out.test : null;
    part?.push(makeSample(days, cal, o));
  }
  return out;
}

// ------------------------------------------------------------------------------------------ baselines

/** Same weekday of the last observed week: ŷ(o + h) = y(o + h − 7·⌈h/7⌉). */
export function seasonalNaive(days: readonly Day[], o: number): number[] {
  return Array.from({ length: HORIZON }, (_, k) => days[o + k + 1 - 7 * Math.ceil((k + 1) / 7)].births);
}

/** Ridge regression from [scaled lags, target-day calendar features, 1] to the 14 scaled targets (normal equations). */
export class RidgeForecaster {
  constructor(readonly W: Float64Array, readonly P: number) {}
  static features(s: Sample): number[] {
    const lags: number[] = [];
    for (let i = 0; i < WINDOW; i++) lags.push(s.enc[i * (CAL + 1)]);
    return [...lags, ...s.dec, 1];
  }
  static fit(samples: readonly Sample[], lambda = 1): RidgeForecaster {
    const X = samples.map(RidgeForecaster.features), P = X[0].length;
    const A = new Float64Array(P * P), Bm = new Float64Array(P * HORIZON);
    X.forEach((x, n) => {
      for (let i = 0; i < P; i++) {
        for (let j = 0; j < P; j++) A[i * P + j] += x[i] * x[j];
        for (let h = 0; h < HORIZON; h++) Bm[i * HORIZON + h] += x[i] * samples[n].target[h];
      }
    });
    for (let i = 0; i < P - 1; i++) A[i * P + i] += lambda;                        // the intercept is not penalised
    return new RidgeForecaster(solveSpd(A, Bm, P, HORIZON), P);
  }
  predict(s: Sample): number[] {
    const x = RidgeForecaster.features(s);
    return Array.from({ length: HORIZON }, (_, h) => { let y = 0; for (let i = 0; i < this.P; i++) y += x[i] * this.W[i * HORIZON + h]; return s.level * (1 + y); });
  }
}

/** Solves A X = B for symmetric positive-definite A [P, P] (Cholesky), B [P, K]. */
function solveSpd(A: Float64Array, B: Float64Array, P: number, K: number): Float64Array {
  const L = new Float64Array(P * P);
  for (let i = 0; i < P; i++) for (let j = 0; j <= i; j++) {
    let s = A[i * P + j];
    for (let k = 0; k < j; k++) s -= L[i * P + k] * L[j * P + k];
    if (i === j) { if (!(s > 0)) throw new GatedError('NOT_FINITE', 'births: the ridge system is not positive definite'); L[i * P + i] = Math.sqrt(s); }
    else L[i * P + j] = s / L[j * P + j];
  }
  const X = Float64Array.from(B);
  for (let c = 0; c < K; c++) {
    for (let i = 0; i < P; i++) { let s = X[i * K + c]; for (let k = 0; k < i; k++) s -= L[i * P + k] * X[k * K + c]; X[i * K + c] = s / L[i * P + i]; }
    for (let i = P - 1; i >= 0; i--) { let s = X[i * K + c]; for (let k = i + 1; k < P; k++) s -= L[k * P + i] * X[k * K + c]; X[i * K + c] = s / L[i * P + i]; }
  }
  return X;
}

// ------------------------------------------------------------------------------------------ the model

export type ForecastMode = 'seq2seq' | 'direct';
export interface ForecasterOptions { hidden: number; layers: number; mode: ForecastMode }

/**
 * seq2seq: encoder GRU over the window, decoder GRU over the target days (calendar, naive value), naive + Linear → 1 per day;
 * direct: naive + Linear(h) → 14.
 */
export class Forecaster extends Module {
  readonly encoder: GRU;
  readonly decoder: GRU | null;
  readonly head: Linear;
  constructor(readonly options: ForecasterOptions) {
    super();
    const { hidden: H, layers: L, mode } = options;
    this.encoder = new GRU({ inputSize: CAL + 1, hiddenSize: H, numLayers: L, batchFirst: true });
    this.decoder = mode === 'seq2seq' ? new GRU({ inputSize: CAL + 1, hiddenSize: H, numLayers: L, batchFirst: true }) : null;
    this.head = new Linear(H, mode === 'seq2seq' ? 1 : HORIZON);
  }
  /** Scaled forecasts [B, 14]. */
  forward(samples: readonly Sample[]): Tensor {
    const B = samples.length, H = this.options.hidden, L = this.options.layers;
    const enc = new Tensor(Float32Array.from(samples.flatMap((s) => s.enc)), [B, WINDOW, CAL + 1]);
    const naive = new Tensor(Float32Array.from(samples.flatMap((s) => s.naive)), [B, HORIZON]);
    const { h } = this.encoder.forward(enc);                                          // [L, B, H]
    if (!this.decoder) return add(naive, this.head.forward(reshape(slice(h, 0, L - 1, L), [B, H])));
    const dec = new Tensor(Float32Array.from(samples.flatMap((s) => s.dec)), [B, HORIZON, CAL + 1]);
    const { output } = this.decoder.forward(dec, { h0: h });                          // [B, 14, H]
    return add(naive, reshape(this.head.forward(output), [B, HORIZON]));
  }
}

export interface BirthsOptions { hidden: number; layers: number; mode: ForecastMode; epochs: number; batch: number; lr: number; clip: number; seed: number; ridge: number; trainStride: number }

export const defaultBirthsOptions: BirthsOptions = { hidden: 64, layers: 1, mode: 'seq2seq', epochs: 30, batch: 64, lr: 3e-3, clip: 1, seed: 1, ridge: 1, trainStride: 1 };
/** --quick: every 5th training origin, a small model, few epochs. */
export const quickBirthsOptions: Partial<BirthsOptions> = { hidden: 24, epochs: 5, trainStride: 5 };

export interface BirthsConfig { format: 'gated-task-births'; version: 1; model: ForecasterOptions; training: BirthsOptions; data: { source: string; window: number; horizon: number; train: number; val: number; test: number } }

/** Forecasts of one test origin: the 14 target dates with the truth and each model's forecast (births/day). */
export interface ForecastExample { origin: string; dates: string[]; holidays: boolean[]; truth: number[]; model: number[]; seasonalNaive: number[]; linear: number[] }

export interface BirthsResults {
  model: ForecastErrors; seasonalNaive: ForecastErrors; linear: ForecastErrors;
  /** MAE by horizon day h = 1 … 14 over the test origins. */
  maeByHorizon: { model: number[]; seasonalNaive: number[]; linear: number[] };
  /** A few test origins (see EXAMPLE_ORIGINS), for the forecast figure. */
  examples: ForecastExample[];
  seconds: number;
}

/** Test origins shown in the figure (the last observed day): an ordinary fortnight, and ones over Memorial Day, Independence Day, Thanksgiving and Christmas 1988. */
export const EXAMPLE_ORIGINS: readonly [number, number][] = [[3, 6], [5, 24], [6, 28], [11, 18], [12, 15]];

export function forecast(model: Forecaster, samples: readonly Sample[]): number[][] {
  return noGrad(() => {
    const out: number[][] = [];
    for (let i = 0; i < samples.length; i += 256) {
      const part = samples.slice(i, i + 256), y = model.forward(part).data;
      part.forEach((s, k) => out.push(Array.from({ length: HORIZON }, (_, h) => s.level * (1 + y[k * HORIZON + h]))));
    }
    return out;
  });
}

const truthOf = (split: BirthsSplit, samples: readonly Sample[]): number[] => samples.flatMap((s) => Array.from({ length: HORIZON }, (_, h) => split.days[s.origin + h + 1].births));

export function testBirths(model: Forecaster, ridge: RidgeForecaster, split: BirthsSplit, samples = split.test): BirthsResults {
  const t0 = performance.now(), truth = truthOf(split, samples);
  const preds = { model: forecast(model, samples), seasonalNaive: samples.map((s) => seasonalNaive(split.days, s.origin)), linear: samples.map((s) => ridge.predict(s)) };
  const byH = (p: number[][]): number[] => Array.from({ length: HORIZON }, (_, h) => {
    let e = 0;
    p.forEach((row, i) => { e += Math.abs(row[h] - truth[i * HORIZON + h]); });
    return e / p.length;
  });
  const iso = (d: Day): string => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.date_of_month).padStart(2, '0')}`;
  const examples: ForecastExample[] = [];
  for (const [m, dd] of EXAMPLE_ORIGINS) {
    const i = samples.findIndex((s) => { const d = split.days[s.origin]; return d.month === m && d.date_of_month === dd && d.year === split.days[samples[0].origin + 1].year; });
    if (i < 0) continue;
    const o = samples[i].origin, targets = Array.from({ length: HORIZON }, (_, h) => split.days[o + h + 1]);
    examples.push({
      origin: iso(split.days[o]), dates: targets.map(iso), holidays: targets.map(isHoliday), truth: targets.map((d) => d.births),
      model: preds.model[i].map((v) => Math.round(v)), seasonalNaive: preds.seasonalNaive[i], linear: preds.linear[i].map((v) => Math.round(v)),
    });
  }
  return {
    model: forecastErrors(preds.model.flat(), truth), seasonalNaive: forecastErrors(preds.seasonalNaive.flat(), truth), linear: forecastErrors(preds.linear.flat(), truth),
    maeByHorizon: { model: byH(preds.model), seasonalNaive: byH(preds.seasonalNaive), linear: byH(preds.linear) },
    examples, seconds: (performance.now() - t0) / 1000,
  };
}

const snapshot = (m: Module): Record<string, Tensor> => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, new Tensor(t.data.slice(), t.shape)]));

/** Trains on the training origins with MSE on scaled targets; keeps the weights of the best validation MAE. */
export function trainBirths(split: BirthsSplit, options: Partial<BirthsOptions> = {}, hooks: { onEvent?: (e: TrainEvent) => void; onEpochEnd?: (i: { metrics: EpochMetrics; checkpoint: ModelDir<BirthsConfig> }) => void } = {}) {
  const o: BirthsOptions = { ...defaultBirthsOptions, ...options };
  for (const k of ['hidden', 'layers', 'epochs', 'batch', 'trainStride'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= 1)) throw new GatedError('INVALID_ARGUMENT', `births: ${k} must be an integer ≥ 1, got ${o[k]}`);
  }
  const train = split.train.filter((_, i) => i % o.trainStride === 0);
  manualSeed(o.seed);
  const model = new Forecaster({ hidden: o.hidden, layers: o.layers, mode: o.mode });
  const ridge = RidgeForecaster.fit(train, o.ridge);
  const config: BirthsConfig = { format: 'gated-task-births', version: 1, model: model.options, training: o, data: { source: 'cdc-nchs-us-births-1969-1988', window: WINDOW, horizon: HORIZON, train: train.length, val: split.val.length, test: split.test.length } };
  const optimizer = new Adam(model.parameters(), { lr: o.lr });
  const scheduler = new CosineAnnealingLR(optimizer, { tMax: o.epochs * Math.ceil(train.length / o.batch), etaMin: o.lr / 30 });
  const valTruth = truthOf(split, split.val);
  let best = Infinity, bestWeights = snapshot(model), lastMae = 0;
  fit({
    params: model.parameters(), optimizer, scheduler, epochs: o.epochs, seed: o.seed, clip: o.clip,
    batches: (_e, rng) => { const s = shuffle([...train], rng), out: Sample[][] = []; for (let i = 0; i < s.length; i += o.batch) out.push(s.slice(i, i + o.batch)); return out; },
    lossOf: (b) => ({ loss: mse(model.forward(b), new Tensor(Float32Array.from(b.flatMap((s) => s.target)), [b.length, HORIZON])), count: b.length }),
    validate: () => {
      lastMae = forecastErrors(forecast(model, split.val).flat(), valTruth).mae;
      if (lastMae < best) { best = lastMae; bestWeights = snapshot(model); }
      return lastMae;
    },
    onEvent: hooks.onEvent,
    onEpochEnd: (s) => hooks.onEpochEnd?.({ metrics: s.metrics[s.metrics.length - 1], checkpoint: { weights: snapshot(model), config } }),
  });
  model.loadStateDict(bestWeights);
  return { model, ridge, dir: { weights: bestWeights, config } as ModelDir<BirthsConfig> };
}

export function loadBirths(dir: ModelDir<BirthsConfig>, ridge: Tensor): { model: Forecaster; ridge: RidgeForecaster; config: BirthsConfig } {
  const c = dir.config;
  if (c?.format !== 'gated-task-births') throw new GatedError('CHECKPOINT', `config.json is not a gated births model (format '${String(c?.format)}')`);
  const model = new Forecaster(c.model);
  model.loadStateDict(dir.weights);
  const P = ridge.shape[0] / HORIZON;
  return { model, ridge: new RidgeForecaster(Float64Array.from(ridge.data), P), config: c };
}
