// `gated train`: the main job — a character-level language model on the shipped names (default), Moby-Dick,
// or any text file — printing losses beside the bigram baseline, writing checkpoints and metrics.json.
import { join } from 'node:path';
import { defaultLMOptions, trainCharLM, type LMData, type LMConfig, type LMTrainOptions, decodeModelDir, encodeModelDir, GatedError, checkCharLMSize } from 'gated';
import { jsonBytes } from '../json.js';
import { firstNames, mobyDick } from '../../datasets.js';
import { readCheckpoint, readText, writeFileAtomic, writeModelDir, type DirLock } from 'gated/node';
import { claimOutDir } from '../outdir.js';
import type { EpochMetrics } from 'gated';
import { choice, num, parse, UsageError } from '../args.js';
import { progressReporter } from '../progress.js';

const d = defaultLMOptions;
export const help = `Usage: gated train [options]

Train a character-level language model (Embedding → GRU/LSTM/RNN → Linear). By default: a 2-layer GRU on the
English first-names lists (~8.4k distinct names, 10% held out), finishing in a few minutes on 2 cores.
Each epoch prints train and validation loss in nats/char beside the character bigram baseline, and samples.

Data (one of):
  --dataset names|moby-dick  shipped data: first names (one per line) or Moby-Dick as one stream   [names]
  --data FILE                any UTF-8 text file: one example per line, or a continuous text with --stream
  --stream                   treat --data as one continuous text (truncated BPTT)

Model:
  --cell gru|lstm|rnn        recurrent cell                                         [${d.cell}]
  --hidden N                 hidden units per layer                                 [${d.hidden}]
  --layers N                 recurrent layers                                       [${d.layers}]
  --embed N                  character embedding size                               [${d.embed}]
  --dropout P                dropout between layers and before the output layer     [${d.dropout}]

Training:
  --epochs N                 epochs (with --resume: the new total)                  [${d.epochs}]
  --batch N                  sequences per batch                                    [${d.batch}]
  --lr X                     learning rate                                          [${d.lr}]
  --optimizer NAME           adam | adamw | sgd (momentum 0.9) | rmsprop      [${d.optimizer}]
  --weight-decay X           weight decay (decoupled for adamw)   [${d.weightDecay} with ${d.optimizer}; else the optimizer's own]
  --clip X                   gradient-norm clipping, 0 = off                        [${d.clip}]
  --schedule cosine|constant learning rate: cosine decay to lr/100 over the run, or constant [${d.schedule}]
  --chunk N                  truncated-BPTT chunk length for streams                [${d.chunk}]
  --on-nan error|skip        a NaN/Inf loss or gradient: stop naming the step, or skip it [${d.onNan}]
  --patience N               early stopping after N epochs without improvement, 0 = off [${d.patience}]
  --val-fraction X           share held out for validation                          [${d.valFraction}]
  --seed N                   random seed (split, init, shuffling, dropout)          [${d.seed}]

Output:
  --out DIR                  model directory (model.safetensors, config.json, optimizer.safetensors,
                             state.json, metrics.json)                              [runs/<data>-<cell>]
                             created and write-tested before training; one run writes it at a time (DIR/.lock)
  --resume DIR               continue a run from its last completed epoch (same data and settings)
  --init DIR                 fine-tune: start from the weights, architecture and vocabulary of a model
                             directory (gated train, or PyTorch: docs/scale.md); optimizer starts afresh
  -h, --help                 show this help
`;

const flags = {
  dataset: { type: 'string' }, data: { type: 'string' }, stream: { type: 'boolean' },
  cell: { type: 'string' }, hidden: { type: 'string' }, layers: { type: 'string' }, embed: { type: 'string' }, dropout: { type: 'string' },
  epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, optimizer: { type: 'string' }, 'weight-decay': { type: 'string' }, clip: { type: 'string' },
  chunk: { type: 'string' }, schedule: { type: 'string' }, 'on-nan': { type: 'string' }, patience: { type: 'string' }, 'val-fraction': { type: 'string' }, seed: { type: 'string' },
  out: { type: 'string' }, resume: { type: 'string' }, init: { type: 'string' },
} as const;

function loadData(dataset: string | undefined, file: string | undefined, stream: boolean): LMData {
  if (file !== undefined) {
    const text = readText(file);
    if (stream) return { kind: 'stream', text, source: file };
    return { kind: 'lines', lines: text.split(/\r?\n/).filter((l) => l.length > 0), source: file };
  }
  if (dataset === 'moby-dick') return { kind: 'stream', text: mobyDick(), source: 'moby-dick' };
  return { kind: 'lines', lines: firstNames(), source: 'names' };
}

