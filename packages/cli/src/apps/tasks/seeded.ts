// The G2P, spam and births tasks over several seeds (docs/protocol.md §2): what one seed's run records, the mean ± sd of
// every test metric computed from those raw per-seed numbers (seeds.ts: spread), the orderings the spread allows
// (seeds.ts: separated) and the markdown table. Browser-safe; running the seeds and timing them is the CLI's job.
import type { EpochMetrics } from 'gated';
import { fmtSpread, separated, spread, type Seeded, type Spread } from '../experiments/seeds.js';
import type { BirthsOptions, BirthsResults } from './births.js';
import type { G2POptions, G2PResults } from './g2p.js';
import type { ScoredMetrics, SpamOptions, SpamResults } from './spam.js';

/** One seed's run: its options, the per-epoch curve, the epoch whose weights were kept, the split sizes and the test numbers. */
export interface TaskRun<O, T> { seed: number; options: O; epochs: EpochMetrics[]; bestEpoch: number; split: { train: number; val: number; test: number }; test: T }
export type SpamRun = TaskRun<SpamOptions, Omit<SpamResults, 'seconds'>>;
export type BirthsRun = TaskRun<BirthsOptions, Omit<BirthsResults, 'seconds' | 'examples'>>;
export type G2PRun = TaskRun<G2POptions, Omit<G2PResults, 'seconds'>>;

/** The epoch (1-based, as EpochMetrics counts) of the lowest validation loss; the first of equals, as training keeps it (`<`). */
export function bestEpoch(epochs: readonly EpochMetrics[]): number {
  let best = 0;
  epochs.forEach((m, i) => { if (m.valLoss < epochs[best].valLoss) best = i; });
  return epochs[best]?.epoch ?? 0;
}

/** A spread of rates scaled (to percent). */
const scale = (s: Spread, c: number): Spread => spread(s.values.map((v) => v * c));

/** "higher"/"lower" for a claimed ordering, or the words saying there is none. */
function ordering(a: Spread, b: Spread, aName: string, bName: string, higherIsBetter: boolean): string {
  if (!separated(a, b)) return a.n < 3 ? `no ordering claimed (${a.n} seed${a.n > 1 ? 's' : ''}; the protocol needs 3)` : 'within the spread (intervals mean ± sd overlap): no ordering';
  const aBetter = higherIsBetter ? a.mean > b.mean : a.mean < b.mean;
  return `${aBetter ? aName : bName} better (intervals mean ± sd separate)`;
}

export const g2pSelection = 'Per seed (the seed fixes the initial weights, the batch order and dropout; the split of the words is the same '
  + 'for every seed, the committed seed-1 lists): the model keeps the weights of the epoch with the lowest validation loss '
  + '(6,194 validation words, teacher forced); the letter baseline has nothing to select. The decoding (beam 4, length penalty 1) was '
  + 'chosen on validation (docs/results/tasks/g2p/decoding-validation.jsonl), and label smoothing 0.1 on validation over 3 seeds per setting '
  + '(docs/results/tasks/g2p/validation.jsonl); the other hyperparameters are the defaults for every seed, set in earlier revisions from '
  + 'single runs some of which were compared on test (docs/tasks.md lists them). '
  + 'The test words are decoded once per seed, on the kept weights, and never used to choose.';

export const spamSelection = 'Per seed (the seed draws the stratified 80/10/10 split of the deduplicated messages, the initial weights, '
  + 'the batch order and dropout): the GRU keeps the weights of the epoch with the lowest validation cross entropy; the bag-of-words '
  + 'baseline trains a fixed 200 full-batch steps (no selection). Hyperparameters are the defaults for every seed. The test split is '
  + 'evaluated once per seed, on the kept weights, and never used to choose.';

export const spamCharSelection = 'Per seed (the seed draws the stratified 80/10/10 split of the deduplicated messages, the same split as '
  + 'the word-level run of that seed, the initial weights, the batch order and dropout): the character-level GRU keeps the weights of the '
  + 'epoch with the lowest validation cross entropy; the bag-of-words baseline (on the word tokens, as in the word-level run) trains a fixed '
  + '200 full-batch steps (no selection). The character-level defaults (maxChars, embed, hidden, epochs) were chosen before this run on '
  + "the validation split of seed 1 alone (docs/results/tasks/spam-char/validation.json); the other hyperparameters are the word level's. "
  + 'The test split is evaluated once per seed, on the kept weights, and never used to choose.';

