// The training worker: owns every kept run (a Session each) and trains the runs that are on, round robin, ONE
// optimizer step per task; between tasks it yields to its event loop (a MessageChannel, not setTimeout, which browsers
// clamp to 4 ms), so Stop and every other message waits for at most one step. Validation, the live gate trace and
// samples are tasks of their own. Kernels: gated's default (WebAssembly SIMD, compiled synchronously in a worker).
import { CharLM, CharVocab, Rng, decodeModelDir, encodeModelDir, getBackend, writeSafetensors, type LMConfig, type Tensor } from './gated.js';
import { probeTrace } from './gates.js';
import { gradientByDistance, windowsOf } from './gradients.js';
import { zipModel } from './modelzip.js';
import { snapshotSteps } from './params.js';
import type { FromWorker, RunInfo, RunProgress, RunSpec, ToWorker } from './protocol.js';
import { Session, restrictTo, snapshot } from './session.js';

const port = self as unknown as { postMessage(m: FromWorker, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
const post = (m: FromWorker, transfer?: Transferable[]): void => port.postMessage(m, transfer);

/** Reports at most this often; the gate trace and samples of the watched run refresh on their own clocks. */
const REPORT_MS = 100, GATES_MS = 600, SAMPLES_MS = 2000;

interface Run {
  id: number; session: Session; info: RunInfo; budget: number;
  /** Training points every `logEvery` steps (the mean of those steps), validation every `valEvery` and at the budget. */
  logEvery: number; valEvery: number;
  on: boolean; sum: number; n: number; needVal: boolean;
  fresh: { train: [number, number][]; val: [number, number][] }; changed: boolean;
  snapshotAt: Set<number>; snapshots: Map<number, Record<string, Tensor>>;
}

const runs = new Map<number, Run>();
let turn = 0;                    // round-robin position among the runs that are on
let watch: { id: number | null; text: string; step: number; at: number } = { id: null, text: '', step: -1, at: 0 };
let samplesFor: { id: number; temperature: number; at: number } | null = null;
let lastReport = 0;
const rng = new Rng(7);
/** When the last optimizer steps ended (performance.timeOrigin + performance.now(), the page's clock too). */
const stepEnds: number[] = [];
const clock = (): number => performance.timeOrigin + performance.now();

// ------------------------------------------------------------------------------------------- the task loop

const channel = new MessageChannel();
let scheduled = false;
function schedule(): void { if (!scheduled) { scheduled = true; channel.port2.postMessage(0); } }
channel.port1.onmessage = () => { scheduled = false; tick(); };

function active(): Run[] { return [...runs.values()].filter((r) => r.on); }

/** One task: the next run's step (or its validation), then the reports that are due. */
function tick(): void {
  const on = active();
  if (on.length > 0) {
    const r = on[turn++ % on.length];
    try { work(r); } catch (e) {
      r.on = false; r.changed = true;
      post({ type: 'error', message: `${r.info.cell.toUpperCase()}-${r.info.hidden}: ${(e as Error).message}`, context: 'train', id: r.id });
    }
  }
  const now = performance.now();
  if (watch.id !== null && now - watch.at > GATES_MS) gateTask(now);
  if (samplesFor && now - samplesFor.at > SAMPLES_MS && runs.get(samplesFor.id)?.on) samplesTask(now);
  if (now - lastReport > REPORT_MS || active().length === 0) report(now);
  if (active().length > 0) schedule();
}

function work(r: Run): void {
  const s = r.session;
  if (r.needVal) {
    r.needVal = false;
    r.fresh.val.push([s.steps, s.validate()]);
    if (s.steps >= r.budget) r.on = false;
    r.changed = true;
    return;
  }
  r.sum += s.trainStep(); r.n++;
  stepEnds.push(clock());
  if (stepEnds.length > 64) stepEnds.shift();
  if (s.steps % r.logEvery === 0 || s.steps >= r.budget) { r.fresh.train.push([s.steps, r.sum / r.n]); r.sum = 0; r.n = 0; }
  if (s.steps % r.valEvery === 0 || s.steps >= r.budget) r.needVal = true;
  if (r.snapshotAt.has(s.steps)) r.snapshots.set(s.steps, snapshot(s.model));
  r.changed = true;
}

function report(now: number): void {
  lastReport = now;
  const out: RunProgress[] = [];
  for (const r of runs.values()) {
    if (!r.changed) continue;
    r.changed = false;
    out.push({ id: r.id, steps: r.session.steps, stepSeconds: r.session.stepSeconds, state: r.on ? 'training' : r.session.steps >= r.budget ? 'done' : 'stopped',
      train: r.fresh.train, val: r.fresh.val, snapshots: [...r.snapshots.keys()] });
    r.fresh = { train: [], val: [] };
  }
  if (out.length) post({ type: 'progress', runs: out });
}

function gateTask(now: number): void {
  const r = runs.get(watch.id!);
  watch.at = now;
  if (!r || (r.session.steps === watch.step && !r.on && watch.step >= 0)) return;
  watch.step = r.session.steps;
  const s = r.session;
  post({ type: 'gates', id: r.id, step: s.steps, training: r.on, trace: probeTrace(s.model, s.vocab, watch.text, s.data.kind === 'lines') });
}

function samplesTask(now: number): void {
  const r = runs.get(samplesFor!.id);
  samplesFor!.at = now;
  if (r) post({ type: 'samples', id: r.id, step: r.session.steps, texts: r.session.samples(6, samplesFor!.temperature, rng) });
}

// ------------------------------------------------------------------------------------------- runs

function infoOf(id: number, s: Session, budget: number, loaded?: RunInfo['loaded']): RunInfo {
  const m = s.model.config, o = s.options;
  return { id, cell: m.cell, hidden: m.hidden, layers: m.layers, embed: m.embed, vocabSize: m.vocabSize,
    parameters: s.model.numParameters(), dataKind: s.data.kind, source: s.data.source,
    baseline: s.baseline, seed: o.seed, lr: o.lr, batch: o.batch, budget, backend: getBackend(), steps: s.steps, loaded };
}

function add(id: number, s: Session, budget: number, loaded?: RunInfo['loaded']): Run {
  const info = infoOf(id, s, budget, loaded);
  const r: Run = { id, session: s, info, budget, logEvery: Math.max(1, Math.round(budget / 200)), valEvery: Math.max(1, Math.round(budget / 25)),
    on: false, sum: 0, n: 0, needVal: false, fresh: { train: [], val: [[s.steps, s.validate()]] }, changed: true,
    snapshotAt: new Set(snapshotSteps(budget)), snapshots: new Map([[s.steps, snapshot(s.model)]]) };
  runs.set(id, r);
  post({ type: 'created', info });
  return r;
}

function start(specs: RunSpec[]): void {
  // build every model first: a bad spec starts none of them
  const built = specs.map((p) => ({ p, s: Session.create(p.data, p.options) }));
  for (const { p, s } of built) add(p.id, s, p.budget).on = true;
  schedule();
}

function load(m: Extract<ToWorker, { type: 'load' }>): void {
  const dir = decodeModelDir<LMConfig>(m.files);
  if (dir.config?.format !== 'gated-charlm') throw new Error(`config.json is not a gated character model (format '${String(dir.config?.format)}')`);
  const { data, removed } = restrictTo(m.data, new CharVocab(dir.config.vocab));
  const s = Session.fromModelDir(dir, data);
  add(m.id, s, m.budget, { name: m.name, removed, unit: data.kind === 'lines' ? 'lines' : 'characters', checkpoint: m.checkpoint });
  report(performance.now());
}

/** Stops every run. The task that was running when Stop was sent, and a step already queued behind it, may end after it. */
function stop(at: number): void {
  const steps: Record<number, number> = {};
  for (const r of runs.values()) { if (r.on) { r.on = false; r.changed = true; } steps[r.id] = r.session.steps; }
  report(performance.now());
  post({ type: 'stopped', steps, stepsAfter: stepEnds.filter((t) => t > at).length });
}

/** A model at one of its snapshot steps. */
function modelAt(r: Run, step: number): CharLM {
  const w = r.snapshots.get(step);
  if (!w) throw new Error(`run ${r.info.cell.toUpperCase()}-${r.info.hidden} has no weights kept at step ${step}`);
  const m = new CharLM(r.session.model.config);
  m.loadStateDict(w);
  return m;
}

/**
 * ‖∂L/∂h‖ by distance for each run at the same step, on the same windows: those of the first run's validation text,
 * re-encoded with each run's vocabulary (identical when the runs share their data).
 */
function gradients(m: Extract<ToWorker, { type: 'gradients' }>): void {
  const list = m.ids.map((id) => runs.get(id)).filter((r): r is Run => r !== undefined);
  if (list.length === 0) throw new Error('no runs to compare');
  const ref = list[0].session, windows = windowsOf(ref.probe, 8, m.T);
  if (windows.length === 0) throw new Error(`the validation text is shorter than ${m.T + 1} characters`);
  const text = windows.map((w) => Array.from(w, (id) => ref.vocab.chars[id]));
  const curves: Extract<FromWorker, { type: 'gradients' }>['curves'] = [];
  for (const r of list) {
    const v = r.session.vocab;
    const ws = text.map((cs) => Int32Array.from(cs, (c) => (c === '' ? 0 : v.has(c) ? v.encode(c)[0] : -1)));
    if (ws.some((w) => w.includes(-1))) throw new Error(`run ${r.info.cell.toUpperCase()}-${r.info.hidden} was trained on other data (${r.info.source}): its vocabulary lacks characters of the probe; remove it or compare runs on one dataset`);
    for (const step of new Set(m.withInit ? [Math.min(...r.snapshots.keys()), m.step] : [m.step])) {
      curves.push({ id: r.id, step, values: Array.from(gradientByDistance(modelAt(r, step), ws)) });
    }
  }
  const probe = text[0].map((c) => (c === '' ? '⏎' : c)).join('');
  post({ type: 'gradients', step: m.step, T: m.T, windows: windows.length, probe, curves });
}

function exportRun(m: Extract<ToWorker, { type: 'export' }>): void {
  const r = runs.get(m.id);
  if (!r) throw new Error(`run ${m.id} is not kept in the worker`);
  const s = r.session, c = s.model.config;
  const base = `gated-${s.data.source.replace(/[^a-z0-9]+/gi, '-').replace(/^-+|-+$/g, '')}-${c.cell}${c.hidden}x${c.layers}-step${s.steps}`;
  if (m.what === 'safetensors') {
    const bytes = writeSafetensors(snapshot(s.model), { format: 'pt', cell: c.cell, hidden: String(c.hidden), layers: String(c.layers), step: String(s.steps), vocab: JSON.stringify(s.vocab.toJSON()) });
    post({ type: 'file', name: `${base}.safetensors`, bytes, mime: 'application/octet-stream' }, [bytes.buffer]);
  } else {
    const bytes = zipModel(encodeModelDir(s.modelDir()));
    post({ type: 'file', name: `${base}.zip`, bytes, mime: 'application/zip' }, [bytes.buffer]);
  }
}

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'start': try { start(m.runs); } catch (e) { post({ type: 'error', message: (e as Error).message, context: 'start' }); } break;
    case 'load': try { load(m); } catch (e) { post({ type: 'error', message: (e as Error).message, context: 'load' }); } break;
    case 'stop': stop(m.at); break;
    case 'continue': for (const id of m.ids) { const r = runs.get(id); if (r && r.session.steps < r.budget) { r.on = true; r.changed = true; } } schedule(); break;
    case 'remove': runs.delete(m.id); if (watch.id === m.id) watch = { ...watch, id: null }; break;
    case 'watch': watch = { id: m.id, text: m.text, step: -1, at: 0 }; if (m.id !== null) gateTask(performance.now() + GATES_MS); break;
    case 'samples': samplesFor = { id: m.id, temperature: m.temperature, at: 0 }; if (runs.has(m.id)) samplesTask(performance.now()); break;
    case 'gradients': try { gradients(m); } catch (e) { post({ type: 'error', message: (e as Error).message, context: 'gradients' }); } break;
    case 'export': exportRun(m); break;
  }
}

port.onmessage = (e) => {
  try { handle(e.data); } catch (err) { post({ type: 'error', message: (err as Error).message, context: 'other' }); }
};
