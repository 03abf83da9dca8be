// Tests of the feed-forward modules — Linear, Embedding, Dropout, LayerNorm, Sequential — and of composing them with
// a recurrent layer: PyTorch parity (test/fixtures/modules/*.safetensors, written by test/generators/modules.py),
// finite-difference gradients, dropout statistics, initialisation, PyTorch state-dict names and typed errors.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatedError, type GatedErrorCode } from '../../src/errors.js';
import { readSafetensors, readSafetensorsMetadata, writeSafetensors } from '../../src/io/safetensors.js';
import { Dropout } from '../../src/nn/dropout.js';
import { Embedding } from '../../src/nn/embedding.js';
import { GRU } from '../../src/nn/gru.js';
import { LayerNorm } from '../../src/nn/layernorm.js';
import { Linear } from '../../src/nn/linear.js';
import { Module } from '../../src/nn/module.js';
import { Sequential, type TensorModule } from '../../src/nn/sequential.js';
import { Rng, globalRng, manualSeed } from '../../src/random.js';
import { Tensor, ones, zeros } from '../../src/tensor/tensor.js';
import { compareClose } from '../_util/close.js';
import { expectGradcheck } from '../_util/gradcheck.js';

const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'modules');

const rand = (rng: Rng, shape: number[], scale = 1, requiresGrad = true): Tensor => {
  const t = zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(-scale, scale);
  t.requiresGrad = requiresGrad;
  return t;
};

/** The GatedError thrown by `fn` (fails the test when it does not throw one with `code`). */
function caught(fn: () => unknown, code: GatedErrorCode): GatedError {
  try { fn(); } catch (e) {
    expect(e).toBeInstanceOf(GatedError);
    expect((e as GatedError).code).toBe(code);
    return e as GatedError;
  }
  throw new Error('expected a GatedError, nothing was thrown');
}

// ------------------------------------------------------------------------------------------------ PyTorch parity

type Spec =
  | { type: 'Linear'; inFeatures: number; outFeatures: number; bias?: boolean }
  | { type: 'LayerNorm'; normalizedShape: number[]; eps?: number; elementwiseAffine?: boolean; bias?: boolean }
  | { type: 'Embedding'; numEmbeddings: number; embeddingDim: number; paddingIdx?: number }
  | { type: 'Dropout'; p: number }
  | { type: 'Sequential'; layers: Spec[] };

interface FixtureConfig { spec: Spec; input: 'x' | 'indices'; stateDictKeys: string[]; tol: { atol: number; rtol: number } }

function build(s: Spec): TensorModule {
  switch (s.type) {
    case 'Linear': return new Linear(s.inFeatures, s.outFeatures, { bias: s.bias });
    case 'LayerNorm': return new LayerNorm(s.normalizedShape, { eps: s.eps, elementwiseAffine: s.elementwiseAffine, bias: s.bias });
    case 'Embedding': return new Embedding(s.numEmbeddings, s.embeddingDim, { paddingIdx: s.paddingIdx });
    case 'Dropout': return new Dropout(s.p);
    case 'Sequential': return new Sequential(...s.layers.map(build));
  }
}

const NON_PARAM = new Set(['x', 'indices', 'gy', 'y']);
const fixtures = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.safetensors')).sort();

