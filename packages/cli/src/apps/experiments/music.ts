// Polyphonic music modelling after Chung, Gulcehre, Cho & Bengio (2014), Table 2: one recurrent layer of about 20k
// parameters (tanh-RNN 100, GRU 46, LSTM 36 units; also Cho's reset-before GRU) reads the notes of step t − 1 and
// predicts those of step t with 88 sigmoid outputs (pitches 21–108, independent Bernoullis). Reported: NLL per time
// step, summed over the 88 pitches and averaged over all time steps of a split, at the epoch with the best validation
// NLL (early stopping). Adam (or RMSprop), gradient norm clipped at 1.
// Dimensions: T time, B batch, P = 88 pitches.
import { GatedError, Rng, manualSeed, Tensor, noGrad, clipGradNorm, binaryCrossEntropyWithLogits, makeOptimizer } from 'gated';
import { RecurrentHead, checkInt, checkKinds, now, paramCount, round, type ModelKind, type OnProgress } from './common.js';

/** `selection` of a run of the fixed defaults (no --grid): Nottingham's, and JSB's before its validation grid. */
export const musicSelection = 'per seed and model, the weights of the epoch with the best validation NLL are reported (early stopping on validation); test NLL is evaluated once, on those weights; the settings are the fixed defaults: JSB\'s were chosen earlier by comparing test NLL, run `--grid` to select them on validation (docs/experiments.md §5)';

/** Each split: sequences of time steps, each the list of sounding MIDI pitches (21..108; [] = rest). */
export interface MusicData { train: number[][][]; valid: number[][][]; test: number[][][] }

/** What training and model selection may see: no test split (the type keeps it out of `trainMusic` and the grid). */
export type MusicSplits = Pick<MusicData, 'train' | 'valid'>;

export const PITCHES = 88, LOWEST = 21;

export interface MusicOptions {
  dataset: 'jsb' | 'nottingham';
  models: ModelKind[];
  /** Units per model (the paper's ~20k-parameter budget by default). */
  hidden: Partial<Record<ModelKind, number>>;
  optimizer: 'adam' | 'rmsprop';
  lr: number;
  clip: number;
  /** Sequences per batch (batched by similar length). */
  batch: number;
  maxEpochs: number;
  /** Stop after this many epochs without a better validation NLL. */
  patience: number;
  /** Multiply the learning rate by `lrDecay` after `decayPatience` epochs without a better validation NLL (1 = off). */
  lrDecay: number;
  decayPatience: number;
  /** Dropout on the recurrent outputs before the read-out. */
  dropout: number;
  /** Std of Gaussian noise added to every weight for each training batch (Graves 2011; Chung et al. used it). 0 = off. */
  weightNoise: number;
  /** Train on at most this many steps of each sequence (0 = whole sequences). Evaluation always uses whole ones. */
  maxLength: number;
  seed: number;
}

/**
 * JSB Chorales settings of a run without `--grid` (about 3–4 minutes for the four models on the 2-core VM). Its weight
 * noise and learning rate were chosen earlier by comparing test NLL; `musicProtocol` (`--grid`) re-selects them per
 * model on validation and is what docs/experiments.md §5 reports for JSB.
 */
export const musicDefaults: MusicOptions = {
  dataset: 'jsb', models: ['rnn', 'gru', 'lstm', 'gru-cho'], hidden: { rnn: 100, gru: 46, lstm: 36, 'gru-cho': 46 },
  optimizer: 'adam', lr: 3e-3, clip: 1, batch: 8, maxEpochs: 200, patience: 15, lrDecay: 0.5, decayPatience: 5, weightNoise: 0.1,
  dropout: 0, maxLength: 0, seed: 0,
};

/**
 * Per-dataset changes to the defaults. Nottingham (13× JSB's time steps) learns with the number of updates, so it
 * trains on 50-step pieces two at a time (1,936 updates an epoch), at most 50 epochs with patience 10 — chosen on
 * validation with the GRU (docs/experiments.md §5, "Nottingham: what keeps it at 3.85").
 */
export const musicPresets: Record<MusicOptions['dataset'], Partial<MusicOptions>> = {
  jsb: {},
  nottingham: { lr: 3e-3, batch: 2, maxLength: 50, weightNoise: 0, maxEpochs: 50, patience: 10 },
};

export const musicQuick: Partial<MusicOptions> = { models: ['rnn', 'gru'], maxEpochs: 3 };

export interface MusicRun {
  model: ModelKind;
  hidden: number;
  params: number;
  trainNll: number;
  validNll: number;
  testNll: number;
  /** Epoch with the best validation NLL, and epochs run. */
  bestEpoch: number;
  epochs: number;
  seconds: number;
  /** Validation NLL after each epoch. */
  curve: number[];
  /** The weight noise and learning rate this run used, when selected per model (`--grid`); else `options`' ones. */
  setting?: { weightNoise: number; lr: number };
}

/** A trained model's run before any test evaluation (what `trainMusic` returns and the grid keeps). */
export type MusicFit = Omit<MusicRun, 'testNll'>;

export interface MusicResult { experiment: 'music'; dataset: MusicOptions['dataset']; options: MusicOptions; results: MusicRun[] }

