// The G2P task as library functions: train a GRU encoder–decoder on cleaned CMUdict (see g2p-data.ts), evaluate
// phoneme / word error rates with greedy or beam decoding beside the letter baseline, save / load, and predict
// with attention weights. Browser-safe: data loading, files and printing are the caller's (the CLI).
import { GatedError, beamDecode, greedyDecode, Seq2Seq, padTokens, type AttentionKind, type CellKind, type Seq2SeqOptions, manualSeed, Rng, noGrad, Tensor, Adam, CosineAnnealingLR, fit, type EpochMetrics, type TrainEvent, sequenceErrors, sequenceErrorsMultiRef, type SequenceErrors } from 'gated';
import type { ModelDir } from 'gated';
import {
  BOS, EOS, LetterBaseline, SymbolVocab, buildVocabs, encodeEntries, encodeWord, g2pBatches, references, type EncodedWords, type G2PEntry, type G2PSplit,
} from './g2p-data.js';

export interface G2POptions {
  embed: number; hidden: number; encoderLayers: number; decoderLayers: number;
  cell: CellKind; attention: AttentionKind; dropout: number;
  /** Luong attention: feed the previous attentional state into the decoder cell. */
  inputFeeding: boolean;
  epochs: number; batch: number; lr: number; clip: number; seed: number;
  /** Label smoothing ε of the training loss (validation loss is the plain cross entropy). */
  labelSmoothing: number;
  /** Beam width for the test evaluation (1 = greedy). */
  beam: number; lengthPenalty: number;
  /** Use only this many training / test words (0 = all); for --quick. */
  trainLimit: number; testLimit: number;
}

export const defaultG2POptions: G2POptions = {
  embed: 64, hidden: 128, encoderLayers: 1, decoderLayers: 1, cell: 'gru', attention: 'bahdanau', dropout: 0.1, inputFeeding: false,
  epochs: 6, batch: 64, lr: 3e-3, clip: 5, seed: 1, labelSmoothing: 0.1, beam: 4, lengthPenalty: 1, trainLimit: 0, testLimit: 0,
};

/** --quick: a small model on 4000 training words for a seconds-scale end-to-end check (Luong attention: the fastest). */
export const quickG2POptions: Partial<G2POptions> = {
  embed: 32, hidden: 64, attention: 'luong-general', epochs: 4, batch: 32, trainLimit: 4000, testLimit: 300, beam: 2,
};

export interface G2PConfig {
  format: 'gated-task-g2p'; version: 1;
  model: Seq2SeqOptions;
  letters: string[]; phonemes: string[];
  data: { source: string; cleaning: string; seed: number; train: number; val: number; test: number };
  training: G2POptions;
  baseline: Record<string, string>;
}

/** Error rates against every listed pronunciation (the literature's scoring), and against the first one only. */
export interface G2PErrors extends SequenceErrors { firstReference: SequenceErrors }

export interface G2PResults {
  model: G2PErrors & { decoding: string };
  baseline: G2PErrors;
  seconds: number;
}

/** Multi-reference error rates of `hyps` for `entries` (see sequenceErrorsMultiRef), with the first-reference ones beside. */
export function g2pErrors(hyps: readonly (readonly string[])[], entries: readonly G2PEntry[]): G2PErrors {
  return { ...sequenceErrorsMultiRef(hyps, entries.map(references)), firstReference: sequenceErrors(hyps, entries.map((e) => e.phones)) };
}

export interface G2PHooks {
  onEvent?: (e: TrainEvent) => void;
  onEpochEnd?: (info: { metrics: EpochMetrics; checkpoint: ModelDir<G2PConfig> }) => void;
}

const CLEANING = 'words of letters A-Z and apostrophes; trained on the first pronunciation, scored against every listed one; stress digits removed (39 phonemes)';

function validate(o: G2POptions): void {
  for (const k of ['embed', 'hidden', 'encoderLayers', 'decoderLayers', 'epochs', 'batch', 'beam'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= 1)) throw new GatedError('INVALID_ARGUMENT', `g2p: ${k} must be an integer ≥ 1, got ${o[k]}`);
  }
  if (!(o.lr > 0)) throw new GatedError('INVALID_ARGUMENT', `g2p: lr must be > 0, got ${o.lr}`);
  if (!(o.labelSmoothing >= 0 && o.labelSmoothing < 1)) throw new GatedError('INVALID_ARGUMENT', `g2p: labelSmoothing must be in [0, 1), got ${o.labelSmoothing}`);
  if (!(o.dropout >= 0 && o.dropout < 1)) throw new GatedError('INVALID_ARGUMENT', `g2p: dropout must be in [0, 1), got ${o.dropout}`);
}

