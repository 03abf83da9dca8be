// The spam task as library functions: a GRU sequence classifier on SpamAssassin (see spam-data.ts) over words or
// characters, with class weights, trained beside a bag-of-words logistic-regression baseline on the word tokens; test
// accuracy, precision / recall / F1 for spam and the confusion matrix of both. Browser-safe: data and files are the caller's.
import { GatedError, SequenceClassifier, type SequenceClassifierOptions, manualSeed, softmax, noGrad, Tensor, crossEntropy, Adam, fit, type EpochMetrics, type TrainEvent, binaryMetrics, rocAuc, prAuc, type BinaryMetrics } from 'gated';
import type { ModelDir, PoolMode, CellKind } from 'gated';
import { CharVocab, WordVocab, messageChars, spamBatches, tokenizeMessage, type SpamDoc, type SpamSplit } from './spam-data.js';

export interface SpamOptions {
  /**
   * What the classifier reads: word tokens (the first maxTokens), or characters (the first maxChars of the same
   * cleaned text, whitespace runs made one space; the charVocab − 2 characters in the most training documents, others
   * unknown). maxChars and charVocab are read at level 'char' only. The bag of words always reads the word tokens, so
   * its numbers do not depend on the level.
   */
  level: 'word' | 'char'; maxChars: number; charVocab: number;
  vocab: number; maxTokens: number; embed: number; hidden: number; cell: CellKind; bidirectional: boolean;
  pool: PoolMode; dropout: number; classWeights: 'balanced' | 'none';
  epochs: number; batch: number; lr: number; clip: number; seed: number;
  /** Use only this many training / test documents (0 = all); for --quick. */
  trainLimit: number; testLimit: number;
}

export const defaultSpamOptions: SpamOptions = {
  level: 'word', maxChars: 600, charVocab: 256, vocab: 10000, maxTokens: 200, embed: 64, hidden: 64, cell: 'gru', bidirectional: true, pool: 'max', dropout: 0.2,
  classWeights: 'balanced', epochs: 6, batch: 32, lr: 2e-3, clip: 5, seed: 1, trainLimit: 0, testLimit: 0,
};

/**
 * What level 'char' changes in the defaults (spamDefaults): a narrower GRU (its sequences are ~4× longer than the
 * words'), a larger step size and its own epoch count, so that a seed's training over maxChars = 600 characters takes
 * about 4 minutes of one core. Chosen with maxChars on the validation split of seed 1 alone, by the lowest validation
 * cross entropy among seven settings (docs/results/tasks/spam-char/validation.json).
 */
export const charSpamOptions: Partial<SpamOptions> = { level: 'char', embed: 32, hidden: 32, epochs: 6, lr: 5e-3 };

/** The default options of a level: defaultSpamOptions for 'word', with charSpamOptions over them for 'char'. */
export function spamDefaults(level: SpamOptions['level'] = 'word'): SpamOptions {
  return level === 'char' ? { ...defaultSpamOptions, ...charSpamOptions } : { ...defaultSpamOptions };
}

export const quickSpamOptions: Partial<SpamOptions> = { vocab: 2000, maxTokens: 48, maxChars: 160, embed: 24, hidden: 24, epochs: 4, trainLimit: 1000, testLimit: 300 };

export interface SpamConfig {
  format: 'gated-task-spam'; version: 1;
  /** vocab: the word vocabulary (the bag of words', and the classifier's at level 'word'); chars: the classifier's at level 'char'. */
  model: SequenceClassifierOptions; vocab: string[]; chars?: string[];
  data: { source: string; preprocessing: string; seed: number; train: number; val: number; test: number; spamShare: number };
  training: SpamOptions; classWeights: [number, number];
}

/** Threshold metrics at p(spam) ≥ 0.5, and the threshold-free ROC AUC and PR AUC (average precision) of p(spam). */
export type ScoredMetrics = BinaryMetrics & { rocAuc: number; prAuc: number };
export interface SpamResults { model: ScoredMetrics; baseline: ScoredMetrics; seconds: number }

const PREPROCESSING = 'Subject line + body (headers dropped), HTML tags / QP escapes removed, lower-cased words, numbers → <num>, first maxTokens tokens';
const CHAR_PREPROCESSING = 'Subject line + body (headers dropped), HTML tags / QP escapes removed, lower-cased, whitespace runs → one space, '
  + 'first maxChars characters for the GRU; the bag of words reads the words (numbers → <num>, first maxTokens tokens)';

/**
 * Documents from raw SpamAssassin messages (groups spam-1, spam-2 are spam): the first `maxTokens` word tokens, and
 * with `maxChars` also the first `maxChars` characters (for level 'char').
 */
export function spamDocs(messages: readonly { id: string; group: string; text: string }[], maxTokens: number, maxChars?: number): SpamDoc[] {
  return messages.map((m) => {
    const d: SpamDoc = { id: `${m.group}/${m.id}`, label: m.group.startsWith('spam') ? 1 : 0, tokens: tokenizeMessage(m.text, maxTokens) };
    if (maxChars !== undefined) d.chars = messageChars(m.text, maxChars);
    return d;
  });
}

