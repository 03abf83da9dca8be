// The `gated` CLI from its sources in a child process, without blocking the test worker: while a run waits, the
// worker keeps answering vitest (a worker blocked in spawnSync misses vitest's RPC deadline on a busy machine).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** packages/cli: the directory the CLI runs in. */
export const CLI_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The exit code (null when killed, e.g. by the 120 s timeout) and everything the run printed. */
export interface CliRun { status: number | null; stdout: string; stderr: string }

/** Runs `gated ...args` (node with tsx as a loader, so a signal reaches the CLI itself). */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(CLI_ROOT, 'src', 'cli', 'main.ts'), ...args], { cwd: CLI_ROOT, timeout: 120_000, env });
    let stdout = '', stderr = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    p.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    p.on('error', reject);
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
