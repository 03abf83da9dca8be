// Subject–verb number agreement, the lecture notes' own long-term dependency ("The cat, which already ate …, was full"
// vs "The cats …, were full"), as a synthetic language: "the" + subject noun (singular or plural) + a relative clause of
// exactly `distance` words that may hold `attractors` count nouns of the other number, then the verb. The model reads
// the words up to the verb and predicts its number (was / were) from its last state — the number-prediction task of
// Linzen, Dupoux & Goldberg (2016). Accuracy is measured against the distance and the number of attractors.
import { GatedError, Rng, Tensor, manualSeed, noGrad, clipGradNorm, crossEntropy, Adam, logSoftmax, type CharLM, type CharVocab } from 'gated';
import { lineChart } from '../plot/line.js';
import { figure, modelColors } from '../plot/svg.js';
import { INIT_STYLE_NOTE, RecurrentHead, checkInt, checkKinds, initDash, now, paramCount, round, variantName, variants, type InitKind, type ModelKind, type OnProgress } from './common.js';
import { fmtSpread, groupBy, spread, type Seeded } from './seeds.js';

/** Count nouns: singular and plural forms. Only these carry number; the clause's other words are number-neutral. */
export const NOUNS: readonly (readonly [string, string])[] = [
  ['cat', 'cats'], ['dog', 'dogs'], ['boy', 'boys'], ['girl', 'girls'], ['farmer', 'farmers'], ['teacher', 'teachers'], ['horse', 'horses'], ['bird', 'birds'],
];
/** Number-neutral clause words: past-tense verbs, adverbs, adjectives, articles, mass nouns, prepositions. */
export const NEUTRAL: readonly string[] = [
  'ate', 'saw', 'liked', 'found', 'chased', 'already', 'quickly', 'often', 'yesterday', 'a', 'bunch', 'of', 'some', 'big', 'old',
  'food', 'bread', 'milk', 'water', 'grass', 'in', 'on', 'by',
];
/** An attractor is a three-word phrase "PREP the NOUN" with NOUN of the other number than the subject. */
export const ATTRACTOR_PREPS: readonly string[] = ['near', 'with', 'behind'];

export const VOCAB: readonly string[] = ['<pad>', 'the', 'who', ...NOUNS.flat(), ...NEUTRAL, ...ATTRACTOR_PREPS];
const VOCAB_INDEX = new Map(VOCAB.map((w, i) => [w, i]));

export interface AgreementSentence {
  /** The words before the verb: "the", subject, then `distance` clause words ("who" first when distance ≥ 1). */
  words: string[];
  /** Number of the subject, the label: true = plural ("were"). */
  plural: boolean;
  distance: number;
  attractors: number;
}

/**
 * One sentence with `distance` words between the subject and the verb: "who", neutral words, `attractors` phrases
 * "PREP the NOUN" whose noun has the other number, and `sameNumber` such phrases whose noun has the subject's number
 * (they keep "the last noun decides" or "flip the attractor" from being a shortcut in training), in a random order.
 * Needs distance ≥ 1 + 3·(attractors + sameNumber) when there is any phrase.
 */
export function agreementSentence(rng: Rng, distance: number, attractors: number, plural = rng.next() < 0.5, sameNumber = 0): AgreementSentence {
  if (![distance, attractors, sameNumber].every((v) => Number.isInteger(v) && v >= 0)) {
    throw new GatedError('INVALID_ARGUMENT', `agreement: distance, attractors and sameNumber must be integers ≥ 0, got ${distance}, ${attractors}, ${sameNumber}`);
  }
  const phrases = attractors + sameNumber;
  if (phrases > 0 && distance < 1 + 3 * phrases) {
    throw new GatedError('INVALID_ARGUMENT', `agreement: ${phrases} noun phrase${phrases > 1 ? 's need' : ' needs'} distance ≥ ${1 + 3 * phrases}, got ${distance}`);
  }
  const noun = (pl: boolean): string => NOUNS[rng.int(NOUNS.length)][pl ? 1 : 0];
  const words = ['the', noun(plural)];
  if (distance > 0) {
    // clause: "who", then the neutral words and the noun phrases in a random order
    const fillers = distance - 1 - 3 * phrases;
    const slots: ('f' | 'a' | 's')[] = [...Array(fillers).fill('f'), ...Array(attractors).fill('a'), ...Array(sameNumber).fill('s')];
    for (let i = slots.length - 1; i > 0; i--) { const j = rng.int(i + 1); [slots[i], slots[j]] = [slots[j], slots[i]]; }
    words.push('who');
    for (const s of slots) {
      if (s === 'f') words.push(NEUTRAL[rng.int(NEUTRAL.length)]);
      else words.push(ATTRACTOR_PREPS[rng.int(ATTRACTOR_PREPS.length)], 'the', noun(s === 'a' ? !plural : plural));
    }
  }
  return { words, plural, distance, attractors };
}

