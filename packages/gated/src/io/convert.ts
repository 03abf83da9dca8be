// Weight-layout converters between the three conventions for recurrent layers: PyTorch (gated's own), Keras / TF.js
// and ONNX. Pure array shuffles — gate reorders, transposes, bias splits and sums — each exactly invertible where
// the target convention can express the source (a Keras reset-before GRU or LSTM has one bias: b_ih + b_hh).
//
//            gate order          input weights      recurrent weights   biases
//   PyTorch  GRU r,z,n           weight_ih [G·H, I]  weight_hh [G·H, H]  bias_ih [G·H], bias_hh [G·H]
//            LSTM i,f,g,o
//   Keras    GRU z,r,h           kernel [I, G·H]     recurrent_kernel    bias [G·H] (b_ih + b_hh), or [2, G·H] = (b_ih; b_hh)
//            LSTM i,f,c,o                            [H, G·H]            for a GRU with reset_after=True
//   ONNX     GRU z,r,h           W [D, G·H, I]       R [D, G·H, H]       B [D, 2·G·H] = (Wb; Rb) per direction
//            LSTM i,o,f,c
// GRU reset convention: PyTorch's default (reset after W_hn h + b_hn) = Keras reset_after=True = ONNX
// linear_before_reset=1; gated's `resetAfter: false` (Cho 2014) = Keras reset_after=False = ONNX linear_before_reset=0.
// In both reset-before forms b_hn is added outside r ⊙ (·), so summing it into the input bias is exact.
import { GatedError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/** The recurrent cell a weight conversion is for: `'gru'`, `'lstm'` or `'rnn'` (it fixes the gate count and order). */
export type CellType = 'gru' | 'lstm' | 'rnn';

/**
 * One layer, one direction, in PyTorch's layout (null biases = bias=False).
 * @property weightIh - `weight_ih_l{k}` `[G·H, I]`, gate blocks in PyTorch's order.
 * @property weightHh - `weight_hh_l{k}` `[G·H, H]`.
 * @property biasIh - `bias_ih_l{k}` `[G·H]`, or null.
 * @property biasHh - `bias_hh_l{k}` `[G·H]`, or null.
 */
export interface TorchRecurrentWeights { weightIh: Tensor; weightHh: Tensor; biasIh: Tensor | null; biasHh: Tensor | null }
/**
 * Keras / TF.js layout of one recurrent layer (one direction): kernel, recurrent_kernel, bias.
 * @property kernel - `[I, G·H]`, gate blocks in Keras's order.
 * @property recurrentKernel - `[H, G·H]`.
 * @property bias - `[G·H]`, or `[2, G·H]` for a GRU with reset_after=True; null without bias.
 */
export interface KerasRecurrentWeights { kernel: Tensor; recurrentKernel: Tensor; bias: Tensor | null }
/**
 * ONNX GRU / LSTM / RNN operator inputs W, R, B (all directions).
 * @property W - `[D, G·H, I]`, gate blocks in ONNX's order.
 * @property R - `[D, G·H, H]`.
 * @property B - `[D, 2·G·H]` (input then recurrent biases per direction), or null.
 */
export interface OnnxRecurrentWeights { W: Tensor; R: Tensor; B: Tensor | null }

const GATES: Record<CellType, number> = { gru: 3, lstm: 4, rnn: 1 };
// position in the other convention's order of each PyTorch gate block: torch block j ↔ other block ORDER[j]
const KERAS_ORDER: Record<CellType, number[]> = { gru: [1, 0, 2], lstm: [0, 1, 2, 3], rnn: [0] };
const ONNX_ORDER: Record<CellType, number[]> = { gru: [1, 0, 2], lstm: [0, 2, 3, 1], rnn: [0] };

export const gateCount = (cell: CellType): number => {
  const g = GATES[cell];
  if (g === undefined) throw new GatedError('INVALID_ARGUMENT', `cell must be gru, lstm or rnn, got '${String(cell)}'`);
  return g;
};

function expectShape(t: Tensor | null | undefined, shape: number[], what: string): void {
  if (!(t instanceof Tensor)) throw new GatedError('INVALID_ARGUMENT', `${what}: expected a Tensor of shape ${fmtShape(shape)}, got ${t === null ? 'null' : typeof t}`);
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new GatedError('SHAPE_MISMATCH', `${what}: expected shape ${fmtShape(shape)}, got ${fmtShape(t.shape)}`);
  }
}

