// Node-only: model directories on disk, crash-safe. Every file is written to a temporary name, fsynced and renamed.
// A checkpoint (a directory with state.json) also records the SHA-256 of every file in state.json, written last,
// and keeps the previous good checkpoint in DIR/previous/: a process killed at any moment leaves either a
// complete latest checkpoint or a complete previous one, and reading verifies which. Reading takes only regular files
// inside the directory, each under its size limit (see read.ts); a failed write is a FileError naming path and cause.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GatedError } from '../errors.js';
import type { Files } from '../io/checkpoint.js';
import { MAX_JSON_BYTES, parseJsonLimited } from '../limits.js';
import { fileError, MAX_TENSOR_FILE_BYTES, MAX_TEXT_BYTES, pidAlive, readFileChecked } from './read.js';

const STATE = 'state.json', PREVIOUS = 'previous';
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Test hook for crash tests: milliseconds to pause after each file of a checkpoint (GATED_FAULT_WRITE_DELAY_MS). */
const faultDelay = Number(process.env.GATED_FAULT_WRITE_DELAY_MS ?? 0);
const pause = (ms: number): void => { if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); };
/** Test hook: every file write after the first N of this process fails with ENOSPC (GATED_FAULT_WRITE_ENOSPC_AFTER=N). */
const faultEnospcAfter = Number(process.env.GATED_FAULT_WRITE_ENOSPC_AFTER ?? -1);
let writes = 0;
const enospc = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

function fsyncDir(dir: string): void {
  try { const fd = openSync(dir, 'r'); try { fsyncSync(fd); } finally { closeSync(fd); } } catch { /* not supported everywhere */ }
}

/** Writes `data` to `path` atomically and durably (temp file in the same directory, fsync, rename, fsync dir). */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  try {
    const fd = openSync(tmp, 'w');
    try {
      if (faultEnospcAfter >= 0 && writes++ >= faultEnospcAfter) throw enospc();
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally { closeSync(fd); }
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* never created, or already renamed */ }
    throw fileError('write', path, e);
  }
  fsyncDir(dirname(path));
}

/**
 * Makes `dir` (with its parents) and proves it writable by writing, syncing and removing a small file — so that a
 * path under a file (ENOTDIR), without permission (EACCES), on a read-only (EROFS) or full (ENOSPC) file system is a
 * FileError before any work starts, not after it.
 */
export function prepareOutDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new GatedError('IO', `cannot use '${dir}' as the output directory: it exists and is not a directory`);
  try { mkdirSync(dir, { recursive: true }); } catch (e) { throw fileError('create the output directory', dir, e); }
  const probe = join(dir, `.write-test.tmp-${process.pid}`);
  try {
    const fd = openSync(probe, 'w');
    try { writeSync(fd, new Uint8Array(4096)); fsyncSync(fd); } finally { closeSync(fd); }
  } catch (e) { throw fileError('write to the output directory', dir, e); } finally {
    try { unlinkSync(probe); } catch { /* not created */ }
  }
}

/** Removes `NAME.tmp-PID` files that a process no longer running left behind (a run killed while writing). */
function removeDeadTemps(dir: string): void {
  for (const name of readdirSync(dir)) {
    const m = /\.tmp-(\d+)$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) {
      try { unlinkSync(join(dir, name)); } catch { /* gone already */ }
    }
  }
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
  try { mkdirSync(dir, { recursive: true }); } catch (e) { throw fileError('create', dir, e); }
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
  removeDeadTemps(dir);
  if (existsSync(join(dir, PREVIOUS))) removeDeadTemps(join(dir, PREVIOUS));
}

/** The directory's .json and .safetensors files: regular files inside it, each under the limit for its kind. */
function readFiles(dir: string): Files {
  const files: Files = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const name = entry.name, json = name.endsWith('.json');
    if (entry.isDirectory() || !(json || name.endsWith('.safetensors'))) continue;
    files[name] = readFileChecked(join(dir, name), json
      ? { within: dir, maxBytes: MAX_JSON_BYTES, what: 'a JSON file' } : { within: dir, maxBytes: MAX_TENSOR_FILE_BYTES, what: 'a tensor file' });
  }
  return files;
}

/** The directory's files if its state.json is intact and every checksum matches (null otherwise). */
function verifiedFiles(dir: string): Files | null {
  if (!existsSync(join(dir, STATE))) return null;
  const files = readFiles(dir); // a file that is not safe to read is an error, not a torn checkpoint
  try {
    const sums = (parseJsonLimited(files[STATE], STATE) as { files?: Record<string, string> }).files;
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
 * Reads a UTF-8 text file: a regular file of at most MAX_TEXT_BYTES (256 MiB), see {@link readFileChecked}.
 * @throws FileError (`IO`) naming the path when it cannot be read or is not a regular file; FormatError when too large.
 */
export function readText(path: string): string {
  const b = readFileChecked(path, { maxBytes: MAX_TEXT_BYTES, what: 'a text file' });
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}