export const birthsSelection = 'Per seed (the seed fixes the initial weights and the batch order; the split is by time and the same for every seed): '
  + 'the GRU keeps the weights of the epoch with the lowest validation MAE (targets in 1987); ridge (fixed λ) and seasonal naive have '
  + 'nothing to select. Hyperparameters are the defaults for every seed. The test origins (targets in 1988) are evaluated once per seed, '
  + 'on the kept weights, and never used to choose.';

// ------------------------------------------------------------------------------------------ g2p

export interface G2PSummary {
  /** Any listed pronunciation counts (the literature's scoring). */
  model: { per: Spread; wer: Spread };
  /** The same outputs against the first pronunciation only. */
  firstReference: { per: Spread; wer: Spread };
  /** The letter baseline (deterministic: the same for every seed, as the split is). */
  baseline: { per: Spread; wer: Spread };
}

/** Mean ± sd over seeds of the test PER and WER of the model (both scorings) and the baseline, from the raw per-seed values. */
export function g2pSummary(perSeed: readonly G2PRun[]): G2PSummary {
  const of = (pick: (r: G2PRun) => { per: number; wer: number }) => ({ per: spread(perSeed.map((r) => pick(r).per)), wer: spread(perSeed.map((r) => pick(r).wer)) });
  return { model: of((r) => r.test.model), firstReference: of((r) => r.test.model.firstReference), baseline: of((r) => r.test.baseline) };
}

export function g2pSeededTable(r: Seeded<G2PRun>): string {
  const s = g2pSummary(r.perSeed), n = r.seeds.length, o = r.perSeed[0]?.options;
  const p = (x: Spread): string => `${fmtSpread(scale(x, 100), 2)}%`;
  const name = o ? `bi-${o.cell.toUpperCase()} ${o.hidden} encoder, ${o.attention} attention decoder${o.labelSmoothing ? `, label smoothing ${o.labelSmoothing}` : ''}, ${r.perSeed[0].test.model.decoding}` : 'model';
  const perSeed = r.perSeed.map((x) => `| ${x.seed} | ${x.bestEpoch} / ${x.epochs.length} | ${(100 * x.test.model.per).toFixed(2)}% | ${(100 * x.test.model.wer).toFixed(2)}% | `
    + `${(100 * x.test.model.firstReference.per).toFixed(2)}% | ${(100 * x.test.model.firstReference.wer).toFixed(2)}% |`);
  return [
    `G2P (CMUdict, ${r.perSeed[0]?.split.test ?? 0} test words): PER and WER, mean ± sd over ${n} seed${n > 1 ? 's' : ''} (${r.seeds.join(', ')}); the split is the same for every seed`, '',
    '| model | test PER | test WER |', '| --- | ---: | ---: |',
    `| ${name}, any listed pronunciation | ${p(s.model.per)} | ${p(s.model.wer)} |`,
    `| same outputs, first pronunciation only | ${p(s.firstReference.per)} | ${p(s.firstReference.wer)} |`,
    `| letter baseline, any listed pronunciation | ${p(s.baseline.per)} | ${p(s.baseline.wer)} |`, '',
    `Model vs letter baseline (lower is better): PER ${ordering(s.model.per, s.baseline.per, 'model', 'letter baseline', false)}; `
      + `WER ${ordering(s.model.wer, s.baseline.wer, 'model', 'letter baseline', false)}`, '',
    'Per seed (raw values in result.json, `perSeed[i].test`):', '',
    '| seed | best epoch | PER | WER | PER, first ref. | WER, first ref. |', '| ---: | ---: | ---: | ---: | ---: | ---: |', ...perSeed,
  ].join('\n') + '\n';
}

// ------------------------------------------------------------------------------------------ spam

export const SPAM_METRICS = ['accuracy', 'precision', 'recall', 'f1', 'rocAuc', 'prAuc'] as const;
type SpamMetric = typeof SPAM_METRICS[number];
export interface SpamSummary { model: Record<SpamMetric, Spread>; baseline: Record<SpamMetric, Spread> }

/** Mean ± sd over seeds of each test metric of the GRU (`model`) and the bag of words (`baseline`), from the raw per-seed values. */
export function spamSummary(perSeed: readonly SpamRun[]): SpamSummary {
  const of = (who: 'model' | 'baseline') => Object.fromEntries(SPAM_METRICS.map((k) => [k, spread(perSeed.map((r) => (r.test[who] as ScoredMetrics)[k]))])) as Record<SpamMetric, Spread>;
  return { model: of('model'), baseline: of('baseline') };
}

