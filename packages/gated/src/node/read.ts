// Node-only: reading a file the way a model loader must — resolved with realpath (and, for a file a model names,
// kept inside the model's directory), opened without following a last symlink and without blocking on a FIFO,
// required to be a regular file, and read only up to a size limit known before the first byte is read.
// Also the one place that turns a file-system error (ENOENT, ENOTDIR, EACCES, EROFS, ENOSPC, …) into a FileError.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { sep } from 'node:path';
import { GatedError } from '../errors.js';
import { fmtBytes } from '../limits.js';

/** Largest tensor file (safetensors, ONNX, TF.js shard, …) read: 4 GiB − 1, the largest Uint8Array Node 20 makes. */
export const MAX_TENSOR_FILE_BYTES = 2 ** 32 - 1;

/** Largest text file (training or evaluation data) read: 256 MiB (a JavaScript string holds at most ~512 Mi characters). */
export const MAX_TEXT_BYTES = 256 * 2 ** 20;

const CAUSES: Record<string, string> = {
  ENOENT: 'no such file or directory', ENOTDIR: 'a component of the path is not a directory', EISDIR: 'it is a directory',
  EACCES: 'permission denied', EPERM: 'operation not permitted', EROFS: 'read-only file system', ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded', EEXIST: 'it already exists', ELOOP: 'too many levels of symbolic links (or a symlink where none is allowed)',
  ENAMETOOLONG: 'file name too long', EMFILE: 'too many open files', EIO: 'input/output error', EFBIG: 'file too large',
};

/**
 * A FileError (code IO) for a failed file-system call: one line naming the action, the path and the cause, e.g.
 * `cannot write 'out/model.safetensors': ENOSPC (no space left on device)`. GatedErrors pass through unchanged.
 */
export function fileError(action: string, path: string, e: unknown): GatedError {
  if (e instanceof GatedError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  const cause = code ? `${code} (${CAUSES[code] ?? (e as Error).message})` : String((e as Error)?.message ?? e);
  return new GatedError('IO', `cannot ${action} '${path}': ${cause}`);
}

const kind = (s: Stats): string =>
  s.isDirectory() ? 'a directory' : s.isFIFO() ? 'a FIFO (named pipe)' : s.isCharacterDevice() ? 'a character device'
    : s.isBlockDevice() ? 'a block device' : s.isSocket() ? 'a socket' : 'not a regular file';

/** Options of {@link readFileChecked}. */
export interface ReadFileOptions {
  /** Refuse a file larger than this many bytes (checked with fstat before reading). */
  maxBytes: number;
  /** The file must resolve (realpath) to a path inside this directory: for files a model names. */
  within?: string;
  /** What the limit is for, in the too-large message (e.g. 'a JSON file'). */
  what?: string;
}

/**
 * Reads a regular file of at most `maxBytes`: realpath (inside `within` when given), open with O_NOFOLLOW |
 * O_NONBLOCK (a FIFO never blocks), fstat (a FIFO, device or directory is refused), size check, then exactly that
 * many bytes. Errors: IO (missing, unreadable, not a regular file, outside `within`), FORMAT (over the limit).
 */
export function readFileChecked(path: string, opts: ReadFileOptions): Uint8Array {
  let real: string;
  try { real = realpathSync(path); } catch (e) { throw fileError('read', path, e); }
  if (opts.within !== undefined) {
    let root: string;
    try { root = realpathSync(opts.within); } catch (e) { throw fileError('read', opts.within, e); }
    if (real !== root && !real.startsWith(root.endsWith(sep) ? root : root + sep)) {
      throw new GatedError('IO', `'${path}' resolves to '${real}', outside the model directory '${opts.within}'; files a model names must stay inside its directory`);
    }
  }
  let fd: number;
  try { fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK); } catch (e) { throw fileError('read', path, e); }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new GatedError('IO', `cannot read '${path}': it is ${kind(st)}, not a regular file`);
    if (st.size > opts.maxBytes) throw new GatedError('FORMAT', `'${path}' is ${fmtBytes(st.size)}, over the ${fmtBytes(opts.maxBytes)} limit${opts.what ? ` for ${opts.what}` : ''}`);
    const buf = new Uint8Array(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break; // the file shrank while we read: return what is there
      off += n;
    }
    return off === buf.length ? buf : buf.subarray(0, off);
  } catch (e) { throw fileError('read', path, e); } finally { closeSync(fd); }
}

/** True when a process with this id exists on this machine (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}