// ------------------------------------------------------------------------------------------ baseline

/**
 * Bag-of-words logistic regression: binary word-presence features over the same vocabulary and tokens,
 * p(spam) = σ(w·x + b), weighted log loss + (l2/2)·|w|², full-batch Adam (200 steps, lr 0.05).
 */
export class BowLogReg {
  constructor(readonly w: Float64Array, public b = 0) {}
  private static features(d: SpamDoc, vocab: WordVocab): number[] { return [...new Set(vocab.encode(d.tokens))].filter((i) => i > 1); }
  static fit(docs: readonly SpamDoc[], vocab: WordVocab, classWeights: [number, number], o = { steps: 200, lr: 0.05, l2: 1e-4 }): BowLogReg {
    const X = docs.map((d) => BowLogReg.features(d, vocab)), y = docs.map((d) => d.label), V = vocab.size, N = docs.length;
    const m = new BowLogReg(new Float64Array(V));
    const mw = new Float64Array(V + 1), vw = new Float64Array(V + 1), g = new Float64Array(V + 1);
    for (let step = 1; step <= o.steps; step++) {
      g.fill(0);
      X.forEach((f, n) => {
        let z = m.b;
        for (const i of f) z += m.w[i];
        const err = classWeights[y[n]] * (1 / (1 + Math.exp(-z)) - y[n]) / N;
        for (const i of f) g[i] += err;
        g[V] += err;
      });
      for (let i = 0; i <= V; i++) {
        const gi = i < V ? g[i] + o.l2 * m.w[i] : g[i];
        mw[i] = 0.9 * mw[i] + 0.1 * gi; vw[i] = 0.999 * vw[i] + 0.001 * gi * gi;
        const upd = (o.lr * mw[i] / (1 - 0.9 ** step)) / (Math.sqrt(vw[i] / (1 - 0.999 ** step)) + 1e-8);
        if (i < V) m.w[i] -= upd; else m.b -= upd;
      }
    }
    return m;
  }
  prob(d: SpamDoc, vocab: WordVocab): number {
    let z = this.b;
    for (const i of BowLogReg.features(d, vocab)) z += this.w[i];
    return 1 / (1 + Math.exp(-z));
  }
  toTensor(): Tensor { return new Tensor(Float32Array.from([...this.w, this.b]), [this.w.length + 1]); }
  static fromTensor(t: Tensor): BowLogReg { const d = Float64Array.from(t.data); return new BowLogReg(d.slice(0, -1), d[d.length - 1]); }
}

// ------------------------------------------------------------------------------------------ training

export interface SpamHooks {
  onEvent?: (e: TrainEvent) => void;
  onEpochEnd?: (info: { metrics: EpochMetrics; checkpoint: ModelDir<SpamConfig> }) => void;
}

const snapshot = (m: SequenceClassifier): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, new Tensor(t.data.slice(), t.shape)]));

/** Class probabilities p(spam) of documents under the model (eval mode), in document order; `vocab` is the model's input vocabulary. */
export function spamProbs(model: SequenceClassifier, docs: readonly SpamDoc[], vocab: WordVocab): number[] {
  return noGrad(() => docs.map((d) => {
    const ids = Int32Array.from(vocab.ids(d));
    return softmax(model.forward(ids, 1, ids.length, Int32Array.of(ids.length))).data[1];
  }));
}

function batchedProbs(model: SequenceClassifier, docs: readonly SpamDoc[], vocab: WordVocab): { probs: number[]; labels: number[]; loss: number } {
  const probs: number[] = [], labels: number[] = [];
  let loss = 0;
  noGrad(() => {
    for (const b of spamBatches(docs, vocab, 64)) {
      const logits = model.forward(b.ids, b.B, b.T, b.lengths), p = softmax(logits);
      loss += crossEntropy(logits, b.labels, { reduction: 'sum' }).item();
      for (let i = 0; i < b.B; i++) { probs.push(p.data[i * 2 + 1]); labels.push(b.labels[i]); }
    }
  });
  return { probs, labels, loss: loss / Math.max(1, docs.length) };
}

/**
 * Trains the classifier (keeping the weights of the best validation loss) and the baseline. `inputs` is the classifier's
 * vocabulary: `vocab` itself at level 'word', a CharVocab of the training split at level 'char' (the documents must
 * then carry characters: spamDocs(…, maxChars)). Options not given take spamDefaults(options.level).
 */
