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
  const early = samples[2][1], late = samples[samples.length - 1][1];   // after 300 steps (warm) vs the end
  const growth = late - early;
  console.log(`memory probe: heap+buffers ${(early / 2 ** 20).toFixed(1)} MiB at step 300 → ${(late / 2 ** 20).toFixed(1)} MiB at step 1500; RSS ${(samples[2][2] / 2 ** 20).toFixed(0)} → ${(samples[samples.length - 1][2] / 2 ** 20).toFixed(0)} MiB`);
  expect(growth).toBeLessThan(2 * 2 ** 20); // < 2 MiB over 1200 steps (a leak of one graph per step would be ≫ this)
}, 120_000);
