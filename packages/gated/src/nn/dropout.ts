// Dropout (inverted), like torch.nn.Dropout: in training mode each element is zeroed with probability p and the
// survivors are scaled by 1/(1 − p), so the expectation is unchanged; in eval mode it is the identity (the same tensor).
// The mask is drawn from the global generator (seed it with manualSeed); backward multiplies by the same mask.
import { check } from '../errors.js';
import { globalRng } from '../random.js';
import { Tensor, record } from '../tensor/tensor.js';
import { Module } from './module.js';

/**
 * Inverted dropout, like `torch.nn.Dropout`: in training mode each element is zeroed with probability `p` (default
 * 0.5) and the survivors are scaled by 1/(1 − p); in eval mode (or p = 0) `forward` returns its input itself. The
 * mask comes from the global generator ({@link manualSeed}).
 *
 * Shape: any → the same.
 *
 * @throws ArgumentError when `p` is not in [0, 1], or `forward` gets no tensor.
 * @example
 * ```ts
 * import { Dropout, ones } from 'gated';
 * const drop = new Dropout(0.2), x = ones([4, 5]);
 * drop.forward(x);              // ~20% zeros, the rest 1.25
 * drop.eval().forward(x);       // x itself
 * ```
 */
export class Dropout extends Module {
  /** The probability of zeroing an element (default 0.5). */
  readonly p: number;

  constructor(p = 0.5) {
    super();
    check(typeof p === 'number' && p >= 0 && p <= 1, 'INVALID_ARGUMENT',
      () => `Dropout: p must be a probability in [0, 1], got ${p}`);
    this.p = p;
  }

  /** Any shape → same shape. Eval mode, or p = 0: returns `x` itself. */
  forward(x: Tensor): Tensor {
    check(x instanceof Tensor, 'INVALID_ARGUMENT', 'Dropout.forward: x must be a Tensor');
    if (!this.training || this.p === 0) return x;
    const mask = dropoutMask(x.size, this.p);
    const y = new Float32Array(x.size);
    for (let i = 0; i < y.length; i++) y[i] = x.data[i] * mask[i];
    return record({
      name: 'dropout', inputs: [x], numOutputs: 1,
      backward: ([dy]) => {
        const dx = new Float32Array(dy.length);
        for (let i = 0; i < dx.length; i++) dx[i] = dy[i] * mask[i];
        return [dx];
      },
    }, [new Tensor(y, x.shape)])[0];
  }
}

/** n values, each 1/(1 − p) with probability 1 − p and 0 otherwise (one draw per element; none when p = 1). */
function dropoutMask(n: number, p: number): Float32Array {
  const keep = 1 - p, scale = keep > 0 ? 1 / keep : 0, mask = new Float32Array(n);
  if (keep > 0) for (let i = 0; i < n; i++) mask[i] = globalRng.next() < keep ? scale : 0;
  return mask;
}
