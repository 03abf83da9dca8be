// Autograd engine semantics: accumulation, shared subgraphs, noGrad, detach, leaf rules, deep graphs.
import { describe, it, expect } from 'vitest';
import { GatedError } from '../../src/errors.js';
import { Tensor, tensor, zeros, ones, full, noGrad, isGradEnabled, record, type GradFn } from '../../src/tensor/tensor.js';
import * as ops from '../../src/tensor/ops.js';
import { Rng } from '../../src/random.js';
import { expectClose } from '../_util/close.js';
import { expectGradcheck } from '../_util/gradcheck.js';

const leaf = (v: number[], shape?: number[]): Tensor => tensor(v, shape, { requiresGrad: true });

describe('gradient accumulation', () => {
  it('two backward() calls accumulate into .grad (like PyTorch with retain_graph)', () => {
    const x = leaf([1, 2, 3]);
    const loss = ops.sum(ops.mul(x, x)); // d/dx = 2x
    loss.backward();
    expect(Array.from(x.grad!.data)).toEqual([2, 4, 6]);
    loss.backward();
    expect(Array.from(x.grad!.data)).toEqual([4, 8, 12]);
    // a fresh graph adds on top as well
    ops.sum(x).backward();
    expect(Array.from(x.grad!.data)).toEqual([5, 9, 13]);
  });

  it('.grad is a fresh tensor with the leaf shape; zeroing it by setting null restarts', () => {
    const x = leaf([1, 2, 3, 4], [2, 2]);
    ops.sum(ops.mul(x, 3)).backward();
    expect(x.grad!.shape).toEqual([2, 2]);
    expect(x.grad!.requiresGrad).toBe(false);
    expect(x.grad!.data).not.toBe(x.data);
    x.grad = null;
    ops.sum(x).backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 1, 1, 1]);
  });

  it('backward with an explicit gradient (Tensor or Float32Array) for a non-scalar output', () => {
    const x = leaf([1, 2, 3]);
    const y = ops.mul(x, 2);
    y.backward(tensor([1, 10, 100]));
    expect(Array.from(x.grad!.data)).toEqual([2, 20, 200]);
    const seed = new Float32Array([1, 1, 1]);
    y.backward(seed);
    expect(Array.from(x.grad!.data)).toEqual([4, 22, 202]);
    expect(Array.from(seed)).toEqual([1, 1, 1]); // the seed is not modified
  });

  it('backward() on a leaf itself', () => {
    const x = leaf([5]);
    x.backward();
    expect(x.grad!.item()).toBe(1);
    const y = leaf([1, 2]);
    y.backward(new Float32Array([3, 4]));
    expect(Array.from(y.grad!.data)).toEqual([3, 4]);
  });
});

