// The training worker: owns the Session (model, optimizer, data) and trains in slices of ~200 ms, answering the
// page's messages between slices, so the page never freezes. Kernels: gated's default (WebAssembly SIMD, compiled
// synchronously — allowed in a worker — with the plain-TypeScript reference as the fallback).
import { CharLM, CharVocab, Rng, decodeModelDir, encodeModelDir, getBackend, type LMConfig } from './gated.js';
import { traceGates } from './gates.js';
import { gradientByDistance, plainRNNLike, windowsOf } from './gradients.js';
import type { FromWorker, ModelInfo, ToWorker } from './protocol.js';
import { Session, restrictTo } from './session.js';

const port = self as unknown as { postMessage(m: FromWorker): void; onmessage: ((e: MessageEvent<ToWorker>) => void) | null };
const post = (m: FromWorker): void => port.postMessage(m);

const SLICE_MS = 200, VAL_EVERY_MS = 2000, SAMPLE_EVERY_MS = 1500;
let session: Session | null = null;
let loadedModel = false;
let running = false;
let temperature = 0.8;
let lastVal = 0, lastSample = 0;
let timer: ReturnType<typeof setTimeout> | null = null;
const rng = new Rng(7);

function info(s: Session, loaded?: ModelInfo['loaded']): ModelInfo {
  const m = s.model.config;
  return { cell: m.cell, hidden: m.hidden, layers: m.layers, embed: m.embed, vocabSize: m.vocabSize,
    parameters: s.model.parameters().reduce((n, p) => n + p.size, 0), dataKind: s.data.kind, source: s.data.source,
    baseline: s.baseline, backend: getBackend(), lr: s.options.lr, loaded };
}

function begin(s: Session, loaded?: ModelInfo['loaded']): void {
  session = s;
  loadedModel = loaded !== undefined;
  setRunning(false);
  post({ type: 'ready', info: info(s, loaded) });
  post({ type: 'val', steps: s.steps, val: s.validate() });
  post({ type: 'samples', steps: s.steps, texts: s.samples(6, temperature, rng) });
}

function setRunning(v: boolean): void {
  running = v && session !== null;
  if (timer !== null) { clearTimeout(timer); timer = null; }
  if (running) timer = setTimeout(slice, 0);
  post({ type: 'running', running });
}

/** Trains for one slice, then reports; validation and samples on their own clocks. */
function slice(): void {
  timer = null;
  const s = session;
  if (!running || !s) return;
  try {
    const t0 = performance.now(), sec0 = s.stepSeconds;
    let sum = 0, n = 0;
    do { sum += s.trainStep(); n++; } while (performance.now() - t0 < SLICE_MS);
    post({ type: 'progress', steps: s.steps, epochs: s.epochs, loss: sum / n, stepsPerSecond: n / (s.stepSeconds - sec0), stepSeconds: s.stepSeconds });
    const now = performance.now();
    if (now - lastVal > VAL_EVERY_MS) { lastVal = now; post({ type: 'val', steps: s.steps, val: s.validate() }); }
    if (now - lastSample > SAMPLE_EVERY_MS) { lastSample = now; post({ type: 'samples', steps: s.steps, texts: s.samples(6, temperature, rng) }); }
  } catch (e) {
    post({ type: 'error', message: (e as Error).message });
    setRunning(false);
    return;
  }
  timer = setTimeout(slice, 0);
}

function handle(m: ToWorker): void {
  switch (m.type) {
    case 'init': begin(Session.create(m.data, m.options)); break;
    case 'load': {
      const dir = decodeModelDir<LMConfig>(m.files);
      if (dir.config?.format !== 'gated-charlm') throw new Error(`config.json is not a gated character model (format '${String(dir.config?.format)}')`);
      const { data, removed } = restrictTo(m.data, new CharVocab(dir.config.vocab));
      begin(Session.fromModelDir(dir, data), { removed, unit: data.kind === 'lines' ? 'lines' : 'characters' });
      break;
    }
    case 'run': setRunning(m.running); break;
    case 'lr': if (session) { session.options.lr = m.value; session.optimizer.lr = m.value; } break;
    case 'temperature': temperature = m.value; if (!running && session) post({ type: 'samples', steps: session.steps, texts: session.samples(6, temperature, rng) }); break;
    case 'resample': if (session) post({ type: 'samples', steps: session.steps, texts: session.samples(6, temperature, rng) }); break;
    case 'gates': if (session) post({ type: 'gates', trace: traceGates(session.model, session.vocab, m.text, session.data.kind === 'lines') }); break;
    case 'gradients': {
      if (!session) break;
      const w = windowsOf(session.probe, 8, m.T);
      if (w.length === 0) throw new Error(`the validation text is shorter than ${m.T + 1} characters`);
      const start = new CharLM(session.model.config);
      start.loadStateDict(session.initialWeights);
      const cell = session.model.config.cell.toUpperCase();
      post({ type: 'gradients', T: m.T, curves: [
        { label: `this ${cell}, step ${session.steps}`, values: Array.from(gradientByDistance(session.model, w)) },
        { label: `this ${cell} ${loadedModel ? 'as loaded' : 'at initialisation'}`, values: Array.from(gradientByDistance(start, w)) },
        { label: 'plain RNN, same size, initialised', values: Array.from(gradientByDistance(plainRNNLike(session.model, session.options.seed + 1), w)) },
      ] });
      break;
    }
    case 'save': {
      if (!session) break;
      const c = session.model.config;
      const source = session.data.source.replace(/[^a-z0-9]+/gi, '-').replace(/^-+|-+$/g, '');
      post({ type: 'saved', files: encodeModelDir(session.modelDir()), name: `gated-${source}-${c.cell}${c.hidden}x${c.layers}-step${session.steps}.zip` });
      break;
    }
  }
}

port.onmessage = (e) => {
  try { handle(e.data); } catch (err) { post({ type: 'error', message: (err as Error).message }); }
};
