// The hand-over between PyTorch and gated, without Python: model directories written by examples/pytorch-ddp/train.py
// (2 DDP processes) load into gated with PyTorch's logits and losses on a fixed text, and a directory written by
// `gated train` gives in gated the logits PyTorch computed from it (test/fixtures/charlm/, test/generators/charlm_ddp.py).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeModelDir } from '../../src/io/checkpoint.js';
import { readSafetensors, readSafetensorsMetadata } from '../../src/io/safetensors.js';
import { evaluateLoss } from '../../src/models/charlm.js';
import { loadCharLM, type LMConfig } from '../../src/models/charlm-train.js';
import { readModelDir } from '../../src/node/files.js';
import { Rng } from '../../src/random.js';
import { noGrad } from '../../src/tensor/tensor.js';
import { Bigram } from '../../src/train/bigram.js';
import { BOUNDARY, lineBatches, splitTrainVal, streamChunks } from '../../src/train/data.js';

const FIX = fileURLToPath(new URL('../fixtures/charlm/', import.meta.url));
const text = (name: string): string => readFileSync(FIX + name, 'utf8');
const nonEmptyLines = (s: string): string[] => s.split(/\r?\n/).filter((l) => l.length > 0);

/** Largest |a − b| and where. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; at: number } {
  expect(a.length).toBe(b.length);
  let diff = 0, at = -1;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > diff) { diff = Math.abs(a[i] - b[i]); at = i; }
  return { diff, at };
}

/** −log softmax(z)[target] in float64. */
function nll(z: Float32Array, target: number): number {
  const m = Math.max(...z);
  let s = 0;
  for (const v of z) s += Math.exp(v - m);
  return m + Math.log(s) - z[target];
}

const cases = [
  { name: 'ddp-gru', madeBy: 'pytorch', train: 'names-small.txt', scored: 'eval-names.txt' },
  { name: 'ddp-lstm-stream', madeBy: 'pytorch', train: 'stream.txt', scored: 'eval-stream.txt' },
  { name: 'gated-gru', madeBy: 'gated', train: 'names-small.txt', scored: 'eval-names.txt' },
] as const;

describe.each(cases)('$name (written by $madeBy)', ({ name, madeBy, train, scored }) => {
  const { model, vocab, config } = loadCharLM(decodeModelDir<LMConfig>(readModelDir(FIX + name)));
  const refBytes = new Uint8Array(readFileSync(`${FIX}${name}.reference.safetensors`));
  const ref = readSafetensors(refBytes), meta = readSafetensorsMetadata(refBytes);
  const stream = config.data.kind === 'stream', V = config.model.vocabSize;

  it('gives PyTorch\'s logits and per-character losses on the fixed text within 1e-5', () => {
    const pieces = stream
      ? [((ids) => ({ input: ids.subarray(0, ids.length - 1), target: ids.subarray(1) }))(vocab.encode(text(scored)))]
      : nonEmptyLines(text(scored)).map((l) => ({ input: Int32Array.from([BOUNDARY, ...vocab.encode(l)]), target: Int32Array.from([...vocab.encode(l), BOUNDARY]) }));
    expect(JSON.parse(meta.pieces)).toEqual(pieces.map((p) => p.input.length));
    const logits: number[] = [], losses: number[] = [];
    noGrad(() => {
      for (const { input, target } of pieces) {
        const z = model.forward(input, input.length, 1).logits.data; // [T, 1, V]
        logits.push(...z);
        for (let t = 0; t < input.length; t++) losses.push(nll(z.subarray(t * V, (t + 1) * V), target[t]));
      }
    });
    const l = maxDiff(logits, ref.logits.data), n = maxDiff(losses, ref.nll.data);
    expect(l.diff, `logits differ most at position ${Math.floor(l.at / V)}, character id ${l.at % V}`).toBeLessThanOrEqual(1e-5);
    expect(n.diff, `loss differs most at position ${n.at}`).toBeLessThanOrEqual(1e-5);
  });

  it('scores the text as `gated eval` does to PyTorch\'s mean loss within 1e-5', () => {
    const batches = stream
      ? streamChunks(vocab.encode(text(scored)), 1, config.training.chunk)
      : lineBatches(nonEmptyLines(text(scored)).map((l) => vocab.encode(l)), 64);
    expect(Math.abs(evaluateLoss(model, batches, stream) - Number(meta.loss))).toBeLessThanOrEqual(1e-5);
  });

  it.runIf(madeBy === 'pytorch')('has the validation and bigram losses gated computes on its own split of the training file', () => {
    const o = config.training;
    let trainBatches, valBatches;
    if (stream) {
      const ids = vocab.encode(text(train)), cut = Math.floor(ids.length * (1 - o.valFraction)), val = ids.subarray(cut);
      trainBatches = streamChunks(ids.subarray(0, cut), o.batch, o.chunk);
      valBatches = streamChunks(val, Math.max(1, Math.min(o.batch, Math.floor(val.length / (o.chunk + 1)))), o.chunk);
    } else {
      const split = splitTrainVal(nonEmptyLines(text(train)).map((l) => vocab.encode(l)), o.valFraction, new Rng(o.seed ^ 0x51ab));
      trainBatches = lineBatches(split.train, o.batch);
      valBatches = lineBatches(split.val, o.batch);
    }
    const metrics = JSON.parse(readFileSync(`${FIX}${name}/metrics.json`, 'utf8')) as { valLoss: number; baselineValLoss: number }[];
    const last = metrics[metrics.length - 1];
    expect(Math.abs(evaluateLoss(model, valBatches, stream) - last.valLoss)).toBeLessThanOrEqual(1e-5);
    expect(Math.abs(new Bigram(V).fit(trainBatches).loss(valBatches) - last.baselineValLoss)).toBeLessThanOrEqual(1e-9);
  });
});
