// `npm run bench`: W1–W4 and the GEMM roofline for gated (1 and 2 threads) and, in the same run, interleaved, the
// anchors — TF.js (cpu, wasm), onnxruntime-node, onnxruntime-web (its WebAssembly backend in Node), PyTorch through
// /usr/bin/python3 when it is there. Every measurement is a fresh process (so its peak RSS is the workload's), the
// order is round-robin over engines within each workload, and each round repeats the whole sweep; a cell reports the
// lowest of its rounds' medians (the least disturbed by other processes on a shared machine; all rounds are in the JSON).
//   npm run bench [-- --rounds 2 --only W1,W2 --engines gated,ort-web --nice -10]
// --nice runs every engine process (all alike) at that niceness: on a shared machine, a negative one (root only) keeps
// other jobs from taking the cores mid-measurement. Say so with the results.
// Prints markdown tables and writes bench/results/<date>-<time>.json. Never part of `npm test`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STREAMS, WORKLOADS, type EngineResult } from './_common.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
};
const rounds = Number(arg('rounds', '2'));
const only = arg('only', 'W1,W2,W3,W4,W6,W6-stack,W6-lstm,roofline').split(',');
const isStream = (w: string): boolean => w in STREAMS;
const engineFilter = arg('engines', '').split(',').filter(Boolean);
const niceness = arg('nice', '');
const PY = '/usr/bin/python3', CEILING = 53;   // GFLOP/s per core, WebAssembly SIMD128 (4 lanes, mul + add pipes)

/** PyTorch's availability, and the BLAS it will load. */
function torchInfo(): { ok: boolean; note: string } {
  if (!existsSync(PY)) return { ok: false, note: `${PY} not found: PyTorch skipped` };
  const r = spawnSync(PY, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0) return { ok: false, note: `${PY} has no torch: PyTorch skipped` };
  let blas = 'unknown BLAS';
  try {
    blas = execFileSync('update-alternatives', ['--query', 'libblas.so.3-x86_64-linux-gnu'], { encoding: 'utf8' })
      .split('\n').find((l) => l.startsWith('Value:'))?.slice(7) ?? blas;
  } catch { /* no alternatives system */ }
  return { ok: true, note: `torch ${r.stdout.trim()}, libblas → ${blas}, OPENBLAS_CORETYPE=SkylakeX` };
}

interface Job { engine: string; threads: number; cmd: string; args: string[]; env?: Record<string, string> }

const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
const torch = torchInfo();
function jobsFor(w: string): Job[] {
  const e = (engine: string, threads: number, file: string, args: string[]): Job =>
    ({ engine, threads, cmd: tsx, args: [join(ROOT, 'bench', 'engines', file), ...args] });
  const out: Job[] = [e('gated', 1, 'gated.ts', [w, '1']), e('gated', 2, 'gated.ts', [w, '2'])];
  if (w === 'roofline') return out;
  if (isStream(w) || !WORKLOADS[w as 'W1'].train) {
    out.push(e('ort-node', 1, 'ort.ts', ['node', w, '1']), e('ort-node', 2, 'ort.ts', ['node', w, '2']));
    out.push(e('ort-web', 1, 'ort.ts', ['web', w, '1']), e('ort-web', 2, 'ort.ts', ['web', w, '2']));
  }
  if (torch.ok && !isStream(w)) {
    for (const t of [1, 2]) {
      out.push({ engine: 'pytorch', threads: t, cmd: PY, args: [join(ROOT, 'bench', 'engines', 'torch_anchor.py'), w, String(t)],
        env: { OPENBLAS_CORETYPE: 'SkylakeX', OMP_NUM_THREADS: String(t) } });
    }
  }
  out.push(e('tfjs-wasm', 1, 'tfjs.ts', ['wasm', w]), e('tfjs-cpu', 1, 'tfjs.ts', ['cpu', w]));
  return out.filter((j) => engineFilter.length === 0 || engineFilter.includes(j.engine));
}

function runJob(j: Job): EngineResult & { load1: number } {
  const load1 = loadavg()[0];
  const [cmd, args] = niceness ? ['nice', ['-n', niceness, j.cmd, ...j.args]] : [j.cmd, j.args];
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...j.env } });
  const line = (r.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) {
    const why = r.error ? String(r.error) : (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ');
    return { engine: j.engine, threads: j.threads, workload: j.args[1] ?? '?', skipped: `failed: ${why.slice(0, 300)}`, load1 };
  }
  return { ...(JSON.parse(line) as EngineResult), threads: j.threads, load1 };
}

