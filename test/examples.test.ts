// The README's examples run as written.
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

it('examples/quickstart.ts is the README quickstart and runs', () => {
  const readme = readFileSync(`${ROOT}/README.md`, 'utf8'), ex = readFileSync(`${ROOT}/examples/quickstart.ts`, 'utf8');
  const block = readme.slice(readme.indexOf('```ts\nimport { GRU') + 6, readme.indexOf('```', readme.indexOf('```ts\nimport { GRU') + 6));
  expect(ex).toContain(block);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/quickstart.ts'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain('weight_ih_l0 [ 48, 8 ] [ 48, 8 ]');
  expect(r.stdout).toContain('bias_hh_l1_reverse [ 48 ] [ 48 ]');
});

it('examples/classify-sequences.ts trains a numeric sequence classifier, saves and reloads it', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/classify-sequences.ts'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  expect(r.status, r.stderr).toBe(0);
  const [trained, reloaded] = [...r.stdout.matchAll(/validation accuracy ([\d.]+)%/g)].map((m) => Number(m[1]));
  expect(trained).toBeGreaterThanOrEqual(95);          // slow vs fast noisy sine waves: separable
  expect(reloaded).toBe(trained);
}, 120_000);

it('examples/pytorch/load.ts: a bare torch.nn.GRU, by hand-written safetensors and by torch.onnx.export, gives PyTorch\'s outputs', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/pytorch/load.ts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  const diffs = [...r.stdout.matchAll(/(?:y|h) ([\d.e+-]+)/g)].map((m) => Number(m[1]));
  expect(diffs).toHaveLength(4);
  for (const d of diffs) expect(d).toBeLessThan(1e-5);
});
