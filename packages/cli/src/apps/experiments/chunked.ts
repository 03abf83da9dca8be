// Back-propagation through a fused recurrent layer in chunks of C steps, with gradient entries below `flush` set to
// zero where one chunk hands its state gradient to the previous one — the effect of torch.set_flush_denormal(True).
// Why: a gradient that vanishes through hundreds of steps (the RNN always, the gated cells at initialisation) passes
// through float32's denormal range (< 1.2e−38), where the kernels run about 100× slower (measured: LSTM, T = 200,
// B = 32, H = 64: backward 1.1 s instead of ~50 ms). Flushed entries are below 1e−25 of a loss of order 1; everything
// else equals full BPTT (checked in the tests).
// Dimensions: T time, B batch, I input, H hidden.
import { LSTM, concat, Tensor } from 'gated';
import type { Recurrent } from './common.js';

export const FLUSH = 1e-25;
export const CHUNK = 25;

export interface ChunkedRun {
  /** The layer's outputs [T, B, H], differentiable (into each chunk). */
  output: Tensor;
  /** The final state [B, H] as a leaf: a loss on it gets its gradient in `hT.grad`. */
  hT: Tensor;
  /** After `loss.backward()`: carries the state gradients back through the chunks (flushing tiny entries). */
  backward(): void;
}

/** Runs `rnn` (one layer, one direction) over x [T, B, I] from a zero state, in chunks of `chunk` steps. */
export function chunkedRun(rnn: Recurrent, x: Tensor, chunk = CHUNK, flush = FLUSH): ChunkedRun {
  const [T, B, I] = x.shape, H = rnn.hiddenSize, lstm = rnn instanceof LSTM;
  const leaf = (d: Float32Array): Tensor => new Tensor(d.slice(), [1, B, H], { requiresGrad: true });
  const parts: { hIn: Tensor | null; cIn: Tensor | null; h: Tensor; c: Tensor | null; output: Tensor }[] = [];
  let h: Float32Array | null = null, c: Float32Array | null = null;
  for (let s = 0; s < T; s += chunk) {
    const e = Math.min(T, s + chunk), xs = new Tensor(x.data.slice(s * B * I, e * B * I), [e - s, B, I]);
    const hIn = h ? leaf(h) : null, cIn = c ? leaf(c) : null;
    const r: { output: Tensor; h: Tensor; c?: Tensor } = lstm ? (rnn as LSTM).forward(xs, { h0: hIn, c0: cIn }) : rnn.forward(xs, { h0: hIn });
    parts.push({ hIn, cIn, h: r.h, c: r.c ?? null, output: r.output });
    h = r.h.data; c = r.c?.data ?? null;
  }
  const hT = new Tensor(h!.slice(), [B, H], { requiresGrad: true });
  const output = parts.length === 1 ? parts[0].output : concat(parts.map((p) => p.output), 0);
  return {
    output, hT,
    backward() {
      let gh = hT.grad?.data.slice() ?? new Float32Array(B * H), gc = new Float32Array(B * H);
      for (let k = parts.length - 1; k >= 0; k--) {
        const p = parts[k];
        // flush where a chunk hands its gradient to the previous one (not the loss's own gradient on h_T)
        const f = k === parts.length - 1 ? 0 : flush;
        if (flushed(gh, f) + flushed(gc, f) > 0) {
          // seed this chunk's final state with the gradient arriving from the next chunk: s = Σ h ⊙ gh (+ Σ c ⊙ gc)
          let seed = p.h.mul(new Tensor(gh, p.h.shape)).sum();
          if (p.c) seed = seed.add(p.c.mul(new Tensor(gc, p.c.shape)).sum());
          seed.backward();
        }
        // what reached this chunk's initial state, from the loss on its outputs and from the seed above
        gh = p.hIn?.grad?.data.slice() ?? new Float32Array(B * H);
        gc = p.cIn?.grad?.data.slice() ?? new Float32Array(B * H);
      }
    },
  };
}

/** Zeros entries with |g| < flush in place; returns how many non-zero entries remain. */
function flushed(g: Float32Array, flush: number): number {
  let n = 0;
  for (let i = 0; i < g.length; i++) {
    if (Math.abs(g[i]) < flush) g[i] = 0;
    else n++;
  }
  return n;
}