// ------------------------------------------------------------------------------------------ the sweep
const started = new Date();
const all: (EngineResult & { load1: number; round: number })[] = [];
console.error(`# gated bench — ${rounds} round(s); ${torch.note}`);
for (let round = 1; round <= rounds; round++) {
  for (const w of only) {
    for (const j of jobsFor(w)) {
      const r = { ...runJob(j), round };
      all.push(r);
      const v = r.skipped ? r.skipped : r.roofline ? r.roofline.map((x) => x.gflops.toFixed(1)).join(' ')
        : r.usPerStep !== undefined ? `${r.usPerStep.toFixed(1)} µs/step (cpu ${((r.cpuMs! * r.usPerStep) / r.medianMs!).toFixed(1)} µs)`
          : `${r.medianMs!.toFixed(2)} ms (cpu ${r.cpuMs?.toFixed(2)} ms)`;
      console.error(`round ${round} ${w} ${j.engine} ×${j.threads}: ${v} (load ${r.load1.toFixed(2)})`);
    }
  }
}

// best (lowest) median over rounds per (engine, threads, workload)
const best = new Map<string, EngineResult & { load1: number }>();
for (const r of all) {
  if (r.medianMs === undefined) continue;
  const k = `${r.engine}|${r.threads}|${r.workload}`, b = best.get(k);
  if (!b || r.medianMs < b.medianMs!) best.set(k, r);
}
const get = (engine: string, threads: number, w: string): (EngineResult & { load1: number }) | undefined => best.get(`${engine}|${threads}|${w}`);
const ms = (engine: string, threads: number, w: string): number | undefined => get(engine, threads, w)?.medianMs;

