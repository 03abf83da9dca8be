// The main job as a library function: train a character-level language model on lines (names) or on one
// continuous stream (truncated BPTT), with the bigram baseline measured on the same split. Browser-safe:
// files and printing are the caller's (the CLI, the web playground).
import { GatedError } from '../errors.js';
import { MAX_VOCAB } from '../limits.js';
import { manualSeed, Rng } from '../random.js';
import type { ModelDir } from '../io/checkpoint.js';
import { Tensor, storageOf } from '../tensor/tensor.js';
import { Bigram } from '../train/bigram.js';
import { CharVocab, lineBatches, splitTrainVal, streamChunks, type Batch } from '../train/data.js';
import { makeOptimizer, type OptimizerName } from '../train/optim/factory.js';
import { CosineAnnealingLR } from '../train/schedule.js';
import { StateCarry } from '../train/tbptt.js';
import { checkTrainState, fit, type EpochMetrics, type TrainEvent, type TrainState } from '../train/trainer.js';
import { CharLM, charLMParameterCount, checkCharLMSize, evaluateLoss, sample, type CellKind, type CharLMConfig } from './charlm.js';

/**
 * Options of {@link trainCharLM} (every key optional there: missing ones come from {@link defaultLMOptions}); stored
 * as `training` in the model's `config.json`.
 */
export interface LMTrainOptions {
  /** The recurrent layer: `'gru'` (default), `'lstm'` or `'rnn'`. */
  cell: CellKind;
  /** Hidden size (default 256). */
  hidden: number;
  /** Recurrent layers (default 2). */
  layers: number;
  /** Embedding size (default 32). */
  embed: number;
  /** Dropout in [0, 1) (default 0.25). */
  dropout: number;
  /** Epochs (default 10). */
  epochs: number;
  /** Sequences per batch (default 32). */
  batch: number;
  /** Learning rate (default 3e-3). */
  lr: number;
  /** `'adamw'` (default), `'adam'`, `'sgd'` or `'rmsprop'` (see {@link makeOptimizer}). */
  optimizer: OptimizerName;
  /**
   * Weight decay (L2; decoupled for `'adamw'`), or null for the optimizer's default (0; AdamW 0.01). Default 0.1 with
   * the default optimizer; with another `optimizer` and no `weightDecay`, null.
   */
  weightDecay: number | null;
  /** Maximum gradient norm (default 1; 0 = off). */
  clip: number;
  /** Seed of initialisation, split, shuffling and dropout (default 42). */
  seed: number;
  /** Truncated-BPTT chunk length for streams. */
  chunk: number;
  /** Share of the data held out for validation, in (0, 1) (default 0.1; for a stream, its last part). */
  valFraction: number;
  /** Early-stopping patience in epochs (0 = off). */
  patience: number;
  /** Learning-rate schedule over all steps: cosine decay to lr/100, or constant. */
  schedule: 'cosine' | 'constant';
  /** A non-finite loss or gradient: stop with an error naming the step, or skip the step and count it. */
  onNan: 'error' | 'skip';
}

/**
 * The defaults of {@link LMTrainOptions}: a 2-layer GRU-256 with 32-dimensional embeddings, AdamW at 3e-3 with weight
 * decay 0.1 and cosine decay, 10 epochs of batches of 32, dropout 0.25, clipping at 1, seed 42. Chosen on the
 * validation loss of the names (bench/README.md, "gated train's defaults"): AdamW's decay 0.1 was 0.005–0.011
 * nats/char below Adam on each of 3 seeds.
 */
export const defaultLMOptions: LMTrainOptions = {
  cell: 'gru', hidden: 256, layers: 2, embed: 32, dropout: 0.25, epochs: 10, batch: 32, lr: 3e-3, optimizer: 'adamw', weightDecay: 0.1,
  clip: 1, seed: 42, chunk: 64, valFraction: 0.1, patience: 0, schedule: 'cosine', onNan: 'error',
};

/**
 * The training text of {@link trainCharLM}: separate lines (names, words; each a sequence from the boundary to the
 * boundary), or one continuous stream (a book; trained in chunks with truncated BPTT).
 * @property kind - `'lines'` or `'stream'`.
 * @property lines - the lines (empty ones are dropped).
 * @property text - the whole stream.
 * @property source - where the text came from (a file name or dataset), recorded in `config.json`.
 */