/**
 * The training distribution: distance uniform in minDistance … maxDistance; then a number of noun phrases uniform
 * among those that fit (≤ maxPhrases), each of either number with probability ½ (other-number ones are attractors).
 */
export function sampleSentence(rng: Rng, minDistance: number, maxDistance: number, maxPhrases: number): AgreementSentence {
  const d = minDistance + rng.int(maxDistance - minDistance + 1), fit = d === 0 ? 0 : Math.min(maxPhrases, Math.floor((d - 1) / 3)), p = rng.int(fit + 1);
  let a = 0;
  for (let i = 0; i < p; i++) if (rng.next() < 0.5) a++;
  return agreementSentence(rng, d, a, rng.next() < 0.5, p - a);
}

/** One-hot inputs [T, B, V] (padded at the end), lengths and labels (1 = plural). */
export function encodeSentences(ss: readonly AgreementSentence[]): { x: Tensor; lengths: number[]; labels: Int32Array } {
  const B = ss.length, T = Math.max(...ss.map((s) => s.words.length)), V = VOCAB.length;
  const x = new Float32Array(T * B * V);
  ss.forEach((s, b) => s.words.forEach((w, t) => { x[(t * B + b) * V + VOCAB_INDEX.get(w)!] = 1; }));
  return { x: new Tensor(x, [T, B, V]), lengths: ss.map((s) => s.words.length), labels: Int32Array.from(ss, (s) => (s.plural ? 1 : 0)) };
}

export interface AgreementOptions {
  models: ModelKind[];
  /** Initialisations of the gated cells (the tanh RNN: 'pytorch' only). */
  inits: InitKind[];
  hidden: number;
  batch: number;
  steps: number;
  lr: number;
  clip: number;
  /** One training run per distance d: every training and test sentence has exactly d words between subject and verb. */
  distances: number[];
  /** > 0: one more run per model trained on distances 0 … mixed (short dependencies included), tested at every d. */
  mixed: number;
  /** At most this many noun phrases in a training clause (each of either number). */
  maxPhrases: number;
  /** Test: sentences with exactly k attractors (and no same-number noun), for each k that fits the distance. */
  attractorCounts: number[];
  testSize: number;
  seed: number;
}

export const agreementDefaults: AgreementOptions = {
  models: ['rnn', 'gru', 'lstm'], inits: ['pytorch', 'bias1'], hidden: 32, batch: 64, steps: 1500, lr: 1e-2, clip: 1, distances: [5, 10, 20, 40, 80], mixed: 80,
  maxPhrases: 4, attractorCounts: [0, 1, 2, 4], testSize: 400, seed: 0,
};

export const agreementQuick: Partial<AgreementOptions> = { steps: 300, distances: [5, 20], mixed: 20, attractorCounts: [0, 1, 2], testSize: 200 };

export const agreementSelection = 'nothing is selected: every model trains for the same fixed number of steps (no early ' +
  'stopping, no per-model tuning) and the final weights are tested once on fresh sentences of each distance and attractor count';

export interface AgreementTest { distance: number; attractors: number; accuracy: number }

export interface AgreementRun {
  model: ModelKind;
  init: InitKind;
  /** Training distances [lo, hi] (lo = hi: a fixed-distance run). */
  train: [number, number];
  params: number;
  tests: AgreementTest[];
  /** Mean training loss of the last 50 steps. */
  finalLoss: number;
  seconds: number;
}

export interface AgreementResult { experiment: 'agreement'; options: AgreementOptions; runs: AgreementRun[] }