const spamNames: Record<SpamMetric, string> = { accuracy: 'accuracy', precision: 'precision', recall: 'recall', f1: 'F1', rocAuc: 'ROC AUC', prAuc: 'PR AUC' };
/** Rates as percent with 2 decimals, AUCs with 4 decimals. */
const spamFmt = (k: SpamMetric, s: Spread): string => (k === 'rocAuc' || k === 'prAuc' ? fmtSpread(s, 4) : `${fmtSpread(scale(s, 100), 2)}%`);


export function spamSeededTable(r: Seeded<SpamRun>): string {
  const s = spamSummary(r.perSeed), n = r.seeds.length, char = r.perSeed[0]?.options.level === 'char';
  const gru = char ? `character-level bidirectional GRU (first ${r.perSeed[0].options.maxChars} characters)` : 'bidirectional GRU';
  const cols = SPAM_METRICS.map((k) => spamNames[k]);
  const row = (name: string, who: 'model' | 'baseline') => `| ${name} | ${SPAM_METRICS.map((k) => spamFmt(k, s[who][k])).join(' | ')} |`;
  const perSeed = r.perSeed.map((x) => `| ${x.seed} | ${x.split.train} / ${x.split.val} / ${x.split.test} | ${x.bestEpoch} / ${x.epochs.length} | `
    + `${(100 * x.test.model.f1).toFixed(2)}% | ${(100 * x.test.baseline.f1).toFixed(2)}% | ${(100 * x.test.model.accuracy).toFixed(2)}% | ${(100 * x.test.baseline.accuracy).toFixed(2)}% | `
    + `${x.test.model.rocAuc.toFixed(4)} | ${x.test.baseline.rocAuc.toFixed(4)} | ${x.test.model.prAuc.toFixed(4)} | ${x.test.baseline.prAuc.toFixed(4)} | `
    + `${JSON.stringify(x.test.model.confusion)} | ${JSON.stringify(x.test.baseline.confusion)} |`);
  return [
    `Spam (SpamAssassin, deduplicated): test metrics for class spam at p ≥ 0.5, ROC AUC and PR AUC of p(spam); mean ± sd over ${n} seed${n > 1 ? 's' : ''} (${r.seeds.join(', ')}), each seed its own split`, '',
    `| model | ${cols.join(' | ')} |`, `| --- | ${cols.map(() => '---:').join(' | ')} |`,
    row(gru, 'model'), row('bag-of-words logistic regression', 'baseline'), '',
    'GRU vs bag of words:', '',
    ...SPAM_METRICS.map((k) => `- ${spamNames[k]}: ${ordering(s.model[k], s.baseline[k], 'GRU', 'bag of words', true)}`), '',
    'Per seed (raw values in result.json, `perSeed[i].test`):', '',
    '| seed | train / val / test | best epoch | F1 GRU | F1 BoW | accuracy GRU | accuracy BoW | ROC AUC GRU | ROC AUC BoW | PR AUC GRU | PR AUC BoW | confusion GRU | confusion BoW |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |', ...perSeed,
  ].join('\n') + '\n';
}

// ------------------------------------------------------------------------------------------ births

export const BIRTHS_MODELS = ['model', 'linear', 'seasonalNaive'] as const;
type BirthsModel = typeof BIRTHS_MODELS[number];
const ERRORS = ['mae', 'rmse', 'mape'] as const;
export interface BirthsSummary {
  errors: Record<BirthsModel, Record<typeof ERRORS[number], Spread>>;
  /** MAE by horizon day h = 1 … 14, one spread per day. */
  maeByHorizon: Record<BirthsModel, Spread[]>;
}

/** Mean ± sd over seeds of MAE, RMSE, MAPE and each horizon day's MAE, per model, from the raw per-seed values. */
export function birthsSummary(perSeed: readonly BirthsRun[]): BirthsSummary {
  const errors = Object.fromEntries(BIRTHS_MODELS.map((m) => [m, Object.fromEntries(ERRORS.map((e) => [e, spread(perSeed.map((r) => r.test[m][e]))]))])) as BirthsSummary['errors'];
  const H = perSeed[0]?.test.maeByHorizon.model.length ?? 0;
  const maeByHorizon = Object.fromEntries(BIRTHS_MODELS.map((m) => [m, Array.from({ length: H }, (_, h) => spread(perSeed.map((r) => r.test.maeByHorizon[m][h])))])) as BirthsSummary['maeByHorizon'];
  return { errors, maeByHorizon };
}

