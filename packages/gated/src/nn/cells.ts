// Single-step cells — GRUCell, LSTMCell, RNNCell — for streaming inference and custom loops, like torch.nn.*Cell.
// Each step is one autograd node reusing the layer math of gru.ts / lstm.ts / rnn.ts with T = 1, so a loop of
// cell calls is differentiable end to end. Parameters: weight_ih [G·H, I], weight_hh [G·H, H], bias_ih, bias_hh [G·H].
import { GatedError, check, checkOptions, fmtShape } from '../errors.js';
import { globalRng } from '../random.js';
import { Tensor, isGradEnabled, record, sizeOf } from '../tensor/tensor.js';
import { dirWeights, withPinnedWeights, type CellMath, type DirGrads, type DirRun, type RecurrentBase } from './_recurrent.js';
import { gruResetAfter, gruResetBefore, initUpdateBias, type GRU } from './gru.js';
import type { GateBiasInit } from './init.js';
import { initForgetBias, lstmMath, type LSTM } from './lstm.js';
import { Module, type StateDict } from './module.js';
import { checkNonlinearity, rnnMath, type Nonlinearity, type RNN } from './rnn.js';

/**
 * Options of {@link GRUCell}, {@link LSTMCell} and {@link RNNCell}, like the arguments of PyTorch's `nn.*Cell`.
 * An unknown key is an `ArgumentError`.
 * @property inputSize - I: features of the input `x` (integer ≥ 0).
 * @property hiddenSize - H: features of the hidden state (integer ≥ 1).
 * @property bias - whether the cell has `bias_ih` and `bias_hh` (default true).
 */
export interface CellOptions { inputSize: number; hiddenSize: number; bias?: boolean }

/** Input size of layer `layer` of a stack, after checking that the layer (and direction) exist. */
function layerInput(kind: string, from: RecurrentBase, layer: number, reverse: boolean): number {
  check(Number.isInteger(layer) && layer >= 0 && layer < from.numLayers, 'INVALID_ARGUMENT',
    () => `${kind}.fromLayer: layer must be an integer in [0, ${from.numLayers - 1}] (the layer has ${from.numLayers}), got ${layer}`);
  check(!reverse || from.bidirectional, 'INVALID_ARGUMENT', () => `${kind}.fromLayer: reverse: true needs a bidirectional layer`);
  return layer === 0 ? from.inputSize : (from.projSize || from.hiddenSize) * (from.bidirectional ? 2 : 1);
}

abstract class CellBase extends Module {
  /** I, as given in the options. */
  readonly inputSize: number;
  /** H, as given in the options. */
  readonly hiddenSize: number;
  /** Whether the cell has biases (default true). */
  readonly bias: boolean;
  /** `[G·H, I]`: the input-to-hidden weights, gate blocks stacked in PyTorch's order (G = 3 GRU, 4 LSTM, 1 RNN). */
  readonly weight_ih: Tensor;
  /** `[G·H, H]`: the hidden-to-hidden weights, gate blocks stacked like `weight_ih`. */
  readonly weight_hh: Tensor;
  /** `[G·H]` input-side bias, or null with `bias: false`. */
  readonly bias_ih: Tensor | null;
  /** `[G·H]` hidden-side bias, or null with `bias: false`. */
  readonly bias_hh: Tensor | null;

  /** @param kind - the class name, for error messages. */
  constructor(protected readonly kind: string, gates: number, opts: CellOptions, extraOptions: readonly string[] = []) {
    super();
    checkOptions(kind, opts, ['inputSize', 'hiddenSize', 'bias', ...extraOptions]);
    const { inputSize, hiddenSize } = opts;
    check(Number.isInteger(inputSize) && inputSize >= 0 && Number.isInteger(hiddenSize) && hiddenSize >= 1, 'INVALID_ARGUMENT',
      () => `${kind}: inputSize must be an integer ≥ 0 and hiddenSize ≥ 1, got ${inputSize}, ${hiddenSize}`);
    this.inputSize = inputSize; this.hiddenSize = hiddenSize; this.bias = opts.bias ?? true;
    const bound = 1 / Math.sqrt(hiddenSize), GH = gates * hiddenSize;
    const init = (shape: number[]): Tensor => {
      const d = new Float32Array(sizeOf(shape));
      for (let i = 0; i < d.length; i++) d[i] = globalRng.uniform(-bound, bound);
      return new Tensor(d, shape);
    };
    this.weight_ih = this.param('weight_ih', init([GH, inputSize]));
    this.weight_hh = this.param('weight_hh', init([GH, hiddenSize]));
    this.bias_ih = this.bias ? this.param('bias_ih', init([GH])) : null;
    this.bias_hh = this.bias ? this.param('bias_hh', init([GH])) : null;
  }

