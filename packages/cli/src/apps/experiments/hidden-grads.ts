// ∂L/∂h_t at every time step of a one-layer recurrent layer. The layer itself is one autograd node (fused BPTT), so
// its inner states have no gradients of their own; here the same weights run as a cell, one step at a time, each step
// starting from a fresh leaf copy of the previous state. Back-propagating step by step from the loss then leaves
// ∂L/∂h_t in each leaf's `.grad` — exactly the vectors BPTT multiplies through time:
//   ∂L/∂h_{t−1} = (∂h_t/∂h_{t−1})ᵀ ∂L/∂h_t   (and for LSTM the pair (h, c)).
// The weight gradients accumulated on the way equal the fused layer's (checked in the tests).
// Dimensions: T time, B batch, I input, H hidden.
import { GatedError, GRUCell, LSTMCell, RNNCell, GRU, LSTM, RNN, Tensor, zeros } from 'gated';

export type OneLayer = GRU | LSTM | RNN;

export interface HiddenGrads {
  loss: number;
  /** dh[t] = ∂L/∂h_t as [B, H] data, t = 0 … T (h_0 the initial state, h_T the last). */
  dh: Float32Array[];
  /** LSTM only: dc[t] = ∂L/∂c_t. */
  dc?: Float32Array[];
  /** The cell that ran the steps; its parameters hold ∂L/∂W accumulated over all steps. */
  cell: GRUCell | LSTMCell | RNNCell;
}

/** A cell with the layer's weights (weight_ih_l0 → weight_ih, …). */
export function cellOf(layer: OneLayer): GRUCell | LSTMCell | RNNCell {
  if (layer.numLayers !== 1 || layer.bidirectional || layer.projSize !== 0) {
    throw new GatedError('INVALID_ARGUMENT', `hiddenGradients: needs a one-layer, one-direction layer without projection, got numLayers ${layer.numLayers}, bidirectional ${layer.bidirectional}, projSize ${layer.projSize}`);
  }
  const opts = { inputSize: layer.inputSize, hiddenSize: layer.hiddenSize, bias: layer.bias };
  const cell = layer instanceof GRU ? new GRUCell({ ...opts, resetAfter: layer.resetAfter })
    : layer instanceof LSTM ? new LSTMCell(opts) : new RNNCell({ ...opts, nonlinearity: (layer as RNN).nonlinearity });
  const weights = Object.fromEntries(layer.namedParameters().map(([n, p]) => [n.replace(/_l0$/, ''), p]));
  cell.loadStateDict(weights);
  return cell;
}

/**
 * Runs `layer` over x [T, B, I] from a zero state, applies `lossOf` to the last state h_T [B, H], and returns
 * ∂L/∂h_t for t = 0 … T. Use a loss summed (not averaged) over the batch to get each sequence's own gradient.
 */
export function hiddenGradients(layer: OneLayer, x: Tensor, lossOf: (hT: Tensor) => Tensor): HiddenGrads {
  if (x.ndim !== 3 || x.shape[2] !== layer.inputSize) {
    throw new GatedError('SHAPE_MISMATCH', `hiddenGradients: x must be [T, B, ${layer.inputSize}], got [${x.shape.join(', ')}]`);
  }
  const [T, B, I] = x.shape, H = layer.hiddenSize, lstm = layer instanceof LSTM;
  const cell = cellOf(layer);
  const leaf = (d: Float32Array): Tensor => new Tensor(d.slice(), [B, H], { requiresGrad: true });
  const hIn: Tensor[] = [], cIn: Tensor[] = [], hOut: Tensor[] = [], cOut: Tensor[] = [];
  let h = zeros([B, H]).data, c = zeros([B, H]).data;
  for (let t = 0; t < T; t++) {
    const xt = new Tensor(x.data.slice(t * B * I, (t + 1) * B * I), [B, I]);
    const hi = leaf(h);
    hIn.push(hi);
    if (lstm) {
      const ci = leaf(c);
      cIn.push(ci);
      const s = (cell as LSTMCell).forward(xt, { h: hi, c: ci });
      hOut.push(s.h); cOut.push(s.c); h = s.h.data; c = s.c.data;
    } else {
      const o = (cell as GRUCell | RNNCell).forward(xt, hi);
      hOut.push(o); h = o.data;
    }
  }
  const hT = leaf(h), loss = lossOf(hT);
  loss.backward();
  const dh: Float32Array[] = new Array(T + 1), dc: Float32Array[] = new Array(T + 1);
  dh[T] = hT.grad?.data.slice() ?? new Float32Array(B * H);
  dc[T] = new Float32Array(B * H); // the loss reads h_T only
  for (let t = T - 1; t >= 0; t--) {
    // seed step t's outputs with the gradients reaching them: s = Σ h_{t+1} ⊙ dh_{t+1} (+ Σ c_{t+1} ⊙ dc_{t+1})
    let s = hOut[t].mul(new Tensor(dh[t + 1], [B, H])).sum();
    if (lstm) s = s.add(cOut[t].mul(new Tensor(dc[t + 1], [B, H])).sum());
    s.backward();
    dh[t] = hIn[t].grad?.data.slice() ?? new Float32Array(B * H);
    if (lstm) dc[t] = cIn[t].grad?.data.slice() ?? new Float32Array(B * H);
  }
  return lstm ? { loss: loss.item(), dh, dc, cell } : { loss: loss.item(), dh, cell };
}

/** Mean over the batch of the per-sequence norm ‖g_b‖₂ of g [B, H], in float64. */
export function meanRowNorm(g: Float32Array, B: number, H: number): number {
  let total = 0;
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let j = 0; j < H; j++) s += g[b * H + j] * g[b * H + j];
    total += Math.sqrt(s);
  }
  return total / B;
}
