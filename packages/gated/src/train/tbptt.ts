// Truncated back-propagation through time for long streams: the hidden state flows from one chunk to the next,
// detached, so gradients stop at the chunk boundary while the state keeps the context (chunk length = batch T).
import type { Tensor } from '../tensor/tensor.js';

export type RecurrentState = { h: Tensor; c?: Tensor };

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
