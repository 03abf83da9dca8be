// The main job as a library: training lowers the loss below the bigram baseline on a learnable toy language,
// checkpoints decode back into the same model, and resuming from any epoch reaches bit-identical weights.
import { describe, expect, it } from 'vitest';
import { loadCharLM, trainCharLM, type LMConfig, type LMData } from '../../src/models/charlm-train.js';
import { sample } from '../../src/models/charlm.js';
import { decodeModelDir, encodeModelDir, type ModelDir } from '../../src/io/checkpoint.js';
import { Rng } from '../../src/random.js';

// words whose second half repeats the first: a bigram cannot predict the repeat, a recurrent net can
function toyLines(n: number, seed: number): string[] {
  const rng = new Rng(seed), letters = 'abcdefgh';
  return Array.from({ length: n }, () => {
    const half = Array.from({ length: 2 + rng.int(3) }, () => letters[rng.int(letters.length)]).join('');
    return `${half}-${half}`;
  });
}

const data: LMData = { kind: 'lines', lines: toyLines(400, 1), source: 'toy' };
const opts = { hidden: 24, layers: 1, embed: 8, epochs: 3, batch: 16, lr: 1e-2, dropout: 0, seed: 3 } as const;

const weightsEqual = (a: ModelDir<LMConfig>, b: ModelDir<LMConfig>): void => {
  expect(Object.keys(a.weights).sort()).toEqual(Object.keys(b.weights).sort());
  for (const k of Object.keys(a.weights)) expect(Buffer.from(a.weights[k].data.buffer).equals(Buffer.from(b.weights[k].data.buffer)), k).toBe(true);
};

describe('trainCharLM', () => {
  it('learns what a bigram cannot, and the checkpoint round-trips', () => {
    const epochs: { valLoss: number; baselineValLoss: number }[] = [];
    const { model, dir } = trainCharLM(data, { ...opts, epochs: 6 }, { onEpochEnd: ({ metrics }) => { epochs.push(metrics as never); } });
    expect(epochs).toHaveLength(6);
    const last = epochs[epochs.length - 1];
    expect(last.valLoss).toBeLessThan(last.baselineValLoss - 0.2);
    const back = loadCharLM(decodeModelDir<LMConfig>(encodeModelDir(dir)));
    for (const [name, p] of back.model.namedParameters()) expect(Array.from(p.data)).toEqual(Array.from(model.stateDict()[name].data));
    const s = sample(back.model, back.vocab, new Rng(1), { maxLength: 20 });
    expect(s.length).toBeGreaterThan(0);
    expect([...s].every((c) => 'abcdefgh-'.includes(c))).toBe(true);
  });

  it('resumes from an epoch checkpoint to bit-identical weights', () => {
    const cfg = { ...opts, dropout: 0.2, layers: 2 };
    let afterOne: ModelDir<LMConfig> | undefined;
    const full = trainCharLM(data, cfg, { onEpochEnd: ({ checkpoint }) => { if (checkpoint.state && (checkpoint.state as { epoch: number }).epoch === 1) afterOne = checkpoint; } }).dir;
    const restored = decodeModelDir<LMConfig>(encodeModelDir(afterOne!));
    const resumed = trainCharLM(data, {}, { resume: restored }).dir;
    weightsEqual(resumed, full);
  });

  it('fine-tunes from a model directory (init): its architecture, vocabulary and weights, a fresh optimizer', () => {
    const trained = trainCharLM(data, { ...opts, epochs: 2 }).dir;
    const plain = decodeModelDir<LMConfig>(encodeModelDir({ weights: trained.weights, config: trained.config })); // as PyTorch writes it
    const more: LMData = { kind: 'lines', lines: toyLines(60, 2), source: 'more' };
    const tuned = trainCharLM(more, { epochs: 1, batch: 16, lr: 1e-9, schedule: 'constant', dropout: 0 }, { init: plain }).dir;
    expect(tuned.config.model).toEqual(trained.config.model);
    expect(tuned.config.vocab).toEqual(trained.config.vocab);
    expect(tuned.config.training).toMatchObject({ hidden: 24, layers: 1, embed: 8, epochs: 1, lr: 1e-9 });
    expect((tuned.state as { step: number }).step).toBe(4);
    for (const k of Object.keys(trained.weights)) {
      const a = trained.weights[k].data, b = tuned.weights[k].data;
      expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]))), k).toBeLessThan(1e-7);
    }
    expect(() => trainCharLM(more, { hidden: 32 }, { init: plain })).toThrow(/hidden 32 differs from the initial weights' hidden 24; fine-tuning keeps the architecture/);
    expect(() => trainCharLM({ kind: 'lines', lines: ['abc', 'xyz'], source: 'x' }, {}, { init: plain })).toThrow(/character "x" .* not in the model's vocabulary/);
    expect(() => trainCharLM(more, {}, { init: plain, resume: trained })).toThrow(/either resume or init/);
  });

  it("weight decay: 0.1 with the default AdamW, another optimizer's own when only the optimizer is given, old checkpoints unchanged", () => {
    const tiny = { ...opts, epochs: 1 };
    const opt = (d: ModelDir<LMConfig>) => (d.optimizer as { hyper: { weightDecay: number } }).hyper.weightDecay;
    const byDefault = trainCharLM(data, tiny).dir, adam = trainCharLM(data, { ...tiny, optimizer: 'adam' }).dir;
    const set = trainCharLM(data, { ...tiny, optimizer: 'sgd', weightDecay: 0.05 }).dir;
    expect(byDefault.config.training).toMatchObject({ optimizer: 'adamw', weightDecay: 0.1 });
    expect(adam.config.training).toMatchObject({ optimizer: 'adam', weightDecay: null });
    expect(set.config.training).toMatchObject({ optimizer: 'sgd', weightDecay: 0.05 });
    expect([opt(byDefault), opt(adam), opt(set)]).toEqual([0.1, 0, 0.05]);   // what the optimizers got
    // a checkpoint written before weightDecay existed resumes with its optimizer's own decay, not the new default
    const old = decodeModelDir<LMConfig>(encodeModelDir(adam));
    delete (old.config.training as Partial<LMConfig['training']>).weightDecay;
    const resumed = trainCharLM(data, { epochs: 2 }, { resume: old }).dir;
    expect(resumed.config.training).toMatchObject({ optimizer: 'adam', weightDecay: null });
    expect(() => trainCharLM(data, { ...tiny, weightDecay: -1 })).toThrow(/weightDecay must be ≥ 0 or null/);
  });
});
