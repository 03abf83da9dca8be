// Truncated back-propagation through time for long streams: the hidden state flows from one chunk to the next,
// detached, so gradients stop at the chunk boundary while the state keeps the context (chunk length = batch T).
import type { Tensor } from '../tensor/tensor.js';

/**
 * The state a recurrent layer hands from one chunk of a stream to the next: `h` (and `c` for an LSTM), each `[L·D, B, H]`.
 * @property h - the hidden state `[L·D, B, H]`.
 * @property c - the LSTM cell state `[L·D, B, H]`.
 */
export type RecurrentState = { h: Tensor; c?: Tensor };

/**
 * Carries a recurrent layer's state across the chunks of a long stream, detached, for truncated back-propagation
 * through time: gradients stop at each chunk boundary while the state keeps the context (see {@link streamChunks}).
 * @example
 * ```ts
 * const carry = new StateCarry();
 * for (const batch of streamChunks(ids, 32, 64)) {                 // chunks of T = 64 steps, B = 32 tracks
 *   const x = embed.forward(batch.inputs, [batch.T, batch.B]);
 *   const { output, h } = gru.forward(x, { h0: carry.current?.h });
 *   carry.keep({ h });                                              // the next chunk starts here, no gradient back
 *   // … loss on output, backward, step
 * }
 * ```
 */
export class StateCarry {
  private state: RecurrentState | null = null;

  /** Forget the carried state (start of an epoch or of a new stream). */
  reset(): void { this.state = null; }

  /** The state to start the next chunk from (null = zeros). */
  get current(): RecurrentState | null { return this.state; }

  /** Keeps `s` for the next chunk, cut from the graph. */
  keep(s: RecurrentState): void {
    this.state = s.c ? { h: s.h.detach(), c: s.c.detach() } : { h: s.h.detach() };
  }
}