  /**
   * Copies weights `*_l{layer}[_reverse]` of a stack into this cell's `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`.
   * @internal
   */
  protected takeLayer(from: RecurrentBase, layer: number, reverse: boolean): this {
    const dict = from.stateDict(), sfx = `_l${layer}${reverse ? '_reverse' : ''}`, mine: StateDict = {};
    for (const name of ['weight_ih', 'weight_hh', ...(this.bias ? ['bias_ih', 'bias_hh'] : [])]) mine[name] = dict[name + sfx];
    this.loadStateDict(mine);
    return this;
  }

  /** @internal One step: x [B, I] or [I]; h, c [B, H] or [H] (null = zeros). Returns h' (and c' for LSTM). */
  protected step(math: CellMath, x: Tensor, h: Tensor | null, c: Tensor | null, withCell: boolean): Tensor[] {
    const kind = this.kind, I = this.inputSize, H = this.hiddenSize;
    check(x instanceof Tensor && (x.ndim === 1 || x.ndim === 2) && x.shape[x.ndim - 1] === I, 'SHAPE_MISMATCH',
      () => `${kind}.forward: x must be [B, ${I}] or [${I}], got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
    const unbatched = x.ndim === 1, B = unbatched ? 1 : x.shape[0];
    const stateShape = unbatched ? [H] : [B, H];
    const fits = (s: Tensor): boolean => s.ndim === stateShape.length && s.shape[0] === stateShape[0] && s.shape[s.ndim - 1] === H;
    if (h && !fits(h)) throw new GatedError('SHAPE_MISMATCH', `${kind}.forward: h must have shape ${fmtShape(stateShape)}, got ${fmtShape(h.shape)}`);
    if (c && !fits(c)) throw new GatedError('SHAPE_MISMATCH', `${kind}.forward: c must have shape ${fmtShape(stateShape)}, got ${fmtShape(c.shape)}`);
    const run: DirRun = {
      T: 1, B, I, H, P: H, x: x.data, reverse: false, lengths: null,
      ...dirWeights({ wih: this.weight_ih, whh: this.weight_hh, bih: this.bias_ih, bhh: this.bias_hh, whr: null }),
      h0: h ? h.data : new Float32Array(B * H), c0: withCell ? (c ? c.data : new Float32Array(B * H)) : null,
    };
    const cache = withPinnedWeights(run, () => math.forward(run));
    // the new state: hx's second slot — a view when no backward will read hx (no copy per streaming step)
    const next = (a: Float32Array): Float32Array => (isGradEnabled() ? a.slice(B * H) : a.subarray(B * H));
    const outs = [new Tensor(next(cache.hx), stateShape)];
    if (withCell) outs.push(new Tensor(next(cache.cx!), stateShape));
    const params = [this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh];
    return record({
      name: kind, inputs: [x, h, c, ...params], numOutputs: outs.length,
      backward: ([gh, gc]) => {
        const g: DirGrads = {
          wih: new Float32Array(this.weight_ih.size), whh: new Float32Array(this.weight_hh.size),
          bih: this.bias_ih ? new Float32Array(this.bias_ih.size) : null, bhh: this.bias_hh ? new Float32Array(this.bias_hh.size) : null,
          whr: null, dx: new Float32Array(x.size),
        };
        const r = withPinnedWeights(run, () => math.backward(run, cache, new Float32Array(B * H), gh, withCell ? gc : null, g));
        return [g.dx, h ? r.dh0 : null, c ? r.dc0 : null, g.wih, g.whh, g.bih, g.bhh];
      },
    }, outs);
  }
}

/**
 * One GRU step (gate order r, z, n; see gru.ts). Option `resetAfter: false` gives Cho 2014's candidate.
 * ```
 * r  = σ(W_ir x + b_ir + W_hr h + b_hr)
 * z  = σ(W_iz x + b_iz + W_hz h + b_hz)
 * n  = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))     (resetAfter: false → W_hn (r ⊙ h) + b_hn)
 * h' = (1 − z) ⊙ n + z ⊙ h
 * ```
 * Like `torch.nn.GRUCell`: options {@link CellOptions} plus `resetAfter` (default true) and `updateBias` (the update
 * gate's initial bias, as `GRUOptions.updateBias`; default PyTorch's). Parameters `weight_ih`
 * `[3H, I]`, `weight_hh` `[3H, H]`, `bias_ih`, `bias_hh` `[3H]`, ~ U(−1/√H, 1/√H). Each call is one autograd node,
 * so a loop of calls is differentiable end to end (BPTT through the loop).
 *
 * Shape: `x` `[B, I]` or `[I]`; `h` `[B, H]` or `[H]` (default zeros) → h' of the same shape as `h`.
 *
 * {@link GRUCell.fromLayer} makes a cell from one layer of a trained {@link GRU}, to stream it step by step.
 *
 * @throws ArgumentError for an unknown or invalid option; ShapeError when `x` or `h` do not fit.
 *
 * @example
 * ```ts
 * import { GRUCell, tensor, type Tensor } from 'gated';
 * const cell = new GRUCell({ inputSize: 3, hiddenSize: 8 });
 * let h: Tensor | null = null;
 * for (const frame of [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]) h = cell.forward(tensor([frame]), h);   // x [1, 3] → h [1, 8]
 * ```
 */
export class GRUCell extends CellBase {
  /** True (default): PyTorch's candidate with the reset after the recurrent product; false: Cho 2014's. */
  readonly resetAfter: boolean;
  constructor(opts: CellOptions & { resetAfter?: boolean; updateBias?: GateBiasInit }) {
    super('GRUCell', 3, opts, ['resetAfter', 'updateBias']);
    this.resetAfter = opts.resetAfter ?? true;
    initUpdateBias('GRUCell', this.namedParameters(), this.hiddenSize, this.bias, opts.updateBias);
  }
  /**
   * One step: x `[B, I]` or `[I]`, h `[B, H]` or `[H]` (null or omitted: zeros) → h' `[B, H]` or `[H]`.
   * @throws ShapeError when `x` or `h` do not have these shapes.
   */
  forward(x: Tensor, h?: Tensor | null): Tensor {
    return this.step(this.resetAfter ? gruResetAfter : gruResetBefore, x, h ?? null, null, false)[0];
  }

  /**
   * A cell holding one layer (and direction) of a trained `GRU` — its `weight_ih_l{k}` … copied to `weight_ih` … —
   * to run it one step at a time (streaming) with the same numbers as the layer.
   * @example
   * const cell = GRUCell.fromLayer(gru, 0);
   * let h = null;
   * for (const x of frames) h = noGrad(() => cell.forward(x, h));   // x [B, I] each step
   */
  static fromLayer(gru: GRU, layer = 0, opts: { reverse?: boolean } = {}): GRUCell {
    const inputSize = layerInput('GRUCell', gru, layer, opts.reverse ?? false);
    return new GRUCell({ inputSize, hiddenSize: gru.hiddenSize, bias: gru.bias, resetAfter: gru.resetAfter }).takeLayer(gru, layer, opts.reverse ?? false);
  }
}

/**
 * One LSTM step (gate order i, f, g, o; see lstm.ts). State { h, c } together or not at all.
 * ```
 * i  = σ(W_ii x + b_ii + W_hi h + b_hi),   f = σ(W_if x + b_if + W_hf h + b_hf)
 * g  = tanh(W_ig x + b_ig + W_hg h + b_hg), o = σ(W_io x + b_io + W_ho h + b_ho)
 * c' = f ⊙ c + i ⊙ g,   h' = o ⊙ tanh(c')
 * ```
 * Like `torch.nn.LSTMCell`: options {@link CellOptions} plus `forgetBias` (the forget gate's initial bias, as
 * `LSTMOptions.forgetBias`; default PyTorch's). Parameters `weight_ih` `[4H, I]`, `weight_hh` `[4H, H]`,
 * `bias_ih`, `bias_hh` `[4H]`, ~ U(−1/√H, 1/√H). Each call is one autograd node.
 *
 * Shape: `x` `[B, I]` or `[I]`; state `{ h, c }` each `[B, H]` or `[H]` (default zeros) → `{ h', c' }` of that shape.
 *
 * @throws ArgumentError for an unknown option or a state without both `h` and `c`; ShapeError when a shape does not fit.
 *
 * @example
 * ```ts
 * import { LSTMCell, tensor } from 'gated';
 * const cell = new LSTMCell({ inputSize: 2, hiddenSize: 4 });
 * let state = cell.forward(tensor([[1, 0], [0, 1]]));             // B = 2: h, c [2, 4]
 * state = cell.forward(tensor([[0, 1], [1, 0]]), state);
 * ```
 */
export class LSTMCell extends CellBase {
  constructor(opts: CellOptions & { forgetBias?: GateBiasInit }) {
    super('LSTMCell', 4, opts, ['forgetBias']);
    initForgetBias('LSTMCell', this.namedParameters(), this.hiddenSize, this.bias, opts.forgetBias);
  }
  /**
   * One step: x `[B, I]` or `[I]`, `state` `{ h, c }` each `[B, H]` or `[H]` (null or omitted: zeros).
   * @throws ArgumentError when `state` lacks `h` or `c`; ShapeError when a shape does not fit.
   * @property h - h' `[B, H]` (or `[H]`).
   * @property c - c' `[B, H]` (or `[H]`).
   */
  forward(x: Tensor, state?: { h: Tensor; c: Tensor } | null): { h: Tensor; c: Tensor } {
    check(!state || (state.h instanceof Tensor && state.c instanceof Tensor), 'INVALID_ARGUMENT',
      'LSTMCell.forward: state must be { h, c } with both tensors, or omitted');
    const [h, c] = this.step(lstmMath, x, state?.h ?? null, state?.c ?? null, true);
    return { h, c };
  }

  /** One layer (and direction) of a trained `LSTM` as a cell (see `GRUCell.fromLayer`); not for layers with `projSize`. */
  static fromLayer(lstm: LSTM, layer = 0, opts: { reverse?: boolean } = {}): LSTMCell {
    check(lstm.projSize === 0, 'INVALID_ARGUMENT', () => `LSTMCell.fromLayer: the LSTM has projSize ${lstm.projSize}; LSTMCell has no projection`);
    const inputSize = layerInput('LSTMCell', lstm, layer, opts.reverse ?? false);
    return new LSTMCell({ inputSize, hiddenSize: lstm.hiddenSize, bias: lstm.bias }).takeLayer(lstm, layer, opts.reverse ?? false);
  }
}

/**
 * One Elman RNN step: h' = act(W_ih x + b_ih + W_hh h + b_hh).
 * Like `torch.nn.RNNCell`: act = tanh (default) or relu (option `nonlinearity`), options {@link CellOptions}.
 * Parameters `weight_ih` `[H, I]`, `weight_hh` `[H, H]`, `bias_ih`, `bias_hh` `[H]`, ~ U(−1/√H, 1/√H).
 *
 * Shape: `x` `[B, I]` or `[I]`; `h` `[B, H]` or `[H]` (default zeros) → h' of the same shape.
 *
 * @throws ArgumentError for an unknown option or nonlinearity; ShapeError when `x` or `h` do not fit.
 *
 * @example
 * ```ts
 * import { RNNCell, tensor } from 'gated';
 * const cell = new RNNCell({ inputSize: 2, hiddenSize: 3, nonlinearity: 'relu' });
 * const h1 = cell.forward(tensor([1, 2]));        // unbatched: [3]
 * const h2 = cell.forward(tensor([3, 4]), h1);
 * ```
 */
export class RNNCell extends CellBase {
  /** `'tanh'` (default) or `'relu'`. */
  readonly nonlinearity: Nonlinearity;
  /** @internal the cell's equations (kernels side); not part of the public API */
  private readonly math: CellMath;
  constructor(opts: CellOptions & { nonlinearity?: Nonlinearity }) {
    super('RNNCell', 1, opts, ['nonlinearity']);
    this.nonlinearity = checkNonlinearity('RNNCell', opts.nonlinearity ?? 'tanh');
    this.math = rnnMath(this.nonlinearity);
  }
  /**
   * One step: x `[B, I]` or `[I]`, h `[B, H]` or `[H]` (null or omitted: zeros) → h' `[B, H]` or `[H]`.
   * @throws ShapeError when `x` or `h` do not have these shapes.
   */
  forward(x: Tensor, h?: Tensor | null): Tensor { return this.step(this.math, x, h ?? null, null, false)[0]; }

  /** One layer (and direction) of a trained `RNN` as a cell (see `GRUCell.fromLayer`). */
  static fromLayer(rnn: RNN, layer = 0, opts: { reverse?: boolean } = {}): RNNCell {
    const inputSize = layerInput('RNNCell', rnn, layer, opts.reverse ?? false);
    return new RNNCell({ inputSize, hiddenSize: rnn.hiddenSize, bias: rnn.bias, nonlinearity: rnn.nonlinearity }).takeLayer(rnn, layer, opts.reverse ?? false);
  }
}
