// `gated experiment <name>`: runs one of the experiments of src/apps/experiments/ and writes DIR/result.json (the raw
// numbers), DIR/<name>.svg (the figure) and DIR/table.md (the summary, also printed). Progress goes to stderr.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { OnProgress } from '../../apps/experiments/common.js';
import { addingExperiment, addingFigure, addingQuick, addingTable } from '../../apps/experiments/adding.js';
import { copyExperiment, copyFigure, copyQuick, copyTable } from '../../apps/experiments/copy.js';
import { costExperiment, costFigure, costQuick, costTable } from '../../apps/experiments/cost.js';
import { musicExperiment, musicFigure, musicQuick, musicTable, type MusicData } from '../../apps/experiments/music.js';
import { vanishingExperiment, vanishingFigure, vanishingQuick, vanishingTable } from '../../apps/experiments/vanishing.js';
import { jsonBytes } from '../json.js';
import { MAX_TEXT_BYTES, readFileChecked, writeFileAtomic } from 'gated/node';
import { GatedError, parseJsonLimited } from 'gated';
import { choice, num, parse, UsageError } from '../args.js';

export const help = `Usage: gated experiment <name> [options]

Reproducible experiments on the lecture notes' claims. Each writes DIR/result.json (raw numbers), DIR/<name>.svg
(the figure) and DIR/table.md (printed too). Defaults take at most ~10 minutes on 2 cores; --quick about a minute.

Experiments:
  vanishing   ‖∂L/∂h_t‖ against the distance T − t for RNN, GRU, LSTM, at init and after training; RNN W_hh spectrum
  adding      the adding problem for T = 50, 100, 200, 400: steps to MSE < 0.01, final MSE, wall time
  copy        the copy task (remember k symbols across D blanks): accuracy against D
  cost        parameters and forward / forward+backward time per sequence for hidden sizes 64…512
  music       polyphonic music (JSB Chorales or Nottingham): test NLL of RNN, GRU, LSTM, Cho's GRU vs the paper

Options:
  --quick                    a ~1-minute version (smaller sizes / budgets) with the same outputs
  --replot                   only redraw DIR/<name>.svg and DIR/table.md from an earlier DIR/result.json
  --out DIR                  output directory                                        [runs/experiments/<name>]
  --seed N                   random seed                                             [0]
  --dataset jsb|nottingham   music only: the data set                                [jsb]
  --max-epochs N             music only: epoch budget per model (early stopping may end sooner)
                                                                           [jsb 200, nottingham 12]
  -h, --help                 show this help
`;

const flags = {
  quick: { type: 'boolean' }, replot: { type: 'boolean' }, out: { type: 'string' }, seed: { type: 'string' }, dataset: { type: 'string' }, 'max-epochs': { type: 'string' },
} as const;

interface Experiment {
  run(o: { quick: boolean; seed: number; dataset: string; maxEpochs?: number }, onProgress: OnProgress): unknown;
  figure(r: never): string;
  table(r: never): string;
}

const experiments: Record<string, Experiment> = {
  vanishing: { run: (o, p) => vanishingExperiment({ ...(o.quick ? vanishingQuick : {}), seed: o.seed }, p), figure: vanishingFigure, table: vanishingTable },
  adding: { run: (o, p) => addingExperiment({ ...(o.quick ? addingQuick : {}), seed: o.seed }, p), figure: addingFigure, table: addingTable },
  copy: { run: (o, p) => copyExperiment({ ...(o.quick ? copyQuick : {}), seed: o.seed }, p), figure: copyFigure, table: copyTable },
  cost: { run: (o, p) => costExperiment({ ...(o.quick ? costQuick : {}), seed: o.seed }, p), figure: costFigure, table: costTable },
  music: {
    run: (o, p) => musicExperiment(loadMusic(o.dataset), {
      ...(o.quick ? musicQuick : {}), dataset: o.dataset as 'jsb' | 'nottingham', seed: o.seed, ...(o.maxEpochs ? { maxEpochs: o.maxEpochs } : {}),
    }, p),
    figure: musicFigure, table: musicTable,
  },
};

