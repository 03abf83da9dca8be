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
  await runCommand(NPM, ['run', 'build', '--silent', '-w', 'gated'], REPO);
  mkdirSync(dest, { recursive: true });
  const stdout = await runCommand(NPM, ['pack', '--json', '--pack-destination', dest], join(REPO, 'packages', 'gated'));
  return join(dest, (JSON.parse(stdout) as { filename: string }[])[0].filename);
}

/** An empty ES-module project at `dir` with these dependencies installed from the npm registry (or its cache). */
export async function installProject(dir: string, deps: Record<string, string>): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: deps }, null, 2));
  await runCommand(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir);
}

/** Every regular file under `dir`, as paths relative to it (symlinks not followed). */
export function filesUnder(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel)).flatMap((name) => {
    const r = rel ? `${rel}/${name}` : name, st = lstatSync(join(dir, r));
    return st.isDirectory() ? filesUnder(dir, r) : st.isFile() ? [r] : [];
  });
}

/** Bytes of every file under `dir` (apparent sizes; symlinks not followed), and how many files. */
export function dirSize(dir: string): { bytes: number; files: number } {
  const files = filesUnder(dir);
  return { bytes: files.reduce((n, f) => n + lstatSync(join(dir, f)).size, 0), files: files.length };
}

/** A file's size after gzip -9 (what a server sending it compressed sends). */
export const gzipSize = (path: string): number => gzipSync(readFileSync(path), { level: 9 }).length;

/** Packages in the installed tree (`npm ls --all`, the project itself not counted). */
export async function packageCount(dir: string): Promise<number> {
  return (await runCommand(NPM, ['ls', '--all', '--parseable'], dir)).trim().split('\n').length - 1;
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
  const files = Object.fromEntries(filesUnder(outDir).filter((f) => /\.(m?js|wasm|css|html)$/.test(f)).map((f) => [f, gzipSize(join(outDir, f))]));
  return { files, total: Object.values(files).reduce((a, b) => a + b, 0) };
}

/** The text of every JavaScript file of a build output, joined (to look for what a bundle contains). */
export function bundleText(outDir: string): string {
  return filesUnder(outDir).filter((f) => /\.m?js$/.test(f)).map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n');
}
