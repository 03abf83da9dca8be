// The recurrent layer of a StackModel when PyTorch's fused layers cannot express it (other activations, cell clip,
// a Keras mask): same parameter names, shapes and gate order as torch.nn.GRU / LSTM / RNN, run by the general
// inference loop of onnx/_recurrent.ts layer by layer and direction by direction. Inference only: no autograd node.
//
// Dimensions: T time, B batch, I input, H hidden, D directions, L layers, G gates.
import { GatedError, check, fmtShape } from '../errors.js';
import { Module } from '../nn/module.js';
import { globalRng } from '../random.js';
import { Tensor, sizeOf } from '../tensor/tensor.js';
import { act, runGeneral, type Act, type ActName } from './onnx/_recurrent.js';

/**
 * A recurrent layer of a {@link StackConfig}: the options of {@link GRU} / {@link LSTM} / {@link RNN}, plus those
 * of the ONNX and Keras layers PyTorch lacks (activations, clip, merge, returnSequences). Layers that only use
 * PyTorch's options run as gated's trainable layers; the others on an inference-only loop. Weights are named and
 * shaped as PyTorch's (`weight_ih_l0`, …).
 */
export interface RecurrentSpec {
  /** The cell. */
  type: 'gru' | 'lstm' | 'rnn';
  /** I: input features. */
  inputSize: number;
  /** H: hidden features. */
  hiddenSize: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Whether the layers have biases (default true). */
  bias?: boolean;
  /** Whether each layer also runs backwards (default false). */
  bidirectional?: boolean;
  /** GRU: true (default) PyTorch's reset after W_hn h; false Cho 2014 / Keras reset_after=False / ONNX linear_before_reset=0. */
  resetAfter?: boolean;
  /** RNN: tanh (default) or relu. */
  nonlinearity?: 'tanh' | 'relu';
  /**
   * ONNX-style activations f, g (, h): GRU 2, LSTM 3, RNN 1, shared by both directions (default: the cell's own).
   * @property name - the activation (see {@link ActivationName}).
   * @property alpha - its ONNX alpha, where it takes one (default: ONNX's).
   * @property beta - its ONNX beta, where it takes one (default: ONNX's).
   */
  activations?: { name: ActName; alpha?: number; beta?: number }[];
  /** Bound on every gate pre-activation, [−clip, clip] (ONNX `clip`). */
  clip?: number | null;
  /** Bidirectional: how the two directions' outputs combine (Keras merge_mode); default concat like PyTorch. */
  merge?: 'concat' | 'sum' | 'mul' | 'ave';
  /** false: output only the final outputs [B, D·H] (Keras return_sequences=False); default true. */
  returnSequences?: boolean;
}

const DEFAULT: Record<RecurrentSpec['type'], ActName[]> = { gru: ['sigmoid', 'tanh'], lstm: ['sigmoid', 'tanh', 'tanh'], rnn: ['tanh'] };
export const GATES: Record<RecurrentSpec['type'], number> = { gru: 3, lstm: 4, rnn: 1 };

/** The activations a spec runs (RNN: from `nonlinearity` unless `activations` is given). */
export function specActs(s: RecurrentSpec): Act[] {
  if (s.activations) return s.activations.map((a) => act(a.name, a.alpha, a.beta));
  if (s.type === 'rnn') return [act(s.nonlinearity ?? 'tanh')];
  return DEFAULT[s.type].map((n) => act(n));
}

/** True when gated's fused (trainable, PyTorch-exact) layer computes this spec. */
export function isFusable(s: RecurrentSpec): boolean {
  if (s.clip !== undefined && s.clip !== null) return false;
  const acts = specActs(s);
  if (s.type === 'rnn') return acts[0].name === 'tanh' || acts[0].name === 'relu';
  return acts.every((a, i) => a.name === DEFAULT[s.type][i]);
}

export class GeneralRecurrent extends Module {
  readonly spec: RecurrentSpec;
  private readonly acts: Act[];
  private readonly w: { wih: Tensor; whh: Tensor; bih: Tensor | null; bhh: Tensor | null }[][] = [];

