// The gradient view's numbers: how strongly the loss at the last step of a window reaches back to the hidden
// state d steps earlier, ‖∂L/∂h_{T−1−d}‖ against the distance d — the vanishing-gradient picture.
// The model's recurrent layers are rebuilt as cells (GRUCell / LSTMCell / RNNCell with the trained weights) and
// stepped through the window; a loop of cell calls is differentiable, and adding a zero leaf e_t to each h_t makes
// ∂L/∂e_t = ∂L/∂h_t readable after one backward (gradients are kept on leaves only).
//
// Dimensions: K windows (the batch), T steps, E embedding, H hidden, L layers, V vocabulary.
import {
  CharLM, GRU, GRUCell, LSTMCell, RNN, RNNCell, crossEntropy, manualSeed, tensor, zeros,
  type Tensor,
} from './gated.js';

type Cell = GRUCell | LSTMCell | RNNCell;

/** Layer l of the model's recurrent stack as a cell with the same weights. */
function cellOf(model: CharLM, l: number): Cell {
  const { cell, hidden, embed } = model.config, rnn = model.rnn, sd = model.stateDict();
  const opts = { inputSize: l === 0 ? embed : hidden, hiddenSize: hidden };
  const c = cell === 'gru' ? new GRUCell({ ...opts, resetAfter: rnn instanceof GRU ? rnn.resetAfter : true })
    : cell === 'lstm' ? new LSTMCell(opts) : new RNNCell({ ...opts, nonlinearity: rnn instanceof RNN ? rnn.nonlinearity : 'tanh' });
  c.loadStateDict({ weight_ih: sd[`rnn.weight_ih_l${l}`], weight_hh: sd[`rnn.weight_hh_l${l}`], bias_ih: sd[`rnn.bias_ih_l${l}`], bias_hh: sd[`rnn.bias_hh_l${l}`] });
  return c;
}

/**
 * windows: K id sequences of length T + 1 (inputs = the first T, the target of the loss = the last).
 * Returns ‖∂L_k/∂h_t‖ [K, T] (all layers' h_t together), where L_k is window k's cross-entropy at its last step.
 */
export function gradientNorms(model: CharLM, windows: readonly Int32Array[]): Float64Array {
  const K = windows.length, T = windows[0].length - 1, { hidden: H, layers: L, embed: E } = model.config;
  const cells = Array.from({ length: L }, (_, l) => cellOf(model, l));
  const embedW = model.stateDict()['embed.weight'].data;
  let h: Tensor[] = Array.from({ length: L }, () => zeros([K, H]));
  let c: Tensor[] = Array.from({ length: L }, () => zeros([K, H]));
  const taps: Tensor[][] = [];                                      // [T][L] zero leaves added to h_t
  for (let t = 0; t < T; t++) {
    const x0 = new Float32Array(K * E);                              // [K, E] embedding rows of this step's inputs
    windows.forEach((w, k) => x0.set(embedW.subarray(w[t] * E, (w[t] + 1) * E), k * E));
    let x: Tensor = tensor(x0, [K, E]);
    const row: Tensor[] = [];
    cells.forEach((cell, l) => {
      let hn: Tensor;
      if (cell instanceof LSTMCell) ({ h: hn, c: c[l] } = cell.forward(x, { h: h[l], c: c[l] }));
      else hn = cell.forward(x, h[l]);
      const e = zeros([K, H], { requiresGrad: true });
      row.push(e);
      h[l] = hn.add(e);
      x = h[l];
    });
    taps.push(row);
  }
  const logits = model.head.forward(h[L - 1]);                      // [K, V]
  // sum over windows: each window's gradient is that of its own loss
  crossEntropy(logits, Int32Array.from(windows, (w) => w[T]), { reduction: 'sum' }).backward();
  const norms = new Float64Array(K * T);
  for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) {
    let s = 0;
    for (const e of taps[t]) for (let j = 0; j < H; j++) s += e.grad!.data[k * H + j] ** 2;
    norms[k * T + t] = Math.sqrt(s);
  }
  return norms;
}

/** norms [K, T] → for d = 0 … T−1 the geometric mean over the K windows of ‖∂L_k/∂h_{T−1−d}‖ (floored at 1e-30). */
export function byDistance(norms: Float64Array, K: number): Float64Array {
  const T = norms.length / K, out = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let logSum = 0;
    for (let k = 0; k < K; k++) logSum += Math.log(Math.max(norms[k * T + t], 1e-30));
    out[T - 1 - t] = Math.exp(logSum / K);
  }
  return out;
}

/** The gradient view's curve: `byDistance(gradientNorms(model, windows))`. */
export function gradientByDistance(model: CharLM, windows: readonly Int32Array[]): Float64Array {
  return byDistance(gradientNorms(model, windows), windows.length);
}

/** A plain tanh RNN language model of the same size as `model`, freshly initialised (PyTorch's init) with `seed`. */
export function plainRNNLike(model: CharLM, seed: number): CharLM {
  manualSeed(seed);
  return new CharLM({ ...model.config, cell: 'rnn' });
}

/**
 * K windows of T + 1 ids from `ids`, evenly spaced (deterministic, so the curves of two models compare the same text).
 */
export function windowsOf(ids: Int32Array, K: number, T: number): Int32Array[] {
  const span = ids.length - (T + 1);
  if (span < 0) return [];
  return Array.from({ length: K }, (_, k) => ids.slice(Math.floor((span * k) / Math.max(1, K - 1)), Math.floor((span * k) / Math.max(1, K - 1)) + T + 1));
}
