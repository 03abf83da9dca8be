import { cleanCmudict, splitEntries, g2pBatches } from './packages/cli/dist/apps/tasks/g2p-data.js';
import { prepareG2P, defaultG2POptions } from './packages/cli/dist/apps/tasks/g2p.js';
import { cmudict } from './packages/cli/dist/task-datasets.js';
import { Seq2Seq, Adam, manualSeed, Rng } from 'gated';
const attention = process.argv[2] ?? 'bahdanau', batch = Number(process.argv[3] ?? 64), hidden = Number(process.argv[4] ?? 128);
const o = { ...defaultG2POptions, attention, batch, hidden };
const data = prepareG2P(splitEntries(cleanCmudict(cmudict()), 1), o);
manualSeed(1);
const model = new Seq2Seq({ srcVocab: data.letters.size, tgtVocab: data.phonemes.size, embed: o.embed, hidden: o.hidden, encoderLayers: 1, decoderLayers: 1, bidirectional: true, cell: 'gru', attention, dropout: 0.1, bos: 0, eos: 1 });
const opt = new Adam(model.parameters(), { lr: 3e-3 });
const bs = g2pBatches(data.train, batch, new Rng(1));
model.train();
const N = Number(process.argv[5] ?? 60);
let t0 = performance.now(), tf = 0, tb = 0;
for (let i = 0; i < N; i++) {
  const b = bs[i];
  const a = performance.now();
  const r = model.loss(b.src, b.tgt);
  const m = performance.now();
  opt.zeroGrad(); r.loss.backward(); opt.step();
  tf += m - a; tb += performance.now() - m;
}
const per = (performance.now() - t0) / N;
console.log(`${attention} batch ${batch} hidden ${hidden}: ${per.toFixed(1)} ms/batch (fwd ${(tf/N).toFixed(1)}, bwd+step ${(tb/N).toFixed(1)}), epoch ≈ ${(per * bs.length / 1000).toFixed(0)} s`);
