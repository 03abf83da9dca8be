// Trains one music model with any MusicOptions on the train split, early stopping on validation, and prints each
// epoch's mean training-batch NLL and validation NLL, then the kept weights' validation NLL under other averaging
// conventions — never reads the test split. The Nottingham diagnosis in docs/experiments.md §5 was run this way
// (docs/results/experiments/music-nottingham/diagnosis.json).
//   npm run build && GATED_NUM_THREADS=1 node scripts/music-diagnose.mjs NAME MODEL 'OPTIONS-JSON'
//   e.g. node scripts/music-diagnose.mjs bs2 gru '{"dataset":"nottingham","batch":2,"maxLength":50,"lr":3e-3}'
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { trainMusic, musicOptions, musicNll } from '../packages/cli/dist/apps/experiments/music.js';

const [name, kind, json = '{}'] = process.argv.slice(2);
if (!name || !kind) { console.error('usage: node scripts/music-diagnose.mjs NAME rnn|gru|lstm|gru-cho [OPTIONS-JSON]'); process.exit(2); }
const o = musicOptions(JSON.parse(json));
const file = new URL(`../packages/cli/data/music/${o.dataset === 'jsb' ? 'jsb_chorales' : 'nottingham'}.json.gz`, import.meta.url);
const { train, valid } = JSON.parse(gunzipSync(readFileSync(file)).toString());
const t0 = performance.now();
let sum = 0, n = 0;
const { run, model } = trainMusic(kind, { train, valid }, o, (p) => {
  if (p.info?.startsWith('train')) { sum += Number(p.info.split(' ')[2]); n++; }
  if (p.info?.startsWith('valid')) {
    const epoch = Number(p.phase.split(' ').at(-1)), validNll = Number(p.info.split(' ')[2]);
    console.log(JSON.stringify({ name, epoch, trainBatchNll: +(sum / n).toFixed(4), validNll, seconds: Math.round((performance.now() - t0) / 1000) }));
    sum = 0; n = 0;
  }
});
// Validation NLL of the kept weights under two other averaging conventions seen in the literature: per sequence then
// over sequences, and over steps without each piece's first step (predicted from nothing; e.g. locuslab/TCN's loop).
const perPiece = valid.map((s) => musicNll(model, [s])), steps = valid.reduce((a, s) => a + s.length, 0);
const total = perPiece.reduce((a, v, i) => a + v * valid[i].length, 0), first = musicNll(model, valid.map((s) => s.slice(0, 1))) * valid.length;
const conventions = { perStep: total / steps, perSequence: perPiece.reduce((a, b) => a + b, 0) / valid.length, withoutFirstStep: (total - first) / (steps - valid.length) };
console.log(JSON.stringify({ name, model: kind, options: o, run: { ...run, curve: undefined }, validConventions: conventions }));
