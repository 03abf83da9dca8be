// Which kernel backend runs. Layers call `kernels()` and never know which one they got.
import type { Kernels } from './api.js';
import { refKernels } from './ref.js';
import { GatedError } from '../errors.js';

const backends: Record<string, Kernels> = { js: refKernels };
let current: Kernels = refKernels;

/** The active kernel backend. */
export const kernels = (): Kernels => current;

/** Registers a backend under its name (used by faster backends when they load). */
export function registerBackend(k: Kernels): void { backends[k.name] = k; }

export function setBackend(name: string): void {
  const k = backends[name];
  if (!k) throw new GatedError('INVALID_ARGUMENT', `unknown kernel backend '${name}'; expected one of: ${Object.keys(backends).join(', ')}`);
  current = k;
}

export const getBackend = (): string => current.name;