const snapshot = (m: Seq2Seq): Record<string, Tensor> =>
  Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, new Tensor(t.data.slice(), t.shape)]));

/**
 * What training needs from a split, without the split: the vocabularies, the training words encoded (EncodedWords),
 * the validation words, the test words (kept for the evaluation after training), and the baseline fitted on the
 * training words. A caller that builds it in a function of its own lets the ~120k entries of CMUdict be collected
 * before training starts.
 */
export interface G2PData {
  letters: SymbolVocab; phonemes: SymbolVocab;
  train: EncodedWords; val: readonly G2PEntry[]; test: readonly G2PEntry[];
  baseline: LetterBaseline;
  /** The seed of the split the words came from (G2PSplit.seed). */
  splitSeed: number;
}

/** The training data of `split` under `options` (trainLimit / testLimit applied). */
export function prepareG2P(split: G2PSplit, options: Partial<G2POptions> = {}): G2PData {
  const o: G2POptions = { ...defaultG2POptions, ...options };
  const train = o.trainLimit ? split.train.slice(0, o.trainLimit) : split.train;
  const { letters, phonemes } = buildVocabs([...split.train, ...split.val, ...split.test]);
  return {
    letters, phonemes, train: encodeEntries(train, letters, phonemes),
    val: split.val.slice(0, o.trainLimit ? Math.max(200, Math.round(o.trainLimit / 10)) : split.val.length),
    test: o.testLimit ? split.test.slice(0, o.testLimit) : split.test,
    baseline: LetterBaseline.fit(train), splitSeed: split.seed,
  };
}

const isPrepared = (d: G2PSplit | G2PData): d is G2PData => 'baseline' in d;

/**
 * Trains on the training words (validation loss on the validation words after each epoch) and keeps the weights of the
 * epoch with the lowest validation loss (the protocol's selection; with the cosine schedule usually the last); returns
 * the model and its directory contents. `seed` fixes the initial weights, the batch order and dropout, not the split.
 */
export function trainG2P(data: G2PSplit | G2PData, options: Partial<G2POptions> = {}, hooks: G2PHooks = {}): { model: Seq2Seq; dir: ModelDir<G2PConfig> } {
  const o: G2POptions = { ...defaultG2POptions, ...options };
  validate(o);
  const { letters, phonemes, train, val, test, baseline, splitSeed } = isPrepared(data) ? data : prepareG2P(data, o);
  manualSeed(o.seed);
  const modelOptions: Seq2SeqOptions = {
    srcVocab: letters.size, tgtVocab: phonemes.size, embed: o.embed, hidden: o.hidden, encoderLayers: o.encoderLayers,
    decoderLayers: o.decoderLayers, bidirectional: true, cell: o.cell, attention: o.attention, dropout: o.dropout, bos: BOS, eos: EOS,
    ...(o.inputFeeding ? { inputFeeding: true } : {}),
  };
  const model = new Seq2Seq(modelOptions);
  const config: G2PConfig = {
    format: 'gated-task-g2p', version: 1, model: modelOptions, letters: [...letters.symbols], phonemes: [...phonemes.symbols],
    data: { source: 'cmudict', cleaning: CLEANING, seed: splitSeed, train: train.size, val: val.length, test: test.length },
    training: o, baseline: baseline.table,
  };
  const optimizer = new Adam(model.parameters(), { lr: o.lr });
  const steps = o.epochs * Math.ceil(train.size / o.batch);
  const scheduler = new CosineAnnealingLR(optimizer, { tMax: steps, etaMin: o.lr / 20 });
  const valBatches = g2pBatches(encodeEntries(val, letters, phonemes), 256);
  const valSample = val.slice(0, 500);
  let best = Infinity, bestWeights = snapshot(model);
  model.train();
  fit({
    params: model.parameters(), optimizer, scheduler, epochs: o.epochs, seed: o.seed, clip: o.clip,
    batches: (_e, rng) => g2pBatches(train, o.batch, rng),
    lossOf: (b) => model.loss(b.src, b.tgt, { labelSmoothing: o.labelSmoothing }),
    validate: () => {
      model.eval();
      let sum = 0, n = 0;
      noGrad(() => { for (const b of valBatches) { const r = model.loss(b.src, b.tgt); sum += r.loss.item() * r.count; n += r.count; } });
      model.train();
      if (sum / n < best) { best = sum / n; bestWeights = snapshot(model); }
      return sum / n;
    },
    extraMetrics: () => {
      model.eval();
      const e = evaluateG2P(model, valSample, letters, phonemes, { beam: 1 });
      model.train();
      return { valPER: e.per, valWER: e.wer };
    },
    onEvent: hooks.onEvent,
    onEpochEnd: (s) => hooks.onEpochEnd?.({ metrics: s.metrics[s.metrics.length - 1], checkpoint: { weights: snapshot(model), config } }),
  });
  model.loadStateDict(bestWeights);
  model.eval();
  return { model, dir: { weights: bestWeights, config } };
}

