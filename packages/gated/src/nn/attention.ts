// Attention for encoder–decoders: Bahdanau (additive) and Luong (dot / general) scores over a padded memory,
// each score-softmax-context pipeline fused into ONE autograd node with its backward beside it, plus a standalone
// masked softmax. Weights past a row's length are exactly 0, and the weights of every row sum to 1.
//
// Glossary: B batch, T queries per row (1 when the query is [B, ·]), S source positions, A attention size,
// D value (memory) size, M key size; R = B·T query rows.
//   additive (Bahdanau 2015):  u_bja = tanh(q_ba + k_bja),  e_bj = Σ_a v_a u_bja
//   dot / general (Luong 2015): e_bj = scale · Σ_m q_bm k_bjm        (general: k = W_a h, computed once per batch)
//   α_bj = exp(e_bj) / Σ_{k<len_b} exp(e_bk) for j < len_b, else 0;   c_bd = Σ_j α_bj V_bjd
// Backward: dα_bj = Σ_d gc_bd V_bjd + gα_bj;  dV_bjd = α_bj gc_bd;  de_bj = α_bj (dα_bj − Σ_k α_bk dα_bk)
//   additive: dv_a = Σ_bj de_bj u_bja;  dq_ba = Σ_j de_bj v_a (1 − u²_bja);  dk_bja = de_bj v_a (1 − u²_bja)
//   dot:      dq_bm = scale Σ_j de_bj k_bjm;  dk_bjm = scale de_bj q_bm
// With T queries per row each (b, t) is scored as above against row b's memory; dV and dk sum over t.
import { check, fmtShape } from '../errors.js';
import { kernels } from '../kernels/select.js';
import { Tensor, record } from '../tensor/tensor.js';
import { uniformInit } from './init.js';
import { Linear } from './linear.js';
import { Module } from './module.js';

/** Valid lengths of a padded memory, one per batch row (`[B]`, each in [1, S]); null means every row has all S positions. */
export type Lengths = Int32Array | readonly number[] | null;

function normLengths(op: string, lengths: Lengths, B: number, S: number): Int32Array {
  const out = new Int32Array(B).fill(S);
  if (!lengths) return out;
  check(lengths.length === B, 'SHAPE_MISMATCH', () => `${op}: lengths must have one entry per row (${B}), got ${lengths.length}`);
  for (let b = 0; b < B; b++) {
    const n = lengths[b];
    check(Number.isInteger(n) && n >= 1 && n <= S, 'INVALID_ARGUMENT', () => `${op}: lengths[${b}] must be an integer in [1, ${S}], got ${n}`);
    out[b] = n;
  }
  return out;
}

/** α from scores e [B, S] (row b uses its first len[b] entries; the rest are 0). Float64 sums. */
function softmaxRows(e: Float32Array, len: Int32Array, B: number, S: number): Float32Array {
  const a = new Float32Array(B * S);
  for (let b = 0; b < B; b++) {
    const o = b * S, n = len[b];
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, e[o + j]);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(e[o + j] - m);
    for (let j = 0; j < n; j++) a[o + j] = Math.exp(e[o + j] - m) / s;
  }
  return a;
}

/** de from dα (softmax backward on the unmasked part; masked entries have α = 0 and get 0). */
function softmaxRowsBackward(a: Float32Array, da: Float64Array, B: number, S: number): Float64Array {
  const de = new Float64Array(B * S);
  for (let b = 0; b < B; b++) {
    let dot = 0;
    for (let j = 0; j < S; j++) dot += a[b * S + j] * da[b * S + j];
    for (let j = 0; j < S; j++) de[b * S + j] = a[b * S + j] * (da[b * S + j] - dot);
  }
  return de;
}

/** softmax over the last axis of x [B, S] restricted to the first lengths[b] entries of each row (the rest 0). */
export function maskedSoftmax(x: Tensor, lengths: Lengths): Tensor {
  check(x.ndim === 2, 'SHAPE_MISMATCH', () => `maskedSoftmax: x must be [B, S], got ${fmtShape(x.shape)}`);
  const [B, S] = x.shape, len = normLengths('maskedSoftmax', lengths, B, S);
  const a = softmaxRows(x.data, len, B, S);
  return record({
    name: 'maskedSoftmax', inputs: [x], numOutputs: 1,
    backward: ([g]) => [Float32Array.from(softmaxRowsBackward(a, Float64Array.from(g), B, S))],
  }, [new Tensor(a, [B, S])])[0];
}