/** data/music/*.json.gz of this checkout (see data/music/README.md), next to src/ and dist/. */
function loadMusic(dataset: string): MusicData {
  const file = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'data', 'music', `${dataset === 'jsb' ? 'jsb_chorales' : 'nottingham'}.json.gz`);
  let bytes: Buffer;
  try { bytes = readFileSync(file); } catch { throw new GatedError('IO', `cannot read the music data '${file}' (it ships with the repository, see data/music/README.md)`); }
  return JSON.parse(gunzipSync(bytes).toString('utf8')) as MusicData;
}

/** A redrawn bar on a TTY; otherwise (logs, CI) a line when a new model starts and at most every 5 seconds. */
function progress(stream: NodeJS.WriteStream = process.stderr): OnProgress {
  const tty = Boolean(stream.isTTY), t0 = performance.now();
  let lastModel = '', lastLine = -Infinity;
  return (p) => {
    const frac = p.steps > 0 ? p.step / p.steps : 1, now = performance.now(), secs = ((now - t0) / 1000).toFixed(0);
    const line = `${p.phase} ${p.step}/${p.steps}${p.info ? ` · ${p.info}` : ''} · ${secs}s`;
    if (tty) {
      const w = 20, done = Math.round(w * frac);
      stream.write(`\r[${'#'.repeat(done)}${'.'.repeat(w - done)}] ${line}\x1b[K`);
      return;
    }
    const model = p.phase.split(/[ :]/)[0];
    if (model !== lastModel || now - lastLine >= 5000) { stream.write(line + '\n'); lastModel = model; lastLine = now; }
  };
}

export function run(argv: string[]): void {
  const { values: v, positionals } = parse(argv, flags, true);
  if (v.help) { process.stdout.write(help); return; }
  const name = positionals[0];
  if (name === undefined) throw new UsageError(`name an experiment: ${Object.keys(experiments).join(', ')}`);
  if (positionals.length > 1) throw new UsageError(`one experiment at a time, got '${positionals.join("', '")}'`);
  const exp = experiments[name];
  if (!exp) throw new UsageError(`unknown experiment '${name}' (expected one of: ${Object.keys(experiments).join(', ')})`);
  for (const f of ['dataset', 'max-epochs']) if (v[f] !== undefined && name !== 'music') throw new UsageError(`--${f} applies to the music experiment only`);
  const maxEpochs = v['max-epochs'] === undefined ? undefined : num(v, 'max-epochs', 1, { int: true, min: 1 });
  const dataset = choice(v, 'dataset', ['jsb', 'nottingham'] as const, 'jsb');
  const seed = num(v, 'seed', 0, { int: true, min: 0 });
  const out = (v.out as string | undefined) ?? join('runs', 'experiments', name);
  if (v.replot) {
    let result: { experiment?: string };
    const file = join(out, 'result.json');
    result = parseJsonLimited(readFileChecked(file, { maxBytes: MAX_TEXT_BYTES, what: 'a result file' }), `--replot: ${file}`, { maxBytes: MAX_TEXT_BYTES }) as { experiment?: string };
    if (result.experiment !== name) throw new GatedError('FORMAT', `--replot: ${join(out, 'result.json')} holds the '${String(result.experiment)}' experiment, not '${name}'`);
    writeFileAtomic(join(out, `${name}.svg`), exp.figure(result as never));
    writeFileAtomic(join(out, 'table.md'), exp.table(result as never));
    process.stdout.write(`redrew ${join(out, `${name}.svg`)} and ${join(out, 'table.md')}\n`);
    return;
  }
  const t0 = performance.now(), cpu0 = process.cpuUsage();
  const result = exp.run({ quick: Boolean(v.quick), seed, dataset, maxEpochs }, progress());
  const seconds = (performance.now() - t0) / 1000, cpu = process.cpuUsage(cpu0), cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, 'result.json'), jsonBytes({ ...(result as object), seconds: Number(seconds.toFixed(1)), cpuSeconds: Number(cpuSeconds.toFixed(1)) }));
  writeFileAtomic(join(out, `${name}.svg`), exp.figure(result as never));
  const table = exp.table(result as never);
  writeFileAtomic(join(out, 'table.md'), table);
  process.stdout.write(`${table}\n${name}: done in ${seconds.toFixed(1)}s (${cpuSeconds.toFixed(1)} CPU seconds); wrote ${join(out, 'result.json')}, ${join(out, `${name}.svg`)}, ${join(out, 'table.md')}\n`);
}