/** Decodes words in batches (sorted by length) with greedy (beam 1) or beam search; returns phonemes in input order. */
export function decodeWords(model: Seq2Seq, words: readonly string[], letters: SymbolVocab, phonemes: SymbolVocab,
  o: { beam?: number; lengthPenalty?: number; batch?: number } = {}): { phones: string[][]; weights: number[][][] } {
  const beam = o.beam ?? 1, batch = o.batch ?? 128;
  const order = words.map((w, i) => ({ w, i, ids: encodeWord(letters, w) })).sort((a, b) => a.ids.length - b.ids.length);
  const phones: string[][] = new Array(words.length), weights: number[][][] = new Array(words.length);
  for (let s = 0; s < order.length; s += batch) {
    const part = order.slice(s, s + batch), src = padTokens(part.map((p) => p.ids));
    const maxLen = Math.max(...part.map((p) => p.ids.length)) * 2 + 5;
    const d = beam === 1 ? greedyDecode(model, src, maxLen) : beamDecode(model, src, { width: beam, maxLen, lengthPenalty: o.lengthPenalty });
    part.forEach((p, k) => { phones[p.i] = phonemes.decode(d.tokens[k]); weights[p.i] = d.weights[k]; });
  }
  return { phones, weights };
}

export function evaluateG2P(model: Seq2Seq, entries: readonly G2PEntry[], letters: SymbolVocab, phonemes: SymbolVocab,
  o: { beam?: number; lengthPenalty?: number } = {}): G2PErrors {
  const { phones } = decodeWords(model, entries.map((e) => e.word), letters, phonemes, o);
  return g2pErrors(phones, entries);
}

/** Test-set error rates of the model (beam search as configured) and of the letter baseline. */
export function testG2P(model: Seq2Seq, config: G2PConfig, test: readonly G2PEntry[], o: { beam?: number; lengthPenalty?: number } = {}): G2PResults {
  const t0 = performance.now();
  const letters = new SymbolVocab(config.letters), phonemes = new SymbolVocab(config.phonemes);
  const beam = o.beam ?? config.training.beam, lengthPenalty = o.lengthPenalty ?? config.training.lengthPenalty;
  const m = evaluateG2P(model, test, letters, phonemes, { beam, lengthPenalty });
  const base = new LetterBaseline(config.baseline);
  const b = g2pErrors(test.map((e) => base.predict(e.word)), test);
  return { model: { ...m, decoding: beam === 1 ? 'greedy' : `beam ${beam}, length penalty ${lengthPenalty}` }, baseline: b, seconds: (performance.now() - t0) / 1000 };
}

export interface LoadedG2P { model: Seq2Seq; letters: SymbolVocab; phonemes: SymbolVocab; config: G2PConfig }

export function loadG2P(dir: ModelDir<G2PConfig>): LoadedG2P {
  const c = dir.config;
  if (c?.format !== 'gated-task-g2p') throw new GatedError('CHECKPOINT', `config.json is not a gated G2P model (format '${String(c?.format)}')`);
  const model = new Seq2Seq(c.model);
  model.loadStateDict(dir.weights);
  model.eval();
  return { model, letters: new SymbolVocab(c.letters), phonemes: new SymbolVocab(c.phonemes), config: c };
}

/** Pronunciations of `words` (letters A–Z and apostrophes) with the attention weights of each output phoneme. */
export function predictG2P(g: LoadedG2P, words: readonly string[], o: { beam?: number; lengthPenalty?: number } = {}): { word: string; phones: string[]; weights: number[][] }[] {
  const clean = words.map((w) => w.toUpperCase());
  for (const w of clean) {
    if (!/^[A-Z][A-Z']*$/.test(w)) throw new GatedError('INVALID_ARGUMENT', `g2p predict: '${w}' is not a word of letters A-Z and apostrophes`);
  }
  const r = decodeWords(g.model, clean, g.letters, g.phonemes, { beam: o.beam ?? g.config.training.beam, lengthPenalty: o.lengthPenalty ?? g.config.training.lengthPenalty });
  return clean.map((word, i) => ({ word, phones: r.phones[i], weights: r.weights[i] }));
}

/** The test words of a saved model's split (the split itself: splitEntries with the model's `config.data.seed`). */
export function testEntries(split: G2PSplit, config: G2PConfig): G2PEntry[] {
  return config.training.testLimit ? split.test.slice(0, config.training.testLimit) : split.test;
}
