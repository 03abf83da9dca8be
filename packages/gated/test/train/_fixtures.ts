// Loads the PyTorch fixtures of test/fixtures/train/ (written by test/generators/train.py): the tensors by key,
// and the JSON case list stored in the safetensors `__metadata__.cases`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSafetensors, readSafetensorsMetadata } from '../../src/io/safetensors.js';
import type { Tensor } from '../../src/tensor/tensor.js';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'train');

/** The default parity tolerance: |Δ| ≤ 1e-5 + 1e-4·|ref|. */
export const TOL = { atol: 1e-5, rtol: 1e-4 };

export interface Fixture<C> {
  cases: C[];
  /** The tensor stored under `key`; throws when absent. */
  get(key: string): Tensor;
  /** The tensor stored under `key`, or undefined. */
  maybe(key: string): Tensor | undefined;
}

export function loadFixture<C>(file: string): Fixture<C> {
  const bytes = readFileSync(join(FIXTURE_DIR, file));
  const tensors = readSafetensors(bytes);
  const cases = JSON.parse(readSafetensorsMetadata(bytes).cases) as C[];
  return {
    cases,
    get: (key) => {
      const t = tensors[key];
      if (!t) throw new Error(`${file}: no tensor ${key}`);
      return t;
    },
    maybe: (key) => tensors[key],
  };
}

export const loadJson = <T>(file: string): T => JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as T;