/** What an attention call returns: the context vectors and the weights that made them. */
export interface AttentionResult {
  /** c [B, D] (or [B, T, D] for T queries per row): the weighted sums of the values. */
  context: Tensor;
  /** α [B, S] (or [B, T, S]): attention weights, each row sums to 1 over its length and is 0 past it. */
  weights: Tensor;
}

/** Shapes of query [B, W] or [B, T, W], keys [B, S, W], values [B, S, D]; R = B·T query rows. */
function checkMemory(op: string, q: Tensor, keys: Tensor, values: Tensor, keyWidth: number) {
  const bad = (): string => `${op}: expected query [B, ${keyWidth}] or [B, T, ${keyWidth}], keys [B, S, ${keyWidth}], values [B, S, D] with equal B and S ≥ 1; `
    + `got ${fmtShape(q.shape)}, ${fmtShape(keys.shape)}, ${fmtShape(values.shape)}`;
  check((q.ndim === 2 || q.ndim === 3) && keys.ndim === 3 && values.ndim === 3, 'SHAPE_MISMATCH', bad);
  const [B, S] = keys.shape, D = values.shape[2], T = q.ndim === 3 ? q.shape[1] : 1;
  check(q.shape[0] === B && q.shape[q.ndim - 1] === keyWidth && keys.shape[2] === keyWidth && values.shape[0] === B && values.shape[1] === S && S >= 1, 'SHAPE_MISMATCH', bad);
  const lead = q.ndim === 3 ? [B, T] : [B];
  return { B, S, D, T, R: B * T, ctxShape: [...lead, D], wShape: [...lead, S] };
}

/** Lengths per query row (row r = b·T + t uses length of b). */
function rowLengths(len: Int32Array, T: number): Int32Array {
  const out = new Int32Array(len.length * T);
  for (let b = 0; b < len.length; b++) out.fill(len[b], b * T, (b + 1) * T);
  return out;
}

/** c_r = Σ_j α_rj V_(b(r), j): [R, D]. */
function contextOf(a: Float32Array, V: Float32Array, R: number, T: number, S: number, D: number): Float32Array {
  const c = new Float32Array(R * D);
  for (let r = 0; r < R; r++) {
    const vb = Math.floor(r / T) * S * D;
    for (let j = 0; j < S; j++) {
      const w = a[r * S + j];
      if (w === 0) continue;
      const vo = vb + j * D, co = r * D;
      for (let d = 0; d < D; d++) c[co + d] += w * V[vo + d];
    }
  }
  return c;
}

/** dα (float64) and dV (accumulated over the T queries of each row) from the gradients of context and weights. */
function contextBackward(a: Float32Array, V: Float32Array, gc: Float32Array, ga: Float32Array, R: number, T: number, S: number, D: number, wantV: boolean) {
  const da = new Float64Array(R * S), dV = wantV ? new Float32Array((R / T) * S * D) : null;
  for (let r = 0; r < R; r++) {
    const vb = Math.floor(r / T) * S * D;
    for (let j = 0; j < S; j++) {
      const vo = vb + j * D, co = r * D, w = a[r * S + j];
      let s = ga[r * S + j];
      for (let d = 0; d < D; d++) s += gc[co + d] * V[vo + d];
      da[r * S + j] = s;
      if (dV && w !== 0) for (let d = 0; d < D; d++) dV[vo + d] += w * gc[co + d];
    }
  }
  return { da, dV };
}

