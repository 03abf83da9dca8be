// Parameter counts and memory estimates of the playground's CharLM (Embedding → GRU | LSTM | RNN → Linear), computed
// from the sizes alone, so the page can validate a form and match parameter counts before any model exists.
// The counts equal the library's (`model.numParameters()`); test/params.test.ts checks that.
import type { CellKind } from './gated.js';

/** Gate blocks per cell: a GRU has r, z, n; an LSTM i, f, g, o; a plain RNN one. */
export const GATE_BLOCKS: Record<CellKind, number> = { rnn: 1, gru: 3, lstm: 4 };

export interface Sizes { cell: CellKind; vocabSize: number; embed: number; hidden: number; layers: number }

/** V·E (embedding) + Σ_l G·H·(I_l + H + 2) (weights and both biases) + H·V + V (head). */
export function parameterCount(s: Sizes): number {
  const G = GATE_BLOCKS[s.cell], H = s.hidden;
  let n = s.vocabSize * s.embed + H * s.vocabSize + s.vocabSize;
  for (let l = 0; l < s.layers; l++) n += G * H * ((l === 0 ? s.embed : H) + H + 2);
  return n;
}

/** The hidden size (1 … maxHidden) of `cell` whose parameter count is closest to `target` (ties: the smaller). */
export function hiddenForParameters(target: number, s: Omit<Sizes, 'hidden'>, maxHidden = 1024): number {
  let best = 1, gap = Infinity;
  for (let h = 1; h <= maxHidden; h++) {
    const d = Math.abs(parameterCount({ ...s, hidden: h }) - target);
    if (d < gap) { best = h; gap = d; }
  }
  return best;
}

/** Weight snapshots a run keeps for the gradient view (see snapshotSteps), counted in the memory estimate. */
const SNAPSHOTS = 12;

/**
 * Rough bytes one training run needs: float32 weights, gradients, Adam's two moments and the kept snapshots, plus the
 * activations the backward pass keeps for a batch of B sequences of T steps (gates, states, outputs, logits).
 */
export function memoryEstimate(s: Sizes, B: number, T: number): number {
  const P = parameterCount(s), G = GATE_BLOCKS[s.cell];
  const acts = B * T * (s.layers * s.hidden * (2 * G + 4) + s.embed + 3 * s.vocabSize);
  return 4 * (P * (4 + SNAPSHOTS) + acts);
}

/** What one run may take in this page (a tab shares a few GB with the rest of the browser). */
export const MEMORY_LIMIT = 512 * 2 ** 20;

/** The largest hidden size (≤ maxHidden) whose run fits MEMORY_LIMIT. */
export function maxHiddenForMemory(s: Omit<Sizes, 'hidden'>, B: number, T: number, maxHidden = 1024): number {
  let lo = 0, hi = maxHidden;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (memoryEstimate({ ...s, hidden: mid }, B, T) <= MEMORY_LIMIT) lo = mid; else hi = mid - 1;
  }
  return lo;
}

/**
 * The steps at which a run keeps a copy of its weights for the gradient view: 0, then 10, 20, 50, 100, 200, 500, …
 * below the budget, and the budget itself — so runs with the same budget always share their last step.
 */
export function snapshotSteps(budget: number): number[] {
  const out = [0];
  for (let p = 10; p < budget; p *= 10) for (const m of [1, 2, 5]) if (p * m < budget) out.push(p * m);
  out.push(budget);
  return out;
}
