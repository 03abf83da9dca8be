// Parity of crossEntropy, mse, binaryCrossEntropyWithLogits, softmax and logSoftmax with torch.nn.functional:
// outputs and the gradients of L = Σ out·gy, from test/fixtures/train/losses.safetensors (test/generators/train.py).
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../src/tensor/tensor.js';
import { softmax, logSoftmax } from '../../src/tensor/softmax.js';
import { binaryCrossEntropyWithLogits, crossEntropy, mse, type Reduction } from '../../src/nn/losses.js';
import { expectClose } from '../_util/close.js';
import { TOL, loadFixture } from '../train/_fixtures.js';

interface LossCase {
  name: string;
  fn: 'crossEntropy' | 'mse' | 'binaryCrossEntropyWithLogits' | 'softmax' | 'logSoftmax';
  options: { reduction?: Reduction; ignoreIndex?: number; labelSmoothing?: number; axis?: number };
  float64Drift: number;
}

const fx = loadFixture<LossCase>('losses.safetensors');
const leaf = (t: Tensor): Tensor => new Tensor(t.data.slice(), t.shape, { requiresGrad: true });

function run(c: LossCase, x: Tensor, target?: Tensor | Int32Array | number[]): Tensor {
  const key = (k: string): Tensor | undefined => fx.maybe(`${c.name}.${k}`);
  switch (c.fn) {
    case 'crossEntropy': return crossEntropy(x, target!, { ...c.options, weight: key('weight') });
    case 'mse': return mse(x, target as Tensor, c.options);
    case 'binaryCrossEntropyWithLogits':
      return binaryCrossEntropyWithLogits(x, target as Tensor, { ...c.options, weight: key('weight'), posWeight: key('posWeight') });
    case 'softmax': return softmax(x, c.options.axis);
    case 'logSoftmax': return logSoftmax(x, c.options.axis);
  }
}

describe('losses match torch.nn.functional', () => {
  it('has the expected fixture cases', () => { expect(fx.cases.length).toBe(40); });

  for (const c of fx.cases) {
    it(c.name, () => {
      const x = leaf(fx.get(`${c.name}.input`));
      const rawTarget = fx.maybe(`${c.name}.target`);
      const dense = c.fn === 'mse' || c.fn === 'binaryCrossEntropyWithLogits';
      const target = rawTarget && dense ? leaf(rawTarget) : rawTarget; // class indices stay an int64 Tensor
      const out = run(c, x, target);
      const ref = fx.get(`${c.name}.out`);
      expect(out.shape).toEqual(ref.shape);
      expectClose(out.data, ref.data, { ...TOL, what: `${c.name} output` });
      out.backward(fx.get(`${c.name}.gy`));
      expectClose(x.grad!.data, fx.get(`${c.name}.grad.input`).data, { ...TOL, what: `${c.name} grad input` });
      if (dense) expectClose(target!.grad!.data, fx.get(`${c.name}.grad.target`).data, { ...TOL, what: `${c.name} grad target` });
    });
  }

  it('takes class indices as a Tensor (int64 or float), an Int32Array or a number[] alike', () => {
    for (const c of fx.cases.filter((k) => k.fn === 'crossEntropy')) {
      const t = fx.get(`${c.name}.target`);
      expect(t.dtype).toBe('int64');
      const ints = Array.from(t.intData as BigInt64Array, Number);
      const x = fx.get(`${c.name}.input`);
      const ref = run(c, x, t).data;
      expect(run(c, x, ints).data).toEqual(ref);
      expect(run(c, x, Int32Array.from(ints)).data).toEqual(ref);
      expect(run(c, x, new Tensor(Float32Array.from(ints), t.shape)).data).toEqual(ref);
    }
  });
});
