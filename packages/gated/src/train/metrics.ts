// Evaluation metrics: edit distance (phoneme / word error rate, single or multiple references), argmax and accuracy,
// classification counts (accuracy, precision, recall, F1, confusion matrix), ROC AUC and PR AUC, and forecast errors
// (MAE, RMSE, MAPE). Plain numbers, no tensors.
import { GatedError } from '../errors.js';

/** Levenshtein distance between two token sequences (unit costs for substitution, insertion, deletion). */
export function editDistance<T>(a: readonly T[], b: readonly T[]): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** What {@link sequenceErrors} returns. */
export interface SequenceErrors {
  /** Σ edit distance / Σ reference length (phoneme error rate for G2P). */
  per: number;
  /** Share of sequences not exactly right (word error rate for G2P). */
  wer: number;
  /** The number of sequences. */
  count: number;
}

/** Token- and sequence-level error rates of `hyps` against `refs` (same order). */
export function sequenceErrors(hyps: readonly (readonly string[])[], refs: readonly (readonly string[])[]): SequenceErrors {
  if (hyps.length !== refs.length) throw new GatedError('INVALID_ARGUMENT', `sequenceErrors: ${hyps.length} hypotheses for ${refs.length} references`);
  let edits = 0, tokens = 0, wrong = 0;
  hyps.forEach((h, i) => {
    const d = editDistance(h, refs[i]);
    edits += d; tokens += refs[i].length; if (d > 0) wrong++;
  });
  return { per: tokens ? edits / tokens : 0, wer: refs.length ? wrong / refs.length : 0, count: refs.length };
}

/**
 * Error rates against several acceptable references per sequence (G2P with every pronunciation a dictionary lists):
 * a sequence is right when it equals any reference (WER counts the others); its edits are the edit distance to the
 * closest reference, and that reference's length is its share of the PER denominator (ties: the first listed).
 * With one reference each this equals `sequenceErrors`.
 * @throws ArgumentError when the counts of hypotheses and reference sets differ, or a reference set is empty.
 */
export function sequenceErrorsMultiRef(hyps: readonly (readonly string[])[], refSets: readonly (readonly (readonly string[])[])[]): SequenceErrors {
  if (hyps.length !== refSets.length) throw new GatedError('INVALID_ARGUMENT', `sequenceErrorsMultiRef: ${hyps.length} hypotheses for ${refSets.length} reference sets`);
  let edits = 0, tokens = 0, wrong = 0;
  hyps.forEach((h, i) => {
    const refs = refSets[i];
    if (refs.length === 0) throw new GatedError('INVALID_ARGUMENT', `sequenceErrorsMultiRef: no reference for sequence ${i}`);
    let best = Infinity, len = 0;
    for (const r of refs) { const d = editDistance(h, r); if (d < best) { best = d; len = r.length; } }
    edits += best; tokens += len; if (best > 0) wrong++;
  });
  return { per: tokens ? edits / tokens : 0, wer: refSets.length ? wrong / refSets.length : 0, count: refSets.length };
}

/** What {@link binaryMetrics} returns, for the positive class 1. */
export interface BinaryMetrics {
  /** Share of correct predictions. */
  accuracy: number;
  /** TP / (TP + FP), 0 without positive predictions. */
  precision: number;
  /** TP / (TP + FN), 0 without positive labels. */
  recall: number;
  /** The harmonic mean of precision and recall (0 when both are 0). */
  f1: number;
  /** [[true negatives, false positives], [false negatives, true positives]] (rows: truth 0/1, columns: predicted 0/1). */
  confusion: [[number, number], [number, number]];
  /** The number of predictions. */
  count: number;
}

/** Metrics for the positive class 1; precision / recall / F1 are 0 when their denominator is 0. */
export function binaryMetrics(pred: ArrayLike<number>, truth: ArrayLike<number>): BinaryMetrics {
  if (pred.length !== truth.length) throw new GatedError('INVALID_ARGUMENT', `binaryMetrics: ${pred.length} predictions for ${truth.length} labels`);
  let tp = 0, tn = 0, fp = 0, fn = 0;
  for (let i = 0; i < pred.length; i++) {
    const p = pred[i] === 1, t = truth[i] === 1;
    if (p && t) tp++; else if (p) fp++; else if (t) fn++; else tn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0, recall = tp + fn ? tp / (tp + fn) : 0;
  return {
    accuracy: pred.length ? (tp + tn) / pred.length : 0, precision, recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    confusion: [[tn, fp], [fn, tp]], count: pred.length,
  };
}

/**
 * Area under the ROC curve: the probability that a random positive scores above a random negative (ties count ½),
 * computed from ranks (Mann–Whitney U). NaN when one class is absent.
 * @throws ArgumentError when `scores` and `truth` differ in length.
 */
export function rocAuc(scores: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (scores.length !== truth.length) throw new GatedError('INVALID_ARGUMENT', `rocAuc: ${scores.length} scores for ${truth.length} labels`);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0, nPos = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;                       // average rank of a tie group (1-based)
    for (let k = i; k <= j; k++) if (truth[idx[k]] === 1) { rankSumPos += rank; nPos++; }
    i = j + 1;
  }
  const nNeg = scores.length - nPos;
  return nPos && nNeg ? (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg) : Number.NaN;
}