describe('parity with PyTorch (outputs and every gradient)', () => {
  it('finds the fixtures', () => { expect(fixtures.length).toBeGreaterThanOrEqual(15); });

  for (const file of fixtures) {
    it(file.replace(/\.safetensors$/, ''), () => {
      const bytes = new Uint8Array(readFileSync(join(FIXTURE_DIR, file)));
      const cfg = JSON.parse(readSafetensorsMetadata(bytes).config) as FixtureConfig;
      const fx = readSafetensors(bytes);
      const params = Object.fromEntries(Object.entries(fx).filter(([k]) => !NON_PARAM.has(k) && !k.startsWith('grad.')));

      manualSeed(0);
      const m = build(cfg.spec).eval();
      // PyTorch's state_dict names, in PyTorch's order
      expect(m.namedParameters().map(([n]) => n)).toEqual(cfg.stateDictKeys);
      expect(Object.keys(m.stateDict())).toEqual(cfg.stateDictKeys);
      m.loadStateDict(params);

      const input = fx[cfg.input];
      if (cfg.input === 'x') input.requiresGrad = true;
      const y = m.forward(input);
      y.backward(fx.gy);

      const failures: string[] = [];
      const cmp = (what: string, actual: Tensor | null, ref: Tensor): void => {
        if (!actual) { failures.push(`${what}: missing`); return; }
        if (actual.shape.join() !== ref.shape.join()) { failures.push(`${what}: shape [${actual.shape}] vs [${ref.shape}]`); return; }
        const r = compareClose(actual.data, ref.data, { ...cfg.tol, what });
        if (!r.ok) failures.push(r.message);
      };
      cmp('y', y, fx.y);
      if (cfg.input === 'x') cmp('grad.x', input.grad, fx['grad.x']);
      for (const [n, p] of m.namedParameters()) cmp(`grad.${n}`, p.grad, fx[`grad.${n}`]);
      if (failures.length) throw new Error(`${file}: ${failures.length} mismatch(es):\n  ${failures.join('\n  ')}`);
    });
  }
});

// ------------------------------------------------------------------------------------------------ autograd

describe('each module is one autograd node', () => {
  it('Linear: x, weight, bias feed one node', () => {
    const lin = new Linear(3, 2), x = rand(new Rng(1), [4, 3]);
    const y = lin.forward(x);
    expect(y.gradFn?.name).toBe('linear');
    expect(y.gradFn?.inputs).toEqual([x, lin.weight, lin.bias]);
  });
  it('LayerNorm: x, weight, bias feed one node', () => {
    const ln = new LayerNorm(3), x = rand(new Rng(1), [4, 3]);
    const y = ln.forward(x);
    expect(y.gradFn?.name).toBe('layerNorm');
    expect(y.gradFn?.inputs).toEqual([x, ln.weight, ln.bias]);
  });
  it('Embedding: weight feeds one node; repeated indices add their gradients', () => {
    const emb = new Embedding(4, 2);
    const y = emb.forward([1, 1, 3]);
    expect(y.gradFn?.name).toBe('embedding');
    y.backward(new Float32Array([1, 2, 3, 4, 5, 6]));
    expect(Array.from(emb.weight.grad!.data)).toEqual([0, 0, 4, 6, 0, 0, 5, 6]);
  });
});

describe('finite-difference gradients', () => {
  it('Linear, 3-d input', () => {
    manualSeed(1);
    const lin = new Linear(5, 3), x = rand(new Rng(2), [2, 3, 5]);
    expectGradcheck(() => lin.forward(x), [x, lin.weight, lin.bias!], { names: ['x', 'weight', 'bias'], what: 'Linear' });
  });
  it('Linear without bias, 1-d input', () => {
    manualSeed(2);
    const lin = new Linear(4, 6, { bias: false }), x = rand(new Rng(3), [4]);
    expectGradcheck(() => lin.forward(x), [x, lin.weight], { names: ['x', 'weight'], what: 'Linear no bias' });
  });
  it('LayerNorm, 2-d normalized shape, random affine', () => {
    manualSeed(3);
    const ln = new LayerNorm([3, 4]), rng = new Rng(4), x = rand(rng, [2, 3, 4]);
    for (let i = 0; i < 12; i++) { ln.weight!.data[i] = rng.uniform(0.5, 1.5); ln.bias!.data[i] = rng.uniform(-1, 1); }
    expectGradcheck(() => ln.forward(x), [x, ln.weight!, ln.bias!], { names: ['x', 'weight', 'bias'], what: 'LayerNorm', eps: 3e-3 });
  });
  it('LayerNorm without affine, eps 0.1', () => {
    const ln = new LayerNorm(5, { elementwiseAffine: false, eps: 0.1 }), x = rand(new Rng(5), [3, 5]);
    expectGradcheck(() => ln.forward(x), [x], { names: ['x'], what: 'LayerNorm no affine', eps: 3e-3 });
  });
  it('Embedding weight, repeated indices', () => {
    manualSeed(4);
    const emb = new Embedding(5, 3);
    expectGradcheck(() => emb.forward([0, 3, 3, 1, 0, 0], [2, 3]), [emb.weight], { names: ['weight'], what: 'Embedding' });
  });
  it('Dropout (mask fixed by reseeding inside f)', () => {
    const d = new Dropout(0.4), x = rand(new Rng(6), [3, 7]);
    expectGradcheck(() => { manualSeed(9); return d.forward(x); }, [x], { names: ['x'], what: 'Dropout' });
  });
  it('Sequential(Linear, Dropout, LayerNorm, Linear)', () => {
    manualSeed(5);
    const m = new Sequential(new Linear(4, 6), new Dropout(0.3), new LayerNorm(6), new Linear(6, 3));
    const x = rand(new Rng(7), [2, 3, 4]);
    const names = ['x', ...m.namedParameters().map(([n]) => n)];
    expectGradcheck(() => { manualSeed(10); return m.forward(x); }, [x, ...m.parameters()],
      { names, what: 'Sequential', eps: 3e-3, maxPerTensor: 12 });
  });
});

