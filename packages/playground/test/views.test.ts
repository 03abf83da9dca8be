// The playground's gate and gradient views against PyTorch (fixtures from test/web/generate_fixtures.py): gates and
// hidden states per character for 2-layer GRU / LSTM / RNN language models, and ‖∂L/∂h_t‖ of an unrolled loss.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { CharLM, CharVocab, readSafetensors, type CellKind, type Tensor } from 'gated';
import { expectClose } from '../../gated/test/_util/close.js';
import { traceGates } from '../src/gates.js';
import { byDistance, gradientByDistance, gradientNorms, windowsOf } from '../src/gradients.js';

const TOL = { atol: 1e-5, rtol: 1e-4 };
const vocab = new CharVocab([...'abcdef']);   // ids 1…6; 0 is the boundary

function fixture(cell: CellKind): { model: CharLM; f: Record<string, Tensor> } {
  const f = readSafetensors(new Uint8Array(readFileSync(new URL(`fixtures/charlm_${cell}.safetensors`, import.meta.url))));
  const model = new CharLM({ vocabSize: 7, cell, embed: 5, hidden: 6, layers: 2, dropout: 0 });
  model.loadStateDict(Object.fromEntries(Object.entries(f).filter(([k]) => /^(embed|rnn|head)\./.test(k))));
  model.eval();
  return { model, f };
}

const ids = (t: Tensor): number[] => Array.from(t.data, Math.round);

describe.each(['gru', 'lstm', 'rnn'] as const)('%s', (cell) => {
  const { model, f } = fixture(cell);

  it('gate view: every gate, h and |Δh| per character and layer match PyTorch', () => {
    const text = vocab.decode(ids(f['gates.ids']).slice(1));
    const trace = traceGates(model, vocab, text, true);
    expect(trace.chars.join('')).toBe(text);
    expect(trace.layers.map((l) => l.gates.map((g) => g.name))).toEqual(Array(2).fill(cell === 'gru' ? ['z', 'r'] : cell === 'lstm' ? ['f', 'i', 'o'] : []));
    trace.layers.forEach((layer, l) => {
      for (const g of layer.gates) expectClose(g.values, f[`gates.l${l}.${g.name}`].data, { ...TOL, what: `layer ${l} ${g.name}` });
      expectClose(layer.h, f[`gates.l${l}.h`].data, { ...TOL, what: `layer ${l} h` });
      expectClose(layer.dh, f[`gates.l${l}.dh`].data, { ...TOL, what: `layer ${l} |Δh|` });
    });
  });

  it('gate view: characters outside the vocabulary are left out and listed', () => {
    const trace = traceGates(model, vocab, 'ab?c!', true);
    expect(trace.chars).toEqual(['a', 'b', 'c']);
    expect(trace.skipped).toEqual(['?', '!']);
    expect(trace.layers[0].dh.length).toBe(3 * 6);
  });

  it('gradient view: ‖∂L_k/∂h_t‖ through the unrolled cells matches PyTorch', () => {
    const [K, T1] = f['grads.ids'].shape, all = ids(f['grads.ids']);
    const windows = Array.from({ length: K }, (_, k) => Int32Array.from(all.slice(k * T1, (k + 1) * T1)));
    const norms = gradientNorms(model, windows);
    expectClose(norms, f['grads.norms'].data, { ...TOL, what: 'norms [K, T]' });
    // distance d counts back from the loss: d = 0 is the last step
    const curve = gradientByDistance(model, windows), T = T1 - 1, ref = f['grads.norms'].data;
    const geo = (t: number) => Math.exp(Array.from({ length: K }, (_, k) => Math.log(ref[k * T + t])).reduce((a, b) => a + b) / K);
    expectClose(curve, Array.from({ length: T }, (_, d) => geo(T - 1 - d)), { ...TOL, what: 'curve by distance' });
  });
});

describe('gradient view helpers', () => {
  it('byDistance floors zeros instead of producing -Infinity', () => {
    // windows [0, 1] and [4, 1]: d = 0 is t = 1 (geometric mean 1), d = 1 is t = 0 (√(1e-30 · 4))
    expectClose(byDistance(new Float64Array([0, 1, 4, 1]), 2), [1, 2e-15], { atol: 0, rtol: 1e-12 });
  });
  it('windowsOf takes evenly spaced windows covering both ends', () => {
    const w = windowsOf(Int32Array.from({ length: 20 }, (_, i) => i), 3, 9);
    expect(w.map((x) => [x[0], x.length])).toEqual([[0, 10], [5, 10], [10, 10]]);
    expect(windowsOf(new Int32Array(5), 3, 9)).toEqual([]);
  });
});
