// The ONNX GRU, LSTM and RNN operators, every attribute and optional input of the spec (opsets 7–22):
// direction, hidden_size, layout, clip, activations with activation_alpha / activation_beta, linear_before_reset,
// input_forget; B, sequence_lens, initial_h, initial_c, P; optional outputs Y, Y_h, Y_c.
// Weights are converted to PyTorch's layout (io/convert.ts). When the node uses only what gated's fused layers
// compute (default activations, no clip, no peepholes, no input_forget, every length ≥ 1), a direction runs on the
// very layer math of nn/gru.ts, lstm.ts, rnn.ts; otherwise on the general loop in _recurrent.ts.
//
// ONNX shapes (layout 0; layout 1 swaps the batch and time axes of X, Y and of the states' first two axes):
//   X [T, B, I], W [D, G·H, I], R [D, G·H, H], B [D, 2·G·H], sequence_lens [B], initial_h / initial_c [D, B, H],
//   P [D, 3H] (i, o, f);  Y [T, D, B, H], Y_h / Y_c [D, B, H].
import { GatedError, fmtShape } from '../../errors.js';
import { withPinnedWeights, lastSlot, stateIndex, type CellMath, type DirRun } from '../../nn/_recurrent.js';
import { gruResetAfter, gruResetBefore } from '../../nn/gru.js';
import { lstmMath } from '../../nn/lstm.js';
import { rnnMath } from '../../nn/rnn.js';
import { Tensor } from '../../tensor/tensor.js';
import { onnxToTorch, type CellType } from '../convert.js';
import { need, type Attrs, type OpFn } from './_attrs.js';
import { act, parseActivations, runGeneral, type Act } from './_recurrent.js';
import { checkWork, floatVal, numel, type Val } from './_value.js';

const DEFAULT_ACTS: Record<CellType, Act[]> = {
  gru: [act('sigmoid'), act('tanh')], lstm: [act('sigmoid'), act('tanh'), act('tanh')], rnn: [act('tanh')],
};

const isDefault = (cell: CellType, acts: Act[]): 'tanh' | 'relu' | true | false => {
  if (cell === 'rnn') return acts[0].name === 'tanh' ? 'tanh' : acts[0].name === 'relu' ? 'relu' : false;
  return acts.every((a, i) => a.name === DEFAULT_ACTS[cell][i].name);
};

function dims(v: Val, rank: number, where: string, what: string): number[] {
  if (v.shape.length !== rank) throw new GatedError('SHAPE_MISMATCH', `${where}: ${what} must be ${rank}-d, got ${fmtShape(v.shape)}`);
  return v.shape;
}

function expect(v: Val | null, shape: number[], where: string, what: string): void {
  if (v && (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i]))) {
    throw new GatedError('SHAPE_MISMATCH', `${where}: ${what} must have shape ${fmtShape(shape)}, got ${fmtShape(v.shape)}`);
  }
}

/** [A, B, C] ↔ [B, A, C] (layout 1 ↔ 0). */
function swap01(src: Float32Array, A: number, B: number, C: number): Float32Array {
  const out = new Float32Array(src.length);
  for (let a = 0; a < A; a++) for (let b = 0; b < B; b++) out.set(src.subarray((a * B + b) * C, (a * B + b + 1) * C), (b * A + a) * C);
  return out;
}

