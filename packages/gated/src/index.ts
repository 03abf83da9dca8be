// The public API of `gated`: explicit named exports only.
/**
 * Gated recurrent networks — {@link GRU}, {@link LSTM} and the Elman {@link RNN} — for TypeScript, exact to PyTorch
 * (forward and backward), in Node.js and browsers: tensors with autograd, layers and cells, losses, optimizers,
 * schedules and a training loop, and model interchange (safetensors, ONNX, TF.js). Shapes are written in PyTorch's
 * notation: T time, B batch, I input features, H hidden features, L layers, D directions.
 *
 * Node-only file helpers are in {@link "gated/node"}.
 * @module gated
 */
export { GatedError, ShapeError, ArgumentError, DTypeError, FormatError, UnsupportedError, NumericError, FileError, type GatedErrorCode } from './errors.js';
export { Rng, manualSeed } from './random.js';
export { Tensor, tensor, zeros, ones, full, noGrad, isGradEnabled, detectAnomaly, setDetectAnomaly, isAnomalyEnabled, type DType, type Shape, type GradFn } from './tensor/tensor.js';
export { add, sub, mul, div, matmul, sum, mean, sigmoid, tanh, relu, exp, log, reshape, transpose, concat, slice, indexSelect } from './tensor/ops.js';
export { setBackend, getBackend, getWasmBuild, ready, loadWasmBackend, setNumThreads, getNumThreads, type WasmBuild } from './kernels/select.js';
export type { Kernels } from './kernels/api.js';
export { Module, type StateDict } from './nn/module.js';
export { GRU, type GRUOptions } from './nn/gru.js';
export { LSTM, type LSTMOptions } from './nn/lstm.js';
export { RNN, type RNNOptions, type Nonlinearity } from './nn/rnn.js';
export type { GateBiasInit } from './nn/init.js';
export { GRUCell, LSTMCell, RNNCell, type CellOptions } from './nn/cells.js';
export type { RecurrentOptions, RecurrentInput, RecurrentOutput } from './nn/_recurrent.js';
export { readSafetensors, readSafetensorsMetadata, writeSafetensors } from './io/safetensors.js';
export { Linear, type LinearOptions } from './nn/linear.js';
export { Embedding, type EmbeddingOptions, type EmbeddingIndices } from './nn/embedding.js';
export { Dropout } from './nn/dropout.js';
export { LayerNorm, type LayerNormOptions } from './nn/layernorm.js';
export { Sequential, type TensorModule } from './nn/sequential.js';
export { softmax, logSoftmax } from './tensor/softmax.js';
export { crossEntropy, mse, binaryCrossEntropyWithLogits, type Reduction, type ClassTargets, type CrossEntropyOptions, type BCEWithLogitsOptions } from './nn/losses.js';
export { Optimizer, type OptimizerStateDict, type HyperValue } from './train/optim/optimizer.js';
export { SGD, type SGDOptions } from './train/optim/sgd.js';
export { Adam, AdamW, type AdamOptions } from './train/optim/adam.js';
export { RMSprop, type RMSpropOptions } from './train/optim/rmsprop.js';
export { makeOptimizer, optimizerNames, type OptimizerName } from './train/optim/factory.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './train/clip.js';
export { LRScheduler, StepLR, CosineAnnealingLR, LinearWarmup, SequentialLR, type Schedulable, type SchedulerStateDict } from './train/schedule.js';
export { fit, type FitOptions, type TrainEvent, type TrainState, type EpochMetrics } from './train/trainer.js';
export { CharVocab, lineBatches, streamChunks, padBatch, splitTrainVal, shuffle, featureBatches, type Batch, type FeatureBatch } from './train/data.js';
export { Bigram } from './train/bigram.js';
export { StateCarry, type RecurrentState } from './train/tbptt.js';
export { encodeModelDir, decodeModelDir, type ModelDir, type Files } from './io/checkpoint.js';
export { loadOnnx, OnnxModel, supportedOnnxOps, type OnnxFeed, type OnnxValueInfo, type OnnxLimits } from './io/onnx/import.js';
export { exportOnnx, type OnnxExportOptions } from './io/onnx/export.js';
export { onnxToStack } from './io/onnx/lift.js';
export { loadTfjs, type ShardSource } from './io/tfjs/import.js';
export { StackModel, encodeStackDir, decodeStackDir, type StackConfig, type LayerSpec, type RecurrentSpec, type StackInput, type StackOutput, type ActivationFn } from './io/stack.js';
export { kerasToTorch, torchToKeras, onnxToTorch, torchToOnnx, torchLayerWeights, type CellType, type TorchRecurrentWeights, type KerasRecurrentWeights, type OnnxRecurrentWeights } from './io/convert.js';
export { MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_PARAMETERS, MAX_LAYERS, MAX_VOCAB, checkParameterCount, parseJsonLimited, jsonDepth } from './limits.js';
export { CharLM, charLMParameterCount, checkCharLMSize, sample, evaluateLoss, type CharLMConfig, type CellKind, type SampleOptions, type LMState } from './models/charlm.js';
export { trainCharLM, loadCharLM, defaultLMOptions, type LMTrainOptions, type LMData, type LMConfig } from './models/charlm-train.js';
export { AdditiveAttention, LuongAttention, additiveAttention, dotAttention, maskedSoftmax, type Attention, type AttentionResult, type Lengths } from './nn/attention.js';
export { Encoder, Decoder, Seq2Seq, padTokens, type AttentionKind, type TokenBatch, type Memory, type DecoderState, type DecoderMemory, type StepResult, type EncoderOptions, type DecoderOptions, type Seq2SeqOptions } from './nn/seq2seq.js';
export { greedyDecode, beamDecode, type Decoded, type BeamOptions } from './nn/decode.js';
export { poolTime, type PoolMode } from './nn/pooling.js';
export { SequenceClassifier, type SequenceClassifierOptions } from './nn/classifier.js';
export { argmax, accuracy, editDistance, sequenceErrors, sequenceErrorsMultiRef, binaryMetrics, rocAuc, prAuc, forecastErrors, type SequenceErrors, type BinaryMetrics, type ForecastErrors } from './train/metrics.js';
export { gruGates, type GRUGateTrace } from './nn/inspect.js';
// Types that public signatures name (documented where they are defined).
export type { NestedArray } from './tensor/tensor.js';
export type { F32, SequenceForwardDir, SequenceBackwardDir } from './kernels/api.js';
export type { LMCheckpoint, LMTrainHooks } from './models/charlm-train.js';
export type { Attrs as OnnxAttributes } from './io/onnx/_attrs.js';
export type { ActName as ActivationName } from './io/onnx/_recurrent.js';
