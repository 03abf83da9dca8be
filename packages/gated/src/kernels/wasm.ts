// The WebAssembly SIMD backend: the TypeScript half of the kernels in assembly/ (embedded by scripts/build-wasm.ts).
// The wasm side only loops; per call this side copies the input ranges into wasm memory, runs the kernel (split across
// the worker pool when large) and copies the written ranges back — see _wasm_core.ts for the memory and the threads.
// Not here: the math (assembly/*.ts), the oracle (ref.ts), the thread protocol (_pool.ts).
import type { Kernels } from './api.js';
import {
  FN, back, begin, forgetArray, gemmAt, inout, input, output, pinArray, pinnedPack, rowsThreads, span, sumRowsAt, unpinArray, w,
} from './_wasm_core.js';
import {
  gruBidirectionalBackward, gruBidirectionalForward, gruSequenceBackward, gruSequenceForward, lstmBidirectionalBackward,
  lstmBidirectionalForward, lstmSequenceBackward, lstmSequenceForward,
} from './_wasm_sequence.js';

export {
  hasRelaxedSimd, initWasmAsync, initWasmSync, pinnedBytes, poolStats, preferWasmBuild, residentStats, setWasmThreads, wasmBuild,
  wasmThreads, type WasmBuild,
} from './_wasm_core.js';

// ------------------------------------------------------------------------------------------ the kernels

