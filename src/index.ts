// The public API of `gated`: explicit named exports only.
export { GatedError, type GatedErrorCode } from './errors.js';
export { Rng, manualSeed } from './random.js';
export { Tensor, tensor, zeros, ones, full, noGrad, isGradEnabled, type DType, type Shape, type GradFn } from './tensor/tensor.js';
export { add, sub, mul, div, matmul, sum, mean, sigmoid, tanh, relu, exp, log, reshape, transpose, concat, slice, indexSelect } from './tensor/ops.js';
export { setBackend, getBackend } from './kernels/select.js';
export type { Kernels } from './kernels/api.js';
