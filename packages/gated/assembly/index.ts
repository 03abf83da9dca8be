// Entry of the WebAssembly SIMD kernels (built by scripts/build-wasm.ts, embedded in src/kernels/_wasm_module.ts).
// Every export takes sizes and byte addresses into this module's memory; src/kernels/wasm.ts owns that memory:
// [0, heapBase()) is static data, above it the wrapper keeps pinned arrays and per-call scratch.
export { gemm, gemmWorkBytes, packB, packedBBytes, gemvRowPanels, packRowPanels, rowPanelsBytes } from './gemm';
export { sigmoid, tanh, relu, addRowVector, sumRowsInto } from './activations';
export {
  gruStepForward, gruStepBackward, gruResetBeforeGates, gruResetBeforeBlend, gruResetBeforeBackwardBlend,
  gruResetBeforeBackwardGates, lstmStepForward, lstmStepBackward, rnnStepForward, rnnStepBackward,
} from './gates';
export { gruForwardLoop, lstmForwardLoop, gruBackwardLoop, lstmBackwardLoop } from './sequence';
export { gruStream, lstmStream, pollFor, setThreadSlot, streamCtlBytes, streamWorkBytes } from './stream';

/** First free byte after static data, 16-aligned. */
export function heapBase(): usize { return (__heap_base + 15) & ~15; }
