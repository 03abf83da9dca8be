// Node-only: model directories on disk, crash-safe. Every file is written to a temporary name, fsynced and renamed.
// A checkpoint (a directory with state.json) also records the SHA-256 of every file in state.json, written last,
// and keeps the previous good checkpoint in DIR/previous/: a process killed at any moment leaves either a
// complete latest checkpoint or a complete previous one, and reading verifies which.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GatedError } from '../errors.js';
import type { Files } from '../io/checkpoint.js';

const STATE = 'state.json', PREVIOUS = 'previous';
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Test hook for crash tests: milliseconds to pause after each file of a checkpoint (GATED_FAULT_WRITE_DELAY_MS). */
const faultDelay = Number(process.env.GATED_FAULT_WRITE_DELAY_MS ?? 0);
const pause = (ms: number): void => { if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };

function fsyncDir(dir: string): void {
  try { const fd = openSync(dir, 'r'); try { fsyncSync(fd); } finally { closeSync(fd); } } catch { /* not supported everywhere */ }
}

/** Writes `data` to `path` atomically and durably (temp file in the same directory, fsync, rename, fsync dir). */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const fd = openSync(tmp, 'w');
  try {
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally { closeSync(fd); }
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

/** state.json with the checksums of the other files added under `files`. */
function sealState(files: Files): Uint8Array {
  let state: Record<string, unknown>;
  try { state = JSON.parse(new TextDecoder().decode(files[STATE])) as Record<string, unknown>; } catch {
    throw new GatedError('CHECKPOINT', 'state.json to write is not valid JSON');
  }
  state.files = Object.fromEntries(Object.keys(files).filter((n) => n !== STATE).sort().map((n) => [n, sha256(files[n])]));
  return new TextEncoder().encode(JSON.stringify(state, null, 2) + '\n');
}

function writeAll(dir: string, files: Files): void {
  mkdirSync(dir, { recursive: true });
  for (const name of Object.keys(files).filter((n) => n !== STATE).sort()) { writeFileAtomic(join(dir, name), files[name]); pause(faultDelay); }
  if (files[STATE]) writeFileAtomic(join(dir, STATE), sealState(files));
}

/**
 * Writes a model directory. With state.json (a training checkpoint), the current checkpoint — if it verifies — is
 * first copied to DIR/previous/, then the new files are written and state.json, sealed with checksums, last.
 * @throws Node's file-system errors (a full disk, no permission) as they come.
 * @example
 * ```ts
 * import { writeModelDir, readModelDir } from 'gated/node';     // encodeModelDir, decodeModelDir: from 'gated'
 * writeModelDir('runs/my-model', encodeModelDir({ weights: model.stateDict(), config }));
 * const { weights } = decodeModelDir(readModelDir('runs/my-model'));
 * ```
 */
export function writeModelDir(dir: string, files: Files): void {
  if (files[STATE]) {
    const current = verifiedFiles(dir);
    if (current) writeAll(join(dir, PREVIOUS), current);
  }
  writeAll(dir, files);
}

function readFiles(dir: string): Files {
  const files: Files = {};
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (/\.(safetensors|json)$/.test(name) && statSync(p).isFile()) files[name] = new Uint8Array(readFileSync(p));
  }
  return files;
}

/** The directory's files if its state.json is intact and every checksum matches (null otherwise). */
function verifiedFiles(dir: string): Files | null {
  if (!existsSync(join(dir, STATE))) return null;
  const files = readFiles(dir);
  try {
    const sums = (JSON.parse(new TextDecoder().decode(files[STATE])) as { files?: Record<string, string> }).files;
    if (!sums || typeof sums !== 'object') return null;
    for (const [name, sum] of Object.entries(sums)) if (!files[name] || sha256(files[name]) !== sum) return null;
    return files;
  } catch { return null; }
}

/**
 * What {@link readCheckpoint} returns.
 * @property files - the directory's files by name.
 * @property source - `'latest'` (a verified checkpoint), `'previous'` (the latest was broken: the one before), or `'plain'` (a model directory without state.json).
 */
export interface ReadCheckpoint { files: Files; source: 'latest' | 'previous' | 'plain' }

/**
 * Reads a model directory. A checkpoint (with state.json) is verified against its checksums; when the latest is
 * incomplete or corrupt, the previous good one is returned instead (source 'previous'); when neither verifies,
 * a CHECKPOINT error says so. A directory without state.json (a plain model) is read as it is.
 * @throws FileError (`IO`) when the directory does not exist; FormatError (`CHECKPOINT`) when neither checkpoint verifies.
 */
export function readCheckpoint(dir: string): ReadCheckpoint {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new GatedError('IO', `model directory '${dir}' does not exist`);
  const latest = verifiedFiles(dir);
  if (latest) return { files: latest, source: 'latest' };
  const previous = verifiedFiles(join(dir, PREVIOUS));
  if (previous) return { files: previous, source: 'previous' };
  if (!existsSync(join(dir, STATE)) && !existsSync(join(dir, PREVIOUS))) return { files: readFiles(dir), source: 'plain' };
  throw new GatedError('CHECKPOINT', `checkpoint in '${dir}' is corrupt or incomplete (checksums in state.json do not match) and no good previous checkpoint exists`);
}

/** The files of a model directory (verified and with fallback, see readCheckpoint). */
export const readModelDir = (dir: string): Files => readCheckpoint(dir).files;

/** Removes a directory tree (tests and tools). */
export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/**
 * Reads a UTF-8 text file with a one-line error when it cannot.
 * @throws FileError (`IO`) naming the path when it cannot be read.
 */
export function readText(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GatedError('IO', `cannot read '${path}'${code === 'ENOENT' ? ': no such file' : code === 'EISDIR' ? ': it is a directory' : `: ${(e as Error).message}`}`);
  }
}
