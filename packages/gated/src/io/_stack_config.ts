// Validation of a StackModel config (config.json of a 'gated-stack' directory, or built by an importer): every
// field checked for type and range, unknown keys rejected, so a hostile file fails with GatedError('FORMAT') naming
// the layer and the field before anything is allocated from it.
import { GatedError } from '../errors.js';
import type { ActName } from './onnx/_recurrent.js';
import type { RecurrentSpec } from './_general_rnn.js';

/**
 * An activation layer of a {@link StackModel}: one of the ONNX activations ({@link ActivationName}), or
 * `'softmax'` / `'logsoftmax'` over the last dimension, or `'linear'` (identity).
 */
export type ActivationFn = ActName | 'softmax' | 'logsoftmax' | 'linear';

/**
 * One layer of a {@link StackConfig}, told apart by `type`: `'embedding'` ({@link Embedding}), `'linear'`
 * ({@link Linear}), `'layernorm'` ({@link LayerNorm}), `'dropout'` ({@link Dropout}), `'activation'`, `'masking'`
 * (Keras's Masking: steps whose features all equal `maskValue` are skipped by the next recurrent layer and zeroed),
 * or a recurrent layer ({@link RecurrentSpec}). Fields are the constructor options of the module of that name.
 * @property type - the layer kind.
 * @property numEmbeddings - embedding: N, the table size.
 * @property embeddingDim - embedding: D, the vector size.
 * @property paddingIdx - embedding: the padding row, or null.
 * @property maskZero - embedding: Keras's mask_zero — id 0 masks the step for the next recurrent layer (default false).
 * @property inFeatures - linear: input size.
 * @property outFeatures - linear: output size.
 * @property bias - linear / layernorm: whether it has a bias (default true).
 * @property normalizedShape - layernorm: the trailing dimensions normalised over.
 * @property eps - layernorm: added to the variance (default 1e-5).
 * @property elementwiseAffine - layernorm: learnable γ and β (default true).
 * @property p - dropout: the probability.
 * @property fn - activation: which function (see {@link ActivationFn}).
 * @property alpha - activation: ONNX's alpha, where the function takes one.
 * @property beta - activation: ONNX's beta, where the function takes one.
 * @property maskValue - masking: the feature value that marks a padded step.
 */
export type LayerSpec =
  | { type: 'embedding'; numEmbeddings: number; embeddingDim: number; paddingIdx?: number | null; maskZero?: boolean }
  | { type: 'linear'; inFeatures: number; outFeatures: number; bias?: boolean }
  | { type: 'layernorm'; normalizedShape: number[]; eps?: number; elementwiseAffine?: boolean; bias?: boolean }
  | { type: 'dropout'; p: number }
  | { type: 'activation'; fn: ActivationFn; alpha?: number; beta?: number }
  | { type: 'masking'; maskValue: number }
  | RecurrentSpec;

/**
 * The `config.json` of a `'gated-stack'` model directory: what a {@link StackModel} is built from.
 * @property format - always `'gated-stack'`.
 * @property version - the format version, 1.
 * @property batchFirst - whether inputs and outputs are `[B, T, ·]` (else `[T, B, ·]`).
 * @property layers - the layers, applied in order.
 */
export interface StackConfig {
  format: 'gated-stack';
  version: 1;
  /** 'ids': integer token ids [T, B] ([B, T] batchFirst); 'float': features [T, B, F] ([B, T, F]). */
  input: 'ids' | 'float';
  batchFirst: boolean;
  layers: LayerSpec[];
}

const ACT_NAMES = ['relu', 'tanh', 'sigmoid', 'affine', 'leakyrelu', 'thresholdedrelu', 'scaledtanh', 'hardsigmoid', 'elu', 'softsign', 'softplus'];
const MAX_DIM = 1 << 24;

