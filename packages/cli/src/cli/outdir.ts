// The output directory of a training command: created and write-tested before any work (a FileError now — ENOTDIR,
// EACCES, EROFS, ENOSPC — not after an epoch), and locked for this process until it exits (one writer per directory).
import { lockDir, prepareOutDir, type DirLock } from 'gated/node';

export function claimOutDir(out: string, command: string): DirLock {
  prepareOutDir(out);
  const lock = lockDir(out, command);
  process.on('exit', () => lock.release());
  if (lock.tookOver) process.stderr.write(`took over the lock of ${out} from process ${lock.tookOver.pid} on ${lock.tookOver.host}, which is no longer running\n`);
  return lock;
}
