// The gate view's numbers: runs a trained CharLM over a text one character at a time and records, per layer and
// per character, every gate and the hidden-state change. Recomputed here from the layer's weights with exactly the
// GRUCell / LSTMCell / RNNCell math (PyTorch names and gate order), because the cells return only h (and c);
// test/web/gates.test.ts checks that the hidden states this produces equal the library layer's output.
//
//   GRU  (blocks r, z, n)  r = σ(W_ir x + b_ir + W_hr h + b_hr)          reset gate: how much of the past feeds ĥ
//                          z = σ(W_iz x + b_iz + W_hz h + b_hz)          update gate: how much of the past is KEPT
//                          n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))  (reset before: W_hn (r ⊙ h) + b_hn)
//                          h' = (1 − z) ⊙ n + z ⊙ h                       PyTorch: z = 1 keeps h, z = 0 takes ĥ = n
//   LSTM (blocks i, f, g, o)  c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
//   RNN                    h' = tanh(W_ih x + b_ih + W_hh h + b_hh)      (or relu): no gates, only the change
//
// Dimensions: T characters, H hidden, I input (embedding size for layer 0, H above).
import { GRU, RNN, type CharLM, type CharVocab } from './gated.js';

/** One layer's record: every array is [T, H] (row t = after reading character t). */
export interface LayerTrace {
  layer: number;
  /** The gates, in display order: GRU z, r; LSTM f, i, o; RNN none. */
  gates: { name: string; label: string; values: Float32Array }[];
  /** |h_t − h_{t−1}| per unit: how much this character changed the state. */
  dh: Float32Array;
  /** The hidden states h_t. */
  h: Float32Array;
}