/** Bahdanau scores: q [B, A] or [B, T, A] (projected query), keys [B, S, A] (projected memory), v [A]; values [B, S, D]. */
export function additiveAttention(q: Tensor, keys: Tensor, v: Tensor, values: Tensor, lengths: Lengths): AttentionResult {
  const A = q.shape[q.ndim - 1];
  const { B, S, D, T, R, ctxShape, wShape } = checkMemory('additiveAttention', q, keys, values, A);
  check(v.ndim === 1 && v.shape[0] === A, 'SHAPE_MISMATCH', () => `additiveAttention: v must be [${A}], got ${fmtShape(v.shape)}`);
  const len = rowLengths(normLengths('additiveAttention', lengths, B, S), T);
  const Q = q.data, K = keys.data, vw = v.data;
  const u = new Float32Array(R * S * A), e = new Float32Array(R * S);          // [R, S, A], [R, S]
  for (let r = 0; r < R; r++) for (let j = 0; j < len[r]; j++) {
    const o = (r * S + j) * A, ko = (Math.floor(r / T) * S + j) * A;
    for (let k = 0; k < A; k++) u[o + k] = Q[r * A + k] + K[ko + k];
  }
  kernels().tanh(R * S * A, u, 0, u, 0);                                        // one vectorised pass (0 past lengths)
  for (let r = 0; r < R; r++) for (let j = 0; j < len[r]; j++) {
    const o = (r * S + j) * A;
    let s = 0;
    for (let k = 0; k < A; k++) s += vw[k] * u[o + k];
    e[r * S + j] = s;
  }
  const a = softmaxRows(e, len, R, S);
  const [context, weights] = record({
    name: 'additiveAttention', inputs: [q, keys, v, values], numOutputs: 2,
    backward: ([gc, ga]) => {
      const { da, dV } = contextBackward(a, values.data, gc, ga, R, T, S, D, values.requiresGrad);
      const de = softmaxRowsBackward(a, da, R, S);
      const dq = new Float32Array(R * A), dK = new Float32Array(B * S * A), dv = new Float64Array(A);
      for (let r = 0; r < R; r++) for (let j = 0; j < len[r]; j++) {
        const o = (r * S + j) * A, ko = (Math.floor(r / T) * S + j) * A, g = de[r * S + j];
        for (let k = 0; k < A; k++) {
          const t = u[o + k], dp = g * vw[k] * (1 - t * t);
          dv[k] += g * t; dq[r * A + k] += dp; dK[ko + k] += dp;
        }
      }
      return [dq, dK, Float32Array.from(dv), dV];
    },
  }, [new Tensor(contextOf(a, values.data, R, T, S, D), ctxShape), new Tensor(a, wShape)]);
  return { context, weights };
}

/** Luong scores e = scale · q·k: q [B, M] or [B, T, M], keys [B, S, M]; values [B, S, D]. */
export function dotAttention(q: Tensor, keys: Tensor, values: Tensor, lengths: Lengths, scale = 1): AttentionResult {
  const M = q.shape[q.ndim - 1];
  const { B, S, D, T, R, ctxShape, wShape } = checkMemory('dotAttention', q, keys, values, M);
  const len = rowLengths(normLengths('dotAttention', lengths, B, S), T);
  const Q = q.data, K = keys.data;
  const e = new Float32Array(R * S);
  for (let r = 0; r < R; r++) for (let j = 0; j < len[r]; j++) {
    const ko = (Math.floor(r / T) * S + j) * M;
    let s = 0;
    for (let m = 0; m < M; m++) s += Q[r * M + m] * K[ko + m];
    e[r * S + j] = scale * s;
  }
  const a = softmaxRows(e, len, R, S);
  const [context, weights] = record({
    name: 'dotAttention', inputs: [q, keys, values], numOutputs: 2,
    backward: ([gc, ga]) => {
      const { da, dV } = contextBackward(a, values.data, gc, ga, R, T, S, D, values.requiresGrad);
      const de = softmaxRowsBackward(a, da, R, S);
      const dq = new Float32Array(R * M), dK = new Float32Array(B * S * M);
      for (let r = 0; r < R; r++) for (let j = 0; j < len[r]; j++) {
        const ko = (Math.floor(r / T) * S + j) * M, g = scale * de[r * S + j];
        for (let m = 0; m < M; m++) { dq[r * M + m] += g * K[ko + m]; dK[ko + m] += g * Q[r * M + m]; }
      }
      return [dq, dK, dV];
    },
  }, [new Tensor(contextOf(a, values.data, R, T, S, D), ctxShape), new Tensor(a, wShape)]);
  return { context, weights };
}

