// What a user gets: the library packed as npm publishes it, installed into an empty project, bundled for a browser.
// Shared by the consumer tests (test/consumer/) and the size report (scripts/size.ts).
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, lstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// asynchronous on purpose: a test runner's worker must keep answering while npm and tsc run
const run = promisify(execFile);
const quiet = { encoding: 'utf8' as const, maxBuffer: 64 << 20 };

/** Builds packages/gated and packs it as `npm publish` would; returns the tarball's path. */
export async function packLibrary(dest: string): Promise<string> {
  await run(NPM, ['run', 'build', '--silent', '-w', 'gated'], { ...quiet, cwd: REPO });
  mkdirSync(dest, { recursive: true });
  const { stdout } = await run(NPM, ['pack', '--json', '--pack-destination', dest], { ...quiet, cwd: join(REPO, 'packages', 'gated') });
  return join(dest, (JSON.parse(stdout) as { filename: string }[])[0].filename);
}

/** An empty ES-module project at `dir` with these dependencies installed from the npm registry (or its cache). */
export async function installProject(dir: string, deps: Record<string, string>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: deps }, null, 2));
  await run(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { ...quiet, cwd: dir });
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
export async function packageCount(dir: string): Promise<number> {
  const { stdout } = await run(NPM, ['ls', '--all', '--parseable'], { ...quiet, cwd: dir });
  return stdout.trim().split('\n').length - 1;
}

/** Runs a command to its end without blocking the event loop; rejects with its output on a non-zero exit. */
export async function runCommand(file: string, args: string[], cwd: string): Promise<string> {
  try { return (await run(file, args, { ...quiet, cwd })).stdout; } catch (e) {
    const { stdout = '', stderr = '' } = e as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
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