function predictAccuracy(model: RecurrentHead, ss: readonly AgreementSentence[]): number {
  return noGrad(() => {
    const { x, lengths, labels } = encodeSentences(ss);
    const { h } = model.rnn.forward(x, { lengths });
    const logits = model.head.forward(h.reshape([ss.length, model.rnn.hiddenSize])).data;
    let right = 0;
    for (let b = 0; b < ss.length; b++) if ((logits[2 * b + 1] > logits[2 * b] ? 1 : 0) === labels[b]) right++;
    return right / ss.length;
  });
}

const fits = (d: number, k: number): boolean => k === 0 || d >= 1 + 3 * k;

export function trainAgreement(kind: ModelKind, train: [number, number], o: AgreementOptions, onProgress?: OnProgress, init: InitKind = 'pytorch'): AgreementRun {
  manualSeed(o.seed * 7919 + 0xa9 + train[0] * 131 + train[1]);
  const model = new RecurrentHead(kind, VOCAB.length, o.hidden, 2, 0, { init, tMax: Math.max(train[1], 3) }), params = model.parameters();
  const opt = new Adam(params, { lr: o.lr }), data = new Rng(o.seed * 7919 + 0xa9 + train[0] * 131 + train[1]);
  const t0 = now(), losses: number[] = [], label = train[0] === train[1] ? `d=${train[0]}` : `d=${train[0]}–${train[1]}`;
  for (let step = 1; step <= o.steps; step++) {
    const ss = Array.from({ length: o.batch }, () => sampleSentence(data, train[0], train[1], o.maxPhrases));
    const { x, lengths, labels } = encodeSentences(ss);
    opt.zeroGrad();
    const { h } = model.rnn.forward(x, { lengths });
    const loss = crossEntropy(model.head.forward(h.reshape([o.batch, o.hidden])), labels);
    loss.backward();
    if (o.clip > 0) clipGradNorm(params, o.clip);
    opt.step();
    losses.push(loss.item());
    if (step % 100 === 0 || step === o.steps) onProgress?.({ phase: `${variantName(kind, init)} ${label} seed ${o.seed}`, step, steps: o.steps, info: `loss ${loss.item().toFixed(3)}` });
  }
  const seconds = round(now() - t0, 4), test = new Rng(o.seed * 7919 + 0x7e57 + train[0] * 131 + train[1]);
  const testDistances = train[0] === train[1] ? [train[0]] : o.distances;
  const tests: AgreementTest[] = [];
  for (const distance of testDistances) {
    for (const attractors of o.attractorCounts.filter((k) => fits(distance, k))) {
      const ss = Array.from({ length: o.testSize }, () => agreementSentence(test, distance, attractors));
      tests.push({ distance, attractors, accuracy: round(predictAccuracy(model, ss), 4) });
    }
  }
  const tail = losses.slice(-50);
  return { model: kind, init, train, params: paramCount(model), tests, finalLoss: round(tail.reduce((a, v) => a + v, 0) / tail.length, 4), seconds };
}

export function agreementExperiment(options: Partial<AgreementOptions> = {}, onProgress?: OnProgress): AgreementResult {
  const o: AgreementOptions = { ...agreementDefaults, ...options };
  checkKinds(o.models);
  for (const [n, v, min] of [['hidden', o.hidden, 1], ['batch', o.batch, 1], ['steps', o.steps, 1], ['mixed', o.mixed, 0],
    ['maxPhrases', o.maxPhrases, 0], ['testSize', o.testSize, 1], ['seed', o.seed, 0]] as const) checkInt(`agreement: ${n}`, v, min);
  for (const d of o.distances) checkInt('agreement: distance', d, 0);
  for (const k of o.attractorCounts) checkInt('agreement: attractor count', k, 0);
  const runs: AgreementRun[] = [];
  const vs = variants(o.models, o.inits);
  for (const d of o.distances) for (const v of vs) runs.push(trainAgreement(v.model, [d, d], o, onProgress, v.init));
  if (o.mixed > 0) for (const v of vs) runs.push(trainAgreement(v.model, [0, o.mixed], o, onProgress, v.init));
  return { experiment: 'agreement', options: o, runs };
}