const ratio = (a: number | undefined, g: number | undefined): string => (a === undefined || g === undefined ? '—' : `${(a / g).toFixed(2)}×`);
const fmt = (v: number | undefined, d = 2): string => (v === undefined ? '—' : v >= 100 ? v.toFixed(0) : v.toFixed(d));
const lines: string[] = [];
const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
lines.push(`## Results ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC — ${machine}`, '');
lines.push(`Command: \`npm run bench -- ${process.argv.slice(2).join(' ') || '(defaults)'}\`. Median ms per call (warm-up, then median of N), best of ${rounds} interleaved round(s). ${torch.note}.`, '');
if (only.some((x) => x !== 'roofline' && !isStream(x))) {
  lines.push('| workload | gated 1 / 2 thr | onnxruntime-node 1 / 2 | onnxruntime-web wasm 1 / 2 | PyTorch 1 / 2 | TF.js wasm | TF.js cpu | gated GFLOP/s 1 / 2 | gated peak RSS MB |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const w of only.filter((x) => x !== 'roofline' && !isStream(x))) {
    const pair = (e: string): string => `${fmt(ms(e, 1, w))} / ${fmt(ms(e, 2, w))}`;
    const gf = `${fmt(get('gated', 1, w)?.gflops, 1)} / ${fmt(get('gated', 2, w)?.gflops, 1)}`;
    lines.push(`| ${w} ${WORKLOADS[w as 'W1'].what} | ${pair('gated')} | ${pair('ort-node')} | ${pair('ort-web')} | ${pair('pytorch')} | ${fmt(ms('tfjs-wasm', 1, w))} | ${fmt(ms('tfjs-cpu', 1, w))} | ${gf} | ${fmt(get('gated', 2, w)?.peakRssMB, 0)} |`);
  }
  lines.push('', 'Speed-up of gated over each anchor (anchor ms / gated ms; > 1 = gated faster), at equal threads (TF.js has one thread in Node):', '');
  lines.push('| workload | vs ort-node 1 / 2 | vs ort-web 1 / 2 | vs PyTorch 1 / 2 | vs PyTorch best / gated best | vs TF.js wasm (gated best) | vs TF.js cpu (gated best) | gated 2 thr / 1 thr |');
  lines.push('|---|---|---|---|---|---|---|---|');
  const bestOf = (e: string, w: string): number | undefined => {
    const v = [ms(e, 1, w), ms(e, 2, w)].filter((x): x is number => x !== undefined);
    return v.length ? Math.min(...v) : undefined;
  };
  for (const w of only.filter((x) => x !== 'roofline' && !isStream(x))) {
    const eq = (e: string): string => `${ratio(ms(e, 1, w), ms('gated', 1, w))} / ${ratio(ms(e, 2, w), ms('gated', 2, w))}`;
    const gb = bestOf('gated', w);
    lines.push(`| ${w} | ${eq('ort-node')} | ${eq('ort-web')} | ${eq('pytorch')} | ${ratio(bestOf('pytorch', w), gb)} | ${ratio(ms('tfjs-wasm', 1, w), gb)} | ${ratio(ms('tfjs-cpu', 1, w), gb)} | ${ratio(ms('gated', 1, w), ms('gated', 2, w))} |`);
  }
  lines.push('', 'One thread, CPU time per call (ms; mean over the timed calls) — less sensitive to other load than wall time:', '');
  lines.push('| workload | gated | onnxruntime-node | onnxruntime-web | PyTorch | TF.js wasm | TF.js cpu |', '|---|---|---|---|---|---|---|');
  for (const w of only.filter((x) => x !== 'roofline' && !isStream(x))) {
    const cpu = (e: string): string => {
      const v = all.filter((r) => r.engine === e && r.threads === 1 && r.workload === w && r.cpuMs !== undefined).map((r) => r.cpuMs!);
      return v.length ? fmt(Math.min(...v)) : '—';
    };
    lines.push(`| ${w} | ${cpu('gated')} | ${cpu('ort-node')} | ${cpu('ort-web')} | ${cpu('pytorch')} | ${cpu('tfjs-wasm')} | ${cpu('tfjs-cpu')} |`);
  }
}
const streams = only.filter(isStream);
if (streams.length) {
  // µs per step, and per step of CPU time (the process's threads together): the stream workloads' own table
  const us = (e: string, t: number, w: string): number | undefined => { const r = get(e, t, w); return r?.usPerStep; };
  const cpuUs = (e: string, w: string): string => {
    const v = all.filter((r) => r.engine === e && r.threads === 1 && r.workload === w && r.usPerStep !== undefined)
      .map((r) => (r.cpuMs! / r.medianMs!) * r.usPerStep!);
    return v.length ? fmt(Math.min(...v), 1) : '—';
  };
  const pair = (e: string, w: string): string => `${fmt(us(e, 1, w), 1)} / ${fmt(us(e, 2, w), 1)}`;
  lines.push('', `Streaming (W6): µs per step at B = 1, the state passed back each step (a call = ${200} steps; best of ${rounds}):`, '');
  lines.push('| workload | gated 1 / 2 thr | onnxruntime-web 1 / 2 | onnxruntime-node 1 / 2 | TF.js wasm | TF.js cpu | gated vs ort-web 1 / 2 | gated (best) vs ort-web (best) | CPU µs/step 1 thr: gated / ort-web |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const w of streams) {
    const bestUs = (e: string): number | undefined => { const v = [us(e, 1, w), us(e, 2, w)].filter((x): x is number => x !== undefined); return v.length ? Math.min(...v) : undefined; };
    lines.push(`| ${w} ${STREAMS[w as 'W6'].what} | ${pair('gated', w)} | ${pair('ort-web', w)} | ${pair('ort-node', w)} | ${fmt(us('tfjs-wasm', 1, w), 1)} | ${fmt(us('tfjs-cpu', 1, w), 1)} | ${ratio(us('ort-web', 1, w), us('gated', 1, w))} / ${ratio(us('ort-web', 2, w), us('gated', 2, w))} | ${ratio(bestUs('ort-web'), bestUs('gated'))} | ${cpuUs('gated', w)} / ${cpuUs('ort-web', w)} |`);
  }
}
const rf1 = all.filter((r) => r.workload === 'roofline' && r.threads === 1 && r.roofline);
const rf2 = all.filter((r) => r.workload === 'roofline' && r.threads === 2 && r.roofline);
if (rf1.length && rf2.length) {
  const bestRf = (rs: typeof rf1, i: number, cpu = false): number =>
    Math.max(...rs.map((r) => (cpu ? r.roofline![i].cpuGflops ?? 0 : r.roofline![i].gflops)));
  lines.push('', `GEMM roofline (gated wasm kernels, GFLOP/s, best of ${rounds}; ceiling ${CEILING} GFLOP/s per core for SIMD128; `
    + 'operands copied into wasm memory per call unless pinned; "per CPU-second" divides by the CPU time of all threads):', '');
  lines.push('| shape | 1 thread | per CPU-second, 1 thread | % of 1-core ceiling | 2 threads | % of 2-core ceiling |', '|---|---|---|---|---|---|');
  rf1[0].roofline!.forEach((s, i) => {
    const a = bestRf(rf1, i), ac = bestRf(rf1, i, true), b = bestRf(rf2, i);
    lines.push(`| ${s.shape} | ${a.toFixed(1)} | ${ac.toFixed(1)} | ${((100 * Math.max(a, ac)) / CEILING).toFixed(0)} % | ${b.toFixed(1)} | ${((100 * b) / (2 * CEILING)).toFixed(0)} % |`);
  });
}
const loads = all.map((r) => r.load1);
lines.push('', `Load average (1 min) during the run: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} (other jobs shared the machine).`);
const skipped = [...new Set(all.filter((r) => r.skipped && !r.skipped.startsWith('onnxruntime runs inference')).map((r) => `${r.engine} ×${r.threads} ${r.workload}: ${r.skipped}`))];
if (skipped.length) lines.push('', 'Skipped or failed:', ...skipped.map((s) => `- ${s}`));
if (!torch.ok) lines.push('', `Note: ${torch.note}.`);
console.log(lines.join('\n'));

const dir = join(ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${started.toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ started: started.toISOString(), machine, rounds, command: process.argv.slice(2), niceness, torch: torch.note, results: all }, null, 1));
console.error(`wrote ${file}`);