/** Rows regrouped by gate: dst block ORDER[j] = src block j (toTorch = false) or dst block j = src block ORDER[j]. */
function reorderRows(src: Float32Array, H: number, cols: number, order: number[], toTorch: boolean): Float32Array {
  const out = new Float32Array(src.length), blk = H * cols;
  order.forEach((o, j) => {
    const [from, to] = toTorch ? [o, j] : [j, o];
    out.set(src.subarray(from * blk, (from + 1) * blk), to * blk);
  });
  return out;
}

function transpose2(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c];
  return out;
}

const addArrays = (a: Float32Array, b: Float32Array): Float32Array => a.map((v, i) => v + b[i]);

/** Checks one direction's PyTorch weights and returns (G, H, I). */
function torchDims(cell: CellType, w: TorchRecurrentWeights, what: string): { G: number; H: number; I: number } {
  const G = gateCount(cell);
  if (!(w?.weightHh instanceof Tensor) || w.weightHh.ndim !== 2 || w.weightHh.shape[0] % G !== 0) {
    throw new GatedError('SHAPE_MISMATCH', `${what}: weightHh must be a [${G}·H, H] Tensor, got ${w?.weightHh instanceof Tensor ? fmtShape(w.weightHh.shape) : typeof w?.weightHh}`);
  }
  const H = w.weightHh.shape[0] / G;
  expectShape(w.weightHh, [G * H, H], `${what} weightHh`);
  if (!(w.weightIh instanceof Tensor) || w.weightIh.ndim !== 2) throw new GatedError('SHAPE_MISMATCH', `${what}: weightIh must be a [${G * H}, I] Tensor`);
  const I = w.weightIh.shape[1];
  expectShape(w.weightIh, [G * H, I], `${what} weightIh`);
  if ((w.biasIh === null) !== (w.biasHh === null)) throw new GatedError('INVALID_ARGUMENT', `${what}: give biasIh and biasHh together, or neither`);
  if (w.biasIh) { expectShape(w.biasIh, [G * H], `${what} biasIh`); expectShape(w.biasHh, [G * H], `${what} biasHh`); }
  return { G, H, I };
}

// ------------------------------------------------------------------------------------------------ Keras

/**
 * Keras / TF.js → PyTorch, one direction. GRU: `resetAfter` must say which convention the Keras layer used
 * (reset_after=True: bias [2, 3H]; False: bias [3H], loaded as bias_ih with bias_hh = 0 — exact, see the header).
 */