/** Character-model scores of the notes' sentence pairs, attached by the CLI (`--lm DIR,…`): one entry per model. */
export interface VerbPairScore { prefix: string; right: string; wrong: string; logpRight: number; logpWrong: number }
export interface LMScores { models: { model: string; pairs: VerbPairScore[] }[] }

/** The notes' two sentences and similar pairs: the prefix, the right continuation, the wrong one. */
export const VERB_PAIRS: readonly [string, string, string][] = [
  ['The cat, which already ate a bunch of food,', ' was full.', ' were full.'],
  ['The cats, which already ate a bunch of food,', ' were full.', ' was full.'],
  ['The cat who already ate a bunch of food', ' was full.', ' were full.'],
  ['The cats who already ate a bunch of food', ' were full.', ' was full.'],
  ['The man', ' was', ' were'],
  ['The men', ' were', ' was'],
  ['The whale, which the sailors had chased for many days,', ' was', ' were'],
  ['The whales, which the captain had chased for many days,', ' were', ' was'],
  ['The ship that carried the men', ' was', ' were'],
  ['The ships that carried the man', ' were', ' was'],
];

/**
 * log P(continuation | prefix) under a character model, in nats: the model reads the boundary symbol, the prefix and
 * the continuation, and the log-probabilities of the continuation's characters are summed.
 */
export function continuationLogProb(model: CharLM, vocab: CharVocab, prefix: string, continuation: string): number {
  const ids = Int32Array.from([0, ...vocab.encode(prefix + continuation)]);
  const T = ids.length - 1, V = vocab.size, start = ids.length - 1 - Array.from(continuation).length;
  return noGrad(() => {
    const lp = logSoftmax(model.forward(ids.subarray(0, T), T, 1).logits.reshape([T, V]), 1).data;
    let s = 0;
    for (let t = start; t < T; t++) s += lp[t * V + ids[t + 1]];
    return s;
  });
}

export function scoreVerbPairs(model: CharLM, vocab: CharVocab, pairs: readonly (readonly [string, string, string])[] = VERB_PAIRS): VerbPairScore[] {
  return pairs.map(([prefix, right, wrong]) => ({
    prefix, right, wrong, logpRight: round(continuationLogProb(model, vocab, prefix, right), 5), logpWrong: round(continuationLogProb(model, vocab, prefix, wrong), 5),
  }));
}

/** Accuracy over seeds of every (model, training range, distance, attractors), in first-seen order. */
function cells(r: Seeded<AgreementResult>) {
  const all = r.perSeed.flatMap((x) => x.runs.flatMap((run) => run.tests.map((t) => ({ ...t, model: run.model, init: run.init, train: run.train, params: run.params }))));
  return [...groupBy(all, (t) => `${t.model}|${t.init}|${t.train.join('-')}|${t.distance}|${t.attractors}`).values()]
    .map((g) => ({ model: g[0].model, init: g[0].init, train: g[0].train, params: g[0].params, distance: g[0].distance, attractors: g[0].attractors, s: spread(g.map((t) => t.accuracy)) }));
}

const trainLabel = (t: [number, number]): string => (t[0] === t[1] ? 'same d' : `mixed ${t[0]}–${t[1]}`);

