// A playground training session: a character language model (CharLM) trained ONE optimizer step at a time, so the
// worker can pause, report progress and answer questions between steps. Plain library code (no DOM): the worker runs
// it, and the e2e test runs the very same steps in Node to compare speeds.
import {
  Adam, Bigram, CharLM, CharVocab, GatedError, Rng, StateCarry, clipGradNorm, defaultLMOptions, evaluateLoss,
  lineBatches, loadCharLM, manualSeed, sample, splitTrainVal, streamChunks, Tensor,
  type Batch, type LMConfig, type LMData, type ModelDir,
} from './gated.js';
import { defaultPlayOptions, type PlayOptions } from './options.js';

export { defaultPlayOptions, type PlayOptions } from './options.js';

/** Validation uses at most this many batches, so a check costs a fraction of a second at the default size. */
const MAX_VAL_BATCHES = 8;
const VAL_FRACTION = 0.1;

function validate(o: PlayOptions): void {
  for (const k of ['hidden', 'layers', 'embed', 'batch', 'chunk'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= 1)) throw new GatedError('INVALID_ARGUMENT', `${k} must be an integer ≥ 1, got ${o[k]}`);
  }
  if (!(o.lr > 0)) throw new GatedError('INVALID_ARGUMENT', `learning rate must be > 0, got ${o.lr}`);
}

/** Train/validation split of the data, encoded with `vocab` (throws GatedError naming an unknown character). */
function split(data: LMData, vocab: CharVocab, o: PlayOptions) {
  const rng = new Rng(o.seed ^ 0x51ab);
  if (data.kind === 'lines') {
    const lines = data.lines.filter((l) => l.length > 0);
    if (lines.length < 2) throw new GatedError('INVALID_ARGUMENT', `need at least 2 non-empty lines to train, got ${lines.length}`);
    const { train, val } = splitTrainVal(lines.map((l) => vocab.encode(l)), VAL_FRACTION, rng);
    const probe = Int32Array.from(val.flatMap((l) => [0, ...l]));         // boundary-separated, as the model reads lines
    return { lines: train, chunks: null, val: lineBatches(val, o.batch).slice(0, MAX_VAL_BATCHES), probe };
  }
  // a stream: the last 10% is validation (contiguous, no leakage across the cut), as in the CLI
  const ids = vocab.encode(data.text), cut = Math.floor(ids.length * (1 - VAL_FRACTION));
  const train = ids.subarray(0, cut), val = ids.subarray(cut);
  const vb = Math.max(1, Math.min(o.batch, Math.floor(val.length / (o.chunk + 1))));
  return { lines: null, chunks: streamChunks(train, o.batch, o.chunk), val: streamChunks(val, vb, o.chunk).slice(0, MAX_VAL_BATCHES), probe: val };
}

export class Session {
  readonly model: CharLM;
  readonly vocab: CharVocab;
  readonly options: PlayOptions;
  readonly data: { kind: LMData['kind']; source: string };
  readonly optimizer: Adam;
  /** Weights at step 0 (for the gradient view's "at initialisation" curve). */
  readonly initialWeights: Record<string, Tensor>;
  /** Validation loss of the character bigram fitted on the training split: the baseline to beat. */
  readonly baseline: number;
  /** The validation text as ids (lines joined by the boundary id): what the gradient view reads. */
  readonly probe: Int32Array;
  /** Optimizer steps taken, completed passes over the training data, seconds spent inside `trainStep`. */
  steps = 0;
  epochs = 0;
  stepSeconds = 0;
  private readonly lines: Int32Array[] | null;
  private readonly chunks: Batch[] | null;
  private readonly valBatches: Batch[];
  private readonly shuffleRng: Rng;
  private readonly carry = new StateCarry();
  private queue: Batch[] = [];

  private constructor(model: CharLM, vocab: CharVocab, data: LMData, o: PlayOptions) {
    this.model = model; this.vocab = vocab; this.options = o; this.data = { kind: data.kind, source: data.source };
    const s = split(data, vocab, o);
    this.lines = s.lines; this.chunks = s.chunks; this.valBatches = s.val; this.probe = s.probe;
    const train = s.lines ? lineBatches(s.lines, o.batch) : s.chunks!;
    this.baseline = new Bigram(vocab.size).fit(train).loss(this.valBatches);
    this.optimizer = new Adam(model.parameters(), { lr: o.lr });
    this.shuffleRng = new Rng(o.seed);
    this.initialWeights = snapshot(model);
    model.train();
  }

  /** A fresh model on `data` (the vocabulary is the data's characters). */
  static create(data: LMData, options: Partial<PlayOptions> = {}): Session {
    const o = { ...defaultPlayOptions, ...options };
    validate(o);
    const vocab = CharVocab.fromTexts(data.kind === 'lines' ? data.lines : [data.text]);
    manualSeed(o.seed);
    const model = new CharLM({ vocabSize: vocab.size, cell: o.cell, embed: o.embed, hidden: o.hidden, layers: o.layers, dropout: 0 });
    return new Session(model, vocab, data, o);
  }