export function kerasToTorch(cell: CellType, k: KerasRecurrentWeights, opts: { resetAfter?: boolean } = {}): TorchRecurrentWeights {
  const G = gateCount(cell), what = `kerasToTorch(${cell})`;
  if (!(k?.recurrentKernel instanceof Tensor) || k.recurrentKernel.ndim !== 2) throw new GatedError('SHAPE_MISMATCH', `${what}: recurrentKernel must be a [H, ${G}·H] Tensor`);
  const H = k.recurrentKernel.shape[0];
  expectShape(k.recurrentKernel, [H, G * H], `${what} recurrentKernel`);
  if (!(k.kernel instanceof Tensor) || k.kernel.ndim !== 2) throw new GatedError('SHAPE_MISMATCH', `${what}: kernel must be a [I, ${G * H}] Tensor`);
  const I = k.kernel.shape[0];
  expectShape(k.kernel, [I, G * H], `${what} kernel`);
  const order = KERAS_ORDER[cell];
  const weightIh = new Tensor(reorderRows(transpose2(k.kernel.data, I, G * H), H, I, order, true), [G * H, I]);
  const weightHh = new Tensor(reorderRows(transpose2(k.recurrentKernel.data, H, G * H), H, H, order, true), [G * H, H]);
  if (!k.bias) return { weightIh, weightHh, biasIh: null, biasHh: null };
  const twoBiases = cell === 'gru' && (opts.resetAfter ?? true);
  expectShape(k.bias, twoBiases ? [2, G * H] : [G * H], `${what} bias${cell === 'gru' ? ` (reset_after=${twoBiases})` : ''}`);
  const bi = k.bias.data.subarray(0, G * H), bh = twoBiases ? k.bias.data.subarray(G * H) : new Float32Array(G * H);
  return {
    weightIh, weightHh,
    biasIh: new Tensor(reorderRows(bi, H, 1, order, true), [G * H]),
    biasHh: new Tensor(reorderRows(bh, H, 1, order, true), [G * H]),
  };
}

/** PyTorch → Keras / TF.js, one direction. GRU `resetAfter: false` (Keras reset_after=False) sums the biases. */
export function torchToKeras(cell: CellType, w: TorchRecurrentWeights, opts: { resetAfter?: boolean } = {}): KerasRecurrentWeights {
  const { G, H, I } = torchDims(cell, w, `torchToKeras(${cell})`), order = KERAS_ORDER[cell];
  const kernel = new Tensor(transpose2(reorderRows(w.weightIh.data, H, I, order, false), G * H, I), [I, G * H]);
  const recurrentKernel = new Tensor(transpose2(reorderRows(w.weightHh.data, H, H, order, false), G * H, H), [H, G * H]);
  if (!w.biasIh || !w.biasHh) return { kernel, recurrentKernel, bias: null };
  const bi = reorderRows(w.biasIh.data, H, 1, order, false), bh = reorderRows(w.biasHh.data, H, 1, order, false);
  if (cell === 'gru' && (opts.resetAfter ?? true)) {
    const b = new Float32Array(2 * G * H);
    b.set(bi); b.set(bh, G * H);
    return { kernel, recurrentKernel, bias: new Tensor(b, [2, G * H]) };
  }
  return { kernel, recurrentKernel, bias: new Tensor(addArrays(bi, bh), [G * H]) };
}

// ------------------------------------------------------------------------------------------------ ONNX

/** ONNX W, R, B (all directions) → PyTorch weights, one entry per direction (forward, then reverse). */
export function onnxToTorch(cell: CellType, o: OnnxRecurrentWeights): TorchRecurrentWeights[] {
  const G = gateCount(cell), what = `onnxToTorch(${cell})`;
  if (!(o?.R instanceof Tensor) || o.R.ndim !== 3 || o.R.shape[1] % G !== 0) throw new GatedError('SHAPE_MISMATCH', `${what}: R must be a [D, ${G}·H, H] Tensor`);
  const [D, GH] = o.R.shape, H = GH / G;
  expectShape(o.R, [D, GH, H], `${what} R`);
  if (!(o.W instanceof Tensor) || o.W.ndim !== 3) throw new GatedError('SHAPE_MISMATCH', `${what}: W must be a [${D}, ${GH}, I] Tensor`);
  const I = o.W.shape[2];
  expectShape(o.W, [D, GH, I], `${what} W`);
  if (o.B) expectShape(o.B, [D, 2 * GH], `${what} B`);
  const order = ONNX_ORDER[cell];
  return Array.from({ length: D }, (_, d) => ({
    weightIh: new Tensor(reorderRows(o.W.data.subarray(d * GH * I, (d + 1) * GH * I), H, I, order, true), [GH, I]),
    weightHh: new Tensor(reorderRows(o.R.data.subarray(d * GH * H, (d + 1) * GH * H), H, H, order, true), [GH, H]),
    biasIh: o.B ? new Tensor(reorderRows(o.B.data.subarray(d * 2 * GH, d * 2 * GH + GH), H, 1, order, true), [GH]) : null,
    biasHh: o.B ? new Tensor(reorderRows(o.B.data.subarray(d * 2 * GH + GH, (d + 1) * 2 * GH), H, 1, order, true), [GH]) : null,
  }));
}