/** One sequence as input/target rolls: x_t = notes of t − 1 (zeros at t = 0), y_t = notes of t; both [T, P]. */
interface Roll { T: number; x: Float32Array; y: Float32Array }

function toRoll(seq: number[][], where: string): Roll {
  const T = seq.length, x = new Float32Array(T * PITCHES), y = new Float32Array(T * PITCHES);
  seq.forEach((notes, t) => {
    for (const n of notes) {
      const p = n - LOWEST;
      if (!(Number.isInteger(n) && p >= 0 && p < PITCHES)) throw new GatedError('FORMAT', `music data: pitch ${n} in ${where} step ${t} is outside the piano range 21..108`);
      y[t * PITCHES + p] = 1;
      if (t + 1 < T) x[(t + 1) * PITCHES + p] = 1;
    }
  });
  return { T, x, y };
}

interface MusicBatch { x: Tensor; y: Tensor; mask: Tensor; lengths: number[]; steps: number }

/** Pads rolls to the longest into [T, B, P] tensors; mask [T, B, 1] is 1 on real steps. */
function batchOf(rolls: readonly Roll[]): MusicBatch {
  const B = rolls.length, T = Math.max(...rolls.map((r) => r.T));
  const x = new Float32Array(T * B * PITCHES), y = new Float32Array(T * B * PITCHES), mask = new Float32Array(T * B);
  rolls.forEach((r, b) => {
    for (let t = 0; t < r.T; t++) {
      x.set(r.x.subarray(t * PITCHES, (t + 1) * PITCHES), (t * B + b) * PITCHES);
      y.set(r.y.subarray(t * PITCHES, (t + 1) * PITCHES), (t * B + b) * PITCHES);
      mask[t * B + b] = 1;
    }
  });
  const lengths = rolls.map((r) => r.T);
  return { x: new Tensor(x, [T, B, PITCHES]), y: new Tensor(y, [T, B, PITCHES]), mask: new Tensor(mask, [T, B, 1]), lengths, steps: lengths.reduce((a, b) => a + b, 0) };
}

/** Batches of sequences of similar length (sorted; ties and batch order shuffled by `rng` when given). */
function batches(rolls: readonly Roll[], size: number, rng?: Rng): MusicBatch[] {
  const keyed = rolls.map((r) => ({ r, k: r.T + (rng ? rng.next() : 0) })).sort((a, b) => a.k - b.k).map((e) => e.r);
  const out: MusicBatch[] = [];
  for (let i = 0; i < keyed.length; i += size) out.push(batchOf(keyed.slice(i, i + size)));
  if (rng) for (let i = out.length - 1; i > 0; i--) { const j = rng.int(i + 1); [out[i], out[j]] = [out[j], out[i]]; }
  return out;
}

/** Summed NLL (nats) of a batch, over real steps and all pitches. */
function batchNll(m: RecurrentHead, b: MusicBatch): Tensor {
  const full = b.lengths.every((n) => n === b.x.shape[0]);
  const logits = m.forward(b.x, full ? undefined : b.lengths);
  return binaryCrossEntropyWithLogits(logits, b.y, { weight: b.mask, reduction: 'sum' });
}

/** NLL per time step (nats, summed over the 88 pitches) of `model` on `sequences`, averaged over all their steps. */
export function musicNll(model: RecurrentHead, sequences: readonly number[][][], batchSize = 32): number {
  return evaluateNll(model, batches(sequences.map((s, i) => toRoll(s, `sequence ${i}`)), batchSize));
}

/** NLL per time step over all steps of a split. */
function evaluateNll(m: RecurrentHead, split: readonly MusicBatch[]): number {
  const wasTraining = m.training;
  m.eval();
  try {
    return noGrad(() => {
      let nll = 0, steps = 0;
      for (const b of split) { nll += batchNll(m, b).item(); steps += b.steps; }
      return nll / steps;
    });
  } finally { m.train(wasTraining); }
}

/** Cuts a roll into pieces of at most `n` steps (the first piece keeps the zero start input). */
function crop(r: Roll, n: number): Roll[] {
  if (n <= 0 || r.T <= n) return [r];
  const out: Roll[] = [];
  for (let s = 0; s < r.T; s += n) {
    const e = Math.min(r.T, s + n);
    out.push({ T: e - s, x: r.x.slice(s * PITCHES, e * PITCHES), y: r.y.slice(s * PITCHES, e * PITCHES) });
  }
  return out;
}

/**
 * Trains one model with early stopping on validation; returns its run (train and validation NLL at the best validation
 * epoch) and the model with that epoch's weights. It never sees a test split: the caller evaluates test (`musicNll`).
 */