/**
 * Area under the precision–recall curve as average precision (scikit-learn's average_precision_score): Σ over
 * thresholds of (R_k − R_{k−1}) · P_k, thresholds at each distinct score from the highest. NaN without positives.
 * @throws ArgumentError when `scores` and `truth` differ in length.
 */
export function prAuc(scores: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (scores.length !== truth.length) throw new GatedError('INVALID_ARGUMENT', `prAuc: ${scores.length} scores for ${truth.length} labels`);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let nPos = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === 1) nPos++;
  if (!nPos) return Number.NaN;
  let tp = 0, fp = 0, ap = 0, prevRecall = 0;
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    for (let k = i; k <= j; k++) if (truth[idx[k]] === 1) tp++; else fp++;
    const recall = tp / nPos;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
    i = j + 1;
  }
  return ap;
}

/**
 * What {@link forecastErrors} returns.
 * @property mae - mean absolute error.
 * @property rmse - root-mean-square error.
 * @property mape - mean absolute percentage error, in percent, over the non-zero truths.
 * @property count - the number of predictions.
 */
export interface ForecastErrors { mae: number; rmse: number; /** percent */ mape: number; count: number }

/** Mean absolute, root-mean-square and mean absolute percentage error (MAPE skips zero truths). */
export function forecastErrors(pred: ArrayLike<number>, truth: ArrayLike<number>): ForecastErrors {
  if (pred.length !== truth.length) throw new GatedError('INVALID_ARGUMENT', `forecastErrors: ${pred.length} predictions for ${truth.length} values`);
  let ae = 0, se = 0, pe = 0, np = 0;
  for (let i = 0; i < pred.length; i++) {
    const e = pred[i] - truth[i];
    ae += Math.abs(e); se += e * e;
    if (truth[i] !== 0) { pe += Math.abs(e / truth[i]); np++; }
  }
  const n = pred.length;
  return { mae: n ? ae / n : 0, rmse: n ? Math.sqrt(se / n) : 0, mape: np ? (100 * pe) / np : 0, count: n };
}

/**
 * Index of the largest value along the last axis (the first one on ties), like `torch.argmax(x, dim=-1)`.
 * `x`: a tensor `[..., C]` (e.g. logits `[N, C]`) → `[...]` indices as an Int32Array (e.g. `[N]` predicted classes).
 * @throws GatedError `INVALID_ARGUMENT` for a scalar or a last axis of size 0.
 */
export function argmax(x: { readonly data: ArrayLike<number>; readonly shape: readonly number[] }): Int32Array {
  const C = x.shape[x.shape.length - 1];
  if (x.shape.length === 0 || !(C > 0)) throw new GatedError('INVALID_ARGUMENT', `argmax: need a tensor [..., C] with C ≥ 1, got shape [${x.shape.join(', ')}]`);
  const n = x.data.length / C, out = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let c = 1; c < C; c++) if (x.data[r * C + c] > x.data[r * C + best]) best = c;
    out[r] = best;
  }
  return out;
}

/**
 * Share of rows whose largest logit is the target class. `logits`: `[N, C]`; `targets`: `[N]` class indices.
 * @throws GatedError `INVALID_ARGUMENT` when the counts differ or N is 0.
 * @example
 * accuracy(model.forward(x), [0, 2, 1]);   // 0.667 when two of three rows are right
 */
export function accuracy(logits: { readonly data: ArrayLike<number>; readonly shape: readonly number[] }, targets: ArrayLike<number>): number {
  const pred = argmax(logits);
  if (pred.length !== targets.length || pred.length === 0) {
    throw new GatedError('INVALID_ARGUMENT', `accuracy: ${pred.length} rows of logits (shape [${logits.shape.join(', ')}]) for ${targets.length} targets; need the same number, at least 1`);
  }
  let right = 0;
  for (let i = 0; i < pred.length; i++) if (pred[i] === targets[i]) right++;
  return right / pred.length;
}
