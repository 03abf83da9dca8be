// Parameter initialisers shared by the feed-forward modules, drawing from the seeded global generator (src/random.ts).
// PyTorch's distributions, not its bit streams: a seeded run is reproducible in gated, not identical to torch's.
import { check } from '../errors.js';
import { checkParameterCount } from '../limits.js';
import { globalRng } from '../random.js';
import { Tensor, type Shape } from '../tensor/tensor.js';

/** A parameter's storage, after checking its size against MAX_PARAMETERS (an INVALID_ARGUMENT error, not a RangeError). */
function storage(shape: Shape): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  checkParameterCount(`a parameter of shape [${shape.join(', ')}]`, n);
  return new Float32Array(n);
}

/** U(−bound, bound) — PyTorch's kaiming_uniform_(a=√5) for Linear is this with bound = 1/√fanIn. */
export function uniformInit(shape: Shape, bound: number): Tensor {
  const d = storage(shape);
  for (let i = 0; i < d.length; i++) d[i] = globalRng.uniform(-bound, bound);
  return new Tensor(d, shape);
}

/** N(0, 1), like torch.nn.init.normal_ (Embedding's default). */
export function normalInit(shape: Shape): Tensor {
  const d = storage(shape);
  for (let i = 0; i < d.length; i++) d[i] = globalRng.normal();
  return new Tensor(d, shape);
}

/** A tensor filled with `value` (LayerNorm's ones / zeros). */
export function constantInit(shape: Shape, value: number): Tensor {
  return new Tensor(storage(shape).fill(value), shape);
}

/** True when `v` is an integer ≥ `min` (sizes and counts of constructor arguments). */
export function isCount(v: unknown, min: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min;
}

/**
 * How one gate's bias starts, instead of PyTorch's U(−1/√H, 1/√H):
 * - a number b: the gate's effective bias b_i· + b_h· is b (b_i· = b, b_h· = 0), as Keras' single bias with
 *   `unit_forget_bias=True` (b = 1) and what PyTorch users write as `bias_ih[H:2H] = 1; bias_hh[H:2H] = 0`;
 * - `{ chrono: T_max }`: chrono initialisation (Tallec & Ollivier 2018), b ~ log U(1, T_max − 1) per unit (again in
 *   b_i·, with b_h· = 0), so σ(b) keeps the past for 2 … T_max steps; T_max ≈ the longest dependency expected.
 */
export type GateBiasInit = number | {
  /** T_max of chrono initialisation: the longest dependency expected, in time steps (> 2). */
  chrono: number;
};

/** Throws a typed error unless `spec` is a finite number or `{ chrono: T_max }` with T_max > 2. */
export function checkGateBiasInit(what: string, spec: unknown): asserts spec is GateBiasInit {
  const ok = (typeof spec === 'number' && Number.isFinite(spec))
    || (typeof spec === 'object' && spec !== null && Object.keys(spec).join() === 'chrono'
      && typeof (spec as { chrono: unknown }).chrono === 'number' && (spec as { chrono: number }).chrono > 2 && Number.isFinite((spec as { chrono: number }).chrono));
  check(ok, 'INVALID_ARGUMENT', () => `${what} must be a finite number or { chrono: T_max } with T_max > 2, got ${JSON.stringify(spec)}`);
}

/**
 * Overwrites gate slice [gate·H, (gate + 1)·H) of bias_ih with `spec` and the same slice of bias_hh with 0 (see
 * GateBiasInit); returns the H values written. Chrono draws come from the global generator *after* the module's
 * PyTorch draws, so every other parameter is the one the default initialisation gives for the same seed.
 */
export function setGateBias(bih: Tensor, bhh: Tensor, H: number, gate: number, spec: GateBiasInit): Float32Array {
  const v = new Float32Array(H);
  for (let j = 0; j < H; j++) v[j] = typeof spec === 'number' ? spec : Math.log(globalRng.uniform(1, spec.chrono - 1));
  bih.data.set(v, gate * H);
  bhh.data.fill(0, gate * H, (gate + 1) * H);
  return v;
}

/** The (bias_ih, bias_hh) pairs of a recurrent module, every layer and direction, in order. */
export function biasPairs(named: readonly [string, Tensor][]): [Tensor, Tensor][] {
  const byName = new Map(named);
  return named.filter(([n]) => /^bias_ih(_l\d+(_reverse)?)?$/.test(n)).map(([n, t]) => [t, byName.get(n.replace('bias_ih', 'bias_hh'))!]);
}
