// The --quick experiments (what `gated experiment vanishing|adding --quick` run): the JSON's shape, and the seeds'
// claims in small: the tanh RNN's gradient vanishes exponentially with distance; after a short training on the adding
// problem the GRU's does not (it solved the task) while the RNN's still does (it did not).
// Skipped on the js kernel backend (GATED_BACKEND=js): these are ~10 s trainings each; the kernels they use are
// compared between backends in test/kernels/, and the same code runs on js in parts.test.ts at toy sizes.
import { describe, expect, it } from 'vitest';
import { addingExperiment, addingQuick } from '../../../src/apps/experiments/adding.js';
import { vanishingExperiment, vanishingQuick } from '../../../src/apps/experiments/vanishing.js';

describe.skipIf(process.env.GATED_BACKEND === 'js')('quick experiments', () => {
  it('vanishing: RNN gradients vanish at init and after training; the trained GRU keeps them', () => {
    const r = JSON.parse(JSON.stringify(vanishingExperiment({ ...vanishingQuick, inits: ['pytorch'] }))) as ReturnType<typeof vanishingExperiment>;
    const { T, hidden } = r.options;
    expect(r.models.map((m) => m.model)).toEqual(['rnn', 'gru', 'lstm']);
    for (const m of r.models) {
      expect(m.init.norms).toHaveLength(T + 1);
      expect(m.trained!.norms).toHaveLength(T + 1);
      expect(Object.keys(m.trained!.adding).sort()).toEqual(['T', 'finalMse', 'init', 'model', 'params', 'seconds', 'steps', 'stepsToSolve', 'testMse']);
    }
    expect(r.rnnSpectrum!.init).toHaveLength(hidden);
    const [rnn, gru] = r.models;
    // exponential decay: ten orders of magnitude over 50 steps at init
    expect(rnn.init.norms[50] / rnn.init.norms[0]).toBeLessThan(1e-8);
    // training: the GRU solves the adding problem, the RNN does not
    expect(gru.trained!.adding.stepsToSolve).not.toBeNull();
    expect(rnn.trained!.adding.stepsToSolve).toBeNull();
    // and now the GRU's gradient at distance 50 is within 10× of the last step's, the RNN's orders of magnitude below the GRU's
    expect(gru.trained!.norms[50]).toBeGreaterThan(0.1 * gru.trained!.norms[0]);
    expect(rnn.trained!.norms[50]).toBeLessThan(1e-6 * gru.trained!.norms[50]);
  }, 120_000);

  it('adding (T = 50): the GRU gets below MSE 0.01, the tanh RNN stays near the always-1 baseline', () => {
    const r = addingExperiment({ ...addingQuick, inits: ['pytorch'] });
    expect(r.baseline).toHaveLength(1);
    expect(Math.abs(r.baseline[0].mse - 1 / 6)).toBeLessThan(0.03);
    expect(r.runs.map((x) => [x.model, x.T])).toEqual([['rnn', 50], ['gru', 50], ['lstm', 50]]);
    const [rnn, gru] = r.runs;
    expect(gru.stepsToSolve).not.toBeNull();
    expect(gru.finalMse).toBeLessThan(0.01);
    expect(rnn.stepsToSolve).toBeNull();
    expect(rnn.finalMse).toBeGreaterThan(0.1);
    for (const x of r.runs) expect(x.curve[0][0]).toBe(0);
  }, 120_000);
});
