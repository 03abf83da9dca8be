// Chooses the G2P decoding (beam width × length penalty) of a trained model on the validation words only, scored
// against every listed pronunciation; the test split is not read. Prints one JSON line per setting, then the choice.
//   npm run build && node scripts/g2p-decoding-validation.mjs runs/g2p [BEAMS=1,4,8] [PENALTIES=0.6,1,1.4]
import { decodeModelDir } from 'gated';
import { enableRelaxedSimd, readModelDir } from 'gated/node';
import { cleanCmudict, splitEntries } from '../packages/cli/dist/apps/tasks/g2p-data.js';
import { evaluateG2P, loadG2P } from '../packages/cli/dist/apps/tasks/g2p.js';
import { cmudict } from '../packages/cli/dist/task-datasets.js';

enableRelaxedSimd();   // the kernels the CLI uses (Node 20: the fused multiply-add build), so numbers match `gated task g2p`

const [dir, beams = '1,4,8', penalties = '0.6,1,1.4'] = process.argv.slice(2);
if (!dir) { console.error('usage: node scripts/g2p-decoding-validation.mjs MODEL_DIR [BEAMS] [PENALTIES]'); process.exit(2); }
const g = loadG2P(decodeModelDir(readModelDir(dir)));
const { val } = splitEntries(cleanCmudict(cmudict()), g.config.data.seed);
const rows = [];
for (const beam of beams.split(',').map(Number)) {
  for (const lengthPenalty of (beam === 1 ? [1] : penalties.split(',').map(Number))) {
    const t0 = performance.now(), e = evaluateG2P(g.model, val, g.letters, g.phonemes, { beam, lengthPenalty });
    const row = { beam, lengthPenalty, words: val.length, per: e.per, wer: e.wer, seconds: Math.round((performance.now() - t0) / 100) / 10 };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
}
// the rule: lowest validation WER, then lowest PER; ties to the earlier (smaller, cheaper) setting
const best = rows.reduce((a, b) => (b.wer < a.wer || (b.wer === a.wer && b.per < a.per) ? b : a));
console.log(JSON.stringify({ selected: best, rule: 'lowest validation WER (any listed pronunciation), then PER; ties to the earlier setting' }));