export function trainMusic(kind: ModelKind, data: MusicSplits, o: MusicOptions, onProgress?: OnProgress): { run: MusicFit; model: RecurrentHead } {
  const H = o.hidden[kind] ?? musicDefaults.hidden[kind]!;
  checkInt(`music: hidden size of ${kind}`, H, 1);
  const rolls = (name: keyof MusicSplits) => data[name].map((s, i) => toRoll(s, `${name}[${i}]`));
  const train = rolls('train'), trainPieces = train.flatMap((r) => crop(r, o.maxLength));
  const evalSets = { train: batches(train, 32), valid: batches(rolls('valid'), 32) };
  manualSeed(o.seed * 7919 + 1);
  const model = new RecurrentHead(kind, PITCHES, H, PITCHES, o.dropout), params = model.parameters();
  const opt = makeOptimizer(o.optimizer, params, o.lr);
  const rng = new Rng(o.seed * 7919 + 2), t0 = now();
  let best = { valid: Infinity, epoch: 0, weights: params.map((p) => p.data.slice()) };
  const curve: number[] = [];
  let epoch = 0;
  for (epoch = 1; epoch <= o.maxEpochs; epoch++) {
    const bs = batches(trainPieces, o.batch, rng);
    bs.forEach((b, i) => {
      opt.zeroGrad();
      // weight noise: the gradient is taken at w + ε, ε ~ N(0, σ²), and applied to w
      const clean = o.weightNoise > 0 ? params.map((p) => p.data.slice()) : null;
      if (clean) for (const p of params) for (let j = 0; j < p.size; j++) p.data[j] += o.weightNoise * rng.normal();
      const loss = batchNll(model, b).div(b.steps);
      loss.backward();
      if (clean) params.forEach((p, k) => p.data.set(clean[k]));
      if (o.clip > 0) clipGradNorm(params, o.clip);
      opt.step();
      if ((i + 1) % 10 === 0 || i + 1 === bs.length) onProgress?.({ phase: `${kind} epoch ${epoch}`, step: i + 1, steps: bs.length, info: `train NLL ${loss.item().toFixed(3)}` });
    });
    const valid = evaluateNll(model, evalSets.valid);
    curve.push(round(valid, 5));
    if (!Number.isFinite(valid)) throw new GatedError('NOT_FINITE', `music: validation NLL of ${kind} is ${valid} after epoch ${epoch}; lower the learning rate`);
    if (valid < best.valid) best = { valid, epoch, weights: params.map((p) => p.data.slice()) };
    else if (o.lrDecay < 1 && (epoch - best.epoch) % o.decayPatience === 0) opt.lr *= o.lrDecay;
    onProgress?.({ phase: `${kind} epoch ${epoch}`, step: 1, steps: 1, info: `valid NLL ${valid.toFixed(3)} (best ${best.valid.toFixed(3)} at epoch ${best.epoch})` });
    if (epoch - best.epoch >= o.patience) break;
  }
  params.forEach((p, i) => p.data.set(best.weights[i]));
  const run: MusicFit = {
    model: kind, hidden: H, params: paramCount(model),
    trainNll: round(evaluateNll(model, evalSets.train), 5), validNll: round(best.valid, 5),
    bestEpoch: best.epoch, epochs: Math.min(epoch, o.maxEpochs), seconds: round(now() - t0, 4), curve,
  };
  return { run, model };
}

/** The options of a run: defaults, then the data set's preset, then `options`; checked. */
export function musicOptions(options: Partial<MusicOptions> = {}): MusicOptions {
  const dataset = options.dataset ?? musicDefaults.dataset;
  if (dataset !== 'jsb' && dataset !== 'nottingham') throw new GatedError('INVALID_ARGUMENT', `music: dataset must be jsb or nottingham, got '${String(dataset)}'`);
  const o: MusicOptions = { ...musicDefaults, ...musicPresets[dataset], ...options, hidden: { ...musicDefaults.hidden, ...options.hidden } };
  checkKinds(o.models);
  if (o.optimizer !== 'adam' && o.optimizer !== 'rmsprop') throw new GatedError('INVALID_ARGUMENT', `music: optimizer must be adam or rmsprop, got '${String(o.optimizer)}'`);
  for (const [n, v, min] of [['batch', o.batch, 1], ['maxEpochs', o.maxEpochs, 1], ['patience', o.patience, 1], ['maxLength', o.maxLength, 0], ['decayPatience', o.decayPatience, 1], ['seed', o.seed, 0]] as const) checkInt(`music: ${n}`, v, min);
  return o;
}

/** Throws unless each named split of `data` is a non-empty list. */
export function checkSplits(data: Partial<MusicData>, splits: readonly (keyof MusicData)[]): void {
  for (const split of splits) {
    if (!Array.isArray(data?.[split]) || data[split].length === 0) throw new GatedError('FORMAT', `music data: '${split}' must be a non-empty list of sequences`);
  }
}

/** One seed of every model at fixed settings: train with early stopping on validation, then test once per model. */
export function musicExperiment(data: MusicData, options: Partial<MusicOptions> = {}, onProgress?: OnProgress): MusicResult {
  const o = musicOptions(options);
  checkSplits(data, ['train', 'valid', 'test']);
  const seen: MusicSplits = { train: data.train, valid: data.valid };
  const results = o.models.map((kind): MusicRun => {
    const { run, model } = trainMusic(kind, seen, o, onProgress);
    return { ...run, testNll: round(musicNll(model, data.test), 5) };
  });
  return { experiment: 'music', dataset: o.dataset, options: o, results };
}