  /**
   * A model from a `gated` model directory (the CLI's or the playground's), to train further on `data` — which must
   * use only the model's characters (GatedError otherwise). Adam's state is restored when the directory has it.
   */
  static fromModelDir(dir: ModelDir<LMConfig>, data: LMData, lr?: number): Session {
    const { model, vocab, config } = loadCharLM(dir);
    const t = config.training;
    const o: PlayOptions = { ...defaultPlayOptions, cell: config.model.cell, hidden: config.model.hidden, layers: config.model.layers,
      embed: config.model.embed, lr: lr ?? t?.lr ?? defaultPlayOptions.lr, batch: t?.batch ?? defaultPlayOptions.batch,
      chunk: t?.chunk ?? defaultPlayOptions.chunk, seed: t?.seed ?? defaultPlayOptions.seed };
    const s = new Session(model, vocab, data, o);
    if (dir.optimizer !== undefined) {
      try { s.optimizer.loadStateDict(dir.optimizer as never); } catch { /* another optimizer: start Adam afresh */ }
      s.optimizer.lr = o.lr;
    }
    return s;
  }

  /** One optimizer step on the next batch (a new shuffled epoch when the last one is used up); returns its loss. */
  trainStep(): number {
    const t0 = performance.now();
    if (this.queue.length === 0) {
      if (this.steps > 0) this.epochs++;
      this.queue = this.lines ? lineBatches(this.lines, this.options.batch, this.shuffleRng) : this.chunks!.slice();
      this.carry.reset();
    }
    const b = this.queue.shift()!, stream = this.chunks !== null;
    this.optimizer.zeroGrad();
    const r = this.model.batchLoss(b, stream ? this.carry.current : null);
    if (stream) this.carry.keep(r.state);
    const loss = r.loss.item();
    if (!Number.isFinite(loss)) throw new GatedError('NOT_FINITE', `training loss is ${loss} at step ${this.steps + 1}; lower the learning rate`);
    r.loss.backward();
    if (this.options.clip > 0) clipGradNorm(this.model.parameters(), this.options.clip);
    this.optimizer.step();
    this.steps++;
    this.stepSeconds += (performance.now() - t0) / 1000;
    return loss;
  }

  /** Mean validation loss in nats per character (eval mode, no graph). */
  validate(): number { return evaluateLoss(this.model, this.valBatches, this.chunks !== null); }

  /** Samples `count` continuations: names for line data, a passage for streams. */
  samples(count: number, temperature: number, rng: Rng): string[] {
    const stream = this.data.kind === 'stream';
    const prompt = stream && [...'The '].every((c) => this.vocab.has(c)) ? 'The ' : '';
    return Array.from({ length: count }, () => sample(this.model, this.vocab, rng,
      stream ? { prompt, maxLength: 160, stopAtBoundary: false, temperature } : { maxLength: 32, temperature }));
  }

  /** The model as a `gated` model directory (config.json as the CLI writes it, so `gated generate` reads it). */
  modelDir(): ModelDir<LMConfig> {
    const o = this.options, m = this.model.config;
    const config: LMConfig = {
      format: 'gated-charlm', version: 1, model: m, vocab: this.vocab.toJSON(), data: this.data,
      training: { ...defaultLMOptions, cell: m.cell, hidden: m.hidden, layers: m.layers, embed: m.embed, dropout: m.dropout,
        epochs: Math.max(1, this.epochs), batch: o.batch, lr: o.lr, optimizer: 'adam', weightDecay: null, clip: o.clip, seed: o.seed, chunk: o.chunk,
        valFraction: VAL_FRACTION, patience: 0, schedule: 'constant' },
    };
    // no state.json: the playground does not stop at epoch ends, so a CLI --resume would not be exact
    return { weights: snapshot(this.model), config, optimizer: this.optimizer.stateDict() };
  }
}

/**
 * `data` with what `vocab` cannot encode removed (lines holding an unknown character are dropped; in a stream the
 * unknown characters are), so a loaded model can train further on any text; `removed` counts what went.
 */
export function restrictTo(data: LMData, vocab: CharVocab): { data: LMData; removed: number } {
  if (data.kind === 'lines') {
    const lines = data.lines.filter((l) => [...l].every((c) => vocab.has(c)));
    return { data: { ...data, lines }, removed: data.lines.length - lines.length };
  }
  const kept = [...data.text].filter((c) => vocab.has(c));
  return { data: { ...data, text: kept.join('') }, removed: [...data.text].length - kept.length };
}

/** A copy of a model's weights (PyTorch names). */
export function snapshot(model: CharLM): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, new Tensor(t.data.slice(), t.shape)]));
}