describe('shared subgraphs', () => {
  it('a tensor used twice (diamond) gets the sum of both paths', () => {
    const x = leaf([1, 2]);
    const y = ops.mul(x, 3); // used by both branches
    const a = ops.mul(y, 2), b = ops.exp(ops.mul(y, 0)); // exp(0)=1, gradient 0 through b
    const c = ops.add(ops.mul(y, y), ops.add(a, b));
    ops.sum(c).backward();
    // c = 9x² + 6x + 1 → dc/dx = 18x + 6
    expect(Array.from(x.grad!.data)).toEqual([24, 42]);
  });

  it('x used as both operands of one op', () => {
    const x = leaf([3, -2]);
    ops.sum(ops.mul(x, x)).backward();
    expect(Array.from(x.grad!.data)).toEqual([6, -4]);
    const z = leaf([4]);
    ops.div(z, z).backward();
    expect(z.grad!.item()).toBe(0); // 1/z - z/z² = 0
  });

  it('diamond through nonlinearities matches finite differences', () => {
    const rng = new Rng(9);
    const x = new Tensor(Float32Array.from({ length: 6 }, () => rng.uniform(-1, 1)), [2, 3], { requiresGrad: true });
    const w = new Tensor(Float32Array.from({ length: 12 }, () => rng.uniform(-1, 1)), [3, 4], { requiresGrad: true });
    expectGradcheck(([a, b]) => {
      const h = ops.tanh(ops.matmul(a, b));
      const g = ops.sigmoid(h);
      return ops.concat([ops.mul(h, g), ops.sub(h, ops.mean(g, 1, true))], 0);
    }, [x, w]);
  });

  it('only inputs that require grad get .grad; intermediates never do', () => {
    const x = leaf([1, 2]);
    const c = tensor([5, 7]); // constant
    const y = ops.mul(x, c);
    const z = ops.sum(y);
    z.backward();
    expect(Array.from(x.grad!.data)).toEqual([5, 7]);
    expect(c.grad).toBeNull();
    expect(c.requiresGrad).toBe(false);
    expect(y.grad).toBeNull();
    expect(z.grad).toBeNull();
    expect(y.isLeaf).toBe(false);
    expect(x.isLeaf).toBe(true);
  });

  it('ops on constants only record nothing', () => {
    const y = ops.mul(tensor([1, 2]), tensor([3, 4]));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
  });

  it('a node not reachable from the root is never run; unused outputs of a node get zero gradients', () => {
    const x = leaf([1, 2, 3]);
    const calls: Float32Array[][] = [];
    // a two-output node: out0 = 2x, out1 = x + 1
    const node: GradFn = {
      name: 'twoOut', inputs: [x], numOutputs: 2,
      backward: (g) => { calls.push(g.map((a) => a.slice())); return [g[0].map((v, i) => 2 * v + g[1][i])]; },
    };
    const [o0, o1] = record(node, [new Tensor(x.data.map((v) => 2 * v), [3]), new Tensor(x.data.map((v) => v + 1), [1, 3])]);
    expect(o1.outputIndex).toBe(1);
    let otherRan = false;
    const other: GradFn = { name: 'other', inputs: [x], numOutputs: 1, backward: () => { otherRan = true; return [null]; } };
    record(other, [new Tensor(new Float32Array(3), [3])]);
    ops.sum(o1).backward();
    expect(otherRan).toBe(false);
    expect(calls.length).toBe(1);
    expect(Array.from(calls[0][0])).toEqual([0, 0, 0]); // unused output 0: zeros of its size
    expect(Array.from(calls[0][1])).toEqual([1, 1, 1]);
    expect(Array.from(x.grad!.data)).toEqual([1, 1, 1]);
    // both outputs used: the node runs once with both gradients
    x.grad = null;
    ops.add(ops.sum(o0), ops.sum(o1)).backward();
    expect(calls.length).toBe(2);
    expect(Array.from(x.grad!.data)).toEqual([3, 3, 3]);
  });
});

