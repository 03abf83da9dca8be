// Trains a small GRU language model for N steps (argv[2]) and prints, every 100 steps after a forced GC, the
// JS heap + ArrayBuffer bytes + RSS — used by test/train/memory.test.ts (run with --expose-gc).
import { CharLM } from '../../src/models/charlm.js';
import { Adam } from '../../src/train/optim/adam.js';
import { lineBatches } from '../../src/train/data.js';
import { Rng, manualSeed } from '../../src/random.js';

const steps = Number(process.argv[2] ?? 1000);
manualSeed(1);
const rng = new Rng(2);
const lines = Array.from({ length: 256 }, () => Int32Array.from({ length: 3 + rng.int(8) }, () => 1 + rng.int(20)));
const model = new CharLM({ vocabSize: 21, cell: 'gru', embed: 8, hidden: 32, layers: 2, dropout: 0.1 });
const opt = new Adam(model.parameters(), { lr: 1e-3 });
const gc = (globalThis as { gc?: () => void }).gc!;
const samples: number[][] = [];
let batches = lineBatches(lines, 16, rng), k = 0;
/** One training step; its graph goes out of scope when it returns, so the samples below never include it. */
function step(): void {
  if (k === batches.length) { batches = lineBatches(lines, 16, rng); k = 0; }
  opt.zeroGrad();
  const { loss } = model.batchLoss(batches[k++]);
  loss.backward();
  opt.step();
}
for (let s = 1; s <= steps; s++) {
  step();
  if (s % 100 === 0) {
    gc(); gc();
    const m = process.memoryUsage();
    samples.push([s, m.heapUsed + m.arrayBuffers, m.rss]);
  }
}
process.stdout.write(JSON.stringify(samples));
