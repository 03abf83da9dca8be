// fit(): NaN/Inf detection names the step, early stopping, events, and seeded shuffling.
import { describe, expect, it } from 'vitest';
import { GatedError, tensor } from '../../src/index.js';
import { fit, type TrainEvent } from '../../src/train/trainer.js';
import { SGD } from '../../src/train/optim/sgd.js';
import { shuffle } from '../../src/train/data.js';

const w = () => tensor([0.5], [1], { requiresGrad: true });

describe('fit', () => {
  it('stops with a typed error naming epoch and step when the loss is not finite', () => {
    const p = w();
    const run = () => fit({
      params: [p], optimizer: new SGD([p], { lr: 0.1 }), epochs: 2, batches: () => [1, 2, 3, 4],
      lossOf: (b, epoch) => ({ loss: p.mul(epoch === 2 && b === 3 ? NaN : b).sum(), count: 1 }),
      validate: () => 0,
    });
    expect(run).toThrowError(GatedError);
    expect(run).toThrowError('training loss is NaN at epoch 2, step 3 of 4 (global step 7)');
  });

  it('early-stops after `patience` epochs without improvement and reports events', () => {
    const p = w(), events: TrainEvent['type'][] = [], vals = [3, 2, 2.5, 2.4, 2.2, 1];
    const state = fit({
      params: [p], optimizer: new SGD([p], { lr: 0.01 }), epochs: 6, batches: () => [1],
      lossOf: () => ({ loss: p.mul(p).sum(), count: 1 }),
      validate: () => vals[events.filter((e) => e === 'epochEnd').length],
      earlyStopping: { patience: 2 }, onEvent: (e) => { if (e.type !== 'step') events.push(e.type); },
    });
    expect(state.epoch).toBe(4);
    expect(state.bestValLoss).toBe(2);
    expect(events.at(-1)).toBe('earlyStop');
    expect(state.metrics.map((m) => m.valLoss)).toEqual([3, 2, 2.5, 2.4]);
  });

  it('shuffles differently per epoch but reproducibly per seed', () => {
    const orders = (seed: number) => {
      const p = w(), seen: number[][] = [];
      fit({
        params: [p], optimizer: new SGD([p], { lr: 0 }), epochs: 3, seed,
        batches: (_e, rng) => { const o = shuffle([1, 2, 3, 4, 5, 6, 7, 8], rng); seen.push(o); return o; },
        lossOf: () => ({ loss: p.sum(), count: 1 }), validate: () => 0,
      });
      return seen;
    };
    const a = orders(1);
    expect(a).toEqual(orders(1));
    expect(a[0]).not.toEqual(a[1]);
    expect(a).not.toEqual(orders(2));
  });

  it('with `model`, lossOf runs in training mode and validate in eval mode; fit returns in eval mode', () => {
    const p = w(), modes: string[] = [];
    const model = { training: false, train() { this.training = true; }, eval() { this.training = false; } };
    fit({
      model, params: [p], optimizer: new SGD([p], { lr: 0.1 }), epochs: 2, batches: () => [1, 2],
      lossOf: (b) => { modes.push(model.training ? 'train' : 'eval'); return { loss: p.mul(b).sum(), count: 1 }; },
      validate: () => { modes.push(model.training ? 'train' : 'eval'); return 0; },
    });
    expect(modes).toEqual(['train', 'train', 'eval', 'train', 'train', 'eval']);
    expect(model.training).toBe(false);
  });
});
