// `gated experiment <name>`: runs one of the experiments of src/apps/experiments/ and writes DIR/result.json (the raw
// numbers), DIR/<name>.svg (the figure) and DIR/table.md (the summary, also printed). Progress goes to stderr.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { initKinds, modelKinds, type InitKind, type ModelKind, type OnProgress } from '../../apps/experiments/common.js';
import { addingExperiment, addingFigure, addingQuick, addingSelection, addingTable } from '../../apps/experiments/adding.js';
import { agreementExperiment, agreementFigure, agreementQuick, agreementSelection, agreementTable, scoreVerbPairs } from '../../apps/experiments/agreement.js';
import { copyExperiment, copyFigure, copyQuick, copySelection, copyTable } from '../../apps/experiments/copy.js';
import { costExperiment, costFigure, costQuick, costTable, type CostResult } from '../../apps/experiments/cost.js';
import { musicExperiment, musicQuick, musicSelection, type MusicData, type MusicResult } from '../../apps/experiments/music.js';
import { musicFigure, musicSeededTable } from '../../apps/experiments/music-report.js';
import { isMusicGrid, mergeMusicGrids, musicGridPresets, musicGridQuick, musicProtocol, type MusicGridResult } from '../../apps/experiments/music-grid.js';
import { musicGridFigure, musicGridTables } from '../../apps/experiments/music-grid-report.js';
import { runSeeds, seedList, type Seeded } from '../../apps/experiments/seeds.js';
import { vanishingExperiment, vanishingFigure, vanishingQuick, vanishingSelection, vanishingTable } from '../../apps/experiments/vanishing.js';
import { jsonBytes } from '../json.js';
import { machine, stamp, stopwatch } from '../notebook.js';
import { MAX_TEXT_BYTES, readFileChecked, readModelDir, writeFileAtomic } from 'gated/node';
import { GatedError, decodeModelDir, loadCharLM, parseJsonLimited, type LMConfig } from 'gated';
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
  agreement   subject–verb number agreement across relative clauses with attractors (the notes' "cat … was" example)

Every experiment but cost runs once per seed in this process; result.json keeps each seed's raw numbers, the seeds,
what was selected on which split, the machine and the wall / CPU time; tables give mean ± sd (docs/protocol.md).

Options:
  --quick                    a ~1-minute version (smaller sizes / budgets) with the same outputs
  --replot                   only redraw DIR/<name>.svg and DIR/table.md from an earlier DIR/result.json
  --out DIR                  output directory                                        [runs/experiments/<name>]
  --seed N                   first random seed                                       [0]
  --seeds N                  number of seeds: N, N + 1, … from --seed                [3; --quick 1; cost 1]
  --inits LIST               vanishing, adding, copy, agreement: initialisations of the gated cells, comma-separated, of
                             pytorch (PyTorch's uniform), bias1 (forget / update gate bias 1), chrono (Tallec &
                             Ollivier 2018, T_max = the task's length)                 [pytorch,bias1]
  --lengths LIST             adding only: sequence lengths T                         [50,100,200,400]
  --delays LIST              copy only: delays D                                     [10,20,40,80]
  --distances LIST           agreement only: training/test distances d               [5,10,20,40,80]
  --mixed N                  agreement only: one more run trained on d = 0…N, 0 = none [80]
  --lm DIRS                  agreement only: character models (gated train …), comma-separated, scored on the
                             notes' "The cat(s), which already ate a bunch of food, was / were full." and similar pairs
  --dataset jsb|nottingham   music only: the data set                                [jsb]
  --max-epochs N             music only: epoch budget per model (early stopping may end sooner)
                                                                           [jsb 200, nottingham 50]
  --models LIST              music only: models, comma-separated, of rnn, gru, lstm, gru-cho      [all four]
  --grid                     music only: select weight noise σ × learning rate per model on validation (jsb:
                             σ ∈ {0, 0.1, 0.15} × lr ∈ {1e-3, 3e-3}; nottingham: σ ∈ {0, 0.075}, lr 3e-3; seed 0,
                             test never evaluated; --quick: σ ∈ {0, 0.1}, lr 3e-3), then train the selected
                             setting for each of --seeds and evaluate test once per seed
  --merge DIRS               music only: join --grid runs of disjoint --models (comma-separated result
                             directories, e.g. one process per core) into --out
  -h, --help                 show this help
`;

const flags = {
  quick: { type: 'boolean' }, replot: { type: 'boolean' }, out: { type: 'string' }, seed: { type: 'string' }, seeds: { type: 'string' },
  inits: { type: 'string' }, lengths: { type: 'string' }, delays: { type: 'string' }, lm: { type: 'string' }, distances: { type: 'string' }, mixed: { type: 'string' }, dataset: { type: 'string' }, 'max-epochs': { type: 'string' },
  models: { type: 'string' }, grid: { type: 'boolean' }, merge: { type: 'string' },
} as const;

interface RunOptions {
  quick: boolean; seed: number; dataset: string; maxEpochs?: number; models?: ModelKind[]; inits?: InitKind[]; lengths?: number[]; delays?: number[]; distances?: number[]; mixed?: number;
}

interface Experiment {
  /** One seed's run. */
  run(o: RunOptions, onProgress: OnProgress): unknown;
  /** What is selected on which split (result.json's `selection`). */
  selection: string;
  /** Figure and table of the result over seeds. */
  figure(r: never): string;
  table(r: never): string;
  /** Flags of this experiment only. */
  own?: string[];
}

/** The music flags as options (--quick's smaller budget first, so that --models and --max-epochs override it). */
const musicOptions = (o: RunOptions) => ({
  ...(o.quick ? musicQuick : {}), dataset: o.dataset as 'jsb' | 'nottingham', ...(o.maxEpochs ? { maxEpochs: o.maxEpochs } : {}), ...(o.models ? { models: o.models } : {}),
});

const inits = (o: RunOptions) => (o.inits ? { inits: o.inits } : {});

const experiments: Record<string, Experiment> = {
  vanishing: { run: (o, p) => vanishingExperiment({ ...(o.quick ? vanishingQuick : {}), ...inits(o), seed: o.seed }, p), selection: vanishingSelection, figure: vanishingFigure, table: vanishingTable, own: ['inits'] },
  adding: {
    run: (o, p) => addingExperiment({ ...(o.quick ? addingQuick : {}), ...inits(o), ...(o.lengths ? { lengths: o.lengths } : {}), seed: o.seed }, p),
    selection: addingSelection, figure: addingFigure, table: addingTable, own: ['inits', 'lengths'],
  },
  copy: {
    run: (o, p) => copyExperiment({ ...(o.quick ? copyQuick : {}), ...inits(o), ...(o.delays ? { delays: o.delays } : {}), seed: o.seed }, p),
    selection: copySelection, figure: copyFigure, table: copyTable, own: ['inits', 'delays'],
  },
  cost: {
    run: (o, p) => costExperiment({ ...(o.quick ? costQuick : {}), seed: o.seed }, p), selection: 'nothing is selected: median and fastest of the timed runs',
    figure: (r: Seeded<CostResult>) => costFigure(r.perSeed[0]), table: (r: Seeded<CostResult>) => costTable(r.perSeed[0]),
  },
  music: {
    run: (o, p) => musicExperiment(loadMusic(o.dataset), {
      ...musicOptions(o), seed: o.seed,
    }, p),
    selection: musicSelection,
    figure: (r: Seeded<MusicResult> | MusicGridResult) => (isMusicGrid(r) ? musicGridFigure(r) : musicFigure(r.perSeed[0])),
    table: (r: Seeded<MusicResult> | MusicGridResult) => (isMusicGrid(r) ? musicGridTables(r) : musicSeededTable(r)),
    own: ['dataset', 'max-epochs', 'models', 'grid', 'merge'],
  },
  agreement: {
    run: (o, p) => agreementExperiment({
      ...(o.quick ? agreementQuick : {}), ...inits(o), ...(o.distances ? { distances: o.distances } : {}), ...(o.mixed !== undefined ? { mixed: o.mixed } : {}), seed: o.seed,
    }, p),
    selection: agreementSelection, figure: agreementFigure, table: agreementTable, own: ['lm', 'inits', 'distances', 'mixed'],
  },
};

/** The notes' was/were pairs scored by each character model directory. */
function scoreLMs(dirs: string[]) {
  return dirs.map((dir) => {
    const { model, vocab } = loadCharLM(decodeModelDir<LMConfig>(readModelDir(dir)));
    return { model: dir, pairs: scoreVerbPairs(model, vocab) };
  });
}

function list(v: Record<string, unknown>, name: string): string[] | undefined {
  const raw = v[name];
  if (raw === undefined) return undefined;
  const items = String(raw).split(',').map((x) => x.trim()).filter(Boolean);
  if (!items.length) throw new UsageError(`--${name} expects a comma-separated list, got '${String(raw)}'`);
  return items;
}

function intList(v: Record<string, unknown>, name: string, min: number): number[] | undefined {
  return list(v, name)?.map((x) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} expects integers ≥ ${min}, got '${x}'`);
    return n;
  });
}

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
  for (const f of ['dataset', 'max-epochs', 'models', 'grid', 'merge', 'inits', 'lengths', 'delays', 'lm', 'distances', 'mixed']) {
    if (v[f] !== undefined && !exp.own?.includes(f)) throw new UsageError(`--${f} does not apply to the ${name} experiment`);
  }
  if (name === 'cost' && v.seeds !== undefined) throw new UsageError('--seeds does not apply to cost (a timing; its spread is the timed repeats)');
  const initList = list(v, 'inits');
  const modelList = list(v, 'models');
  for (const m of modelList ?? []) if (!modelKinds.includes(m as ModelKind)) throw new UsageError(`--models: each must be one of ${modelKinds.join(', ')}, got '${m}'`);
  for (const i of initList ?? []) if (!initKinds.includes(i as InitKind)) throw new UsageError(`--inits: each must be one of ${initKinds.join(', ')}, got '${i}'`);
  const nSeeds = num(v, 'seeds', v.quick || name === 'cost' ? 1 : 3, { int: true, min: 1 });
  const maxEpochs = v['max-epochs'] === undefined ? undefined : num(v, 'max-epochs', 1, { int: true, min: 1 });
  const dataset = choice(v, 'dataset', ['jsb', 'nottingham'] as const, 'jsb');
  const seed = num(v, 'seed', 0, { int: true, min: 0 });
  const out = (v.out as string | undefined) ?? join('runs', 'experiments', name);
  const mergeDirs = list(v, 'merge');
  if (mergeDirs) {
    const parts = mergeDirs.map((dir) => {
      const file = join(dir, 'result.json'), r = parseJsonLimited(readFileChecked(file, { maxBytes: MAX_TEXT_BYTES, what: 'a result file' }), `--merge: ${file}`, { maxBytes: MAX_TEXT_BYTES }) as MusicGridResult;
      if (!isMusicGrid(r)) throw new GatedError('FORMAT', `--merge: ${file} is not a music --grid result`);
      return r;
    });
    const merged = mergeMusicGrids(parts);
    mkdirSync(out, { recursive: true });
    writeFileAtomic(join(out, 'result.json'), jsonBytes(merged));
    writeFileAtomic(join(out, `${name}.svg`), exp.figure(merged as never));
    writeFileAtomic(join(out, 'table.md'), exp.table(merged as never));
    process.stdout.write(`${exp.table(merged as never)}\nmerged ${mergeDirs.join(', ')} into ${join(out, 'result.json')}\n`);
    return;
  }
  if (v.replot) {
    let result: { experiment?: string; perSeed?: unknown };
    const file = join(out, 'result.json');
    result = parseJsonLimited(readFileChecked(file, { maxBytes: MAX_TEXT_BYTES, what: 'a result file' }), `--replot: ${file}`, { maxBytes: MAX_TEXT_BYTES }) as { experiment?: string; perSeed?: unknown };
    if (result.experiment !== name) throw new GatedError('FORMAT', `--replot: ${join(out, 'result.json')} holds the '${String(result.experiment)}' experiment, not '${name}'`);
    if (!Array.isArray(result.perSeed)) throw new GatedError('FORMAT', `--replot: ${join(out, 'result.json')} predates --seeds (no perSeed); run the experiment again`);
    const lmDirs = list(v, 'lm');
    if (lmDirs) {   // agreement: score (other) character models and keep the scores in result.json
      (result as { lm?: unknown }).lm = { models: scoreLMs(lmDirs) };
      writeFileAtomic(join(out, 'result.json'), jsonBytes(result));
    }
    writeFileAtomic(join(out, `${name}.svg`), exp.figure(result as never));
    writeFileAtomic(join(out, 'table.md'), exp.table(result as never));
    process.stdout.write(`redrew ${join(out, `${name}.svg`)} and ${join(out, 'table.md')}\n`);
    return;
  }
  const time = stopwatch();
  const o: RunOptions = {
    quick: Boolean(v.quick), seed, dataset, maxEpochs, ...(modelList ? { models: modelList as ModelKind[] } : {}), ...(initList ? { inits: initList as InitKind[] } : {}),
    ...(v.lengths !== undefined ? { lengths: intList(v, 'lengths', 2) } : {}), ...(v.delays !== undefined ? { delays: intList(v, 'delays', 0) } : {}),
    ...(v.distances !== undefined ? { distances: intList(v, 'distances', 0) } : {}), ...(v.mixed !== undefined ? { mixed: num(v, 'mixed', 0, { int: true, min: 0 }) } : {}),
  };
  const onProgress = progress(), start = machine();
  mkdirSync(out, { recursive: true });
  /** result.json (the notebook), the figure and the table; called after every seed and at the end. */
  const save = (r: Seeded<unknown>, complete: boolean): string => {
    const full = stamp(r, start, time, complete);
    writeFileAtomic(join(out, 'result.json'), jsonBytes(full));
    writeFileAtomic(join(out, `${name}.svg`), exp.figure(full as never));
    const table = exp.table(full as never);
    writeFileAtomic(join(out, 'table.md'), table);
    return table;
  };
  const seeded = v.grid
    // the grid's candidates use seed 0 (or --seed); the final seeds are --seed, --seed + 1, …
    ? musicProtocol(loadMusic(dataset), musicOptions(o), { ...(o.quick ? musicGridQuick : musicGridPresets[dataset]), seed }, seedList(seed, nSeeds), onProgress, time, (soFar) => save(soFar, false))
    : runSeeds(name, seedList(seed, nSeeds), exp.selection, (s) => exp.run({ ...o, seed: s }, onProgress), time, (soFar) => save(soFar, false));
  const lmDirs = list(v, 'lm'), lm = lmDirs ? scoreLMs(lmDirs) : undefined;
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const table = save({ ...seeded, ...(lm ? { lm: { models: lm } } : {}) } as Seeded<unknown>, true);
  const [seconds, cpuSeconds] = time();
  process.stdout.write(`${table}\n${name}: done in ${seconds.toFixed(1)}s (${cpuSeconds.toFixed(1)} CPU seconds); wrote ${join(out, 'result.json')}, ${join(out, `${name}.svg`)}, ${join(out, 'table.md')}\n`);
}
