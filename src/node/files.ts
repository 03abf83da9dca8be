// Node-only: model directories on disk. Every file is written to a temporary name and renamed into place,
// so a killed process never leaves a half-written checkpoint.
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GatedError } from '../errors.js';
import type { Files } from '../io/checkpoint.js';

/** Writes `data` to `path` atomically (temp file in the same directory, then rename). */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Writes every file of a model directory atomically; state.json last, so it never points at older weights. */
export function writeModelDir(dir: string, files: Files): void {
  mkdirSync(dir, { recursive: true });
  const names = Object.keys(files).sort((a, b) => Number(a === 'state.json') - Number(b === 'state.json'));
  for (const name of names) writeFileAtomic(join(dir, name), files[name]);
}

export function readModelDir(dir: string): Files {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new GatedError('IO', `model directory '${dir}' does not exist`);
  const files: Files = {};
  for (const name of readdirSync(dir)) {
    if (/\.(safetensors|json)$/.test(name)) files[name] = new Uint8Array(readFileSync(join(dir, name)));
  }
  return files;
}

/** Reads a UTF-8 text file with a one-line error when it cannot. */
export function readText(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GatedError('IO', `cannot read '${path}'${code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': it is a directory' : `: ${(e as Error).message}`}`);
  }
}
