// Synthetic long-range tasks, generated from a seeded Rng so every run sees the same data:
//  - adding (Hochreiter & Schmidhuber 1997; the form of Le et al. 2015): T steps of (value ~ U(0, 1), marker); exactly
//    two markers, one in each half; the target is the sum of the two marked values. Predicting 1 always gives
//    MSE = Var(u₁ + u₂) = 2/12 ≈ 0.167.
//  - copy (Hochreiter & Schmidhuber 1997, Arjovsky et al. 2016): k symbols, D blanks, a "go" marker, k − 1 blanks;
//    after "go" the model must output the k symbols in order. Chance accuracy is 1/S.
// Dimensions: T time, B batch.
import { Rng, Tensor } from 'gated';

/** Always-predict-1 MSE of the adding problem: Var(u₁ + u₂) for u ~ U(0, 1). */
export const ADDING_BASELINE = 1 / 6;

/** x [T, B, 2] (value, marker), y [B, 1]. */
export function addingBatch(T: number, B: number, rng: Rng): { x: Tensor; y: Tensor } {
  const x = new Float32Array(T * B * 2), y = new Float32Array(B);
  const half = Math.floor(T / 2);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) x[(t * B + b) * 2] = rng.next();
    const i = rng.int(half), j = half + rng.int(T - half);
    x[(i * B + b) * 2 + 1] = 1; x[(j * B + b) * 2 + 1] = 1;
    y[b] = x[(i * B + b) * 2] + x[(j * B + b) * 2];
  }
  return { x: new Tensor(x, [T, B, 2]), y: new Tensor(y, [B, 1]) };
}

/** Copy task layout: symbols 1..S, blank 0, go S + 1; input one-hot [T, B, S + 2] with T = D + 2k. */
export interface CopyBatch {
  x: Tensor;
  /** [k, B] the symbols to recall (class index symbol − 1, so S classes). */
  targets: Int32Array;
  T: number;
  /** First time step whose output is scored (the "go" step); outputs t ∈ [first, first + k) recall symbols 1..k. */
  first: number;
}

export function copyBatch(k: number, D: number, S: number, B: number, rng: Rng): CopyBatch {
  const T = D + 2 * k, V = S + 2, first = k + D;
  const x = new Float32Array(T * B * V), targets = new Int32Array(k * B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      let sym = 0;                                   // blank
      if (t < k) { sym = 1 + rng.int(S); targets[t * B + b] = sym - 1; }
      else if (t === first) sym = S + 1;             // go
      x[(t * B + b) * V + sym] = 1;
    }
  }
  return { x: new Tensor(x, [T, B, V]), targets, T, first };
}