/** The WebAssembly SIMD kernels; usable once `initWasmSync()` or `initWasmAsync()` has returned true. */
export const wasmKernels: Kernels = {
  name: 'wasm',

  pin: pinArray,
  unpin: unpinArray,
  forget: forgetArray,
  gruSequenceForward,
  lstmSequenceForward,
  gruSequenceBackward,
  lstmSequenceBackward,
  gruBidirectionalForward,
  lstmBidirectionalForward,
  gruBidirectionalBackward,
  lstmBidirectionalBackward,

  gemm(transA, transB, M, N, K, alpha, A, aOff, lda, B, bOff, ldb, beta, C, cOff, ldc) {
    if (M <= 0 || N <= 0) return;
    // a pinned B is packed once; GEMVs read it as it is (N = 1; M = 1 with Bᵀ: the dot form on B's rows, the sums of
    // the packed panels with fewer loads), except M = 1 with B not transposed, which streams the packed panels
    const packed = M === 1 && transB ? 0 : pinnedPack(B, transB, bOff, ldb, K, N);
    begin();
    const a = K > 0 ? input(A, aOff, transA ? span(K, M, lda) : span(M, K, lda)) : 0;
    const b = K > 0 && packed === 0 ? input(B, bOff, transB ? span(N, K, ldb) : span(K, N, ldb)) : 0;
    const n = span(M, N, ldc);
    // C is read when accumulating, and copied in when its rows have gaps, so that copying the span back keeps them
    const c = beta !== 0 || (M > 1 && ldc !== N) ? inout(C, cOff, n) : output(n);
    gemmAt(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, packed);
    back(c, C, cOff, n);
  },

  sigmoid(n, x, xo, y, yo) {
    if (n <= 0) return;
    begin();
    const px = input(x, xo, n), py = output(n);
    w().sigmoid(n, px, py);
    back(py, y, yo, n);
  },
  tanh(n, x, xo, y, yo) {
    if (n <= 0) return;
    begin();
    const px = input(x, xo, n), py = output(n);
    w().tanh(n, px, py);
    back(py, y, yo, n);
  },
  relu(n, x, xo, y, yo) {
    if (n <= 0) return;
    begin();
    const px = input(x, xo, n), py = output(n);
    w().relu(n, px, py);
    back(py, y, yo, n);
  },

  addRowVector(M, N, v, vo, X, xo) {
    if (M <= 0 || N <= 0) return;
    begin();
    const pv = input(v, vo, N), px = inout(X, xo, M * N);
    if (!rowsThreads(FN.addRowVector, M, N, pv, 0, px, 1, 0, 0, 0, 0)) w().addRowVector(M, N, pv, px);
    back(px, X, xo, M * N);
  },
  sumRowsInto(M, N, X, xo, v, vo) {
    if (M <= 0 || N <= 0) return;
    begin();
    const px = input(X, xo, M * N), pv = inout(v, vo, N);
    sumRowsAt(M, N, px, pv);
    back(pv, v, vo, N);
  },

  gruStepForward(B, H, gi, gio, gh, gho, hp, hpo, h, ho, save, so) {
    const n = B * H;
    if (n <= 0) return;
    begin();
    const pgi = input(gi, gio, 3 * n), pgh = input(gh, gho, 3 * n), php = input(hp, hpo, n);
    const ph = output(n), ps = output(4 * n);
    if (!rowsThreads(FN.gruStepForward, B, H, pgi, 3, pgh, 3, php, 1, ph, 1, ps, 4)) w().gruStepForward(B, H, pgi, pgh, php, ph, ps);
    back(ph, h, ho, n); back(ps, save, so, 4 * n);
  },
  gruStepBackward(B, H, dh, dho, hp, hpo, save, so, dgi, dgio, dgh, dgho, dhp, dhpo) {
    const n = B * H;
    if (n <= 0) return;
    begin();
    const pdh = input(dh, dho, n), php = input(hp, hpo, n), ps = input(save, so, 4 * n);
    const pgi = output(3 * n), pgh = output(3 * n), pdhp = output(n);
    if (!rowsThreads(FN.gruStepBackward, B, H, pdh, 1, php, 1, ps, 4, pgi, 3, pgh, 3, pdhp, 1)) w().gruStepBackward(B, H, pdh, php, ps, pgi, pgh, pdhp);
    back(pgi, dgi, dgio, 3 * n); back(pgh, dgh, dgho, 3 * n); back(pdhp, dhp, dhpo, n);
  },

  gruResetBeforeGates(B, H, gi, gio, gh, gho, hp, hpo, save, so) {
    const n = B * H;
    if (n <= 0) return;
    begin();
    const pgi = input(gi, gio, 3 * n), pgh = input(gh, gho, 2 * n), php = input(hp, hpo, n), ps = inout(save, so, 4 * n);
    if (!rowsThreads(FN.gruResetBeforeGates, B, H, pgi, 3, pgh, 2, php, 1, ps, 4)) w().gruResetBeforeGates(B, H, pgi, pgh, php, ps);
    back(ps, save, so, 4 * n);
  },
  gruResetBeforeBlend(B, H, gi, gio, ghn, gno, hp, hpo, h, ho, save, so) {
    const n = B * H;
    if (n <= 0) return;
    begin();
    const pgi = input(gi, gio, 3 * n), pgn = input(ghn, gno, n), php = input(hp, hpo, n);
    const ph = output(n), ps = inout(save, so, 4 * n);
    if (!rowsThreads(FN.gruResetBeforeBlend, B, H, pgi, 3, pgn, 1, php, 1, ph, 1, ps, 4)) w().gruResetBeforeBlend(B, H, pgi, pgn, php, ph, ps);
    back(ph, h, ho, n); back(ps, save, so, 4 * n);
  },
  gruResetBeforeBackwardBlend(B, H, dh, dho, hp, hpo, save, so, dgi, dgio, dhp, dhpo) {
    const n = B * H;
    if (n <= 0) return;
    begin();
    const pdh = input(dh, dho, n), php = input(hp, hpo, n), ps = input(save, so, 4 * n);
    const pgi = inout(dgi, dgio, 3 * n), pdhp = output(n);
    if (!rowsThreads(FN.gruResetBeforeBackwardBlend, B, H, pdh, 1, php, 1, ps, 4, pgi, 3, pdhp, 1)) w().gruResetBeforeBackwardBlend(B, H, pdh, php, ps, pgi, pdhp);
    back(pgi, dgi, dgio, 3 * n); back(pdhp, dhp, dhpo, n);
  },
  gruResetBeforeBackwardGates(B, H, dRh, dro, hp, hpo, save, so, dgi, dgio, dhp, dhpo) {
    const n = B * H;
    if (n <= 0) return;
    begin();
    const pdr = input(dRh, dro, n), php = input(hp, hpo, n), ps = input(save, so, 4 * n);
    const pgi = inout(dgi, dgio, 3 * n), pdhp = inout(dhp, dhpo, n);
    if (!rowsThreads(FN.gruResetBeforeBackwardGates, B, H, pdr, 1, php, 1, ps, 4, pgi, 3, pdhp, 1)) w().gruResetBeforeBackwardGates(B, H, pdr, php, ps, pgi, pdhp);
    back(pgi, dgi, dgio, 3 * n); back(pdhp, dhp, dhpo, n);
  },

  lstmStepForward(B, H, gi, gio, gh, gho, cp, cpo, c, co, m, mo, save, so) {
    const n = B * H;
    if (n <= 0) return;
    begin();
    const pgi = input(gi, gio, 4 * n), pgh = input(gh, gho, 4 * n), pcp = input(cp, cpo, n);
    const pc = output(n), pm = output(n), ps = output(5 * n);
    if (!rowsThreads(FN.lstmStepForward, B, H, pgi, 4, pgh, 4, pcp, 1, pc, 1, pm, 1, ps, 5)) w().lstmStepForward(B, H, pgi, pgh, pcp, pc, pm, ps);
    back(pc, c, co, n); back(pm, m, mo, n); back(ps, save, so, 5 * n);
  },
  lstmStepBackward(B, H, dm, dmo, dc, dco, cp, cpo, save, so, dg, dgo, dcp, dcpo) {
    const n = B * H;
    if (n <= 0) return;
    begin();
    const pdm = input(dm, dmo, n), pdc = input(dc, dco, n), pcp = input(cp, cpo, n), ps = input(save, so, 5 * n);
    const pdg = output(4 * n), pdcp = output(n);
    if (!rowsThreads(FN.lstmStepBackward, B, H, pdm, 1, pdc, 1, pcp, 1, ps, 5, pdg, 4, pdcp, 1)) w().lstmStepBackward(B, H, pdm, pdc, pcp, ps, pdg, pdcp);
    back(pdg, dg, dgo, 4 * n); back(pdcp, dcp, dcpo, n);
  },

  rnnStepForward(B, H, relu, gi, gio, gh, gho, h, ho) {
    const n = B * H;
    if (n <= 0) return;
    begin();
    const pgi = input(gi, gio, n), pgh = input(gh, gho, n), ph = output(n);
    w().rnnStepForward(n, relu, pgi, pgh, ph);
    back(ph, h, ho, n);
  },
  rnnStepBackward(B, H, relu, dh, dho, h, ho, dg, dgo) {
    const n = B * H;
    if (n <= 0) return;
    begin();
    const pdh = input(dh, dho, n), ph = input(h, ho, n), pdg = output(n);
    w().rnnStepBackward(n, relu, pdh, ph, pdg);
    back(pdg, dg, dgo, n);
  },
};

