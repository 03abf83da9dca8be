#!/usr/bin/env -S node --max-semi-space-size=64
// The `gated` command: a thin shell over the public API. Errors are one line on stderr and a non-zero exit:
// 2 for usage (bad flags), 1 for bad data (a GatedError, printed with its code), 3 for internal errors.
// The first line gives V8 a 64 MiB young generation, so that a training step's tensors die young: fewer full garbage
// collections (~20% faster G2P training here). `node dist/cli/main.js` skips that line; the npm scripts pass the flag.
import { createRequire } from 'node:module';
import { GatedError, setNumThreads } from 'gated';
import { enableRelaxedSimd } from 'gated/node';
import { UsageError } from './args.js';
import * as evalCmd from './commands/eval.js';
import * as experiment from './commands/experiment.js';
import * as convert from './commands/convert.js';
import * as generate from './commands/generate.js';
import * as inspect from './commands/inspect.js';
import * as runCmd from './commands/run.js';
import * as task from './commands/task.js';
import * as train from './commands/train.js';

// Each command module exports `help` and `run`; add new commands here (one line each).
const commands: Record<string, { help: string; run(argv: string[]): void | Promise<void> }> = {
  train,
  generate,
  eval: evalCmd,
  experiment,
  inspect,
  task,
  convert,
  run: runCmd,
};

const usage = `Usage: gated <command> [options]

Gated recurrent networks (GRU, LSTM, RNN) in TypeScript.

Commands:
  train       train a character-level language model (default: GRU on English first names)
  generate    sample text from a trained model
  eval        loss of a trained model on a text file (nats and bits per character)
  experiment  reproducible experiments: vanishing, adding, copy, cost, music (JSON + SVG figure)
  inspect     a GRU model's update and reset gates per character of a text (SVG heatmap + HTML)
  task        applications on real data: g2p (seq2seq), spam (classification), births (forecasting)
  convert     convert a model: gated model directory ↔ .onnx, TF.js model.json → gated / .onnx
  run         batch inference: safetensors in, safetensors out (gated, ONNX or TF.js model)

Run \`gated <command> --help\` for a command's options; add --debug to any command to see a stack trace on errors.
\`gated --version\` (or -v) prints the version.
Environment: GATED_NUM_THREADS=N  threads of the WebAssembly kernels (default: one per core), like OMP_NUM_THREADS.
`;

/** GATED_NUM_THREADS: a whole number ≥ 1, or unset (one thread per core). */
function threadsFromEnv(): void {
  const v = process.env.GATED_NUM_THREADS;
  if (v === undefined || v === '') return;
  if (!/^[1-9][0-9]*$/.test(v.trim())) throw new UsageError(`GATED_NUM_THREADS must be a whole number ≥ 1, got '${v}'`);
  setNumThreads(Number(v.trim()));
}

/** The version of this package (package.json two levels up, from src/cli/ and from dist/cli/ alike). */
const version = (): string => (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

async function main(argv: string[]): Promise<number> {
  enableRelaxedSimd();   // Node 20: the kernels' fused multiply-add build (Node ≥ 22 has relaxed SIMD on)
  const debug = argv.includes('--debug');
  const [cmd, ...rest] = argv.filter((a) => a !== '--debug');
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') { process.stdout.write(usage); return 0; }
  if (cmd === '--version' || cmd === '-v') { process.stdout.write(`${version()}\n`); return 0; }
  const c = commands[cmd];
  if (!c) { process.stderr.write(`gated: unknown command '${cmd}' (expected one of: ${Object.keys(commands).join(', ')}; see gated --help)\n`); return 2; }
  try {
    threadsFromEnv();
    await c.run(rest);
    return 0;
  } catch (e) {
    if (debug) throw e;
    if (e instanceof UsageError) { process.stderr.write(`gated ${cmd}: ${e.message} (see gated ${cmd} --help)\n`); return 2; }
    if (e instanceof GatedError) { process.stderr.write(`gated ${cmd}: error[${e.code}]: ${e.message}\n`); return 1; }
    process.stderr.write(`gated ${cmd}: error[INTERNAL]: ${(e as Error)?.message ?? String(e)} (rerun with --debug for the stack)\n`);
    return 3;
  }
}

process.exitCode = await main(process.argv.slice(2));
