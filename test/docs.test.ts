// The API reference builds with TypeDoc's validation as errors: every exported symbol of `gated` and `gated/node`
// documented, every `{@link}` resolved, no public signature naming an unexported type (typedoc.json).
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TYPEDOC = join(dirname(createRequire(import.meta.url).resolve('typedoc/package.json')), 'bin', 'typedoc');

it('typedoc validates the public API with no warnings (npm run docs)', () => {
  const r = spawnSync(process.execPath, [TYPEDOC, '--emit', 'none'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
});