export function trainSpam(split: SpamSplit, options: Partial<SpamOptions> = {}, hooks: SpamHooks = {}) {
  const o: SpamOptions = { ...spamDefaults(options.level), ...options };
  for (const k of ['vocab', 'maxTokens', 'maxChars', 'charVocab', 'embed', 'hidden', 'epochs', 'batch'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= 1)) throw new GatedError('INVALID_ARGUMENT', `spam: ${k} must be an integer ≥ 1, got ${o[k]}`);
  }
  if (o.level !== 'word' && o.level !== 'char') throw new GatedError('INVALID_ARGUMENT', `spam: level must be 'word' or 'char', got '${String(o.level)}'`);
  const train = o.trainLimit ? split.train.slice(0, o.trainLimit) : split.train;
  const val = o.trainLimit ? split.val.slice(0, Math.max(150, o.trainLimit / 8)) : split.val;
  const vocab = WordVocab.fit(train, o.vocab), inputs = o.level === 'char' ? CharVocab.fit(train, o.charVocab) : vocab;
  const nSpam = train.filter((d) => d.label === 1).length, N = train.length;
  const cw: [number, number] = o.classWeights === 'balanced' ? [N / (2 * (N - nSpam)), N / (2 * nSpam)] : [1, 1];
  manualSeed(o.seed);
  const modelOptions: SequenceClassifierOptions = {
    vocabSize: inputs.size, embed: o.embed, hidden: o.hidden, classes: 2, cell: o.cell, bidirectional: o.bidirectional, pool: o.pool, dropout: o.dropout,
  };
  const model = new SequenceClassifier(modelOptions);
  const config: SpamConfig = {
    format: 'gated-task-spam', version: 1, model: modelOptions, vocab: [...vocab.words], ...(o.level === 'char' ? { chars: [...inputs.words] } : {}),
    data: { source: 'spam-assassin', preprocessing: o.level === 'char' ? CHAR_PREPROCESSING : PREPROCESSING, seed: o.seed, train: N, val: val.length, test: split.test.length, spamShare: nSpam / N },
    training: o, classWeights: cw,
  };
  const baseline = BowLogReg.fit(train, vocab, cw);
  const optimizer = new Adam(model.parameters(), { lr: o.lr });
  let best = Infinity, bestWeights = snapshot(model);
  const dirOf = (weights: Record<string, Tensor>): ModelDir<SpamConfig> => ({ weights, config });
  let lastVal: Record<string, number> = {};
  model.train();
  fit({
    params: model.parameters(), optimizer, epochs: o.epochs, seed: o.seed, clip: o.clip,
    batches: (_e, rng) => spamBatches(train, inputs, o.batch, rng),
    lossOf: (b) => ({ loss: crossEntropy(model.forward(b.ids, b.B, b.T, b.lengths), b.labels, { weight: cw }), count: b.B }),
    validate: () => {
      model.eval();
      const r = batchedProbs(model, val, inputs);
      model.train();
      if (r.loss < best) { best = r.loss; bestWeights = snapshot(model); }
      const m = binaryMetrics(r.probs.map((p) => (p >= 0.5 ? 1 : 0)), r.labels);
      lastVal = { valAccuracy: m.accuracy, valF1: m.f1 };
      return r.loss;
    },
    extraMetrics: () => lastVal,
    onEvent: hooks.onEvent,
    onEpochEnd: (s) => hooks.onEpochEnd?.({ metrics: s.metrics[s.metrics.length - 1], checkpoint: dirOf(snapshot(model)) }),
  });
  model.loadStateDict(bestWeights);
  model.eval();
  return { model, vocab, inputs, baseline, dir: dirOf(bestWeights) };
}

/** Test metrics of the model (reading `inputs`) and the baseline (reading `vocab`), at threshold 0.5 on p(spam). */
export function testSpam(model: SequenceClassifier, baseline: BowLogReg, vocab: WordVocab, test: readonly SpamDoc[], inputs: WordVocab = vocab): SpamResults {
  const t0 = performance.now();
  const r = batchedProbs(model, test, inputs);
  const scored = (probs: number[], labels: ArrayLike<number>): ScoredMetrics => ({
    ...binaryMetrics(probs.map((p) => (p >= 0.5 ? 1 : 0)), labels), rocAuc: rocAuc(probs, labels), prAuc: prAuc(probs, labels),
  });
  const m = scored(r.probs, r.labels), b = scored(test.map((d) => baseline.prob(d, vocab)), test.map((d) => d.label));
  return { model: m, baseline: b, seconds: (performance.now() - t0) / 1000 };
}

/**
 * A saved model, its baseline and their vocabularies: `vocab` the words (the baseline's), `inputs` the classifier's
 * (the same words, or the characters of a level 'char' model). A config from before levels existed is level 'word'.
 */
export function loadSpam(dir: ModelDir<SpamConfig>, baselineWeights: Tensor): { model: SequenceClassifier; vocab: WordVocab; inputs: WordVocab; baseline: BowLogReg; config: SpamConfig } {
  const c = dir.config;
  if (c?.format !== 'gated-task-spam') throw new GatedError('CHECKPOINT', `config.json is not a gated spam model (format '${String(c?.format)}')`);
  const model = new SequenceClassifier(c.model);
  model.loadStateDict(dir.weights);
  model.eval();
  const vocab = new WordVocab(c.vocab), config: SpamConfig = { ...c, training: { ...defaultSpamOptions, ...c.training } };
  if (config.training.level === 'char' && !c.chars) throw new GatedError('CHECKPOINT', 'config.json: a character-level spam model without its character vocabulary (chars)');
  return { model, vocab, inputs: c.chars ? new CharVocab(c.chars) : vocab, baseline: BowLogReg.fromTensor(baselineWeights), config };
}