  constructor(spec: RecurrentSpec, readonly batchFirst: boolean) {
    super();
    this.spec = spec;
    this.acts = specActs(spec);
    const G = GATES[spec.type], H = spec.hiddenSize, L = spec.numLayers ?? 1, D = spec.bidirectional ? 2 : 1, bound = 1 / Math.sqrt(H);
    if (this.acts.length !== DEFAULT[spec.type].length) throw new GatedError('INVALID_ARGUMENT', `${spec.type}: expected ${DEFAULT[spec.type].length} activations, got ${this.acts.length}`);
    const init = (shape: number[]): Tensor => {
      const d = new Float32Array(sizeOf(shape));
      for (let i = 0; i < d.length; i++) d[i] = globalRng.uniform(-bound, bound);
      return new Tensor(d, shape);
    };
    for (let l = 0; l < L; l++) {
      const dirs = [];
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`, In = l === 0 ? spec.inputSize : D * H;
        dirs.push({
          wih: this.param(`weight_ih${sfx}`, init([G * H, In])), whh: this.param(`weight_hh${sfx}`, init([G * H, H])),
          bih: spec.bias ?? true ? this.param(`bias_ih${sfx}`, init([G * H])) : null,
          bhh: spec.bias ?? true ? this.param(`bias_hh${sfx}`, init([G * H])) : null,
        });
      }
      this.w.push(dirs);
    }
  }

  /** x [T, B, I] ([B, T, I] batchFirst); mask [T, B] time-major (1 = the step runs). */
  forward(x: Tensor, opts: { lengths?: number[] | null; mask?: Float32Array | null; h0?: Tensor | null; c0?: Tensor | null } = {}): { output: Tensor; h: Tensor; c?: Tensor } {
    const s = this.spec, bf = this.batchFirst, H = s.hiddenSize, L = s.numLayers ?? 1, D = s.bidirectional ? 2 : 1;
    check(x instanceof Tensor && x.ndim === 3 && x.shape[2] === s.inputSize, 'SHAPE_MISMATCH',
      () => `${s.type.toUpperCase()}: x must be [${bf ? 'B, T' : 'T, B'}, ${s.inputSize}], got ${x instanceof Tensor ? fmtShape(x.shape) : typeof x}`);
    const [T, B] = bf ? [x.shape[1], x.shape[0]] : [x.shape[0], x.shape[1]];
    let lengths: Int32Array | null = null;
    if (opts.lengths) {
      check(opts.lengths.length === B && opts.lengths.every((n) => Number.isInteger(n) && n >= 1 && n <= T), 'INVALID_ARGUMENT',
        () => `${s.type.toUpperCase()}: lengths must be ${B} integers in [1, ${T}], got ${JSON.stringify(opts.lengths)}`);
      lengths = Int32Array.from(opts.lengths);
    }
    for (const [name, st] of [['h0', opts.h0], ['c0', opts.c0]] as const) {
      check(!st || (st.ndim === 3 && st.shape[0] === L * D && st.shape[1] === B && st.shape[2] === H), 'SHAPE_MISMATCH',
        () => `${s.type.toUpperCase()}: ${name} must be [${L * D}, ${B}, ${H}], got ${fmtShape(st!.shape)}`);
    }
    const state = (st: Tensor | null | undefined, k: number): Float32Array => (st ? st.data.slice(k * B * H, (k + 1) * B * H) : new Float32Array(B * H));
    let cur = bf ? swap01(x.data, B, T, s.inputSize) : x.data, In = s.inputSize;
    const hN = new Float32Array(L * D * B * H), cN = s.type === 'lstm' ? new Float32Array(L * D * B * H) : null;
    for (let l = 0; l < L; l++) {
      const out = new Float32Array(T * B * D * H);
      for (let d = 0; d < D; d++) {
        const w = this.w[l][d];
        const r = runGeneral({
          cell: s.type, T, B, I: In, H, x: cur, reverse: d === 1, wih: w.wih.data, whh: w.whh.data, bih: w.bih?.data ?? null, bhh: w.bhh?.data ?? null,
          h0: state(opts.h0, l * D + d), c0: s.type === 'lstm' ? state(opts.c0, l * D + d) : null, acts: this.acts, clip: s.clip ?? null,
          resetAfter: s.resetAfter ?? true, inputForget: false, peepholes: null, lengths, mask: opts.mask ?? null,
        });
        for (let tb = 0; tb < T * B; tb++) out.set(r.y.subarray(tb * H, (tb + 1) * H), tb * D * H + d * H);
        hN.set(r.hN, (l * D + d) * B * H);
        if (cN && r.cN) cN.set(r.cN, (l * D + d) * B * H);
      }
      cur = out; In = D * H;
    }
    const output = new Tensor(bf ? swap01(cur, T, B, D * H) : cur, bf ? [B, T, D * H] : [T, B, D * H]);
    const h = new Tensor(hN, [L * D, B, H]);
    return cN ? { output, h, c: new Tensor(cN, [L * D, B, H]) } : { output, h };
  }
}

/** [A, B, C] → [B, A, C]. */
export function swap01(src: Float32Array, A: number, B: number, C: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let a = 0; a < A; a++) for (let b = 0; b < B; b++) out.set(src.subarray((a * B + b) * C, (a * B + b + 1) * C), (b * A + a) * C);
  return out;
}
