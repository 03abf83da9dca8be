// `gated generate`: samples from a trained model, one per line on stdout (logs go to stderr).
import { loadCharLM, type LMConfig, sample, decodeModelDir, Rng } from 'gated';
import { readModelDir } from 'gated/node';
import { num, parse, UsageError } from '../args.js';

export const help = `Usage: gated generate --model DIR [options]

Sample text from a trained model, one sample per line on stdout.

  --model DIR          model directory written by \`gated train\` (required)
  --prompt S           text every sample starts with                        ['']
  --temperature T      softmax temperature, > 0 (lower = more conservative)  [1]
  --top-k K            sample only among the K most likely characters, 0 = all [0]
  --count N            number of samples                                     [10]
  --max-length L       maximum characters generated per sample               [32 for lines, 200 for streams]
  --seed N             random seed                                           [0]
  -h, --help           show this help
`;

export function run(argv: string[]): void {
  const { values: v } = parse(argv, {
    model: { type: 'string' }, prompt: { type: 'string' }, temperature: { type: 'string' }, 'top-k': { type: 'string' },
    count: { type: 'string' }, 'max-length': { type: 'string' }, seed: { type: 'string' },
  });
  if (v.help) { process.stdout.write(help); return; }
  if (typeof v.model !== 'string') throw new UsageError('--model DIR is required');
  const { model, vocab, config } = loadCharLM(decodeModelDir<LMConfig>(readModelDir(v.model)));
  const stream = config.data.kind === 'stream';
  const temperature = num(v, 'temperature', 1);
  if (!(temperature > 0)) throw new UsageError(`--temperature must be > 0, got ${temperature}`);
  const opts = {
    prompt: (v.prompt as string | undefined) ?? '', temperature, topK: num(v, 'top-k', 0, { int: true, min: 0 }),
    maxLength: num(v, 'max-length', stream ? 200 : 32, { int: true, min: 1 }), stopAtBoundary: !stream,
  };
  const rng = new Rng(num(v, 'seed', 0, { int: true, min: 0 }));
  const count = num(v, 'count', 10, { int: true, min: 1 });
  for (let i = 0; i < count; i++) process.stdout.write(sample(model, vocab, rng, opts).replace(/\n/g, ' ') + '\n');
}
