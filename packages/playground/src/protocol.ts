// The messages between the page (main.ts) and the training worker (worker.ts). The worker owns every run's model and
// trains them one optimizer step per task, so a message from the page waits for at most one step; the page only
// draws. Files travel as { name: bytes } (a `gated` model directory).
import type { LMData } from './gated.js';
import type { GateTrace } from './gates.js';
import type { PlayOptions } from './options.js';

export type Files = Record<string, Uint8Array>;

/** A run to start: its id (chosen by the page), the data, the options and the step budget. */
export interface RunSpec { id: number; data: LMData; options: PlayOptions; budget: number }

export type ToWorker =
  | { type: 'start'; runs: RunSpec[] }
  | { type: 'load'; id: number; name: string; files: Files; checkpoint: 'latest' | 'previous' | 'plain'; data: LMData; budget: number }
  /** `at`: when the page sent it (performance.timeOrigin + performance.now(), the same clock in the worker). */
  | { type: 'stop'; at: number }
  | { type: 'continue'; ids: number[] }
  | { type: 'remove'; id: number }
  /** The gate view follows run `id` over `text` (null: the view is hidden, compute nothing). */
  | { type: 'watch'; id: number | null; text: string }
  | { type: 'samples'; id: number; temperature: number }
  | { type: 'gradients'; ids: number[]; step: number; T: number; withInit: boolean }
  | { type: 'export'; id: number; what: 'safetensors' | 'zip' };

export interface RunInfo {
  id: number;
  cell: 'gru' | 'lstm' | 'rnn'; hidden: number; layers: number; embed: number; vocabSize: number; parameters: number;
  dataKind: LMData['kind']; source: string; baseline: number; seed: number; lr: number; batch: number;
  budget: number; backend: string;
  /** The step the run starts from (0 unless loaded). */
  steps: number;
  /** Set when the run came from a model file. */
  loaded?: { name: string; removed: number; unit: string; checkpoint: 'latest' | 'previous' | 'plain' };
}

/** What changed in one run since the last report. */
export interface RunProgress {
  id: number; steps: number; stepSeconds: number; state: 'training' | 'stopped' | 'done';
  train: [number, number][]; val: [number, number][]; snapshots: number[];
}

export type FromWorker =
  | { type: 'created'; info: RunInfo }
  | { type: 'progress'; runs: RunProgress[] }
  /** Reply to 'stop': every run's step when it stopped, and how many optimizer steps ended after the page sent it. */
  | { type: 'stopped'; steps: Record<number, number>; stepsAfter: number }
  | { type: 'gates'; id: number; step: number; training: boolean; trace: GateTrace }
  | { type: 'samples'; id: number; step: number; texts: string[] }
  | { type: 'gradients'; step: number; T: number; windows: number; probe: string; curves: { id: number; step: number; values: number[] }[] }
  | { type: 'file'; name: string; bytes: Uint8Array; mime: string }
  | { type: 'error'; message: string; context: 'start' | 'load' | 'train' | 'gradients' | 'other'; id?: number };
