// The validation sweep behind the character-level spam defaults (docs/tasks.md, spam): trains the character-level GRU
// on one seed's split for each setting and records its validation curve; the test split is never read here.
// Usage: GATED_NUM_THREADS=1 nice -n 10 npx tsx scripts/spam-char-validation.ts OUT.json [--seed S] SETTING…
//   SETTING: comma-separated key=value pairs of SpamOptions, e.g. maxChars=800,epochs=8 (level is always 'char').
// OUT.json is rewritten after every setting: the seed, the machine, and per setting its options, every epoch's
// validation loss / accuracy / F1, the kept (lowest validation loss) epoch, its validation ROC AUC / PR AUC and the time.
// The kernels are set up as `gated` sets them (relaxed-SIMD build, GATED_NUM_THREADS), so that a setting here and the
// same setting trained by `gated task spam train` compute the same numbers.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { getNumThreads, getWasmBuild, prAuc, rocAuc, setNumThreads, type EpochMetrics } from 'gated';
import { enableRelaxedSimd } from 'gated/node';
import { dedupeDocs, splitDocs } from '../packages/cli/src/apps/tasks/spam-data.js';
import { defaultSpamOptions, spamDocs, spamProbs, trainSpam, type SpamOptions } from '../packages/cli/src/apps/tasks/spam.js';
import { bestEpoch } from '../packages/cli/src/apps/tasks/seeded.js';
import { spamAssassin } from '../packages/cli/src/task-datasets.js';

enableRelaxedSimd();
if (process.env.GATED_NUM_THREADS) setNumThreads(Number(process.env.GATED_NUM_THREADS));
const args = process.argv.slice(2), out = args.shift();
let seed = 1;
if (args[0] === '--seed') { args.shift(); seed = Number(args.shift()); }
if (!out || !Number.isInteger(seed) || args.length === 0) throw new Error('usage: spam-char-validation.ts OUT.json [--seed S] key=value,… …');

/** One setting: 'maxChars=800,epochs=8' → the options it changes (numbers, or strings for the string-valued options). */
function setting(s: string): Partial<SpamOptions> {
  return Object.fromEntries(s.split(',').map((kv) => {
    const [k, v] = kv.split('=');
    if (!(k in defaultSpamOptions) || v === undefined) throw new Error(`unknown setting '${kv}'`);
    return [k, typeof defaultSpamOptions[k as keyof SpamOptions] === 'number' ? Number(v) : v];
  }));
}

// The split of `gated task spam train --seed S`: near-duplicates removed on the word tokens (maxTokens 200), then split.
const maxChars = Math.max(...args.map((a) => setting(a).maxChars ?? defaultSpamOptions.maxChars));
const split = splitDocs(dedupeDocs(spamDocs(spamAssassin(), defaultSpamOptions.maxTokens, maxChars)).docs, seed);
const runs: unknown[] = [];
for (const a of args) {
  const o: Partial<SpamOptions> = { ...setting(a), level: 'char', seed };
  // each setting truncates the shared documents to its own budget
  const cut = (docs: typeof split.train) => docs.map((d) => ({ ...d, chars: d.chars!.slice(0, o.maxChars ?? defaultSpamOptions.maxChars) }));
  const part = { train: cut(split.train), val: cut(split.val), test: [] };
  const t0 = performance.now(), c0 = process.cpuUsage(), epochs: EpochMetrics[] = [];
  const t = trainSpam(part, o, { onEpochEnd: ({ metrics: m }) => { epochs.push(m); console.log(`${a} epoch ${m.epoch}: val loss ${m.valLoss.toFixed(4)} accuracy ${m.valAccuracy.toFixed(4)} F1 ${m.valF1.toFixed(4)} ${m.seconds.toFixed(0)}s`); } });
  const p = spamProbs(t.model, part.val, t.inputs), labels = part.val.map((d) => d.label);
  const c = process.cpuUsage(c0);
  runs.push({
    setting: a, options: t.dir.config.training, charVocab: t.inputs.size, epochs, bestEpoch: bestEpoch(epochs),
    kept: { ...epochs[bestEpoch(epochs) - 1], valRocAuc: rocAuc(p, labels), valPrAuc: prAuc(p, labels) },
    wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6, loadAverage: loadavg()[0],
  });
  writeFileSync(out, JSON.stringify({ experiment: 'spam character-level validation sweep', split: 'validation of the seed', seed,
    sizes: { train: split.train.length, val: split.val.length }, machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
    kernels: { build: getWasmBuild(), threads: getNumThreads() }, runs }, null, 2) + '\n');
  console.log(`${a}: kept epoch ${bestEpoch(epochs)}, ${((performance.now() - t0) / 1000).toFixed(0)}s wall, ${((c.user + c.system) / 1e6).toFixed(0)}s CPU`);
}
