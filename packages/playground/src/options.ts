// The playground's training options and their defaults (shared by the page's controls, the worker and the e2e test).
import type { CellKind } from './gated.js';

export interface PlayOptions {
  cell: CellKind;
  hidden: number;
  layers: number;
  embed: number;
  lr: number;
  batch: number;
  /** Truncated-BPTT chunk length for streams (Moby-Dick, pasted prose). */
  chunk: number;
  clip: number;
  seed: number;
}

export const defaultPlayOptions: PlayOptions = { cell: 'gru', hidden: 128, layers: 1, embed: 32, lr: 3e-3, batch: 32, chunk: 64, clip: 1, seed: 42 };
