// The API reference: TypeDoc builds it with validation as errors — every exported symbol of `gated` and `gated/node`
// documented, every `{@link}` resolved, no public signature naming an unexported type (typedoc.json) — and every
// complete `@example` in the library (one that imports from 'gated') type-checks and runs as written.
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'packages/gated/src');
const TYPEDOC = join(dirname(createRequire(import.meta.url).resolve('typedoc/package.json')), 'bin', 'typedoc');

it('typedoc validates the public API with no warnings (npm run docs)', () => {
  const r = spawnSync(process.execPath, [TYPEDOC, '--emit', 'none'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
}, 300_000); // a whole-library type-check and conversion: minutes on a busy 2-core machine

/** The ```ts blocks of every @example in the library's sources, with where they are. */
function examples(): { where: string; code: string }[] {
  const out: { where: string; code: string }[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const lines = readFileSync(p, 'utf8').split('\n');
        lines.forEach((l, i) => {
          if (!/^\s*\* @example\s*$/.test(l) || !/^\s*\* ```ts\s*$/.test(lines[i + 1] ?? '')) return;
          const code: string[] = [];
          for (let j = i + 2; j < lines.length && !/^\s*\* ```\s*$/.test(lines[j]); j++) code.push(lines[j].replace(/^\s*\* ?/, ''));
          out.push({ where: `${p.slice(SRC.length + 1)}:${i + 1}`, code: code.join('\n') });
        });
      }
    }
  };
  walk(SRC);
  return out;
}

it('every complete @example type-checks and runs as written', async () => {
  const complete = examples().filter((e) => /^import .* from 'gated';$/m.test(e.code));
  expect(complete.length).toBeGreaterThanOrEqual(20);
  const dir = join(ROOT, 'tmp', 'doc-examples');
  mkdirSync(dir, { recursive: true });
  for (const [k, e] of complete.entries()) {
    const file = join(dir, `example${k}.ts`);
    writeFileSync(file, `// ${e.where}\n${e.code}\nexport {};\n`);
    await expect(import(pathToFileURL(file).href), e.where).resolves.toBeDefined();
  }
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    extends: '../../tsconfig.base.json', include: ['*.ts'],
    compilerOptions: { noEmit: true, paths: { gated: ['../../packages/gated/src/index.ts'], 'gated/node': ['../../packages/gated/src/node/index.ts'] } },
  }));
  const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8' });
  expect(r.status, r.stdout).toBe(0);
}, 300_000);
