// The lab notebook of a command that runs several seeds (docs/protocol.md §4), shared by `gated experiment` and
// `gated task`: the machine, a wall / CPU stopwatch, and DIR/result.json + DIR/table.md rewritten after every seed
// (`complete: false` until the last). What one seed runs and how its table looks is the caller's.
import { cpus, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from 'gated/node';
import { runSeeds, type Notebook, type Seeded } from '../apps/experiments/seeds.js';
import { jsonBytes } from './json.js';

/** The machine a result was measured on (result.json's `machine`), with the load average at the call. */
export function machine(): NonNullable<Notebook['machine']> & { load: number[] } {
  const c = cpus();
  return { os: `${platform()} ${release()}`, cpu: c[0]?.model ?? 'unknown', cores: c.length, node: process.version, load: loadavg().map((v) => Number(v.toFixed(2))) };
}

/** [wall, CPU] seconds of this process since the stopwatch was made (CPU: user + system, all threads). */
export function stopwatch(): () => [number, number] {
  const t0 = performance.now(), cpu0 = process.cpuUsage();
  return () => { const c = process.cpuUsage(cpu0); return [(performance.now() - t0) / 1000, (c.user + c.system) / 1e6]; };
}

/** A seeded result stamped with the machine, the total wall / CPU seconds so far and whether every seed has run. */
export function stamp<R>(r: Seeded<R>, start: Notebook['machine'], time: () => [number, number], complete: boolean): Seeded<R> {
  const [seconds, cpuSeconds] = time();
  return { ...r, machine: start, seconds: Number(seconds.toFixed(1)), cpuSeconds: Number(cpuSeconds.toFixed(1)), complete };
}

/**
 * Runs `one` for each seed (seeds.ts: runSeeds) and keeps OUT/result.json and OUT/table.md current after every seed;
 * `extra` adds derived fields (a summary) to result.json. Returns the final result and its table.
 */
export function runNotebook<R>(o: {
  experiment: string; out: string; seeds: readonly number[]; selection: string; one: (seed: number) => R;
  table: (r: Seeded<R>) => string; extra?: (r: Seeded<R>) => Record<string, unknown>;
}): { result: Seeded<R>; table: string } {
  const start = machine(), time = stopwatch();
  const save = (r: Seeded<R>, complete: boolean) => {
    const full = stamp(r, start, time, complete), table = o.table(full);
    writeFileAtomic(join(o.out, 'result.json'), jsonBytes({ ...full, ...o.extra?.(full) }));
    writeFileAtomic(join(o.out, 'table.md'), table);
    return { result: full, table };
  };
  const seeded = runSeeds(o.experiment, o.seeds, o.selection, o.one, time, (soFar) => save(soFar, false));
  return save(seeded, true);
}
