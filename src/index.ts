// The public API of `gated`: explicit named exports only.
export { GatedError, type GatedErrorCode } from './errors.js';
export { Rng, manualSeed } from './random.js';
export { Tensor, tensor, zeros, ones, full, noGrad, isGradEnabled, type DType, type Shape, type GradFn } from './tensor/tensor.js';
export { add, sub, mul, div, matmul, sum, mean, sigmoid, tanh, relu, exp, log, reshape, transpose, concat, slice, indexSelect } from './tensor/ops.js';
export { setBackend, getBackend } from './kernels/select.js';
export type { Kernels } from './kernels/api.js';
export { Module, type StateDict } from './nn/module.js';
export { GRU, type GRUOptions } from './nn/gru.js';
export { LSTM, type LSTMOptions } from './nn/lstm.js';
export { RNN, type RNNOptions, type Nonlinearity } from './nn/rnn.js';
export { GRUCell, LSTMCell, RNNCell, type CellOptions } from './nn/cells.js';
export type { RecurrentOptions, RecurrentInput, RecurrentOutput } from './nn/_recurrent.js';
export { readSafetensors, readSafetensorsMetadata, writeSafetensors } from './io/safetensors.js';
export { Linear, type LinearOptions } from './nn/linear.js';
export { Embedding, type EmbeddingOptions, type EmbeddingIndices } from './nn/embedding.js';
export { Dropout } from './nn/dropout.js';
export { LayerNorm, type LayerNormOptions } from './nn/layernorm.js';
export { Sequential, type TensorModule } from './nn/sequential.js';
