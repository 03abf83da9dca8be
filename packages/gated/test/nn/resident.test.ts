// Weights resident in WebAssembly memory between calls (Kernels.pin with a storage version): whatever changes a
// parameter in place — an optimizer step, loadStateDict, a write through `.data` (also through a reference kept from
// before, or through a stateDict tensor) — the next call computes with the new values, exactly as a fresh module holding
// them does. Also: the copies are kept while nothing changes, and dropped by dispose().
import { describe, expect, it } from 'vitest';
import { Adam, GRU, GRUCell, LSTMCell, Linear, Tensor, mse, noGrad } from '../../src/index.js';
import { kernels } from '../../src/kernels/select.js';
import { residentStats, wasmKernels } from '../../src/kernels/wasm.js';
import { manualSeed } from '../../src/random.js';

const I = 5, H = 7, B = 2;
/** n deterministic values in [−0.5, 0.5). */
function values(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5);
}
const x3 = (): Tensor => new Tensor(values(3 * B * I, 7), [3, B, I]);   // [T, B, I]
const x2 = (): Tensor => new Tensor(values(B * I, 9), [B, I]);

/** A fresh GRU holding `src`'s current parameter values: what a correct call must compute. */
function freshCopy(src: GRU): GRU {
  const g = new GRU({ inputSize: I, hiddenSize: H });
  g.loadStateDict(Object.fromEntries(src.namedParameters().map(([n, p]) => [n, new Tensor(Float32Array.from(p.data), p.shape)])));
  return g;
}
const out = (g: GRU): Float32Array => noGrad(() => g.forward(x3()).output.data);

describe('resident weights: in-place changes are seen by the next call', () => {
  it('after Adam steps (forward, backward and the next forward all see the updated weights)', () => {
    manualSeed(1);
    const gru = new GRU({ inputSize: I, hiddenSize: H }), head = new Linear(H, 3);
    const opt = new Adam([...gru.parameters(), ...head.parameters()], { lr: 0.05 });
    const target = new Tensor(new Float32Array(3 * B * 3).fill(0.3), [3, B, 3]);
    const before = out(gru);
    for (let s = 0; s < 3; s++) {
      opt.zeroGrad();
      mse(head.forward(gru.forward(x3()).output), target).backward();
      opt.step();
    }
    const after = out(gru);
    expect(after).not.toEqual(before);
    // compare without reading gru's .data first (that would open its storage and bypass the cache)
    const snapshot = gru.stateDict();
    const ref = new GRU({ inputSize: I, hiddenSize: H });
    ref.loadStateDict(snapshot);
    expect(after).toEqual(out(ref));
  });

  it('after loadStateDict', () => {
    manualSeed(2);
    const a = new GRU({ inputSize: I, hiddenSize: H }), b = new GRU({ inputSize: I, hiddenSize: H });
    out(a);                       // a's weights now resident
    a.loadStateDict(b.stateDict());
    expect(out(a)).toEqual(out(b));
  });

  it('after a write through .data, also through a reference kept from before the call', () => {
    manualSeed(3);
    const gru = new GRU({ inputSize: I, hiddenSize: H });
    const whh = gru.namedParameters().find(([n]) => n === 'weight_hh_l0')![1].data;   // kept reference
    out(gru);
    whh[0] += 0.5;
    expect(out(gru)).toEqual(out(freshCopy(gru)));
    out(gru);
    whh[1] -= 0.25;               // again, no new read of .data in between
    expect(out(gru)).toEqual(out(freshCopy(gru)));
  });

  it('after a write through a stateDict tensor (shared storage)', () => {
    manualSeed(4);
    const gru = new GRU({ inputSize: I, hiddenSize: H });
    const sd = gru.stateDict();
    out(gru);
    sd.weight_ih_l0.data[3] = 2;
    expect(out(gru)).toEqual(out(freshCopy(gru)));
  });

  it('GRUCell / LSTMCell streaming: an optimizer step between steps is seen by the next step', () => {
    manualSeed(5);
    for (const cell of [new GRUCell({ inputSize: I, hiddenSize: H }), new LSTMCell({ inputSize: I, hiddenSize: H })]) {
      const step = (): Float32Array => noGrad(() => {
        const r = cell.forward(x2());
        return (r instanceof Tensor ? r : r.h).data;
      });
      const before = step();
      const opt = new Adam(cell.parameters(), { lr: 0.1 });
      const r = cell.forward(x2());
      (r instanceof Tensor ? r : r.h).sum().backward();
      opt.step();
      const after = step();
      expect(after).not.toEqual(before);
      const ref = cell instanceof GRUCell ? new GRUCell({ inputSize: I, hiddenSize: H }) : new LSTMCell({ inputSize: I, hiddenSize: H });
      ref.loadStateDict(cell.stateDict());
      const want = noGrad(() => { const q = ref.forward(x2()); return (q instanceof Tensor ? q : q.h).data; });
      expect(after).toEqual(want);
    }
  });
});

describe.skipIf(kernels() !== wasmKernels)('resident weights: kept while unchanged, dropped by dispose()', () => {
  it('a pinned array with the same version is not copied again; a new version is', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]), y = new Float32Array(1), x = new Float32Array([1, 1, 1, 1, 1, 1]);
    const dot = (): number => { wasmKernels.pin(a, 5); try { wasmKernels.gemm(false, true, 1, 1, 6, 1, x, 0, 6, a, 0, 6, 0, y, 0, 1); } finally { wasmKernels.unpin(a); } return y[0]; };
    expect(dot()).toBe(21);
    a[0] = 100;                   // against the contract (same version): the resident copy is what the kernel reads
    expect(dot()).toBe(21);
    wasmKernels.pin(a, 6); wasmKernels.unpin(a);   // a new version refreshes it
    expect(dot()).toBe(120);
    wasmKernels.forget!(a);
  });

  it('a module keeps its weights resident between calls until dispose()', () => {
    manualSeed(6);
    const gru = new GRU({ inputSize: I, hiddenSize: H });
    const before = residentStats().arrays;
    out(gru);
    expect(residentStats().arrays).toBe(before + 4);
    const bytes = residentStats().bytes;
    out(gru);
    expect(residentStats().bytes).toBe(bytes);   // reused, not copied again
    gru.dispose();
    expect(residentStats().arrays).toBe(before);
    expect(out(gru)).toEqual(out(freshCopy(gru)));   // still usable
    gru.dispose();
  });
});
