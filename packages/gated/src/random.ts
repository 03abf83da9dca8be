// Seedable pseudo-random numbers (xoshiro128**), shared by initialisation, dropout and shuffling.
// `manualSeed(n)` resets the global generator so runs are reproducible; `Rng` instances are independent streams.

/**
 * A seedable pseudo-random generator (xoshiro128**, 128-bit state). Instances are independent streams; the global
 * one behind initialisation, dropout and shuffling is reset by {@link manualSeed}.
 *
 * @example
 * ```ts
 * import { Rng } from 'gated';
 * const rng = new Rng(42);
 * rng.uniform(-1, 1); rng.normal(); rng.int(10);
 * const saved = rng.getState(); rng.next(); rng.setState(saved); // replays the same number
 * ```
 */
export class Rng {
  private s = new Uint32Array(4);

  /** @param seed - any number; its low 32 bits seed the stream (default 0). */
  constructor(seed = 0) { this.seed(seed); }

  /** Re-seeds via splitmix32 so that nearby seeds give unrelated streams. */
  seed(seed: number): void {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 11);
    return r;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  next(): number { return this.nextU32() / 4294967296; }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number { return lo + (hi - lo) * this.next(); }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next(), v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number { return Math.floor(this.next() * n); }

  /** The generator's full state, for checkpoints. */
  getState(): number[] { return Array.from(this.s); }
  /** Restores a state from {@link Rng.getState} (four unsigned 32-bit words). */
  setState(state: readonly number[]): void { for (let i = 0; i < 4; i++) this.s[i] = state[i] >>> 0; }
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** The global generator used when no `Rng` is passed explicitly. */
export const globalRng = new Rng(0x5eed);

/** Seeds the global generator, like `torch.manual_seed`. */
export function manualSeed(seed: number): void { globalRng.seed(seed); }