export function agreementFigure(r: Seeded<AgreementResult> & { lm?: LMScores }): string {
  const o = r.perSeed[0].options, cs = cells(r), dMax = Math.max(...o.distances);
  const line = (pick: (c: (typeof cs)[number]) => boolean, x: (c: (typeof cs)[number]) => number) =>
    [...groupBy(cs.filter(pick), (c) => `${c.model}|${c.init}|${c.train[0] === c.train[1] ? 'fixed' : 'mixed'}`).values()].map((g) => ({
      name: `${variantName(g[0].model, g[0].init)}, ${g[0].train[0] === g[0].train[1] ? 'trained at d' : `trained 0–${g[0].train[1]}`}`, color: modelColors[g[0].model], markers: true,
      dashed: initDash(g[0].init), points: g.map((c) => [x(c), c.s.mean] as [number, number]), band: g.map((c) => [x(c), c.s.min, c.s.max] as [number, number, number]),
    }));
  const fixed = (c: (typeof cs)[number]): boolean => c.train[0] === c.train[1];
  const dist = lineChart({
    title: 'trained and tested at d, no attractor',
    x: { label: 'words d between subject and verb', log: true, ticks: o.distances, tickFormat: String, min: Math.min(...o.distances) / 1.3, max: dMax * 1.3 },
    y: { label: 'verb number accuracy (test)', min: 0.4, max: 1 },
    series: line((c) => c.attractors === 0 && fixed(c), (c) => c.distance), refLines: [{ y: 0.5, label: 'chance' }], width: 560, height: 320,
  });
  const mixed = lineChart({
    title: `trained on d = 0–${o.mixed}, tested at d, no attractor`,
    x: { label: 'words d between subject and verb', log: true, ticks: o.distances, tickFormat: String, min: Math.min(...o.distances) / 1.3, max: dMax * 1.3 },
    y: { label: 'verb number accuracy (test)', min: 0.4, max: 1 },
    series: line((c) => c.attractors === 0 && !fixed(c), (c) => c.distance), refLines: [{ y: 0.5, label: 'chance' }], width: 560, height: 320,
  });
  const attr = lineChart({
    title: `trained and tested at d = ${dMax}: against attractors`,
    x: { label: 'nouns of the other number in the clause', ticks: o.attractorCounts, tickFormat: String, min: 0 }, y: { label: 'verb number accuracy (test)', min: 0.4, max: 1 },
    series: line((c) => c.distance === dMax && fixed(c), (c) => c.attractors), refLines: [{ y: 0.5, label: 'chance' }], width: 560, height: 320,
  });
  return figure(o.mixed > 0 ? [dist, mixed, attr] : [dist, attr], {
    columns: 2,
    title: 'Number agreement ("the cat who … was" / "the cats who … were"): mean over seeds, band min–max',
    note: `hidden ${o.hidden}, ${o.steps} steps of ${o.batch} sentences, Adam ${o.lr}, clip ${o.clip}; seeds ${r.seeds.join(', ')}; ${o.testSize} test sentences per point; ${INIT_STYLE_NOTE}`,
  });
}

export function agreementTable(r: Seeded<AgreementResult> & { lm?: LMScores }): string {
  const o = r.perSeed[0].options, n = r.seeds.length, cs = cells(r);
  const rows = [...groupBy(cs, (c) => `${c.model}|${c.init}|${c.train.join('-')}|${c.distance}`).values()].map((g) => {
    const acc = o.attractorCounts.map((k) => { const c = g.find((x) => x.attractors === k); return c ? fmtSpread(c.s, 3) : '–'; });
    return `| ${g[0].model} | ${g[0].init} | ${g[0].params} | ${trainLabel(g[0].train)} | ${g[0].distance} | ${acc.join(' | ')} |`;
  });
  let out = [`| model | init | params | trained on | test d | ${o.attractorCounts.map((k) => `${k} attractor${k === 1 ? '' : 's'}`).join(' | ')} |`,
    `|---|---|---:|---|---:|${o.attractorCounts.map(() => '---:').join('|')}|`, ...rows].join('\n');
  out += `\n\nTest accuracy of the verb's number, mean ± sd over ${n} seed${n > 1 ? 's' : ''} (${r.seeds.join(', ')}); d = words between subject and verb;` +
    ` k attractors = k nouns of the other number in the clause (and none of the same number); – = k phrases do not fit in d words.` +
    ` Same budget for every model: ${o.steps} steps of ${o.batch} sentences.\n`;
  if (r.lm) {
    const ms = r.lm.models;
    out += `\nCharacter models (${ms.map((m) => m.model).join(', ')}): log P(right) − log P(wrong) in nats, summed over the continuation's characters;` +
      ` > 0 means the right verb is preferred\n\n| prefix | right | wrong | ${ms.map((_, i) => `model ${i + 1}`).join(' | ')} | preferred right |\n|---|---|---|${ms.map(() => '---:').join('|')}|---:|\n`;
    out += ms[0].pairs.map((p, i) => {
      const d = ms.map((m) => m.pairs[i].logpRight - m.pairs[i].logpWrong);
      return `| ${p.prefix} | "${p.right.trim()}" | "${p.wrong.trim()}" | ${d.map((v) => v.toFixed(2)).join(' | ')} | ${d.filter((v) => v > 0).length}/${d.length} |`;
    }).join('\n') + '\n';
  }
  return out;
}
