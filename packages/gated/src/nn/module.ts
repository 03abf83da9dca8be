// Module: the base of every layer and model. Parameters are registered explicitly (`this.param(name, t)`);
// child modules are found from the instance's own fields (and arrays of modules), in declaration order,
// so `class LM extends Module { embed = new Embedding(..); rnn = new GRU(..) }` names `embed.weight`, `rnn.weight_ih_l0`.
import { GatedError, fmtShape } from '../errors.js';
import { kernels } from '../kernels/select.js';
import { Tensor, storageOf, writableStorage } from '../tensor/tensor.js';

/**
 * Parameters by PyTorch-style dotted name (`rnn.weight_ih_l0`, `head.bias`, …): what {@link Module.stateDict}
 * returns, {@link Module.loadStateDict} takes, and {@link writeSafetensors} / {@link readSafetensors} store.
 */
export type StateDict = Record<string, Tensor>;

/**
 * The base of every layer and model, like `torch.nn.Module`. A subclass registers its own parameters with
 * `this.param(name, tensor)`; child modules are found from the instance's fields (and arrays of modules, named
 * `field.i`) in declaration order, so parameter names match the equivalent PyTorch module's `state_dict()` keys.
 * Modules start in training mode (dropout active); {@link Module.eval} switches the whole tree off.
 *
 * @example
 * ```ts
 * import { Embedding, GRU, Linear, Module, writeSafetensors, type Tensor } from 'gated';
 *
 * class Tagger extends Module {
 *   embed = new Embedding(100, 16);                        // 100 token ids → 16 features
 *   rnn = new GRU({ inputSize: 16, hiddenSize: 32 });
 *   head = new Linear(32, 5);
 *   forward(ids: number[], T: number, B: number): Tensor {   // ids: [T·B] token ids, time-major
 *     const { output } = this.rnn.forward(this.embed.forward(ids, [T, B]));   // [T, B, 32]
 *     return this.head.forward(output);                                       // [T, B, 5]
 *   }
 * }
 * const m = new Tagger();
 * m.namedParameters().map(([n]) => n); // ['embed.weight', 'rnn.weight_ih_l0', …, 'head.bias']
 * const saved = writeSafetensors(m.stateDict());
 * m.eval();                             // inference: dropout off
 * ```
 */
export abstract class Module {
  /** Training mode (dropout active). Switch with train() / eval(). */
  training = true;
  private readonly _parameters = new Map<string, Tensor>();

  /** The module's computation; each subclass defines its own arguments and result. */
  abstract forward(...args: never[]): unknown;

  /** Registers `t` as a trainable parameter named `name` and returns it. */
  protected param(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    this._parameters.set(name, t);
    return t;
  }

  /** Direct children with their names (fields holding a Module, or arrays of Modules as `name.i`). */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, v] of Object.entries(this)) {
      if (v instanceof Module) out.push([k, v]);
      else if (Array.isArray(v)) v.forEach((m, i) => { if (m instanceof Module) out.push([`${k}.${i}`, m]); });
    }
    return out;
  }

  /** Every parameter with its PyTorch-style dotted name, own parameters first, then children in order. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this._parameters) out.push([prefix + n, p]);
    // a loop, not push(...xs): spreading a child's 10^5 parameters as arguments would overflow the stack
    for (const [n, m] of this.namedChildren()) for (const e of m.namedParameters(`${prefix}${n}.`)) out.push(e);
    return out;
  }

  /** Every parameter tensor, in {@link Module.namedParameters} order (what an optimizer takes). */
  parameters(): Tensor[] { return this.namedParameters().map(([, p]) => p); }

  /**
   * How many numbers the module learns: the sizes of its parameters summed (PyTorch:
   * `sum(p.numel() for p in model.parameters())`).
   */
  numParameters(): number { return this.parameters().reduce((n, p) => n + p.size, 0); }

  /** Parameters by name, sharing storage with the module (like PyTorch's state_dict, detached). */
  stateDict(): StateDict {
    const sd: StateDict = {};
    for (const [n, p] of this.namedParameters()) sd[n] = p.detach();
    return sd;
  }

  /**
   * Copies values into the module's own parameter tensors. With `strict` (default) every key must match exactly;
   * a wrong shape is always an error naming the key, the expected and the actual shape.
   * @param opts - `strict` (default true): every key must match exactly.
   * @throws FormatError (`STATE_DICT`) naming the missing or unexpected keys, or the key with a wrong shape.
   */
  loadStateDict(dict: StateDict | Map<string, Tensor>, opts: { strict?: boolean } = {}): void {
    const strict = opts.strict ?? true;
    const src = dict instanceof Map ? Object.fromEntries(dict) : dict;
    const own = new Map(this.namedParameters());
    if (strict) {
      const missing = [...own.keys()].filter((k) => !(k in src));
      const unexpected = Object.keys(src).filter((k) => !own.has(k));
      if (missing.length || unexpected.length) {
        throw new GatedError('STATE_DICT', `loadStateDict: ${[
          missing.length ? `missing key(s): ${missing.join(', ')}` : '',
          unexpected.length ? `unexpected key(s): ${unexpected.join(', ')}` : ''].filter(Boolean).join('; ')}`);
      }
    }
    for (const [k, p] of own) {
      const v = src[k];
      if (v === undefined) continue;
      if (!(v instanceof Tensor)) throw new GatedError('STATE_DICT', `loadStateDict: '${k}' is not a Tensor`);
      if (v.shape.length !== p.shape.length || v.shape.some((d, i) => d !== p.shape[i])) {
        throw new GatedError('STATE_DICT', `loadStateDict: '${k}' has shape ${fmtShape(v.shape)}, expected ${fmtShape(p.shape)}`);
      }
      writableStorage(p).set(v.dtype === 'float32' ? storageOf(v) : v.data);   // a read: v's storage is not handed out
    }
  }

  /** Sets training mode on this module and every child. */
  train(mode = true): this {
    this.training = mode;
    for (const [, m] of this.namedChildren()) m.train(mode);
    return this;
  }

  /** Switches this module and every child to evaluation mode (`train(false)`): dropout off. Returns `this`. */
  eval(): this { return this.train(false); }

  /** Clears `.grad` of every parameter. */
  zeroGrad(): void { for (const p of this.parameters()) p.grad = null; }

  /**
   * Frees the copies the kernels keep of this module's parameters between calls (the wasm backend's resident
   * weights); without it they are freed when the parameters are garbage-collected, or when others need the room.
   * The module stays usable: its next call copies them again.
   */
  dispose(): void {
    const k = kernels();
    for (const p of this.parameters()) k.forget?.(storageOf(p));
  }
}