export function run(argv: string[]): void {
  const { values: v } = parse(argv, flags);
  if (v.help) { process.stdout.write(help); return; }
  if (v.dataset !== undefined && v.data !== undefined) throw new UsageError('give either --dataset or --data, not both');
  if (v.stream && v.data === undefined) throw new UsageError('--stream applies to --data FILE');
  let resume: ReturnType<typeof decodeModelDir<LMConfig>> | undefined, init: typeof resume;
  let data: LMData, options: Partial<LMTrainOptions>, out: string, lock: DirLock;
  if (typeof v.resume === 'string') {
    const allowed = new Set(['resume', 'epochs', 'out']);
    const extra = Object.keys(v).filter((k) => !allowed.has(k));
    if (extra.length) throw new UsageError(`--resume continues with the saved settings; it cannot be combined with --${extra.join(', --')}`);
    const epochs = num(v, 'epochs', 1, { int: true, min: 1 });
    out = (v.out as string | undefined) ?? v.resume;
    lock = claimOutDir(out, 'gated train');
    const saved = readCheckpoint(v.resume);
    if (saved.source === 'previous') process.stderr.write(`the latest checkpoint in ${v.resume} is incomplete (the run was killed while writing it); resuming from the previous one\n`);
    resume = decodeModelDir<LMConfig>(saved.files);
    if (resume.state === undefined) throw new GatedError('CHECKPOINT', `'${v.resume}' has no training state (state.json) to resume from`);
    const src = resume.config.data;
    data = src.source === 'names' || src.source === 'moby-dick' ? loadData(src.source, undefined, false) : loadData(undefined, src.source, src.kind === 'stream');
    options = { epochs: v.epochs === undefined ? resume.config.training.epochs : epochs };
  } else {
    const dataset = choice(v, 'dataset', ['names', 'moby-dick'] as const, 'names');
    options = {
      cell: choice(v, 'cell', ['gru', 'lstm', 'rnn'] as const, d.cell),
      hidden: num(v, 'hidden', d.hidden, { int: true, min: 1 }), layers: num(v, 'layers', d.layers, { int: true, min: 1 }),
      embed: num(v, 'embed', d.embed, { int: true, min: 1 }), dropout: num(v, 'dropout', d.dropout, { min: 0 }),
      epochs: num(v, 'epochs', d.epochs, { int: true, min: 1 }), batch: num(v, 'batch', d.batch, { int: true, min: 1 }),
      lr: num(v, 'lr', d.lr), optimizer: choice(v, 'optimizer', ['adam', 'adamw', 'sgd', 'rmsprop'] as const, d.optimizer),
      ...(v['weight-decay'] === undefined ? {} : { weightDecay: num(v, 'weight-decay', 0, { min: 0 }) }),   // else the library's rule
      clip: num(v, 'clip', d.clip, { min: 0 }), schedule: choice(v, 'schedule', ['cosine', 'constant'] as const, d.schedule),
      onNan: choice(v, 'on-nan', ['error', 'skip'] as const, d.onNan), chunk: num(v, 'chunk', d.chunk, { int: true, min: 1 }),
      patience: num(v, 'patience', d.patience, { int: true, min: 0 }), valFraction: num(v, 'val-fraction', d.valFraction),
      seed: num(v, 'seed', d.seed, { int: true, min: 0 }),
    };
    if (typeof v.init === 'string') { // the architecture is the directory's unless a flag names it (then it must agree)
      init = decodeModelDir<LMConfig>(readCheckpoint(v.init).files);
      for (const k of ['cell', 'hidden', 'layers', 'embed'] as const) if (v[k] === undefined) delete options[k];
    } else {
      // sizes beyond the limits fail here, naming the flags, before the data is read or anything allocated
      checkCharLMSize({ cell: options.cell!, embed: options.embed!, hidden: options.hidden!, layers: options.layers! }, '--');
    }
    data = loadData(v.data === undefined ? dataset : undefined, v.data as string | undefined, Boolean(v.stream));
    out = (v.out as string | undefined) ?? join('runs', `${v.data === undefined ? dataset : 'data'}-${options.cell ?? init?.config.model.cell}`);
    lock = claimOutDir(out, 'gated train');
  }
  const metrics: EpochMetrics[] = [...((resume?.state as { metrics?: EpochMetrics[] } | undefined)?.metrics ?? [])];
  const say = (s: string): boolean => process.stdout.write(s + '\n');
  say(`training on ${data.source} (${data.kind === 'lines' ? `${data.lines.length} lines` : `${data.text.length} characters`}) → ${out}${resume ? ` (resuming after epoch ${metrics.length})` : ''}${init ? ` (weights from ${v.init as string}; optimizer starts afresh)` : ''}`);
  const t0 = performance.now();
  trainCharLM(data, options, {
    resume, init,
    onEvent: progressReporter(),
    onEpochEnd: ({ metrics: m, samples, checkpoint }) => {
      lock.check();
      writeModelDir(out, encodeModelDir(checkpoint));
      metrics.push(m);
      writeFileAtomic(join(out, 'metrics.json'), jsonBytes(metrics));
      const gap = m.baselineValLoss - m.valLoss;
      say(`epoch ${m.epoch}: train ${m.trainLoss.toFixed(4)}  val ${m.valLoss.toFixed(4)}  bigram ${m.baselineValLoss.toFixed(4)}  (${gap >= 0 ? `${gap.toFixed(3)} below` : `${(-gap).toFixed(3)} above`} baseline, nats/char)  ${m.seconds.toFixed(1)}s`);
      const skipped = (checkpoint.state as { skippedSteps?: number } | undefined)?.skippedSteps ?? 0;
      if (skipped) say(`  ${skipped} step(s) skipped so far for a non-finite loss or gradient`);
      say(`  samples: ${samples.map((s) => JSON.stringify(s)).join(' ')}`);
    },
  });
  say(`done in ${((performance.now() - t0) / 1000).toFixed(1)}s; model in ${out}`);
}