/** PyTorch weights, one per direction (forward, then reverse) → ONNX W, R, B. B is null when no direction has biases. */
export function torchToOnnx(cell: CellType, dirs: TorchRecurrentWeights[]): OnnxRecurrentWeights {
  if (!Array.isArray(dirs) || dirs.length < 1 || dirs.length > 2) throw new GatedError('INVALID_ARGUMENT', `torchToOnnx(${cell}): expected 1 or 2 directions, got ${Array.isArray(dirs) ? dirs.length : typeof dirs}`);
  const dims = dirs.map((w, d) => torchDims(cell, w, `torchToOnnx(${cell}) direction ${d}`));
  const { G, H, I } = dims[0], D = dirs.length, GH = G * H, order = ONNX_ORDER[cell];
  if (dims.some((x) => x.H !== H || x.I !== I)) throw new GatedError('SHAPE_MISMATCH', `torchToOnnx(${cell}): the two directions differ in size`);
  const W = new Float32Array(D * GH * I), R = new Float32Array(D * GH * H), hasB = dirs.some((w) => w.biasIh);
  const B = hasB ? new Float32Array(D * 2 * GH) : null;
  dirs.forEach((w, d) => {
    W.set(reorderRows(w.weightIh.data, H, I, order, false), d * GH * I);
    R.set(reorderRows(w.weightHh.data, H, H, order, false), d * GH * H);
    if (B && w.biasIh && w.biasHh) {
      B.set(reorderRows(w.biasIh.data, H, 1, order, false), d * 2 * GH);
      B.set(reorderRows(w.biasHh.data, H, 1, order, false), d * 2 * GH + GH);
    }
  });
  return { W: new Tensor(W, [D, GH, I]), R: new Tensor(R, [D, GH, H]), B: B ? new Tensor(B, [D, 2 * GH]) : null };
}

// ------------------------------------------------------------------------------------------------ state dicts

/**
 * Layer `layer`, direction `dir` of a PyTorch-named recurrent state dict (weight_ih_l0, …, bias_hh_l1_reverse).
 * Use it to load a layer of a trained {@link GRU} into a {@link GRUCell} for streaming.
 * @throws FormatError (`STATE_DICT`) when a weight is missing; UnsupportedError for an LSTM projection (`weight_hr`).
 * @example
 * ```ts
 * const w = torchLayerWeights(gru.stateDict(), 0, 0);
 * cell.loadStateDict({ weight_ih: w.weightIh, weight_hh: w.weightHh, bias_ih: w.biasIh!, bias_hh: w.biasHh! });
 * ```
 */
export function torchLayerWeights(sd: Record<string, Tensor>, layer: number, dir: 0 | 1, prefix = ''): TorchRecurrentWeights {
  const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`, get = (n: string): Tensor | null => sd[`${prefix}${n}${sfx}`] ?? null;
  const weightIh = get('weight_ih'), weightHh = get('weight_hh');
  if (!weightIh || !weightHh) throw new GatedError('STATE_DICT', `state dict lacks ${prefix}weight_ih${sfx} / ${prefix}weight_hh${sfx}`);
  if (get('weight_hr')) throw new GatedError('UNSUPPORTED', `${prefix}weight_hr${sfx}: LSTM projections have no Keras or ONNX equivalent`);
  return { weightIh, weightHh, biasIh: get('bias_ih'), biasHh: get('bias_hh') };
}
