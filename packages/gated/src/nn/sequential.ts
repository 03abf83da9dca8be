// Sequential: modules applied one after another, like torch.nn.Sequential. Children are named "0", "1", ...,
// so parameter names match PyTorch's state dict (`0.weight`, `2.bias`, nested `1.0.weight`).
import { check, fmtShape } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/**
 * A module whose forward maps one tensor to one tensor (Linear, LayerNorm, Dropout, Embedding, Sequential, ...).
 * @property forward - maps one tensor to one tensor.
 */
export type TensorModule = Module & { forward(x: Tensor): Tensor };

/**
 * Modules applied one after another, like `torch.nn.Sequential`. Children are named `0`, `1`, …, so parameter names
 * match PyTorch's (`0.weight`, `2.bias`, nested `1.0.weight`).
 *
 * @throws ArgumentError when an argument is not a Module, or (from `forward`) a module returns something other
 * than a single Tensor.
 * @example
 * ```ts
 * import { Dropout, LayerNorm, Linear, Sequential, zeros } from 'gated';
 * const mlp = new Sequential(new Linear(8, 32), new LayerNorm(32), new Dropout(0.1), new Linear(32, 2));
 * const y = mlp.forward(zeros([4, 8]));   // [4, 2]
 * mlp.stateDict();                        // { '0.weight', '0.bias', '1.weight', '1.bias', '3.weight', '3.bias' }
 * ```
 */
export class Sequential extends Module {
  private readonly layers: TensorModule[];

  constructor(...modules: TensorModule[]) {
    super();
    modules.forEach((m, i) => check(m instanceof Module, 'INVALID_ARGUMENT',
      () => `Sequential: argument ${i} must be a Module, got ${m === null ? 'null' : typeof m}`));
    this.layers = [...modules];
  }

  /** The number of modules. */
  get length(): number { return this.layers.length; }

  /** The i-th module (negative counts from the end). */
  at(i: number): TensorModule {
    const j = i < 0 ? i + this.layers.length : i;
    check(Number.isInteger(j) && j >= 0 && j < this.layers.length, 'INVALID_ARGUMENT',
      () => `Sequential.at: index ${i} out of range for ${this.layers.length} module(s)`);
    return this.layers[j];
  }

  override namedChildren(): [string, Module][] {
    return this.layers.map((m, i) => [String(i), m]);
  }

  /** `x → modules[n−1](…modules[0](x))`. Each module must return a single Tensor. */
  forward(x: Tensor): Tensor {
    let h = x;
    this.layers.forEach((m, i) => {
      const out: unknown = m.forward(h);
      check(out instanceof Tensor, 'INVALID_ARGUMENT',
        () => `Sequential.forward: module ${i} (${m.constructor.name}) returned ${describe(out)}, expected a single Tensor`);
      h = out;
    });
    return h;
  }
}

const describe = (v: unknown): string =>
  v instanceof Tensor ? `a Tensor ${fmtShape(v.shape)}` : v === null ? 'null' : typeof v === 'object' ? `an object with keys {${Object.keys(v as object).join(', ')}}` : typeof v;