const KEYS: Record<string, string[]> = {
  embedding: ['numEmbeddings', 'embeddingDim', 'paddingIdx', 'maskZero'],
  linear: ['inFeatures', 'outFeatures', 'bias'],
  layernorm: ['normalizedShape', 'eps', 'elementwiseAffine', 'bias'],
  dropout: ['p'],
  activation: ['fn', 'alpha', 'beta'],
  masking: ['maskValue'],
  gru: ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'bidirectional', 'resetAfter', 'activations', 'clip', 'merge', 'returnSequences'],
  lstm: ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'bidirectional', 'activations', 'clip', 'merge', 'returnSequences'],
  rnn: ['inputSize', 'hiddenSize', 'numLayers', 'bias', 'bidirectional', 'nonlinearity', 'activations', 'clip', 'merge', 'returnSequences'],
};

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseStackConfig(raw: unknown): StackConfig {
  const fail = (msg: string): never => { throw new GatedError('FORMAT', `stack config: ${msg}`); };
  if (!isObj(raw)) return fail(`expected an object, got ${raw === null ? 'null' : typeof raw}`);
  if (raw.format !== 'gated-stack') fail(`format must be 'gated-stack', got ${JSON.stringify(raw.format)}`);
  if (raw.version !== 1) fail(`version must be 1, got ${JSON.stringify(raw.version)}`);
  if (raw.input !== 'ids' && raw.input !== 'float') fail(`input must be 'ids' or 'float', got ${JSON.stringify(raw.input)}`);
  if (typeof raw.batchFirst !== 'boolean') fail(`batchFirst must be a boolean, got ${JSON.stringify(raw.batchFirst)}`);
  if (!Array.isArray(raw.layers) || raw.layers.length === 0 || raw.layers.length > 1000) return fail('layers must be a non-empty array (at most 1000 layers)');
  const layers = raw.layers.map((l: unknown, i: number): LayerSpec => {
    const where = `layer ${i}`;
    if (!isObj(l)) return fail(`${where}: expected an object`);
    const type = l.type;
    if (typeof type !== 'string' || !Object.hasOwn(KEYS, type)) return fail(`${where}: type must be one of ${Object.keys(KEYS).join(', ')}, got ${JSON.stringify(type)}`);
    for (const k of Object.keys(l)) if (k !== 'type' && !KEYS[type].includes(k)) fail(`${where} (${type}): unknown field '${k}'`);
    const int = (k: string, min: number, optional = false): void => {
      const v = l[k];
      if (v === undefined && optional) return;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX_DIM) fail(`${where} (${type}): ${k} must be an integer in [${min}, ${MAX_DIM}], got ${JSON.stringify(v)}`);
    };
    const bool = (k: string): void => { if (l[k] !== undefined && typeof l[k] !== 'boolean') fail(`${where} (${type}): ${k} must be a boolean`); };
    const num = (k: string, optional = true): void => {
      const v = l[k];
      if (v === undefined && optional) return;
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${where} (${type}): ${k} must be a finite number, got ${JSON.stringify(v)}`);
    };
    const oneOf = (k: string, allowed: string[]): void => {
      if (l[k] !== undefined && !allowed.includes(l[k] as string)) fail(`${where} (${type}): ${k} must be one of ${allowed.join(', ')}, got ${JSON.stringify(l[k])}`);
    };
    switch (type) {
      case 'embedding':
        int('numEmbeddings', 1); int('embeddingDim', 1); bool('maskZero');
        if (l.paddingIdx !== undefined && l.paddingIdx !== null) int('paddingIdx', -(l.numEmbeddings as number));
        break;
      case 'linear': int('inFeatures', 1); int('outFeatures', 1); bool('bias'); break;
      case 'layernorm': {
        const ns = l.normalizedShape;
        if (!Array.isArray(ns) || ns.length < 1 || ns.some((d) => !Number.isInteger(d) || d < 1 || d > MAX_DIM)) fail(`${where} (layernorm): normalizedShape must be a non-empty array of integers ≥ 1`);
        num('eps'); bool('elementwiseAffine'); bool('bias');
        break;
      }
      case 'dropout': num('p', false); if (!((l.p as number) >= 0 && (l.p as number) <= 1)) fail(`${where} (dropout): p must be in [0, 1]`); break;
      case 'activation': oneOf('fn', [...ACT_NAMES, 'softmax', 'logsoftmax', 'linear']); if (l.fn === undefined) fail(`${where}: fn is required`); num('alpha'); num('beta'); break;
      case 'masking': num('maskValue', false); break;
      default: {
        int('inputSize', 1); int('hiddenSize', 1); int('numLayers', 1, true); bool('bias'); bool('bidirectional'); bool('resetAfter'); bool('returnSequences');
        oneOf('nonlinearity', ['tanh', 'relu']); oneOf('merge', ['concat', 'sum', 'mul', 'ave']);
        if (l.clip !== undefined && l.clip !== null) { num('clip'); if (!((l.clip as number) >= 0)) fail(`${where}: clip must be ≥ 0`); }
        if (l.activations !== undefined) {
          const need = type === 'gru' ? 2 : type === 'lstm' ? 3 : 1;
          if (!Array.isArray(l.activations) || l.activations.length !== need) fail(`${where} (${type}): activations must be an array of ${need}`);
          (l.activations as unknown[]).forEach((a, k) => {
            if (!isObj(a) || !ACT_NAMES.includes(a.name as string) || Object.keys(a).some((x) => !['name', 'alpha', 'beta'].includes(x))
              || (a.alpha !== undefined && !Number.isFinite(a.alpha)) || (a.beta !== undefined && !Number.isFinite(a.beta))) {
              fail(`${where} (${type}): activations[${k}] must be { name: ${ACT_NAMES.join('|')}, alpha?, beta? }`);
            }
          });
        }
      }
    }
    return structuredClone(l) as unknown as LayerSpec;
  });
  return { format: 'gated-stack', version: 1, input: raw.input as 'ids' | 'float', batchFirst: raw.batchFirst as boolean, layers };
}

/** Number of parameter values a config implies (so a directory's weights can be checked before allocating). */
export function parameterCount(cfg: StackConfig): number {
  let n = 0;
  for (const l of cfg.layers) {
    switch (l.type) {
      case 'embedding': n += l.numEmbeddings * l.embeddingDim; break;
      case 'linear': n += l.inFeatures * l.outFeatures + (l.bias ?? true ? l.outFeatures : 0); break;
      case 'layernorm': { const k = l.normalizedShape.reduce((a, b) => a * b, 1); n += l.elementwiseAffine ?? true ? k * (l.bias ?? true ? 2 : 1) : 0; break; }
      case 'gru': case 'lstm': case 'rnn': {
        const G = l.type === 'gru' ? 3 : l.type === 'lstm' ? 4 : 1, H = l.hiddenSize, D = l.bidirectional ? 2 : 1;
        for (let k = 0; k < (l.numLayers ?? 1); k++) n += D * (G * H * ((k === 0 ? l.inputSize : D * H) + H) + (l.bias ?? true ? 2 * G * H : 0));
        break;
      }
      default: break;
    }
  }
  return n;
}