export type LMData = { kind: 'lines'; lines: string[]; source: string } | { kind: 'stream'; text: string; source: string };

/**
 * config.json of a language-model directory.
 * @property format - always `'gated-charlm'`.
 * @property version - the format version, 1.
 * @property model - the architecture (see {@link CharLMConfig}).
 * @property vocab - the characters of the vocabulary, without the boundary (see {@link CharVocab.toJSON}).
 * @property training - the training options used.
 */
export interface LMConfig {
  format: 'gated-charlm';
  version: 1;
  model: CharLMConfig;
  vocab: string[];
  /**
   * What the model was trained on.
   * @property kind - `'lines'` or `'stream'`.
   * @property source - the file name or dataset.
   */
  data: { kind: LMData['kind']; source: string };
  training: LMTrainOptions;
}

/**
 * What {@link trainCharLM} returns: the trained model and its checkpoint (write it with `writeModelDir` from `gated/node`).
 * @property model - the trained model, in eval mode.
 * @property dir - config, weights, optimizer and train state, and metrics, ready to write.
 */
export interface LMCheckpoint { model: CharLM; dir: ModelDir<LMConfig> }

/** Callbacks of {@link trainCharLM}, and the checkpoint to resume or the weights to start from. */
export interface LMTrainHooks {
  /** Progress events (see {@link TrainEvent}). */
  onEvent?: (e: TrainEvent) => void;
  /** After each epoch: metrics, a few samples, and the full checkpoint to write. */
  onEpochEnd?: (info: { metrics: EpochMetrics; samples: string[]; checkpoint: ModelDir<LMConfig> }) => void;
  /** Continue from a checkpoint (config, weights, optimizer state, train state). */
  resume?: ModelDir<LMConfig>;
  /**
   * Fine-tune: start from the weights of a model directory (written by `gated train` or by another framework, e.g.
   * examples/pytorch-ddp/train.py), keeping its architecture and vocabulary; optimizer, schedule and epochs start
   * afresh with `options`. An option that contradicts the directory's architecture is an ArgumentError (INVALID_ARGUMENT).
   */
  init?: ModelDir<LMConfig>;
}

const ARCHITECTURE = ['cell', 'embed', 'hidden', 'layers'] as const;

function validate(o: LMTrainOptions): void {
  const int = (v: number, name: string, min: number): void => {
    if (!(Number.isInteger(v) && v >= min)) throw new GatedError('INVALID_ARGUMENT', `${name} must be an integer ≥ ${min}, got ${v}`);
  };
  int(o.hidden, 'hidden', 1); int(o.layers, 'layers', 1); int(o.embed, 'embed', 1); int(o.epochs, 'epochs', 1);
  int(o.batch, 'batch', 1); int(o.chunk, 'chunk', 1); int(o.seed, 'seed', 0); int(o.patience, 'patience', 0);
  if (!(o.lr > 0)) throw new GatedError('INVALID_ARGUMENT', `lr must be > 0, got ${o.lr}`);
  if (!(o.dropout >= 0 && o.dropout < 1)) throw new GatedError('INVALID_ARGUMENT', `dropout must be in [0, 1), got ${o.dropout}`);
  if (!(o.weightDecay === null || o.weightDecay >= 0)) throw new GatedError('INVALID_ARGUMENT', `weightDecay must be ≥ 0 or null (the optimizer's default), got ${o.weightDecay}`);
  if (!(o.clip >= 0)) throw new GatedError('INVALID_ARGUMENT', `clip must be ≥ 0 (0 = off), got ${o.clip}`);
  if (o.onNan !== 'error' && o.onNan !== 'skip') throw new GatedError('INVALID_ARGUMENT', `onNan must be error or skip, got '${String(o.onNan)}'`);
  if (o.schedule !== 'cosine' && o.schedule !== 'constant') throw new GatedError('INVALID_ARGUMENT', `schedule must be cosine or constant, got '${String(o.schedule)}'`);
  if (!(o.valFraction > 0 && o.valFraction < 1)) throw new GatedError('INVALID_ARGUMENT', `valFraction must be in (0, 1), got ${o.valFraction}`);
}

