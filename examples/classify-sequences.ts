// A sequence classifier on numbers, end to end: read a CSV (label, then the sequence's values), train a GRU with
// `fit`, report validation accuracy, save the weights as safetensors and load them back.
// Run: npx tsx examples/classify-sequences.ts   (data: examples/data/sequences.csv, made by make-sequences.ts)
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Adam, Rng, SequenceClassifier, accuracy, crossEntropy, featureBatches, fit, manualSeed, noGrad, readSafetensors, splitTrainVal, writeSafetensors } from 'gated';

manualSeed(0);
const rows = readFileSync(new URL('./data/sequences.csv', import.meta.url), 'utf8').trim().split('\n').map((l) => l.split(',').map(Number));
const { train, val } = splitTrainVal(rows, 0.2, new Rng(0));
const [valBatch] = featureBatches(val.map((r) => r.slice(1)), val.map((r) => r[0]), val.length);   // x [N, T, 1]

const options = { inputSize: 1, hidden: 32, classes: 2, pool: 'mean' } as const;
const model = new SequenceClassifier(options);
fit({
  model, params: model.parameters(), optimizer: new Adam(model.parameters(), { lr: 0.01 }), epochs: 6, seed: 0, clip: 1,
  batches: (_epoch, rng) => featureBatches(train.map((r) => r.slice(1)), train.map((r) => r[0]), 32, rng),
  lossOf: (b) => ({ loss: crossEntropy(model.forward(b.x, b.lengths), b.y), count: b.lengths.length }),
  validate: () => noGrad(() => crossEntropy(model.forward(valBatch.x, valBatch.lengths), valBatch.y).item()),
  onEvent: (e) => { if (e.type === 'epochEnd') console.log(`epoch ${e.metrics.epoch}: train loss ${e.metrics.trainLoss.toFixed(3)}, validation loss ${e.metrics.valLoss.toFixed(3)}`); },
});
const acc = noGrad(() => accuracy(model.forward(valBatch.x, valBatch.lengths), valBatch.y));
console.log(`validation accuracy ${(100 * acc).toFixed(1)}% (${val.length} sequences)`);

const file = join(tmpdir(), 'sequence-classifier.safetensors');
writeFileSync(file, writeSafetensors(model.stateDict()));
const reloaded = new SequenceClassifier(options);
reloaded.loadStateDict(readSafetensors(new Uint8Array(readFileSync(file))));
reloaded.eval();
const again = noGrad(() => accuracy(reloaded.forward(valBatch.x, valBatch.lengths), valBatch.y));
console.log(`reloaded from ${file}: validation accuracy ${(100 * again).toFixed(1)}%`);
