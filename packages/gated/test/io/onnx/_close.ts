// Elementwise comparison for the interchange tests: |actual − expected| ≤ atol + rtol·|expected|, reporting the
// worst element and where it is.
import { expect } from 'vitest';
import type { Tensor } from '../../../src/tensor/tensor.js';

export function expectClose(actual: Tensor | { data: ArrayLike<number>; shape: readonly number[] }, expected: Tensor | { data: ArrayLike<number>; shape: readonly number[] },
  what: string, atol = 1e-5, rtol = 1e-4): void {
  expect(actual, `${what}: missing`).toBeDefined();
  expect([...actual.shape], `${what}: shape`).toEqual([...expected.shape]);
  let worst = 0, at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const a = actual.data[i], e = expected.data[i], excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (Number.isNaN(a) !== Number.isNaN(e)) { at = i; break; }
    if (excess > worst) { worst = excess; at = i; }
  }
  expect(at, `${what}: element ${at} is ${actual.data[at]}, expected ${expected.data[at]}`).toBe(-1);
}