/**
 * The training text's vocabulary, refusing what is almost surely not text: more than MAX_VOCAB distinct characters,
 * or more than 10% control characters and U+FFFD (bytes that are not UTF-8) — e.g. a binary file given as --data.
 */
function vocabularyOf(texts: readonly string[], source: string): CharVocab {
  const set = new Set<string>();
  let n = 0, odd = 0;
  for (const t of texts) {
    for (const c of t) {
      n++;
      const u = c.codePointAt(0)!;
      if ((u < 0x20 && u !== 0x09 && u !== 0x0a && u !== 0x0d) || (u >= 0x7f && u < 0xa0) || u === 0xfffd) odd++;
      if (set.size <= MAX_VOCAB) set.add(c);
    }
  }
  if (set.size > MAX_VOCAB) throw new GatedError('INVALID_ARGUMENT', `${source}: more than ${MAX_VOCAB} distinct characters, the limit for a character model's vocabulary; is it a text file?`);
  if (odd > 0.1 * n) throw new GatedError('INVALID_ARGUMENT', `${source}: ${((100 * odd) / n).toFixed(0)}% of its ${n} characters are control characters or bytes that are not UTF-8; it looks like a binary file, not text`);
  return new CharVocab([...set].sort());
}

/** Splits and batches the data the same way on every run with the same seed (so resume sees the same split). */
function prepare(data: LMData, o: LMTrainOptions, vocab: CharVocab) {
  const splitRng = new Rng(o.seed ^ 0x51ab);
  if (data.kind === 'lines') {
    const lines = data.lines.filter((l) => l.length > 0);
    if (lines.length < 2) throw new GatedError('INVALID_ARGUMENT', `need at least 2 non-empty lines to train, got ${lines.length}`);
    const { train, val } = splitTrainVal(lines.map((l) => vocab.encode(l)), o.valFraction, splitRng);
    const valBatches = lineBatches(val, o.batch);
    return { trainBatches: (rng: Rng) => lineBatches(train, o.batch, rng), allTrain: lineBatches(train, o.batch), valBatches, stream: false };
  }
  // stream: the last valFraction of the text is validation (contiguous, no leakage across the cut)
  const ids = vocab.encode(data.text), cut = Math.floor(ids.length * (1 - o.valFraction));
  const train = ids.subarray(0, cut), val = ids.subarray(cut);
  const trainChunks = streamChunks(train, o.batch, o.chunk), valBatches = streamChunks(val, Math.max(1, Math.min(o.batch, Math.floor(val.length / (o.chunk + 1)))), o.chunk);
  return { trainBatches: () => trainChunks, allTrain: trainChunks, valBatches, stream: true };
}

/**
 * Trains (from scratch, from `hooks.init`'s weights, or resuming `hooks.resume`) and returns the model and its final
 * checkpoint.
 * Splits the data with the seed, measures the {@link Bigram} baseline on the same split, and trains a {@link CharLM}
 * with {@link fit} (cosine schedule, clipping, early stopping with `patience`).
 * @throws ArgumentError for invalid options, too little data or options that contradict `init`; FormatError
 * (`CHECKPOINT`, `FORMAT`) for a checkpoint that cannot be resumed or `init` weights that do not fit their config.json;
 * NumericError for a non-finite loss with `onNan: 'error'`.
 * @example
 * ```ts
 * const { model, dir } = trainCharLM({ kind: 'lines', lines: names, source: 'names.txt' }, { epochs: 5, hidden: 128 }, {
 *   onEpochEnd: ({ metrics, samples }) => console.log(metrics.valLoss, samples),
 * });
 * ```
 */
