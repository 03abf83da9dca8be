// The general recurrent step, inference only, for what gated's fused layers do not express: any ONNX activation
// (with alpha / beta), cell clip, LSTM peepholes and input_forget, and Keras per-step masks. One direction of one
// layer, weights in PyTorch's layout and gate order (convert with io/convert.ts). A plain loop, kept readable.
//
//   GRU   z = f(W_iz x + b_iz + W_hz h + b_hz),  r = f(W_ir x + b_ir + W_hr h + b_hr)
//         n = g(W_in x + b_in + r ⊙ (W_hn h + b_hn))        resetAfter (ONNX linear_before_reset=1, PyTorch)
//         n = g(W_in x + b_in + W_hn (r ⊙ h) + b_hn)        reset before (ONNX default, Cho 2014)
//         h' = (1 − z) ⊙ n + z ⊙ h
//   LSTM  i = f(W_ii x + W_hi h + b_i + p_i ⊙ c),  f_ = f(W_if x + W_hf h + b_f + p_f ⊙ c)  (f_ = 1 − i with inputForget)
//         g_ = g(W_ig x + W_hg h + b_g),  c' = f_ ⊙ c + i ⊙ g_,  o = f(W_io x + W_ho h + b_o + p_o ⊙ c'),  h' = o ⊙ h(c')
//   RNN   h' = f(W_ih x + b_ih + W_hh h + b_hh)
// clip bounds every gate's pre-activation to [−clip, clip] (like onnxruntime). Sums are in float64.
// Dimensions: T time, B batch, I input, H hidden, G gates.
import { GatedError } from '../../errors.js';

/**
 * An activation of ONNX's recurrent operators (and Keras's), by its lower-case ONNX name; `affine`, `leakyrelu`,
 * `thresholdedrelu`, `scaledtanh`, `hardsigmoid` and `elu` take ONNX's `alpha` (and `beta`).
 */
export type ActName = 'relu' | 'tanh' | 'sigmoid' | 'affine' | 'leakyrelu' | 'thresholdedrelu' | 'scaledtanh' | 'hardsigmoid' | 'elu' | 'softsign' | 'softplus';
export interface Act { name: ActName; alpha: number; beta: number }

/** How many alphas / betas each ONNX activation consumes, and their defaults (those of the ONNX operators). */
const ACTS: Record<ActName, { alpha?: number; beta?: number }> = {
  relu: {}, tanh: {}, sigmoid: {}, softsign: {}, softplus: {},
  affine: { alpha: 1, beta: 0 }, leakyrelu: { alpha: 0.01 }, thresholdedrelu: { alpha: 1 }, scaledtanh: { alpha: 1, beta: 1 },
  hardsigmoid: { alpha: 0.2, beta: 0.5 }, elu: { alpha: 1 },
};

/**
 * ONNX `activations` + `activation_alpha` / `activation_beta` → activations. Names are case-insensitive; each
 * function that takes an alpha (beta) consumes the next one from its list, or uses its operator's default.
 */
export function parseActivations(names: string[], alphas: number[], betas: number[], where: string): Act[] {
  let ai = 0, bi = 0;
  return names.map((raw) => {
    const name = raw.toLowerCase() as ActName, spec = ACTS[name];
    if (!Object.hasOwn(ACTS, name) || !spec) throw new GatedError('UNSUPPORTED', `${where}: activation '${raw}' is not an ONNX recurrent activation (expected one of Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign, Softplus)`);
    const alpha = spec.alpha === undefined ? 0 : ai < alphas.length ? alphas[ai++] : spec.alpha;
    const beta = spec.beta === undefined ? 0 : bi < betas.length ? betas[bi++] : spec.beta;
    return { name, alpha, beta };
  });
}

/** An activation with its ONNX defaults for alpha / beta where none are given. */
export function act(name: ActName, alpha?: number, beta?: number): Act {
  const spec = Object.hasOwn(ACTS, name) ? ACTS[name] : undefined;
  if (!spec) throw new GatedError('UNSUPPORTED', `activation '${String(name)}' is not supported (expected one of ${Object.keys(ACTS).join(', ')})`);
  return { name, alpha: spec.alpha === undefined ? 0 : alpha ?? spec.alpha, beta: spec.beta === undefined ? 0 : beta ?? spec.beta };
}

export function applyAct(a: Act, x: number): number {
  switch (a.name) {
    case 'sigmoid': return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    case 'tanh': return Math.tanh(x);
    case 'relu': return x > 0 ? x : 0;
    case 'affine': return a.alpha * x + a.beta;
    case 'leakyrelu': return x >= 0 ? x : a.alpha * x;
    case 'thresholdedrelu': return x > a.alpha ? x : 0;
    case 'scaledtanh': return a.alpha * Math.tanh(a.beta * x);
    case 'hardsigmoid': return Math.max(0, Math.min(1, a.alpha * x + a.beta));
    case 'elu': return x >= 0 ? x : a.alpha * (Math.exp(x) - 1);
    case 'softsign': return x / (1 + Math.abs(x));
    case 'softplus': return x > 20 ? x : Math.log1p(Math.exp(x));
  }
}

export type GeneralCell = 'gru' | 'lstm' | 'rnn';