const birthsNames: Record<BirthsModel, string> = { model: 'GRU encoder–decoder', linear: 'ridge linear', seasonalNaive: 'seasonal naive' };
const shortNames: Record<BirthsModel, string> = { model: 'GRU', linear: 'ridge', seasonalNaive: 'seasonal naive' };
const PAIRS: [BirthsModel, BirthsModel][] = [['model', 'linear'], ['model', 'seasonalNaive'], ['linear', 'seasonalNaive']];

/** Horizon days (1-based) as a compact list: "1–5, 8". */
function days(hs: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < hs.length;) {
    let j = i;
    while (j + 1 < hs.length && hs[j + 1] === hs[j] + 1) j++;
    parts.push(j > i ? `${hs[i]}–${hs[j]}` : `${hs[i]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

export function birthsSeededTable(r: Seeded<BirthsRun>): string {
  const s = birthsSummary(r.perSeed), n = r.seeds.length, H = s.maeByHorizon.model.length;
  const hs = Array.from({ length: H }, (_, h) => h + 1);
  const horizonOrder = ([a, b]: [BirthsModel, BirthsModel]): string => {
    if (n < 3) return `- by horizon, ${shortNames[a]} vs ${shortNames[b]}: no ordering claimed (${n} seed${n > 1 ? 's' : ''}; the protocol needs 3)`;
    const lower = hs.filter((h) => separated(s.maeByHorizon[a][h - 1], s.maeByHorizon[b][h - 1]) && s.maeByHorizon[a][h - 1].mean < s.maeByHorizon[b][h - 1].mean);
    const higher = hs.filter((h) => separated(s.maeByHorizon[a][h - 1], s.maeByHorizon[b][h - 1]) && s.maeByHorizon[a][h - 1].mean > s.maeByHorizon[b][h - 1].mean);
    const within = hs.filter((h) => !lower.includes(h) && !higher.includes(h));
    return `- by horizon, ${shortNames[a]} vs ${shortNames[b]}: ${shortNames[a]} lower at h = ${lower.length ? days(lower) : 'none'}; `
      + `${shortNames[b]} lower at h = ${higher.length ? days(higher) : 'none'}; within the spread at h = ${within.length ? days(within) : 'none'}`;
  };
  const perSeed = r.perSeed.map((x) => `| ${x.seed} | ${x.bestEpoch} / ${x.epochs.length} | ${BIRTHS_MODELS.map((m) => x.test[m].mae.toFixed(1)).join(' | ')} | ${BIRTHS_MODELS.map((m) => x.test[m].rmse.toFixed(1)).join(' | ')} |`);
  return [
    `Births (test: origins whose 14 days lie in 1988; births/day): mean ± sd over ${n} seed${n > 1 ? 's' : ''} (${r.seeds.join(', ')}); the split is the same for every seed`, '',
    '| model | MAE | RMSE | MAPE |', '| --- | ---: | ---: | ---: |',
    ...BIRTHS_MODELS.map((m) => `| ${birthsNames[m]} | ${fmtSpread(s.errors[m].mae, 1)} | ${fmtSpread(s.errors[m].rmse, 1)} | ${fmtSpread(s.errors[m].mape, 2)}% |`), '',
    `| test MAE by horizon day | ${hs.map((h) => (h === 1 ? 'h = 1' : `${h}`)).join(' | ')} |`, `| --- | ${hs.map(() => '---:').join(' | ')} |`,
    ...BIRTHS_MODELS.map((m) => `| ${birthsNames[m]} | ${s.maeByHorizon[m].map((x) => fmtSpread(x, 0)).join(' | ')} |`), '',
    'Orderings (lower is better; claimed only where the intervals mean ± sd separate with at least 3 seeds):', '',
    ...PAIRS.map(([a, b]) => `- MAE, ${shortNames[a]} vs ${shortNames[b]}: ${ordering(s.errors[a].mae, s.errors[b].mae, shortNames[a], shortNames[b], false)}`),
    ...PAIRS.map(horizonOrder), '',
    'Per seed (raw values in result.json, `perSeed[i].test`):', '',
    `| seed | best epoch | MAE ${BIRTHS_MODELS.map((m) => shortNames[m]).join(' | MAE ')} | RMSE ${BIRTHS_MODELS.map((m) => shortNames[m]).join(' | RMSE ')} |`,
    `| ---: | ---: | ${BIRTHS_MODELS.map(() => '---:').join(' | ')} | ${BIRTHS_MODELS.map(() => '---:').join(' | ')} |`, ...perSeed,
  ].join('\n') + '\n';
}