export interface GateTrace {
  cell: 'gru' | 'lstm' | 'rnn';
  H: number;
  /** The characters read (those of the text in the model's vocabulary), one column each. */
  chars: string[];
  /** Characters of the text left out because the model never saw them. */
  skipped: string[];
  layers: LayerTrace[];
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** out[j] = b[row0 + j] + Σ_k W[row0 + j, k] x[k] for j < n (W row-major with K columns). */
function affine(W: Float32Array, K: number, row0: number, n: number, x: Float32Array, b: Float32Array | null, out: Float32Array): void {
  for (let j = 0; j < n; j++) {
    let s = b ? b[row0 + j] : 0;
    const w = (row0 + j) * K;
    for (let k = 0; k < K; k++) s += W[w + k] * x[k];
    out[j] = s;
  }
}

interface LayerWeights { wih: Float32Array; whh: Float32Array; bih: Float32Array | null; bhh: Float32Array | null; I: number; H: number }

/** One step of layer `w`: reads x and the state (h, c), writes h', c' and the gates (each [H]) into `out`. */
type Step = (w: LayerWeights, x: Float32Array, h: Float32Array, c: Float32Array, hn: Float32Array, cn: Float32Array, gates: Float32Array[]) => void;

function gruStep(resetAfter: boolean): Step {
  return (w, x, h, _c, hn, _cn, [z, r]) => {
    const H = w.H, gi = new Float32Array(3 * H), gh = new Float32Array(3 * H);
    affine(w.wih, w.I, 0, 3 * H, x, w.bih, gi);
    affine(w.whh, H, 0, 2 * H, h, w.bhh, gh);                            // r, z blocks
    for (let j = 0; j < H; j++) { r[j] = sigmoid(gi[j] + gh[j]); z[j] = sigmoid(gi[H + j] + gh[H + j]); }
    const ghn = new Float32Array(H);
    if (resetAfter) affine(w.whh, H, 2 * H, H, h, w.bhh, ghn);         // W_hn h + b_hn, reset applied below
    else affine(w.whh, H, 2 * H, H, h.map((v, k) => r[k] * v), w.bhh, ghn); // W_hn (r ⊙ h) + b_hn
    for (let j = 0; j < H; j++) {
      const n = Math.tanh(gi[2 * H + j] + (resetAfter ? r[j] * ghn[j] : ghn[j]));
      hn[j] = (1 - z[j]) * n + z[j] * h[j];
    }
  };
}

const lstmStep: Step = (w, x, h, c, hn, cn, [f, i, o]) => {
  const H = w.H, gi = new Float32Array(4 * H), gh = new Float32Array(4 * H);
  affine(w.wih, w.I, 0, 4 * H, x, w.bih, gi);
  affine(w.whh, H, 0, 4 * H, h, w.bhh, gh);
  for (let j = 0; j < H; j++) {
    i[j] = sigmoid(gi[j] + gh[j]); f[j] = sigmoid(gi[H + j] + gh[H + j]); o[j] = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
    const g = Math.tanh(gi[2 * H + j] + gh[2 * H + j]);
    cn[j] = f[j] * c[j] + i[j] * g;
    hn[j] = o[j] * Math.tanh(cn[j]);
  }
};

function rnnStep(relu: boolean): Step {
  return (w, x, h, _c, hn) => {
    const H = w.H, gi = new Float32Array(H), gh = new Float32Array(H);
    affine(w.wih, w.I, 0, H, x, w.bih, gi);
    affine(w.whh, H, 0, H, h, w.bhh, gh);
    for (let j = 0; j < H; j++) hn[j] = relu ? Math.max(0, gi[j] + gh[j]) : Math.tanh(gi[j] + gh[j]);
  };
}

const GATE_NAMES = {
  gru: [['z', 'update gate z (1 = keep the old state)'], ['r', 'reset gate r (0 = ignore the past in the candidate)']],
  lstm: [['f', 'forget gate f (1 = keep the cell)'], ['i', 'input gate i (1 = write the candidate)'], ['o', 'output gate o']],
  rnn: [],
} as const;

/**
 * Reads `text` through the model. `boundary`: start with the line-boundary token (id 0), as lines (names) are trained;
 * streams start from the zero state without it. Characters outside the model's vocabulary are left out (and listed).
 */
export function traceGates(model: CharLM, vocab: CharVocab, text: string, boundary: boolean): GateTrace {
  const chars: string[] = [], skipped: string[] = [];
  for (const c of text) (vocab.has(c) ? chars : skipped).push(c);
  const ids = [...(boundary ? [0] : []), ...vocab.encode(chars.join(''))];
  const { cell, hidden: H, layers: L, embed: E } = model.config, rnn = model.rnn, sd = model.stateDict();
  const step = rnn instanceof GRU ? gruStep(rnn.resetAfter) : rnn instanceof RNN ? rnnStep(rnn.nonlinearity === 'relu') : lstmStep;
  const T = chars.length, skip = boundary ? 1 : 0;
  let xs = new Float32Array(ids.length * E);                             // layer 0's input: embedding rows [T', E]
  ids.forEach((id, t) => xs.set(sd['embed.weight'].data.subarray(id * E, (id + 1) * E), t * E));
  let I = E;
  const layers: LayerTrace[] = [];
  for (let l = 0; l < L; l++) {
    const w: LayerWeights = { wih: sd[`rnn.weight_ih_l${l}`].data, whh: sd[`rnn.weight_hh_l${l}`].data,
      bih: sd[`rnn.bias_ih_l${l}`]?.data ?? null, bhh: sd[`rnn.bias_hh_l${l}`]?.data ?? null, I, H };
    const gates = GATE_NAMES[cell].map(([name, label]) => ({ name, label, values: new Float32Array(T * H) }));
    const dh = new Float32Array(T * H), hs = new Float32Array(ids.length * H);
    let h = new Float32Array(H), c = new Float32Array(H);
    for (let t = 0; t < ids.length; t++) {
      const hn = new Float32Array(H), cn = new Float32Array(H), g = gates.map(() => new Float32Array(H)), row = t - skip;
      step(w, xs.subarray(t * I, (t + 1) * I), h, c, hn, cn, g);
      if (row >= 0) {
        g.forEach((v, k) => gates[k].values.set(v, row * H));
        for (let j = 0; j < H; j++) dh[row * H + j] = Math.abs(hn[j] - h[j]);
      }
      hs.set(hn, t * H);
      h = hn; c = cn;
    }
    layers.push({ layer: l, gates, dh, h: hs.slice(skip * H) });
    xs = hs; I = H;
  }
  return { cell, H, chars, skipped, layers };
}

/** The column between two lines of a probe: no values (NaN), drawn blank. */
export const LINE_BREAK = '⏎';

/**
 * The gate view's trace of a probe text. A model trained on lines (names) reads each line from a fresh state after
 * the boundary token, so the probe is split at spaces and line breaks and each word is read that way; the words'
 * columns are joined with an empty LINE_BREAK column between them. Streams are read as one text.
 */
export function probeTrace(model: CharLM, vocab: CharVocab, text: string, lines: boolean): GateTrace {
  if (!lines) return traceGates(model, vocab, text, false);
  const parts = text.split(/\s+/).filter((w) => w.length > 0).map((w) => traceGates(model, vocab, w, true)).filter((t) => t.chars.length > 0 || t.skipped.length > 0);
  if (parts.length <= 1) return parts[0] ?? traceGates(model, vocab, '', true);
  const H = parts[0].H, chars: string[] = [];
  parts.forEach((p, k) => { if (k) chars.push(LINE_BREAK); chars.push(...p.chars); });
  const T = chars.length;
  const join = (pick: (t: GateTrace) => Float32Array): Float32Array => {
    const out = new Float32Array(T * H).fill(NaN);
    let at = 0;
    parts.forEach((p, k) => { if (k) at++; out.set(pick(p), at * H); at += p.chars.length; });
    return out;
  };
  const layers = parts[0].layers.map((l, li) => ({
    layer: l.layer,
    gates: l.gates.map((g, gi) => ({ name: g.name, label: g.label, values: join((t) => t.layers[li].gates[gi].values) })),
    dh: join((t) => t.layers[li].dh), h: join((t) => t.layers[li].h),
  }));
  return { cell: parts[0].cell, H, chars, skipped: parts.flatMap((p) => p.skipped), layers };
}
