// What the `gated task` commands share (task.ts, _task-spam.ts): printing, a wall / CPU stopwatch, writing a model
// directory with its metrics, and the --seeds help and per-seed directories. Not a command itself.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { encodeModelDir, type EpochMetrics, type ModelDir } from 'gated';
import { prepareOutDir, writeFileAtomic, writeModelDir } from 'gated/node';
import { jsonBytes } from '../json.js';

export const say = (s: string): boolean => process.stdout.write(s + '\n');

/** A stopwatch: wall and CPU seconds since clock() was called, with the 1-minute load average (the machine may be shared). */
export function clock() {
  const t0 = performance.now(), c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6, loadAverage: loadavg()[0] };
  };
}
export const fmtClock = (c: ReturnType<ReturnType<typeof clock>>): string =>
  `${c.wallSeconds.toFixed(0)}s wall, ${c.cpuSeconds.toFixed(0)}s CPU, load average ${c.loadAverage.toFixed(1)}`;
export const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

/** Common shape of the three tasks' runs. */
export function writeRun<C>(out: string, dir: ModelDir<C>, metrics: EpochMetrics[], results?: unknown): void {
  writeModelDir(out, encodeModelDir(dir));
  writeFileAtomic(join(out, 'metrics.json'), jsonBytes(metrics));
  if (results !== undefined) writeFileAtomic(join(out, 'results.json'), jsonBytes(results));
}

/** --seeds of spam and births (docs/protocol.md §2). */
export const seedsHelp = `  --seeds N                      seeds --seed, --seed + 1, …, each a full run  [1]
                                 (1 by default: train is also how a model for eval/predict is made; the tables
                                 in docs/tasks.md use --seeds 3, the protocol's minimum for runs over a minute).
                                 OUT/result.json keeps every seed's raw test numbers, OUT/table.md their mean ± sd;
                                 with N > 1 the model of seed S goes to OUT/seed-S/, with N = 1 to OUT itself.`;

/** The model directory of one seed: OUT itself for a single seed (as before --seeds), OUT/seed-S for several. */
export function seedDir(out: string, seed: number, nSeeds: number): string {
  if (nSeeds === 1) return out;
  const dir = join(out, `seed-${seed}`);
  prepareOutDir(dir);
  return dir;
}
