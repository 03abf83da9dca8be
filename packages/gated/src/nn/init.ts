// Parameter initialisers shared by the feed-forward modules, drawing from the seeded global generator (src/random.ts).
// PyTorch's distributions, not its bit streams: a seeded run is reproducible in gated, not identical to torch's.
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