export function recurrentOp(cell: CellType): OpFn {
  const op = cell.toUpperCase(), G = cell === 'gru' ? 3 : cell === 'lstm' ? 4 : 1;
  return (inputs: (Val | null)[], attrs: Attrs, where: string): (Val | null)[] => {
    const [X, W, R] = [need(inputs, 0, where, 'X'), need(inputs, 1, where, 'W'), need(inputs, 2, where, 'R')];
    const Bv = inputs[3] ?? null, lens = inputs[4] ?? null, h0v = inputs[5] ?? null;
    const c0v = cell === 'lstm' ? inputs[6] ?? null : null, Pv = cell === 'lstm' ? inputs[7] ?? null : null;
    for (const [v, n] of [[X, 'X'], [W, 'W'], [R, 'R'], [Bv, 'B'], [h0v, 'initial_h'], [c0v, 'initial_c'], [Pv, 'P']] as const) {
      if (v && v.type !== 'float') throw new GatedError('FORMAT', `${where}: ${n} must be a float tensor`);
    }
    const layout = attrs.int('layout', 0), direction = attrs.string('direction', 'forward');
    if (layout !== 0 && layout !== 1) throw new GatedError('FORMAT', `${where}: layout must be 0 or 1, got ${layout}`);
    if (!['forward', 'reverse', 'bidirectional'].includes(direction)) throw new GatedError('FORMAT', `${where}: direction must be forward, reverse or bidirectional, got '${direction}'`);
    const D = direction === 'bidirectional' ? 2 : 1;
    const xd = dims(X, 3, where, 'X'), [T, B] = layout === 0 ? [xd[0], xd[1]] : [xd[1], xd[0]], I = xd[2];
    const wd = dims(W, 3, where, 'W');
    const H = attrs.int('hidden_size') ?? wd[1] / G;
    if (!Number.isInteger(H) || H < 1) throw new GatedError('FORMAT', `${where}: hidden_size must be an integer ≥ 1, got ${H}`);
    expect(W, [D, G * H, I], where, 'W'); expect(R, [D, G * H, H], where, 'R'); expect(Bv, [D, 2 * G * H], where, 'B');
    const stateShape = layout === 0 ? [D, B, H] : [B, D, H];
    expect(h0v, stateShape, where, 'initial_h'); expect(c0v, stateShape, where, 'initial_c'); expect(Pv, [D, 3 * H], where, 'P');
    numel([T, D, B, H], where);
    checkWork(T * D * B * G * H * (I + H), where);
    if (T < 1 || B < 1) throw new GatedError('SHAPE_MISMATCH', `${where}: X ${fmtShape(X.shape)} needs at least one step and one batch element`);

    let lengths: Int32Array | null = null;
    if (lens) {
      expect(lens, [B], where, 'sequence_lens');
      if (lens.type !== 'int') throw new GatedError('FORMAT', `${where}: sequence_lens must be an int32 tensor`);
      lengths = Int32Array.from(lens.data);
      lengths.forEach((n, b) => {
        if (!(n >= 0 && n <= T) || !Number.isInteger(lens.data[b])) throw new GatedError('INVALID_ARGUMENT', `${where}: sequence_lens[${b}] must be an integer in [0, ${T}], got ${lens.data[b]}`);
      });
    }

    // activations: k per direction; one direction's worth is used for both
    const k = DEFAULT_ACTS[cell].length, names = attrs.strings('activations');
    const parsed = names ? parseActivations(names, attrs.floats('activation_alpha') ?? [], attrs.floats('activation_beta') ?? [], where) : null;
    if (parsed && parsed.length !== k && parsed.length !== k * D) throw new GatedError('FORMAT', `${where}: ${op} with direction ${direction} takes ${k * D} activations, got ${parsed.length}`);
    const actsOf = (d: number): Act[] => (parsed ? (parsed.length === k * D ? parsed.slice(d * k, (d + 1) * k) : parsed) : DEFAULT_ACTS[cell]);
    const clip = attrs.float('clip') ?? null;
    if (clip !== null && !(clip >= 0)) throw new GatedError('FORMAT', `${where}: clip must be ≥ 0, got ${clip}`);
    const lbr = attrs.int('linear_before_reset', 0) !== 0, inputForget = attrs.int('input_forget', 0) !== 0;

    const x = layout === 0 ? X.data as Float32Array : swap01(X.data as Float32Array, B, T, I); // [T, B, I]
    const tw = onnxToTorch(cell, {
      W: new Tensor(W.data as Float32Array, W.shape), R: new Tensor(R.data as Float32Array, R.shape),
      B: Bv ? new Tensor(Bv.data as Float32Array, Bv.shape) : null,
    });
    const stateOf = (v: Val | null, d: number): Float32Array => {
      if (!v) return new Float32Array(B * H);
      const s = v.data as Float32Array;
      return layout === 0 ? s.slice(d * B * H, (d + 1) * B * H) : swap01(s, B, D, H).slice(d * B * H, (d + 1) * B * H);
    };

    const Y = new Float32Array(T * D * B * H), Yh = new Float32Array(D * B * H), Yc = new Float32Array(D * B * H);
    for (let d = 0; d < D; d++) {
      const reverse = direction === 'reverse' || d === 1, acts = actsOf(d), w = tw[d];
      const peep = Pv ? (Pv.data as Float32Array).subarray(d * 3 * H, (d + 1) * 3 * H) : null; // i, o, f
      const def = isDefault(cell, acts);
      const fused = def !== false && clip === null && !inputForget && (!peep || peep.every((v) => v === 0))
        && (!lengths || lengths.every((n) => n >= 1));
      const h0 = stateOf(h0v, d), c0 = cell === 'lstm' ? stateOf(c0v, d) : null;
      let y: Float32Array, hN: Float32Array, cN: Float32Array | null;
      if (fused) {
        const math: CellMath = cell === 'gru' ? (lbr ? gruResetAfter : gruResetBefore) : cell === 'lstm' ? lstmMath : rnnMath(def === 'relu' ? 'relu' : 'tanh');
        const run: DirRun = {
          T, B, I, H, P: H, x, reverse, lengths: lengths && lengths.every((n) => n === T) ? null : lengths,
          wih: w.weightIh.data, whh: w.weightHh.data, bih: w.biasIh?.data ?? null, bhh: w.biasHh?.data ?? null, whr: null, h0, c0,
        };
        const cache = withPinnedWeights(run, () => math.forward(run));
        y = new Float32Array(T * B * H);
        for (let t = 0; t < T; t++) {
          const next = stateIndex(run, t).next;
          for (let b = 0; b < B; b++) {
            if (run.lengths && t >= run.lengths[b]) continue;
            y.set(cache.hx.subarray((next * B + b) * H, (next * B + b + 1) * H), (t * B + b) * H);
          }
        }
        hN = cache.hx.slice(lastSlot(run) * B * H, (lastSlot(run) + 1) * B * H);
        cN = cache.cx ? cache.cx.slice(lastSlot(run) * B * H, (lastSlot(run) + 1) * B * H) : null;
      } else {
        ({ y, hN, cN } = runGeneral({
          cell, T, B, I, H, x, reverse, wih: w.weightIh.data, whh: w.weightHh.data, bih: w.biasIh?.data ?? null, bhh: w.biasHh?.data ?? null,
          h0, c0, acts, clip, resetAfter: lbr, inputForget,
          peepholes: peep ? { i: peep.slice(0, H), o: peep.slice(H, 2 * H), f: peep.slice(2 * H, 3 * H) } : null,
          lengths, mask: null,
        }));
      }
      for (let t = 0; t < T; t++) Y.set(y.subarray(t * B * H, (t + 1) * B * H), (t * D + d) * B * H);
      Yh.set(hN, d * B * H);
      if (cN) Yc.set(cN, d * B * H);
    }
    // layout 1: Y [B, T, D, H], states [B, D, H]
    const outY = layout === 0 ? floatVal([T, D, B, H], Y) : floatVal([B, T, D, H], toBatchMajor(Y, T, D, B, H));
    const outH = layout === 0 ? floatVal([D, B, H], Yh) : floatVal([B, D, H], swap01(Yh, D, B, H));
    const outs: (Val | null)[] = [outY, outH];
    if (cell === 'lstm') outs.push(layout === 0 ? floatVal([D, B, H], Yc) : floatVal([B, D, H], swap01(Yc, D, B, H)));
    return outs;
  };
}

/** Y [T, D, B, H] → [B, T, D, H]. */
function toBatchMajor(Y: Float32Array, T: number, D: number, B: number, H: number): Float32Array {
  const out = new Float32Array(Y.length);
  for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) for (let b = 0; b < B; b++) {
    out.set(Y.subarray(((t * D + d) * B + b) * H, ((t * D + d) * B + b + 1) * H), ((b * T + t) * D + d) * H);
  }
  return out;
}
