// The messages between the page (main.ts) and the training worker (worker.ts). The worker owns the model; the page
// only draws. Files travel as { name: bytes } (a `gated` model directory).
import type { LMData } from './gated.js';
import type { GateTrace } from './gates.js';
import type { PlayOptions } from './options.js';

export type Files = Record<string, Uint8Array>;

export type ToWorker =
  | { type: 'init'; data: LMData; options: PlayOptions }
  | { type: 'load'; files: Files; data: LMData }
  | { type: 'run'; running: boolean }
  | { type: 'lr'; value: number }
  | { type: 'temperature'; value: number }
  | { type: 'resample' }
  | { type: 'gates'; text: string }
  | { type: 'gradients'; T: number }
  | { type: 'save' };

export interface ModelInfo {
  cell: string; hidden: number; layers: number; embed: number; vocabSize: number; parameters: number;
  dataKind: LMData['kind']; source: string; baseline: number; backend: string; lr: number;
  /** Set when the model came from a file: its name and what of the data did not fit its vocabulary. */
  loaded?: { removed: number; unit: string };
}

export type FromWorker =
  | { type: 'ready'; info: ModelInfo }
  | { type: 'running'; running: boolean }
  | { type: 'progress'; steps: number; epochs: number; loss: number; stepsPerSecond: number; stepSeconds: number }
  | { type: 'val'; steps: number; val: number }
  | { type: 'samples'; steps: number; texts: string[] }
  | { type: 'gates'; trace: GateTrace }
  | { type: 'gradients'; T: number; curves: { label: string; values: number[] }[] }
  | { type: 'saved'; files: Files; name: string }
  | { type: 'error'; message: string };
