// Memory stays flat over a long training run: tensors of old graphs are collectable, the kernels reuse their
// workspaces. (Scaled down here: 1500 steps; the full-scale check is `npx tsx bench/memory.ts`-style runs.)
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

it('keeps heap + array buffers flat over 1500 training steps', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', 'test/_util/memory-probe.ts', '1500'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const samples = JSON.parse(r.stdout) as [number, number, number][];
  // the floor of heap + buffers (samples are taken after two GCs, outside any step's graph): a leak raises the
  // floor — one retained graph per step would add ≫ 10 MiB over 1200 steps
  const floor = (xs: [number, number, number][]) => Math.min(...xs.map((x) => x[1]));
  const early = floor(samples.slice(2, 7)), late = floor(samples.slice(-5));
  console.log(`memory probe: heap+buffers floor ${(early / 2 ** 20).toFixed(1)} MiB (steps 300–700) → ${(late / 2 ** 20).toFixed(1)} MiB (steps 1100–1500); RSS ${(samples[2][2] / 2 ** 20).toFixed(0)} → ${(samples[samples.length - 1][2] / 2 ** 20).toFixed(0)} MiB`);
  expect(late - early).toBeLessThan(2 * 2 ** 20);
}, 120_000);
