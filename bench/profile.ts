// Where a workload's time goes: runs the gated engine on one workload under V8's CPU profiler and prints, for the
// calling thread and each worker, the share of samples in each function (self time), wasm kernels by index.
//   npx tsx bench/profile.ts W3 2        → W3 at 2 threads: top functions per thread
//   npx tsx bench/profile.ts W6 1 25     → the top 25
// The engine's own timing line (bench/engines/gated.ts) is printed first; its time includes the profiler's overhead.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function, as [name, share of the thread's samples] sorted by share. */
function selfTimes(p: Profile): [string, number][] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url ? ` ${url.split('/').slice(-2).join('/')}:${lineNumber}` : '';
    const name = `${functionName || '(anonymous)'}${where}`;
    self.set(name, (self.get(name) ?? 0) + p.timeDeltas[i]);
    total += p.timeDeltas[i];
  });
  return [...self].map(([k, v]): [string, number] => [k, v / total]).sort((a, b) => b[1] - a[1]);
}

const [workload = 'W3', threads = '2', top = '12'] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), 'gated-profile-'));
try {
  const out = execFileSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', 'bench/engines/gated.ts', workload, threads],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(out);
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  for (const f of files) {
    const shares = selfTimes(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Profile);
    if ((shares.find(([k]) => k.startsWith('(idle)'))?.[1] ?? 0) > 0.8 && !shares.some(([k]) => k.startsWith('wasm-function'))) continue;   // the module loader's thread
    const wasm = shares.filter(([k]) => k.startsWith('wasm-function')).reduce((s, [, v]) => s + v, 0);
    console.log(`\n${f} — wasm ${(100 * wasm).toFixed(1)} % of samples`);
    for (const [k, v] of shares.slice(0, Number(top))) console.log(`${(100 * v).toFixed(1).padStart(5)} %  ${k}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