export function trainCharLM(data: LMData, options: Partial<LMTrainOptions> = {}, hooks: LMTrainHooks = {}): LMCheckpoint {
  const { resume, init } = hooks;
  if (resume && init) throw new GatedError('INVALID_ARGUMENT', 'give either resume or init, not both');
  if (resume) checkResumable(resume);
  if (init) checkInit(init, options);
  // the default weight decay belongs to the default optimizer: another optimizer, or a checkpoint written before the
  // option existed, gets its optimizer's own (null)
  const decayOf = (optimizer: OptimizerName | undefined): Partial<LMTrainOptions> =>
    (optimizer === undefined || optimizer === defaultLMOptions.optimizer ? {} : { weightDecay: null });
  const o: LMTrainOptions = resume
    ? { ...defaultLMOptions, ...resume.config.training, weightDecay: resume.config.training.weightDecay ?? null, epochs: options.epochs ?? resume.config.training.epochs }
    : { ...defaultLMOptions, ...decayOf(options.optimizer), ...options, ...(init ? Object.fromEntries(ARCHITECTURE.map((k) => [k, init.config.model[k]])) : {}) };
  validate(o);
  const texts = data.kind === 'lines' ? data.lines : [data.text];
  const saved = resume ?? init;
  const vocab = saved ? new CharVocab(saved.config.vocab) : vocabularyOf(texts, data.source);
  checkCharLMSize({ vocabSize: vocab.size, cell: o.cell, embed: o.embed, hidden: o.hidden, layers: o.layers });
  const { trainBatches, allTrain, valBatches, stream } = prepare(data, o, vocab);

  manualSeed(o.seed);
  const modelConfig: CharLMConfig = { vocabSize: vocab.size, cell: o.cell, embed: o.embed, hidden: o.hidden, layers: o.layers, dropout: o.dropout };
  const model = new CharLM(modelConfig);
  const optimizer = makeOptimizer(o.optimizer, model.parameters(), o.lr, o.weightDecay);
  const totalSteps = o.epochs * trainBatches(new Rng(0)).length;
  const scheduler = o.schedule === 'cosine' ? new CosineAnnealingLR(optimizer, { tMax: totalSteps, etaMin: o.lr / 100 }) : undefined;
  if (init) model.loadStateDict(init.weights);
  if (resume) {
    model.loadStateDict(resume.weights);
    if (resume.optimizer === undefined || resume.state === undefined) throw new GatedError('CHECKPOINT', 'cannot resume: the model directory has no optimizer.safetensors / state.json');
    optimizer.loadStateDict(resume.optimizer as never);
    if (scheduler) scheduler.loadStateDict({ ...scheduler.stateDict(), lastEpoch: (resume.state as TrainState).step });
  }
  const bigram = new Bigram(vocab.size).fit(allTrain);
  const baselineValLoss = bigram.loss(valBatches);
  const config: LMConfig = { format: 'gated-charlm', version: 1, model: modelConfig, vocab: vocab.toJSON(), data: { kind: data.kind, source: data.source }, training: o };
  const carry = new StateCarry();
  // a snapshot: the hooks may keep it while training goes on
  const checkpoint = (state?: TrainState): ModelDir<LMConfig> => ({
    weights: Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, new Tensor(storageOf(t).slice(), t.shape)])),
    config, optimizer: optimizer.stateDict(), state,
  });

  model.train();
  const state = fit<Batch>({
    params: model.parameters(), optimizer, scheduler, epochs: o.epochs, seed: o.seed, clip: o.clip, onNonFinite: o.onNan,
    earlyStopping: o.patience > 0 ? { patience: o.patience } : undefined,
    batches: (_epoch, rng) => { carry.reset(); return trainBatches(rng); },
    lossOf: (b) => {
      const r = model.batchLoss(b, stream ? carry.current : null);
      if (stream) carry.keep(r.state);
      return r;
    },
    validate: () => evaluateLoss(model, valBatches, stream),
    extraMetrics: () => ({ baselineValLoss }),
    onEvent: hooks.onEvent,
    onEpochEnd: (s) => {
      const rng = new Rng(o.seed * 1000 + s.epoch);
      const samples = Array.from({ length: 5 }, () => sample(model, vocab, rng, stream ? { maxLength: 80, stopAtBoundary: false, prompt: 'The ' } : { maxLength: 32 }));
      hooks.onEpochEnd?.({ metrics: s.metrics[s.metrics.length - 1], samples, checkpoint: checkpoint(s) });
    },
    resume: resume?.state as TrainState | undefined,
  });
  return { model, dir: checkpoint(state) };
}

