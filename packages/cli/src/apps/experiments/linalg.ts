// Singular values of a small dense matrix (e.g. an RNN's W_hh, H × H), in float64: the eigenvalues of WᵀW by the
// cyclic Jacobi method, then square roots. O(n³) per sweep — meant for n up to a few hundred, not for speed.
import { GatedError } from 'gated';

/** Singular values of the row-major [rows, cols] matrix `w`, largest first. */
export function singularValues(w: ArrayLike<number>, rows: number, cols: number): number[] {
  if (w.length !== rows * cols) throw new GatedError('SHAPE_MISMATCH', `singularValues: ${w.length} values do not fill [${rows}, ${cols}]`);
  const n = cols, a = new Float64Array(n * n); // a = WᵀW, symmetric [n, n]
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += w[r * cols + i] * w[r * cols + j];
      a[i * n + j] = s; a[j * n + i] = s;
    }
  }
  return symmetricEigenvalues(a, n).map((v) => Math.sqrt(Math.max(0, v))).sort((p, q) => q - p);
}

/** Eigenvalues of the symmetric [n, n] matrix `a` (overwritten), by cyclic Jacobi rotations. */
export function symmetricEigenvalues(a: Float64Array, n: number): number[] {
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < n; i++) { diag += a[i * n + i] ** 2; for (let j = i + 1; j < n; j++) off += a[i * n + j] ** 2; }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // rotation angle that zeroes a[p, q]: tan 2θ = 2 a_pq / (a_qq − a_pp)
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) { // columns p, q
          const akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq; a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) { // rows p, q
          const apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk; a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: n }, (_, i) => a[i * n + i]);
}