describe('noGrad, detach, requiresGrad', () => {
  it('results made under noGrad do not require grad; the mode is restored (also after a throw)', () => {
    const x = leaf([1, 2]);
    expect(isGradEnabled()).toBe(true);
    const y = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const inner = noGrad(() => ops.mul(x, 2));
      expect(isGradEnabled()).toBe(false); // nested: still off
      return ops.add(inner, x);
    });
    expect(isGradEnabled()).toBe(true);
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(Array.from(y.data)).toEqual([3, 6]);
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    expect(() => y.backward(new Float32Array(2))).toThrow(GatedError);
    expect(ops.mul(x, 2).requiresGrad).toBe(true);
  });

  it('detach cuts the graph and shares storage', () => {
    const x = leaf([1, 2]);
    const y = ops.mul(x, 3);
    const d = y.detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    expect(d.data).toBe(y.data);
    expect(d.shape).toEqual(y.shape);
    // z = y.detach() * x + y: gradient only through x in the first term and through y in the second
    ops.sum(ops.add(ops.mul(d, x), y)).backward();
    expect(Array.from(x.grad!.data)).toEqual([3 + 3, 6 + 3]);
    expect(d.grad).toBeNull();
  });

  it('detach keeps the dtype and integer data', () => {
    const t = new Tensor(new Float32Array([1, 2]), [2], { dtype: 'int64', intData: new BigInt64Array([1n, 2n]) });
    const d = t.detach();
    expect(d.dtype).toBe('int64');
    expect(d.intData).toBe(t.intData);
  });

  it('clone copies the data and stays connected', () => {
    const x = leaf([1, 2]);
    const c = x.clone();
    expect(c.data).not.toBe(x.data);
    expect(Array.from(c.data)).toEqual([1, 2]);
    ops.sum(ops.mul(c, c)).backward();
    expect(Array.from(x.grad!.data)).toEqual([2, 4]);
  });

  it('requiresGrad is settable on leaves', () => {
    const x = tensor([1, 2]);
    expect(x.requiresGrad).toBe(false);
    x.requiresGrad = true;
    const y = ops.mul(x, 2);
    expect(y.requiresGrad).toBe(true);
    x.requiresGrad = false;
    expect(ops.mul(x, 2).requiresGrad).toBe(false);
    // a detached copy of a non-leaf is a leaf and can be made to require grad
    const d = y.detach();
    d.requiresGrad = true;
    ops.sum(d).backward();
    expect(Array.from(d.grad!.data)).toEqual([1, 1]);
    expect(x.grad).toBeNull();
  });

  it('constructors: zeros / ones / full / tensor with requiresGrad', () => {
    expect(Array.from(zeros([2, 2]).data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(ones([3]).data)).toEqual([1, 1, 1]);
    expect(full([2], 2.5, { requiresGrad: true }).requiresGrad).toBe(true);
    expect(tensor(3).shape).toEqual([]);
    expect(tensor(new Float64Array([1, 2])).shape).toEqual([2]);
    expect(tensor([[1, 2, 3]]).shape).toEqual([1, 3]);
    expect(tensor([1, 2, 3, 4], [2, 2]).toArray()).toEqual([[1, 2], [3, 4]]);
  });
});

describe('deep graphs', () => {
  it('a chain of 10000 sequential adds backpropagates without overflowing the stack', () => {
    const x = leaf([1, 2]);
    let y = x;
    for (let i = 0; i < 10000; i++) y = ops.add(y, 1);
    expect(Array.from(y.data)).toEqual([10001, 10002]);
    ops.sum(y).backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 1]);
  });

  it('a deep chain that re-uses x at every step accumulates every contribution', () => {
    const x = leaf([0.5]);
    let y: Tensor = x;
    const n = 5000;
    for (let i = 0; i < n; i++) y = ops.add(ops.mul(y, 1), x); // y = (n + 1) x
    y.backward();
    expect(x.grad!.item()).toBe(n + 1);
  });

  it('a long recurrent-style chain (h = tanh(h W + x_t)) matches finite differences', () => {
    const rng = new Rng(21);
    const W = new Tensor(Float32Array.from({ length: 9 }, () => rng.uniform(-0.5, 0.5)), [3, 3], { requiresGrad: true });
    const xs = new Tensor(Float32Array.from({ length: 60 }, () => rng.uniform(-1, 1)), [20, 3], { requiresGrad: true });
    expectGradcheck(([w, x]) => {
      let h = zeros([3]);
      for (let t = 0; t < 20; t++) h = ops.tanh(ops.add(ops.matmul(h, w), ops.reshape(ops.slice(x, 0, t, t + 1), [3])));
      return h;
    }, [W, xs]);
  });

  it('gradcheck of the loss as a float64 projection: analytic grads equal backward with the projection seed', () => {
    const rng = new Rng(1);
    const x = new Tensor(Float32Array.from({ length: 4 }, () => rng.uniform(-1, 1)), [4], { requiresGrad: true });
    const w = new Float32Array([0.5, -1, 2, 0.25]);
    ops.mul(x, x).backward(w);
    expectClose(x.grad!.data, Array.from(x.data, (v, i) => 2 * v * w[i]), { atol: 0, rtol: 1e-7 });
  });
});