/** A checkpoint to resume: a valid config that agrees with its own training settings, and a train state. */
function checkResumable(r: ModelDir<LMConfig>): void {
  validateConfig(r.config, r.weights);
  const t = r.config.training as Partial<LMTrainOptions> | undefined, m = r.config.model;
  if (typeof t !== 'object' || t === null) throw new GatedError('FORMAT', 'config.json: missing "training"');
  for (const k of ['cell', 'embed', 'hidden', 'layers', 'dropout'] as const) {
    if (t[k] !== m[k]) throw new GatedError('FORMAT', `config.json: training.${k} (${JSON.stringify(t[k])}) differs from model.${k} (${JSON.stringify(m[k])})`);
  }
  if (r.state === undefined || r.optimizer === undefined) throw new GatedError('CHECKPOINT', 'cannot resume: the model directory has no optimizer.safetensors / state.json');
  checkTrainState(r.state);
}

/** Weights to start from: a valid config whose architecture the explicit options do not contradict. */
function checkInit(init: ModelDir<LMConfig>, options: Partial<LMTrainOptions>): void {
  validateConfig(init.config, init.weights);
  for (const k of ARCHITECTURE) {
    if (options[k] !== undefined && options[k] !== init.config.model[k]) {
      throw new GatedError('INVALID_ARGUMENT', `${k} ${JSON.stringify(options[k])} differs from the initial weights' ${k} ${JSON.stringify(init.config.model[k])}; fine-tuning keeps the architecture`);
    }
  }
}

/**
 * Rebuilds a trained model from its directory contents; a config.json that does not fit the weights is a FORMAT error.
 * @throws FormatError when `config.json` does not fit the weights.
 * @property model - the model with its weights, in eval mode.
 * @property vocab - its vocabulary.
 * @property config - the directory's `config.json`.
 */
export function loadCharLM(dir: ModelDir<LMConfig>): { model: CharLM; vocab: CharVocab; config: LMConfig } {
  const c = dir.config;
  validateConfig(c, dir.weights);
  const model = new CharLM(c.model);
  model.loadStateDict(dir.weights);
  model.eval();
  return { model, vocab: new CharVocab(c.vocab), config: c };
}

/**
 * Checks config.json's types and ranges, and that the parameter count it implies equals the weights' — before any
 * allocation, so a hostile config cannot make us allocate more than the weights file holds.
 */
function validateConfig(c: LMConfig, weights: Record<string, Tensor>): void {
  const bad = (msg: string): never => { throw new GatedError('FORMAT', `config.json: ${msg}`); };
  if (typeof c !== 'object' || c === null || c.format !== 'gated-charlm') bad(`not a gated character model (format '${String((c as { format?: unknown } | null)?.format)}', expected 'gated-charlm')`);
  const m = c.model as Partial<CharLMConfig> | undefined;
  if (typeof m !== 'object' || m === null) bad('missing "model"');
  for (const k of ['vocabSize', 'embed', 'hidden', 'layers'] as const) {
    const v = m![k];
    if (!Number.isSafeInteger(v) || (v as number) < 1) bad(`model.${k} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  if (!['gru', 'lstm', 'rnn'].includes(m!.cell as string)) bad(`model.cell must be gru, lstm or rnn, got ${JSON.stringify(m!.cell)}`);
  if (typeof m!.dropout !== 'number' || !(m!.dropout >= 0 && m!.dropout < 1)) bad(`model.dropout must be a number in [0, 1), got ${JSON.stringify(m!.dropout)}`);
  if (!Array.isArray(c.vocab) || c.vocab.some((ch) => typeof ch !== 'string' || Array.from(ch).length !== 1)) bad('vocab must be an array of single characters');
  if (c.vocab.length + 1 !== m!.vocabSize) bad(`vocab has ${c.vocab.length} characters but model.vocabSize is ${m!.vocabSize} (expected vocab + 1 boundary token)`);
  if (new Set(c.vocab).size !== c.vocab.length) bad('vocab characters must be distinct');
  if (!['lines', 'stream'].includes(c.data?.kind as string)) bad(`data.kind must be lines or stream, got ${JSON.stringify(c.data?.kind)}`);
  const expected = charLMParameterCount(m as CharLMConfig);
  const actual = Object.values(weights).reduce((n, t) => n + t.size, 0);
  if (expected !== actual) bad(`the architecture it describes has ${expected} parameters but model.safetensors holds ${actual}`);
}
