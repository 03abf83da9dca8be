// Scores a G2P setting on the validation words only (the test split is not read): the script behind the validation
// choices in docs/tasks.md §1. Either trains the setting (options over the defaults) or reads a trained model; prints
// one JSON line (greedy and the default beam, both scorings), appended to OUT.jsonl if given.
//   npm run build && node scripts/g2p-validation.mjs '{"labelSmoothing":0.1}' [OUT.jsonl]   # train, then score
//   node scripts/g2p-validation.mjs --model runs/g2p [OUT.jsonl]                             # score a saved model
//   node scripts/g2p-validation.mjs --table OUT.jsonl      # the rows as a markdown table, mean ± sd per setting (docs/tasks.md)
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { decodeModelDir, getWasmBuild } from 'gated';
import { enableRelaxedSimd, readModelDir } from 'gated/node';
import { cleanCmudict, splitEntries } from '../packages/cli/dist/apps/tasks/g2p-data.js';
import { defaultG2POptions, evaluateG2P, loadG2P, prepareG2P, trainG2P } from '../packages/cli/dist/apps/tasks/g2p.js';
import { cmudict } from '../packages/cli/dist/task-datasets.js';
import { fmtSpread, spread } from '../packages/cli/dist/apps/experiments/seeds.js';

enableRelaxedSimd();   // the kernels the CLI uses (Node 20: the fused multiply-add build), so numbers match `gated task g2p`

const args = process.argv.slice(2);
if (args[0] === '--table') { console.log(table(readFileSync(args[1], 'utf8').trim().split('\n').map((l) => JSON.parse(l)))); process.exit(0); }
const saved = args[0] === '--model' ? args[1] : null, out = saved ? args[2] : args[1];
const t0 = performance.now(), c0 = process.cpuUsage();
const split = splitEntries(cleanCmudict(cmudict()));
let row;
if (saved) {
  const g = loadG2P(decodeModelDir(readModelDir(saved)));
  const metrics = existsSync(join(saved, 'metrics.json')) ? JSON.parse(readFileSync(join(saved, 'metrics.json'), 'utf8')) : [];
  row = { model: saved, options: g.config.training, seed: g.config.training.seed, ...scores(g.model, split.val, g.letters, g.phonemes, g.config.training), bestValLoss: Math.min(...metrics.map((m) => m.valLoss)), epochs: metrics };
} else {
  const options = JSON.parse(args[0] ?? '{}'), o = { ...defaultG2POptions, ...options };
  const data = prepareG2P(split, o), epochs = [];
  const { model } = trainG2P(data, o, {
    onEpochEnd: ({ metrics: m }) => { epochs.push(m); console.error(`epoch ${m.epoch}: train ${m.trainLoss.toFixed(4)} val ${m.valLoss.toFixed(4)} (500 words greedy PER ${(100 * m.valPER).toFixed(2)} WER ${(100 * m.valWER).toFixed(1)}) ${m.seconds.toFixed(0)}s`); },
  });
  const cpu = process.cpuUsage(c0);
  row = {
    options, seed: o.seed, ...scores(model, data.val, data.letters, data.phonemes, o), bestValLoss: Math.min(...epochs.map((m) => m.valLoss)), epochs,
    trainSeconds: Math.round((performance.now() - t0) / 1000), cpuSeconds: Math.round((cpu.user + cpu.system) / 1e6), threads: process.env.GATED_NUM_THREADS ?? 'default',
  };
}
row.machine = { cpu: cpus()[0]?.model, cores: cpus().length, load: loadavg()[0], node: process.version, kernels: getWasmBuild() };
console.log(JSON.stringify(row));
if (out) appendFileSync(out, JSON.stringify(row) + '\n');

/** Greedy and beam (the setting's width and penalty) on every validation word, against any listed pronunciation and the first. */
function scores(model, val, letters, phonemes, o) {
  const one = (beam) => { const e = evaluateG2P(model, val, letters, phonemes, { beam, lengthPenalty: o.lengthPenalty }); return { per: e.per, wer: e.wer, firstReference: e.firstReference }; };
  return { words: val.length, greedy: one(1), [`beam${o.beam}`]: one(o.beam) };
}

/** One row per setting (what differs from the defaults): greedy and beam PER / WER on validation, mean ± sd over its seeds. */
function table(rows) {
  const key = (r) => {
    // label smoothing always named (models trained before the option have none: 0); other options where they differ
    const d = Object.entries(r.options).filter(([k, v]) => !['seed', 'trainLimit', 'testLimit', 'labelSmoothing'].includes(k) && JSON.stringify(defaultG2POptions[k]) !== JSON.stringify(v));
    return [`label smoothing ${r.options.labelSmoothing ?? 0}`, ...d.map(([k, v]) => `${k} ${v}`)].join(', ');
  };
  const groups = new Map();
  for (const r of rows) { const k = key(r); if (!groups.has(k)) groups.set(k, []); groups.get(k).push(r); }
  const ms = (xs) => `${fmtSpread(spread(xs.map((x) => 100 * x)), 2)}%`;
  const beamKey = (r) => Object.keys(r).find((k) => /^beam\d+$/.test(k));
  const lines = ['| setting | seeds | greedy PER | greedy WER | beam PER | beam WER |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const [k, rs] of groups) {
    const b = rs.map((r) => r[beamKey(r)]);
    lines.push(`| ${k} | ${rs.map((r) => r.seed).join(', ')} | ${ms(rs.map((r) => r.greedy.per))} | ${ms(rs.map((r) => r.greedy.wer))} | ${ms(b.map((x) => x.per))} | ${ms(b.map((x) => x.wer))} |`);
  }
  return lines.join('\n');
}