export interface GeneralRun {
  cell: GeneralCell;
  T: number; B: number; I: number; H: number;
  x: Float32Array;                          // [T, B, I]
  reverse: boolean;
  wih: Float32Array; whh: Float32Array;     // [G·H, I], [G·H, H], PyTorch gate order
  bih: Float32Array | null; bhh: Float32Array | null; // [G·H]
  h0: Float32Array; c0: Float32Array | null; // [B, H]
  /** GRU: f, g; LSTM: f, g, h; RNN: f. */
  acts: Act[];
  clip: number | null;
  resetAfter: boolean;                      // GRU only
  inputForget: boolean;                     // LSTM only
  peepholes: { i: Float32Array; f: Float32Array; o: Float32Array } | null; // LSTM, [H] each
  /** Steps b runs: t < lengths[b] (ONNX sequence_lens); past the end outputs are 0 and the state is carried. */
  lengths: Int32Array | null;
  /** Keras masks [T, B] (1 = step runs): a masked step carries state and repeats the previous output. */
  mask: Float32Array | null;
}

/** Runs one direction. y: [T, B, H] in time order; hN, cN: [B, H] the final states. */
export function runGeneral(r: GeneralRun): { y: Float32Array; hN: Float32Array; cN: Float32Array | null } {
  const { T, B, I, H, cell } = r, G = cell === 'gru' ? 3 : cell === 'lstm' ? 4 : 1;
  const need = cell === 'gru' ? 2 : cell === 'lstm' ? 3 : 1;
  if (r.acts.length !== need) throw new GatedError('INVALID_ARGUMENT', `${cell.toUpperCase()}: expected ${need} activation(s), got ${r.acts.length}`);
  const y = new Float32Array(T * B * H), h = Float64Array.from(r.h0), c = r.c0 ? Float64Array.from(r.c0) : new Float64Array(B * H);
  const gx = new Float64Array(G * H), gh = new Float64Array(G * H), out = new Float64Array(H), cOut = new Float64Array(H);
  const clip = r.clip, cl = (v: number): number => (clip === null ? v : v > clip ? clip : v < -clip ? -clip : v);
  const [fA, gA, hA] = r.acts;
  for (let s = 0; s < T; s++) {
    const t = r.reverse ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      const ended = r.lengths !== null && t >= r.lengths[b];
      const masked = r.mask !== null && r.mask[t * B + b] === 0;
      if (ended) continue;                                  // y stays 0, state carried
      const hb = b * H;
      if (masked) { for (let j = 0; j < H; j++) y[(t * B + b) * H + j] = h[hb + j]; continue; }
      // gx = W_ih x + b_ih, gh = W_hh h + b_hh, for all G·H rows
      const xo = (t * B + b) * I;
      for (let row = 0; row < G * H; row++) {
        let a = r.bih ? r.bih[row] : 0, q = r.bhh ? r.bhh[row] : 0;
        const wi = row * I, wh = row * H;
        for (let k = 0; k < I; k++) a += r.wih[wi + k] * r.x[xo + k];
        for (let k = 0; k < H; k++) q += r.whh[wh + k] * h[hb + k];
        gx[row] = a; gh[row] = q;
      }
      if (cell === 'gru') {
        for (let j = 0; j < H; j++) {
          const rg = applyAct(fA, cl(gx[j] + gh[j])), z = applyAct(fA, cl(gx[H + j] + gh[H + j]));
          gh[j] = rg; out[j] = z; // keep r (in gh's r block) and z for the candidate and blend
        }
        if (!r.resetAfter) { // W_hn (r ⊙ h) + b_hn, recomputed with the reset state
          for (let j = 0; j < H; j++) {
            let q = r.bhh ? r.bhh[2 * H + j] : 0;
            const wh = (2 * H + j) * H;
            for (let k = 0; k < H; k++) q += r.whh[wh + k] * gh[k] * h[hb + k];
            cOut[j] = q;
          }
        }
        for (let j = 0; j < H; j++) {
          const rg = gh[j], z = out[j];
          const n = applyAct(gA, cl(gx[2 * H + j] + (r.resetAfter ? rg * gh[2 * H + j] : cOut[j])));
          out[j] = (1 - z) * n + z * h[hb + j];
        }
      } else if (cell === 'lstm') {
        const p = r.peepholes;
        for (let j = 0; j < H; j++) {
          const cPrev = c[hb + j];
          const i = applyAct(fA, cl(gx[j] + gh[j] + (p ? p.i[j] * cPrev : 0)));
          const f = r.inputForget ? 1 - i : applyAct(fA, cl(gx[H + j] + gh[H + j] + (p ? p.f[j] * cPrev : 0)));
          const g = applyAct(gA, cl(gx[2 * H + j] + gh[2 * H + j]));
          const cNew = f * cPrev + i * g;
          const o = applyAct(fA, cl(gx[3 * H + j] + gh[3 * H + j] + (p ? p.o[j] * cNew : 0)));
          cOut[j] = cNew; out[j] = o * applyAct(hA, cNew);
        }
        for (let j = 0; j < H; j++) c[hb + j] = cOut[j];
      } else {
        for (let j = 0; j < H; j++) out[j] = applyAct(fA, cl(gx[j] + gh[j]));
      }
      for (let j = 0; j < H; j++) { h[hb + j] = out[j]; y[(t * B + b) * H + j] = out[j]; }
    }
  }
  return { y, hN: Float32Array.from(h), cN: cell === 'lstm' ? Float32Array.from(c) : null };
}