/** An attention module: `keys(memory)` once per batch, then `forward(query, keys, memory, lengths)` per step. */
export interface Attention {
  /** Projects the memory into keys once per batch: `[B, S, D]` → `[B, S, A]` (additive), `[B, S, M]` (general) or the memory itself (dot). */
  keys(memory: Tensor): Tensor;
  /**
   * Scores `query` `[B, Q]` (or `[B, T, Q]`, T queries per row) against `keys`, softmaxes over each row's first
   * `lengths[b]` positions and sums the `memory` values `[B, S, D]`: context `[B, D]` (`[B, T, D]`), weights `[B, S]` (`[B, T, S]`).
   * @throws ShapeError when the shapes do not agree.
   */
  forward(query: Tensor, keys: Tensor, memory: Tensor, lengths: Lengths): AttentionResult;
}

/**
 * Bahdanau et al. 2015: e_j = vᵀ tanh(W_q s + W_k h_j + b). Parameters query.weight, key.weight/bias, v.
 * Shape: query `[B, querySize]` (or `[B, T, querySize]`), memory `[B, S, memorySize]`, lengths `[B]` → context
 * `[B, memorySize]`, weights `[B, S]`. Parameters `query.weight` `[A, querySize]`, `key.weight` `[A, memorySize]`,
 * `key.bias` `[A]`, `v` `[A]` with A = attentionSize.
 * @example
 * ```ts
 * const attn = new AdditiveAttention(32, 64, 16);
 * const keys = attn.keys(memory);                                   // memory [B, S, 64] → [B, S, 16], once per batch
 * const { context, weights } = attn.forward(s, keys, memory, lengths); // s [B, 32] → context [B, 64], weights [B, S]
 * ```
 */
export class AdditiveAttention extends Module implements Attention {
  /** W_q: `[querySize] → [A]`, no bias. */
  readonly query: Linear;
  /** W_k with bias b: `[memorySize] → [A]`. */
  readonly key: Linear;
  /** v `[A]` ~ U(−1/√A, 1/√A). */
  readonly v: Tensor; // [A]
  constructor(querySize: number, memorySize: number, attentionSize: number) {
    super();
    this.query = new Linear(querySize, attentionSize, { bias: false });
    this.key = new Linear(memorySize, attentionSize);
    this.v = this.param('v', uniformInit([attentionSize], 1 / Math.sqrt(attentionSize)));
  }
  keys(memory: Tensor): Tensor { return this.key.forward(memory); }
  forward(query: Tensor, keys: Tensor, memory: Tensor, lengths: Lengths): AttentionResult {
    return additiveAttention(this.query.forward(query), keys, this.v, memory, lengths);
  }
}

/**
 * Luong et al. 2015: 'dot' e_j = sᵀ h_j (query and memory sizes equal), 'general' e_j = sᵀ W_a h_j.
 * Shape: query `[B, querySize]` (or `[B, T, querySize]`), memory `[B, S, memorySize]`, lengths `[B]` → context
 * `[B, memorySize]`, weights `[B, S]`. 'general' has the parameter `key.weight` `[querySize, memorySize]` (W_a).
 * @throws ArgumentError for an unknown score, or 'dot' with different query and memory sizes.
 */
export class LuongAttention extends Module implements Attention {
  /** `'dot'` or `'general'`. */
  readonly score: 'dot' | 'general';
  /** W_a for 'general' (`[memorySize] → [querySize]`, no bias); null for 'dot'. */
  readonly key: Linear | null;
  constructor(score: 'dot' | 'general', querySize: number, memorySize: number) {
    super();
    check(score === 'dot' || score === 'general', 'INVALID_ARGUMENT', () => `LuongAttention: score must be 'dot' or 'general', got '${String(score)}'`);
    check(score === 'general' || querySize === memorySize, 'INVALID_ARGUMENT',
      () => `LuongAttention: 'dot' needs equal query and memory sizes, got ${querySize} and ${memorySize} (use 'general')`);
    this.score = score;
    this.key = score === 'general' ? new Linear(memorySize, querySize, { bias: false }) : null;
  }
  keys(memory: Tensor): Tensor { return this.key ? this.key.forward(memory) : memory; }
  forward(query: Tensor, keys: Tensor, memory: Tensor, lengths: Lengths): AttentionResult {
    return dotAttention(query, keys, memory, lengths);
  }
}