// ------------------------------------------------------------------------------------------------ dropout

describe('Dropout', () => {
  const p = 0.3, n = 200_000, scale = Math.fround(1 / (1 - p));

  it('keeps a fraction 1 − p, scales survivors by 1/(1 − p), and keeps the mean', () => {
    manualSeed(1);
    const x = ones([n], { requiresGrad: true });
    const y = new Dropout(p).forward(x);
    let kept = 0, sum = 0, badScale = 0;
    for (const v of y.data) {
      if (v !== 0) { kept++; if (v !== scale) badScale++; }
      sum += v;
    }
    expect(badScale).toBe(0);
    // binomial: σ(kept/n) = √(p(1−p)/n) ≈ 1.0e-3; allow 5σ
    expect(Math.abs(kept / n - (1 - p))).toBeLessThan(5.2e-3);
    expect(Math.abs(sum / n - 1)).toBeLessThan(7.5e-3);
  });

  it('scales values: y = x / (1 − p) where kept, 0 elsewhere; shape preserved', () => {
    manualSeed(2);
    const x = rand(new Rng(1), [10, 20, 3]);
    const y = new Dropout(0.5).forward(x);
    expect(y.shape).toEqual([10, 20, 3]);
    const bad = Array.from(y.data).filter((v, i) => v !== 0 && v !== Math.fround(x.data[i] * 2));
    expect(bad).toEqual([]);
  });

  it('gradient flows only through kept units, scaled by 1/(1 − p)', () => {
    manualSeed(3);
    const x = ones([5000], { requiresGrad: true });
    const y = new Dropout(p).forward(x);
    const g = rand(new Rng(2), [5000], 1, false);
    y.backward(g);
    const want = Array.from(y.data, (v, i) => (v === 0 ? 0 : Math.fround(g.data[i] * scale)));
    const bad = want.flatMap((w, i) => (x.grad!.data[i] === w ? [] : [i])); // === : −0 and +0 both count as "no gradient"
    expect(bad).toEqual([]);
    expect(want.some((w) => w === 0) && want.some((w) => w !== 0)).toBe(true);
  });

  it('is reproducible with manualSeed, and different seeds give different masks', () => {
    const x = ones([1000]), d = new Dropout(0.5);
    manualSeed(42); const a = Array.from(d.forward(x).data);
    manualSeed(42); const b = Array.from(d.forward(x).data);
    manualSeed(43); const c = Array.from(d.forward(x).data);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('eval mode: the same tensor, and no random numbers consumed', () => {
    const d = new Dropout(0.5).eval(), x = rand(new Rng(3), [4, 4]);
    const state = globalRng.getState();
    expect(d.forward(x)).toBe(x);
    expect(globalRng.getState()).toEqual(state);
    expect(d.train().training).toBe(true);
    expect(d.forward(x)).not.toBe(x);
  });

  it('p = 0 is the identity; p = 1 zeroes everything and passes no gradient', () => {
    const x = rand(new Rng(4), [50]);
    expect(new Dropout(0).forward(x)).toBe(x);
    const y = new Dropout(1).forward(x);
    expect(y.data.every((v) => v === 0)).toBe(true);
    y.sum().backward();
    expect(x.grad!.data.every((v) => v === 0)).toBe(true);
  });

  it('p outside [0, 1] is a typed error naming p', () => {
    for (const bad of [-0.1, 1.5, NaN]) expect(caught(() => new Dropout(bad), 'INVALID_ARGUMENT').message).toContain(`got ${bad}`);
  });
});

// ------------------------------------------------------------------------------------------------ initialisation

describe('initialisation like PyTorch', () => {
  it('Linear: weight and bias ~ U(−1/√in, 1/√in), reproducible with manualSeed', () => {
    manualSeed(7);
    const lin = new Linear(20, 30), bound = 1 / Math.sqrt(20);
    expect(lin.weight.shape).toEqual([30, 20]);
    expect(lin.bias!.shape).toEqual([30]);
    const w = Array.from(lin.weight.data), b = Array.from(lin.bias!.data);
    for (const v of [...w, ...b]) expect(Math.abs(v)).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length; // U(−a, a): a²/3
    expect(variance / (bound * bound / 3)).toBeGreaterThan(0.85);
    expect(variance / (bound * bound / 3)).toBeLessThan(1.15);
    manualSeed(7);
    expect(Array.from(new Linear(20, 30).weight.data)).toEqual(w);
    expect(new Linear(3, 2, { bias: false }).namedParameters().map(([n]) => n)).toEqual(['weight']);
  });

  it('Embedding: weight ~ N(0, 1); the padding row is zero (negative paddingIdx counts from the end)', () => {
    manualSeed(8);
    const emb = new Embedding(1000, 8, { paddingIdx: -3 });
    expect(emb.paddingIdx).toBe(997);
    const w = emb.weight.data;
    expect(Array.from(w.subarray(997 * 8, 998 * 8))).toEqual(new Array(8).fill(0));
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(std - 1)).toBeLessThan(0.05);
  });

  it('LayerNorm: weight ones, bias zeros over the normalized shape; no parameters without affine', () => {
    const ln = new LayerNorm([2, 3]);
    expect(ln.weight!.shape).toEqual([2, 3]);
    expect(Array.from(ln.weight!.data)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Array.from(ln.bias!.data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(new LayerNorm(4, { elementwiseAffine: false }).parameters()).toEqual([]);
    expect(new LayerNorm(4, { bias: false }).namedParameters().map(([n]) => n)).toEqual(['weight']);
  });
});

// ------------------------------------------------------------------------------------------------ shapes and inputs

describe('shapes and inputs', () => {
  it('Linear maps any leading dimensions, including none and zero rows', () => {
    const lin = new Linear(3, 2);
    expect(lin.forward(zeros([3])).shape).toEqual([2]);
    expect(lin.forward(zeros([2, 1, 4, 3])).shape).toEqual([2, 1, 4, 2]);
    const x = zeros([0, 3], { requiresGrad: true });
    const y = lin.forward(x);
    expect(y.shape).toEqual([0, 2]);
    y.sum().backward();
    expect(Array.from(lin.weight.grad!.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('Embedding takes number[], Int32Array or a Tensor, with an optional shape', () => {
    manualSeed(1);
    const emb = new Embedding(6, 3);
    const a = emb.forward([5, 0, 2, 2], [2, 2]);
    const b = emb.forward(new Int32Array([5, 0, 2, 2]), [2, 2]);
    const c = emb.forward(new Tensor(new Float32Array([5, 0, 2, 2]), [2, 2]));
    expect(a.shape).toEqual([2, 2, 3]);
    expect(b.data).toEqual(a.data);
    expect(c.data).toEqual(a.data);
    expect(c.shape).toEqual([2, 2, 3]);
    expect(emb.forward([1]).shape).toEqual([1, 3]);
    expect(Array.from(emb.forward([4]).data)).toEqual(Array.from(emb.weight.data.subarray(12, 15)));
  });

  it('Embedding: the padding row is looked up as stored but gets no gradient', () => {
    manualSeed(2);
    const emb = new Embedding(4, 2, { paddingIdx: 1 });
    emb.weight.data.set([7, 8], 2); // a loaded, non-zero padding row
    const y = emb.forward([1, 0, 1]);
    expect(Array.from(y.data.subarray(0, 2))).toEqual([7, 8]);
    y.sum().backward();
    expect(Array.from(emb.weight.grad!.data)).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('LayerNorm normalises each row to mean 0, variance 1/(1 + eps/σ²)', () => {
    const ln = new LayerNorm(8, { elementwiseAffine: false }), x = rand(new Rng(3), [5, 8], 3, false);
    const y = ln.forward(x);
    for (let r = 0; r < 5; r++) {
      const row = Array.from(y.data.subarray(r * 8, r * 8 + 8));
      const mean = row.reduce((s, v) => s + v, 0) / 8;
      expect(Math.abs(mean)).toBeLessThan(1e-6);
      expect(row.reduce((s, v) => s + v * v, 0) / 8).toBeCloseTo(1, 4);
    }
  });
});

// ------------------------------------------------------------------------------------------------ Sequential, composition

describe('Sequential', () => {
  it('names children 0, 1, ... like PyTorch (skipping parameter-free ones), nested as 3.0', () => {
    const m = new Sequential(new Linear(3, 4), new Dropout(0.1), new LayerNorm(4), new Sequential(new Linear(4, 2)));
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '3.0.weight', '3.0.bias']);
    expect(m.namedChildren().map(([n]) => n)).toEqual(['0', '1', '2', '3']);
    expect(m.length).toBe(4);
    expect(m.at(-1)).toBeInstanceOf(Sequential);
    expect(m.forward(zeros([5, 3])).shape).toEqual([5, 2]);
  });

  it('train() / eval() reach modules inside it', () => {
    const d = new Dropout(0.5), m = new Sequential(new Linear(2, 2), new Sequential(d));
    m.eval();
    expect(d.training).toBe(false);
    m.train();
    expect(d.training).toBe(true);
  });

  it('inside a Module field, names are field.i.param', () => {
    class Net extends Module {
      body = new Sequential(new Linear(2, 3), new LayerNorm(3));
      forward(x: Tensor): Tensor { return this.body.forward(x); }
    }
    expect(new Net().namedParameters().map(([n]) => n)).toEqual(['body.0.weight', 'body.0.bias', 'body.1.weight', 'body.1.bias']);
  });

  it('a module that does not return one Tensor is a typed error naming its position', () => {
    const m = new Sequential(new GRU({ inputSize: 2, hiddenSize: 3 }) as unknown as TensorModule);
    const e = caught(() => m.forward(zeros([4, 1, 2])), 'INVALID_ARGUMENT');
    expect(e.message).toContain('module 0 (GRU)');
    expect(e.message).toContain('output, h');
    expect(caught(() => new Sequential({} as TensorModule), 'INVALID_ARGUMENT').message).toContain('argument 0');
  });
});

describe('a composed character language model', () => {
  const V = 7, E = 4, H = 5, T = 6, B = 2;
  class CharLM extends Module {
    embed = new Embedding(V, E);
    rnn = new GRU({ inputSize: E, hiddenSize: H });
    head = new Linear(H, V);
    /** ids [T, B] (flat, time-major) → logits [T, B, V]. */
    forward(ids: Int32Array): Tensor {
      const { output } = this.rnn.forward(this.embed.forward(ids, [T, B]));
      return this.head.forward(output);
    }
  }
  const ids = new Int32Array([0, 3, 6, 1, 2, 2, 5, 4, 1, 0, 3, 6]);

  it('has PyTorch-style parameter names in declaration order', () => {
    expect(new CharLM().namedParameters().map(([n]) => n)).toEqual([
      'embed.weight', 'rnn.weight_ih_l0', 'rnn.weight_hh_l0', 'rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'head.weight', 'head.bias']);
  });

  it('back-propagates into every parameter (finite differences)', () => {
    manualSeed(11);
    const m = new CharLM();
    const names = m.namedParameters().map(([n]) => n);
    expectGradcheck(() => m.forward(ids), m.parameters(), { names, what: 'CharLM', maxPerTensor: 10 });
  });

  it('stateDict round-trips through safetensors and loadStateDict', () => {
    manualSeed(12);
    const a = new CharLM();
    const bytes = writeSafetensors(a.stateDict());
    manualSeed(13);
    const b = new CharLM();
    expect(Array.from(b.forward(ids).data)).not.toEqual(Array.from(a.forward(ids).data));
    b.loadStateDict(readSafetensors(bytes));
    expect(Array.from(b.forward(ids).data)).toEqual(Array.from(a.forward(ids).data));
    b.eval();
    expect(b.rnn.training).toBe(false);
    expect(b.embed.training).toBe(false);
  });

  it('loadStateDict errors name the key (and both shapes)', () => {
    const m = new CharLM(), good = () => ({ ...new CharLM().stateDict() });
    const missing = good();
    delete missing['head.bias'];
    expect(caught(() => m.loadStateDict(missing), 'STATE_DICT').message).toMatch(/missing key\(s\): head\.bias/);
    const extra = { ...good(), 'head.scale': zeros([V]) };
    expect(caught(() => m.loadStateDict(extra), 'STATE_DICT').message).toMatch(/unexpected key\(s\): head\.scale/);
    const wrong = { ...good(), 'head.weight': zeros([V, H + 1]) };
    const msg = caught(() => m.loadStateDict(wrong), 'STATE_DICT').message;
    expect(msg).toContain("'head.weight'");
    expect(msg).toContain(`[${V}, ${H + 1}]`);
    expect(msg).toContain(`[${V}, ${H}]`);
  });
});

// ------------------------------------------------------------------------------------------------ errors

describe('typed errors', () => {
  it('constructor arguments', () => {
    expect(caught(() => new Linear(-1, 2), 'INVALID_ARGUMENT').message).toContain('got -1, 2');
    expect(caught(() => new Linear(2.5, 2), 'INVALID_ARGUMENT').message).toContain('Linear');
    expect(caught(() => new Embedding(5, 3, { paddingIdx: 5 }), 'INVALID_ARGUMENT').message).toContain('[-5, 5), got 5');
    expect(caught(() => new LayerNorm(0), 'INVALID_ARGUMENT').message).toContain('got 0');
    expect(caught(() => new LayerNorm([]), 'INVALID_ARGUMENT').message).toContain('got []');
    expect(caught(() => new LayerNorm(3, { eps: -1 }), 'INVALID_ARGUMENT').message).toContain('eps');
  });

  it('forward shapes and indices', () => {
    expect(caught(() => new Linear(5, 2).forward(zeros([3, 4])), 'SHAPE_MISMATCH').message)
      .toBe('Linear.forward: x must be [..., 5], got [3, 4]');
    expect(caught(() => new LayerNorm([3, 4]).forward(zeros([2, 4, 3])), 'SHAPE_MISMATCH').message)
      .toContain('[..., 3, 4], got [2, 4, 3]');
    const emb = new Embedding(7, 2);
    expect(caught(() => emb.forward([1, 7]), 'INVALID_ARGUMENT').message).toContain('index 7 (at flat position 1) is out of range');
    expect(caught(() => emb.forward([1, 7]), 'INVALID_ARGUMENT').message).toContain('[0, 7)');
    expect(caught(() => emb.forward([-1]), 'INVALID_ARGUMENT').message).toContain('index -1');
    expect(caught(() => emb.forward([0.5]), 'INVALID_ARGUMENT').message).toContain('index 0.5');
    expect(caught(() => emb.forward([1, 2, 3], [2, 2]), 'SHAPE_MISMATCH').message).toContain('3 indices do not fill shape [2, 2]');
  });
});

describe('Module.numParameters', () => {
  it('counts what PyTorch counts (sum of p.numel()): GRU 3H(I+H+2) per layer and direction, LSTM 4H(…), Linear out(in+1)', async () => {
    const { GRU, LSTM, Linear, Sequential } = await import('../../src/index.js');
    expect(new GRU({ inputSize: 8, hiddenSize: 16 }).numParameters()).toBe(3 * 16 * (8 + 16 + 2));
    expect(new GRU({ inputSize: 8, hiddenSize: 16, numLayers: 2, bidirectional: true }).numParameters()).toBe(2 * 3 * 16 * (8 + 16 + 2) + 2 * 3 * 16 * (32 + 16 + 2));
    expect(new LSTM({ inputSize: 8, hiddenSize: 16, bias: false }).numParameters()).toBe(4 * 16 * (8 + 16));
    expect(new Sequential(new Linear(3, 4), new Linear(4, 2)).numParameters()).toBe(4 * 4 + 2 * 5);
  });
});
