// `gated eval`: a trained model's loss on a text file, in nats and bits per character.
import { evaluateLoss, loadCharLM, type LMConfig, decodeModelDir, lineBatches, streamChunks } from 'gated';
import { readModelDir, readText } from 'gated/node';
import { parse, UsageError } from '../args.js';

export const help = `Usage: gated eval --model DIR --data FILE

Loss of a trained model on a UTF-8 text file: one example per line for line models (e.g. names), or the whole
file as one stream for stream models. Prints nats and bits per character.

  --model DIR     model directory written by \`gated train\` (required)
  --data FILE     text to score (required); every character must be in the model's vocabulary
  -h, --help      show this help
`;

export function run(argv: string[]): void {
  const { values: v } = parse(argv, { model: { type: 'string' }, data: { type: 'string' } });
  if (v.help) { process.stdout.write(help); return; }
  if (typeof v.model !== 'string') throw new UsageError('--model DIR is required');
  if (typeof v.data !== 'string') throw new UsageError('--data FILE is required');
  const { model, vocab, config } = loadCharLM(decodeModelDir<LMConfig>(readModelDir(v.model)));
  const text = readText(v.data);
  const stream = config.data.kind === 'stream';
  const batches = stream
    ? streamChunks(vocab.encode(text), 1, config.training.chunk)
    : lineBatches(text.split(/\r?\n/).filter((l) => l.length > 0).map((l) => vocab.encode(l)), 64);
  if (batches.length === 0) throw new UsageError(`'${v.data}' has no text to score`);
  const nats = evaluateLoss(model, batches, stream);
  process.stdout.write(`loss ${nats.toFixed(4)} nats/char  ${(nats / Math.LN2).toFixed(4)} bits/char\n`);
}
