// Gate activations of a trained GRU, step by step: the reset gate r, update gate z, candidate n and state h of every
// layer and direction, recomputed in float64 from the layer's own weights (weight_ih_l{k}, … in gate order r, z, n).
// For looking inside a model (heatmaps, `gated inspect`), not for training: no autograd, no speed tricks.
//
//   r = σ(W_ir x + b_ir + W_hr h + b_hr)          z = σ(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))   reset after (PyTorch), or
//   n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)   reset before (Cho 2014, resetAfter: false)
//   h' = (1 − z) ⊙ n + z ⊙ h        — PyTorch's z is the share of the OLD state kept; the lecture notes' update gate
//                                      ("how much of the candidate is taken") is 1 − z.
//
// Dimensions: T time, B batch, I input, H hidden, L layers, D directions.
import { check, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import type { GRU } from './gru.js';

/** One layer and direction's gate activations from {@link gruGates}, recomputed in float64 (stored as float32). */
export interface GRUGateTrace {
  /** The layer index l (0 = the one reading the input). */
  layer: number;
  /** 0 forward, 1 reverse (bidirectional). */
  direction: 0 | 1;
  /** Reset gate r `[T, B, H]`; r, z, n, h are indexed by time step t (also for the reverse direction, which runs t = T − 1 … 0). */
  r: Tensor;
  /** Update gate z `[T, B, H]` (the share of the old state kept). */
  z: Tensor;
  /** Candidate n `[T, B, H]`. */
  n: Tensor;
  /** The state after step t: the layer's output at t. */
  h: Tensor;
  /** ‖h_t − h_{t−1}‖₂ per [T, B]: how much step t changed the state. */
  dh: Tensor;
}

/**
 * Runs `gru` (in inference: no inter-layer dropout) over x — [T, B, I], [B, T, I] with batchFirst, or unbatched
 * [T, I] — from h0 ([L·D, B, H], default zeros) and returns every layer's gates, in PyTorch's state order (l·D + d).
 */
export function gruGates(gru: GRU, x: Tensor, opts: { h0?: Tensor | null } = {}): GRUGateTrace[] {
  const I = gru.inputSize, H = gru.hiddenSize, L = gru.numLayers, D = gru.bidirectional ? 2 : 1;
  check(x instanceof Tensor && (x.ndim === 2 || x.ndim === 3) && x.shape[x.ndim - 1] === I, 'SHAPE_MISMATCH',
    () => `gruGates: x must be [T, B, ${I}]${gru.batchFirst ? ` ([B, T, ${I}] with batchFirst)` : ''} or [T, ${I}], got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
  const unbatched = x.ndim === 2, bf = gru.batchFirst && !unbatched;
  const T = unbatched || !bf ? x.shape[0] : x.shape[1], B = unbatched ? 1 : bf ? x.shape[0] : x.shape[1];
  const h0 = opts.h0 ?? null;
  check(!h0 || h0.size === L * D * B * H, 'SHAPE_MISMATCH', () => `gruGates: h0 must have shape [${L * D}, ${B}, ${H}], got ${fmtShape(h0!.shape)}`);
  const p = new Map(gru.namedParameters().map(([name, t]) => [name, t.data]));
  // time-major float64 copy of the input: [T, B, I]
  let input = new Float64Array(T * B * I), In = I;
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let i = 0; i < I; i++) {
    input[(t * B + b) * I + i] = x.data[bf ? (b * T + t) * I + i : (t * B + b) * I + i];
  }
  const traces: GRUGateTrace[] = [];
  for (let l = 0; l < L; l++) {
    const out = new Float64Array(T * B * D * H); // [T, B, D·H]
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d ? '_reverse' : ''}`;
      const wih = p.get(`weight_ih${sfx}`)!, whh = p.get(`weight_hh${sfx}`)!, bih = p.get(`bias_ih${sfx}`), bhh = p.get(`bias_hh${sfx}`);
      const r = new Float32Array(T * B * H), z = new Float32Array(T * B * H), n = new Float32Array(T * B * H);
      const hs = new Float32Array(T * B * H), dh = new Float32Array(T * B);
      const h = new Float64Array(B * H);
      const s = (l * D + d) * B * H;
      if (h0) for (let k = 0; k < B * H; k++) h[k] = h0.data[s + k];
      const gi = new Float64Array(3 * H), gh = new Float64Array(3 * H), rh = new Float64Array(H);
      for (let step = 0; step < T; step++) {
        const t = d ? T - 1 - step : step;
        for (let b = 0; b < B; b++) {
          const xo = (t * B + b) * In, ho = b * H, o = (t * B + b) * H;
          // gi = W_ih x + b_ih, gh = W_hh h + b_hh  (rows in gate order r, z, n)
          for (let g = 0; g < 3 * H; g++) {
            let a = bih ? bih[g] : 0, c = bhh ? bhh[g] : 0;
            for (let i = 0; i < In; i++) a += wih[g * In + i] * input[xo + i];
            for (let j = 0; j < H; j++) c += whh[g * H + j] * h[ho + j];
            gi[g] = a; gh[g] = c;
          }
          for (let j = 0; j < H; j++) { r[o + j] = sig(gi[j] + gh[j]); rh[j] = r[o + j] * h[ho + j]; }
          let change = 0;
          for (let j = 0; j < H; j++) {
            const zj = sig(gi[H + j] + gh[H + j]);
            let hn: number;
            if (gru.resetAfter) hn = gh[2 * H + j];
            else { hn = bhh ? bhh[2 * H + j] : 0; for (let k = 0; k < H; k++) hn += whh[(2 * H + j) * H + k] * rh[k]; }
            const nj = Math.tanh(gi[2 * H + j] + (gru.resetAfter ? r[o + j] * hn : hn));
            const next = (1 - zj) * nj + zj * h[ho + j];
            change += (next - h[ho + j]) ** 2;
            z[o + j] = zj; n[o + j] = nj; hs[o + j] = next;
            out[(t * B + b) * D * H + d * H + j] = next;
          }
          for (let j = 0; j < H; j++) h[ho + j] = hs[o + j];
          dh[t * B + b] = Math.sqrt(change);
        }
      }
      const shape = unbatched ? [T, H] : [T, B, H];
      traces.push({
        layer: l, direction: d as 0 | 1, r: new Tensor(r, shape), z: new Tensor(z, shape), n: new Tensor(n, shape), h: new Tensor(hs, shape),
        dh: new Tensor(dh, unbatched ? [T] : [T, B]),
      });
    }
    input = out; In = D * H;
  }
  return traces;
}

const sig = (v: number): number => 1 / (1 + Math.exp(-v));
