// What a user gets: the library packed as npm publishes it, installed into an empty project, bundled for a browser.
// Shared by the consumer tests (test/consumer/) and the size report (scripts/size.ts).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const quiet = { encoding: 'utf8' as const, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };

/** Builds packages/gated and packs it as `npm publish` would; returns the tarball's path. */
export function packLibrary(dest: string): string {
  execFileSync(NPM, ['run', 'build', '--silent', '-w', 'gated'], { ...quiet, cwd: REPO });
  mkdirSync(dest, { recursive: true });
  const out = execFileSync(NPM, ['pack', '--json', '--pack-destination', dest], { ...quiet, cwd: join(REPO, 'packages', 'gated') });
  return join(dest, (JSON.parse(out) as { filename: string }[])[0].filename);
}

/** An empty ES-module project at `dir` with these dependencies installed from the npm registry (or its cache). */
export function installProject(dir: string, deps: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: deps }, null, 2));
  execFileSync(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { ...quiet, cwd: dir });
}

/** Bytes of every file under `dir` (apparent sizes; symlinks not followed), and how many files. */
export function dirSize(dir: string): { bytes: number; files: number } {
  let bytes = 0, files = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name), st = lstatSync(p);
    if (st.isDirectory()) { const s = dirSize(p); bytes += s.bytes; files += s.files; } else if (st.isFile()) { bytes += st.size; files++; }
  }
  return { bytes, files };
}

/** Packages in the installed tree (`npm ls --all`, the project itself not counted). */
export function packageCount(dir: string): number {
  const out = execFileSync(NPM, ['ls', '--all', '--parseable'], { ...quiet, cwd: dir });
  return out.trim().split('\n').length - 1;
}

/** Files a browser downloads from a build output (js, wasm, css, html), each gzip -9, and their total. */
export function gzipSizes(outDir: string): { files: Record<string, number>; total: number } {
  const files: Record<string, number> = {};
  const walk = (d: string, rel: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name), r = rel ? `${rel}/${name}` : name;
      if (lstatSync(p).isDirectory()) walk(p, r);
      else if (/\.(m?js|wasm|css|html)$/.test(name)) files[r] = gzipSync(readFileSync(p), { level: 9 }).length;
    }
  };
  walk(outDir, '');
  return { files, total: Object.values(files).reduce((a, b) => a + b, 0) };
}

/** The text of every JavaScript file of a build output, joined (to look for what a bundle contains). */
export function bundleText(outDir: string): string {
  const parts: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (lstatSync(p).isDirectory()) walk(p); else if (/\.m?js$/.test(name)) parts.push(readFileSync(p, 'utf8'));
    }
  };
  walk(outDir);
  return parts.join('\n');
}
