// Node-only: one writer per output directory. DIR/.lock holds the writer's PID, host and start time; it is created
// with all its content at once (written to a temporary name, then hard-linked into place, which fails when a lock
// exists; on a file system without hard links, created with O_EXCL). A lock whose process is gone (same host, PID not running) is stale: it is taken over and said so.
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { GatedError } from '../errors.js';
import { fileError, pidAlive } from './read.js';

/** A held lock of an output directory (see {@link lockDir}). */
export interface DirLock {
  /** The lock file (DIR/.lock). */
  readonly path: string;
  /** The stale lock this one replaced (its holder had exited), or null. */
  readonly tookOver: LockInfo | null;
  /** Throws a FileError unless DIR/.lock still names this process (call before each write). */
  check(): void;
  /** Removes the lock if it is still this process's. */
  release(): void;
}

/**
 * What DIR/.lock records about its holder.
 * @property pid - the process id.
 * @property host - the host name (a lock of another host is never taken over).
 * @property started - when the lock was taken (ISO 8601).
 * @property command - what holds it, e.g. 'gated train'.
 */
export interface LockInfo { pid: number; host: string; started: string; command?: string }

const parse = (text: string): LockInfo | null => {
  try {
    const v = JSON.parse(text) as LockInfo;
    return v && typeof v === 'object' && Number.isSafeInteger(v.pid) && typeof v.host === 'string' ? v : null;
  } catch { return null; }
};

const read = (path: string): string | null => {
  try { return readFileSync(path, 'utf8').slice(0, 4096); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fileError('read the lock', path, e);
  }
};

/** Creates `path` holding `text` unless it exists (EEXIST): a hard link of `tmp`, or where links are not supported, O_EXCL. */
function create(tmp: string, path: string, text: string): void {
  try { linkSync(tmp, path); } catch (e) {
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    writeFileSync(path, text, { flag: 'wx' });
  }
}

/**
 * Takes the lock of output directory `dir` (which must exist) for this process, or throws a FileError (IO) naming
 * the process that holds it. `command` is recorded for the message another run would see.
 */
export function lockDir(dir: string, command = ''): DirLock {
  const path = join(dir, '.lock'), host = hostname();
  const mine: LockInfo = { pid: process.pid, host, started: new Date().toISOString(), ...(command ? { command } : {}) };
  const text = JSON.stringify(mine) + '\n';
  const tmp = `${path}.tmp-${process.pid}`;
  try { writeFileSync(tmp, text); } catch (e) { throw fileError('write the lock', tmp, e); }
  const held = (o: LockInfo | null): GatedError => new GatedError('IO',
    `'${dir}' is in use by ${o ? `process ${o.pid} on ${o.host}${o.command ? ` (${o.command})` : ''}, started ${o.started}` : 'another run'}; ` +
    `one run writes a directory at a time (if that run is gone, delete ${path})`);
  let tookOver: LockInfo | null = null;
  try {
    for (let attempt = 0; ; attempt++) {
      try { create(tmp, path, text); break; } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError('create the lock', path, e);
      }
      const seen = read(path);
      if (seen === null) continue;                   // released meanwhile: try again
      const other = parse(seen);
      const stale = other === null || (other.host === host && (other.pid === process.pid || !pidAlive(other.pid)));
      if (!stale || attempt > 2) throw held(other);
      // Take over: move the stale lock aside; if what was moved is not what we judged stale (another run took it
      // over first), put it back and give up.
      const aside = `${path}.stale.tmp-${process.pid}`; // a dead run's leftover is removed like any temp file
      try { renameSync(path, aside); } catch (e) { if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; throw fileError('take over the lock', path, e); }
      const moved = read(aside);
      if (moved !== seen) { try { linkSync(aside, path); } catch { /* someone holds it now */ } unlinkSync(aside); throw held(parse(moved ?? '')); }
      unlinkSync(aside);
      tookOver = other ?? { pid: 0, host: '?', started: '?' };
    }
  } finally { try { unlinkSync(tmp); } catch { /* gone */ } }
  const ours = (): boolean => read(path) === text;
  return {
    path, tookOver,
    check() { if (!ours()) throw new GatedError('IO', `lost the lock of '${dir}': ${path} no longer names this process (${process.pid}); another run may be writing there`); },
    release() { try { if (ours()) unlinkSync(path); } catch { /* best effort */ } },
  };
}
