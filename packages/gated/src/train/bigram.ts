// The character bigram model: P(next | current) from add-one-smoothed counts. The baseline every language model
// in this project is measured against (validation loss in nats per character).
import type { Batch } from './data.js';
import { IGNORE } from './data.js';

/**
 * A character bigram model, P(next | current) from add-α-smoothed counts: the baseline a language model must beat
 * (validation loss in nats per character).
 * @example
 * ```ts
 * const baseline = new Bigram(vocab.size).fit(trainBatches);
 * baseline.loss(valBatches);   // nats per character
 * ```
 */
export class Bigram {
  private readonly counts: Float64Array; // [V, V]: counts[prev · V + next]
  /**
   * @param vocabSize - V: ids are in [0, V).
   * @param alpha - the additive smoothing count (default 1: Laplace).
   */
  constructor(readonly vocabSize: number, readonly alpha = 1) { this.counts = new Float64Array(vocabSize * vocabSize); }

  /** Counts every (input, target) pair of the batches. */
  fit(batches: Iterable<Batch>): this {
    const V = this.vocabSize;
    for (const b of batches) for (let i = 0; i < b.inputs.length; i++) if (b.targets[i] !== IGNORE) this.counts[b.inputs[i] * V + b.targets[i]]++;
    return this;
  }

  /** Mean negative log-likelihood (nats per character) of the batches' targets. */
  loss(batches: Iterable<Batch>): number {
    const V = this.vocabSize, rowTotals = new Float64Array(V);
    for (let p = 0; p < V; p++) for (let q = 0; q < V; q++) rowTotals[p] += this.counts[p * V + q];
    let nll = 0, n = 0;
    for (const b of batches) for (let i = 0; i < b.inputs.length; i++) {
      const p = b.inputs[i], q = b.targets[i];
      if (q === IGNORE) continue;
      nll -= Math.log((this.counts[p * V + q] + this.alpha) / (rowTotals[p] + this.alpha * V));
      n++;
    }
    return n ? nll / n : NaN;
  }
}
