// The playground page: the form, the kept runs (chart, legend, table, exports), samples, the live gate view and the
// gradient view, model import. It only draws and forwards; every model lives in the training worker (worker.ts),
// reached through the messages of protocol.ts. Drawing is batched into animation frames, so no main-thread task
// grows with the number of progress messages.
import { LossChart } from './chart.js';
import { check, comparison, formData, optionsOf, values, watchForm } from './form.js';
import { checkUploadSizes, chooseCheckpoint, modelFiles } from './modelzip.js';
import { parseJsonLimited } from './gated.js';
import type { FromWorker, RunSpec, ToWorker } from './protocol.js';
import { RunsTable } from './runstable.js';
import { MAX_RUNS, curvesCSV, curvesSVG, legendText, newRun, type Run } from './runs.js';
import { shippedData } from './datasets.js';
import { GateView, GradientView } from './views.js';
import './style.css';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const select = (id: string): HTMLSelectElement => $<HTMLSelectElement>(id);

// Long tasks on this thread (Chromium's Long Tasks API reports those over 50 ms), for the responsiveness test: the
// longest that overlapped training, and every one as [start, duration] in ms; and the long animation frames' scripts
// over 30 ms (what ran: invoker and function), to tell the page's own work from a starved thread.
const longTasks: [number, number][] = [];
const trainingSpans: [number, number][] = [];     // [start, end] of the times some run was training (end Infinity: ongoing)
const slowScripts: string[] = [];
function noteLongTasks(): void {
  const during = longTasks.filter(([s, d]) => trainingSpans.some(([a, b]) => s < b && s + d > a));
  document.body.dataset.longestTaskTraining = String(Math.round(Math.max(0, ...during.map(([, d]) => d))));
  document.body.dataset.longTasks = JSON.stringify(longTasks.map(([s, d]) => [Math.round(s), Math.round(d)]));
}
try {
  new PerformanceObserver((l) => { for (const e of l.getEntries()) longTasks.push([e.startTime, e.duration]); noteLongTasks(); }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((l) => {
    for (const e of l.getEntries() as (PerformanceEntry & { scripts?: { invoker: string; sourceFunctionName: string; duration: number }[] })[]) {
      for (const sc of e.scripts ?? []) if (sc.duration > 30) slowScripts.push(`${Math.round(e.startTime)}: ${sc.invoker} ${sc.sourceFunctionName} ${Math.round(sc.duration)} ms (frame ${Math.round(e.duration)} ms)`);
    }
    document.body.dataset.slowScripts = JSON.stringify(slowScripts.slice(-40));
  }).observe({ type: 'long-animation-frame', buffered: true });
} catch { /* not Chromium */ }

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker): void => worker.postMessage(m);
const lossChart = new LossChart($('loss-chart'));
let runs: Run[] = [];
let nextId = 1;
let selected: number | null = null;          // the run whose samples are shown and whose gates are watched
let stopAt = 0;
let selectNext: number | null = null;        // the run of a new batch to select when it arrives (the GRU of a comparison)

function status(text: string, error = false): void {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('error', error);
}

const byId = (id: number): Run | undefined => runs.find((r) => r.info.id === id);
function selectRun(id: number | null): void { selected = id; samplesFor(); gates.watch(true); redraw(); }
const page = { runs: () => runs, byId, selected: () => selected, select: selectRun, send, status };
const gates = new GateView(page), grads = new GradientView(page);
const table = new RunsTable($('runs-table'), {
  select: (id) => selectRun(id),
  rename: (id, name) => { const r = byId(id); if (r) { r.name = name.trim() || r.name; redraw(); } },
  remove: (id) => removeRun(id),
  export: (id, what) => send({ type: 'export', id, what }),
});

// ---------------------------------------------------------------------------------------------- drawing

// at most one redraw per animation frame and, while runs train, at most ~4 a second: progress arrives every 100 ms
let frame = 0, lastDraw = 0;
function redraw(): void {
  if (frame) return;
  const wait = document.body.dataset.training === 'true' ? Math.max(0, lastDraw + 250 - performance.now()) : 0;
  frame = wait > 0 ? window.setTimeout(() => { frame = requestAnimationFrame(draw); }, wait) : requestAnimationFrame(draw);
}

function baseline(): number | null {
  return runs.length && runs.every((r) => r.info.source === runs[0].info.source) ? runs[0].info.baseline : null;
}

function target(): number | null {
  const v = $<HTMLInputElement>('target').value.trim(), b = baseline();
  if (v === '') return b;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : null;
}

function draw(): void {
  frame = 0; lastDraw = performance.now();
  lossChart.log = select('y-scale').value === 'log';
  lossChart.draw(runs, baseline());
  const b = baseline(), legend = $('legend'), key = JSON.stringify([b, runs.map((r) => [r.color, legendText(r)])]);
  if (legend.dataset.key !== key) {
    legend.dataset.key = key;
    legend.replaceChildren(...runs.map((r) => {
      const li = document.createElement('li'), sw = document.createElement('span');
      sw.className = 'swatch'; sw.style.background = r.color;
      li.append(sw, legendText(r));
      li.dataset.run = String(r.info.id);
      return li;
    }));
    if (b !== null) {
      const li = document.createElement('li'), sw = document.createElement('span');
      sw.className = 'swatch dashed';
      li.append(sw, `bigram baseline on the validation text: ${b.toFixed(3)} · thin lines: training loss, thick: validation loss`);
      legend.append(li);
    }
  }
  const t = target();
  $('runs-table').querySelector('th:nth-child(8)')!.textContent = t === null ? 'steps to target' : `steps to ≤ ${t.toFixed(2)}`;
  $('target').setAttribute('placeholder', b !== null ? b.toFixed(2) : '');
  $('err-target').textContent = t === null && $<HTMLInputElement>('target').value.trim() !== '' ? 'target loss: a number above 0 (nats per character)' : '';
  $('target-hint').textContent = $<HTMLInputElement>('target').value.trim() === '' && b !== null ? `(empty: the bigram baseline, ${b.toFixed(3)})` : '';
  table.update(runs, t, selected);
  $('no-runs').hidden = runs.length > 0;
  const training = runs.some((r) => r.state === 'training');
  $<HTMLButtonElement>('stop').disabled = !training;
  $<HTMLButtonElement>('continue').disabled = training || !runs.some((r) => r.state === 'stopped');
  for (const id of ['export-csv', 'export-svg', 'export-png']) $<HTMLButtonElement>(id).disabled = runs.length === 0;
  document.body.dataset.runs = String(runs.length);
  const open = trainingSpans.at(-1)?.[1] === Infinity;
  if (training && !open) trainingSpans.push([performance.now(), Infinity]);
  if (!training && open) { trainingSpans.at(-1)![1] = performance.now(); noteLongTasks(); }
  document.body.dataset.training = String(training);
  gates.sync();
  grads.sync();
}

// ---------------------------------------------------------------------------------------------- the worker's messages

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'created': {
      const r = newRun(m.info, runs);
      runs.push(r);
      const dropped = trim();
      if (m.info.loaded) {
        const l = m.info.loaded;
        status(`Loaded ${l.name}${l.checkpoint === 'previous' ? ' — from its previous/ checkpoint: the latest one is incomplete or corrupt' : ''}`
          + `${l.removed ? ` (${l.removed} ${l.unit} of the data use characters it does not know and are left out of its training)` : ''}. It is run "${r.name}": press Continue to train it further.${dropped}`);
      } else if (dropped) status(`training…${dropped}`);
      if (selectNext === m.info.id) { selectNext = null; selectRun(m.info.id); }
      break;
    }
    case 'progress':
      for (const p of m.runs) {
        const r = byId(p.id);
        if (!r) continue;
        r.steps = p.steps; r.stepSeconds = p.stepSeconds; r.state = p.state; r.snapshots = p.snapshots;
        r.train.push(...p.train); r.val.push(...p.val);
      }
      if (!runs.some((r) => r.state === 'training') && document.body.dataset.training === 'true') status('All runs stopped or done.');
      break;
    case 'stopped':
      document.body.dataset.stopMs = String(performance.now() - stopAt);
      document.body.dataset.stepsAfterStop = String(m.stepsAfter);
      status(`Stopped ${Math.round(performance.now() - stopAt)} ms after the click; ${m.stepsAfter} optimizer step${m.stepsAfter === 1 ? '' : 's'} ended in between.`);
      break;
    case 'gates': gates.show(m); break;
    case 'samples':
      if (m.id === selected) $('samples').replaceChildren(...m.texts.map((t) => Object.assign(document.createElement('li'), { textContent: t || '(empty)' })));
      break;
    case 'gradients': grads.show(m); break;
    case 'file': download(new Blob([m.bytes as Uint8Array<ArrayBuffer>], { type: m.mime }), m.name); break;
    case 'error':
      if (m.context === 'load') status(`Import failed: ${m.message}. Nothing was changed: ${keptRuns()}.`, true);
      else if (m.context === 'gradients') { status(`Gradient view: ${m.message}`, true); grads.failed(); }
      else status(m.message, true);
      break;
  }
  redraw();
};
worker.onerror = (e) => status(`worker: ${e.message}`, true);

const keptRuns = (): string => (runs.length ? `the ${runs.length} kept run${runs.length > 1 ? 's are' : ' is'} as before` : 'no run was added');

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---------------------------------------------------------------------------------------------- starting runs

/** Whether `n` more runs fit once the oldest runs that are not training are dropped (a message when not). */
function roomFor(n: number): boolean {
  const training = runs.filter((r) => r.state === 'training').length;
  if (training + n <= MAX_RUNS) return true;
  status(`At most ${MAX_RUNS} runs are kept and ${training} are training: stop or remove one first.`, true);
  return false;
}

/** Drops the oldest runs that are not training until at most MAX_RUNS are kept (after a new run has arrived). */
function trim(): string {
  const gone: Run[] = [];
  while (runs.length > MAX_RUNS) {
    const old = runs.find((r) => r.state !== 'training' && !gone.includes(r) && r.info.id !== runs.at(-1)!.info.id);
    if (!old) break;
    gone.push(old);
    removeRun(old.info.id);
  }
  return gone.length ? ` At most ${MAX_RUNS} runs are kept: removed ${gone.map((r) => `"${r.name}"`).join(', ')}.` : '';
}

function removeRun(id: number): void {
  runs = runs.filter((r) => r.info.id !== id);
  send({ type: 'remove', id });
  if (selected === id) selectRun(runs.at(-1)?.info.id ?? null); else redraw();
}

async function startRuns(matchParams: boolean | null): Promise<void> {
  const c = check();
  if (!c.ok) { status('Fix the fields marked in red first.', true); return; }
  try {
    status('loading data…');
    const data = await formData();
    const options = matchParams === null ? [optionsOf(c, values().cell as 'gru')] : comparison(c, data, matchParams);
    if (!roomFor(options.length)) return;
    const specs: RunSpec[] = options.map((o) => ({ id: nextId++, data, options: o, budget: c.steps }));
    selectNext = specs[0].id;
    send({ type: 'start', runs: specs });
    status(matchParams === null ? 'training…' : `training GRU, LSTM and RNN (${matchParams ? 'parameter counts matched' : 'same hidden size'}), ${c.steps} steps each, seed ${c.seed}…`);
  } catch (e) { status((e as Error).message, true); }
}

$('form').addEventListener('submit', (e) => { e.preventDefault(); void startRuns(null); });
$('compare').onclick = () => void startRuns($<HTMLInputElement>('match-params').checked);
$('stop').onclick = () => { stopAt = performance.now(); send({ type: 'stop', at: performance.timeOrigin + stopAt }); };
$('continue').onclick = () => { send({ type: 'continue', ids: runs.filter((r) => r.state === 'stopped').map((r) => r.info.id) }); status('training…'); };
// a shipped dataset loads as soon as it is chosen (the memory check then uses its real vocabulary and line lengths)
watchForm(() => { check(); if (values().dataset !== 'text') void formData().then(() => check()); });
$('target').oninput = redraw;
select('y-scale').onchange = redraw;

// ---------------------------------------------------------------------------------------------- exports and samples

function chartTitle(): string {
  const seeds = [...new Set(runs.map((r) => r.info.seed))];
  return `loss of ${runs.length} run${runs.length > 1 ? 's' : ''} on ${[...new Set(runs.map((r) => r.info.source))].join(', ')} (seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')})`;
}
$('export-csv').onclick = () => download(new Blob([curvesCSV(runs)], { type: 'text/csv' }), 'gated-runs.csv');
$('export-svg').onclick = () => download(new Blob([curvesSVG(runs, { log: select('y-scale').value === 'log', baseline: baseline(), title: chartTitle() })], { type: 'image/svg+xml' }), 'gated-runs.svg');
$('export-png').onclick = async () => { const b = await lossChart.png(); if (b) download(b, 'gated-runs.png'); };

const temp = $<HTMLInputElement>('temperature');
function samplesFor(): void {
  const r = selected === null ? undefined : byId(selected);
  $('samples-of').textContent = r ? `from "${r.name}", redrawn every 2 s while it trains` : '';
  if (!r) { $('samples').replaceChildren(); return; }
  send({ type: 'samples', id: r.info.id, temperature: Number(temp.value) });
}
temp.oninput = () => { $('temperature-value').textContent = Number(temp.value).toFixed(2); };
temp.onchange = samplesFor;

// ---------------------------------------------------------------------------------------------- tabs

for (const b of document.querySelectorAll<HTMLButtonElement>('.tabs button')) {
  b.onclick = () => {
    for (const o of document.querySelectorAll<HTMLButtonElement>('.tabs button')) o.classList.toggle('active', o === b);
    for (const t of ['runs', 'gates', 'grads']) $(`tab-${t}`).hidden = t !== b.dataset.tab;
    gates.watch();
    if (b.dataset.tab === 'gates') gates.draw();
    redraw();
  };
}

// ---------------------------------------------------------------------------------------------- import

async function loadModel(list: File[]): Promise<void> {
  const names = list.map((f) => f.name).join(', ');
  try {
    checkUploadSizes(list);
    const found = modelFiles(await Promise.all(list.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) }))));
    const { files, source: checkpoint } = await chooseCheckpoint(found);
    let config: { data?: { source?: string }; training?: { epochs?: number } };
    config = parseJsonLimited(files['config.json'], 'config.json') as typeof config; // size and nesting checked first
    const src = config.data?.source ?? '';
    // train further on the model's own dataset when it is one shipped here, else on the form's data
    const data = src === 'names' ? await shippedData('names') : src.startsWith('moby-dick') ? await shippedData('moby-dick') : await formData();
    if (!roomFor(1)) return;
    status(`loading ${names}…`);
    const c = check();
    selectNext = nextId;
    send({ type: 'load', id: nextId++, name: list.length === 1 ? list[0].name.replace(/\.zip$/i, '') : found.dir || 'loaded model', files, checkpoint, data, budget: c.ok ? c.steps : 1000 });
  } catch (e) { status(`Import failed: ${(e as Error).message}. Nothing was changed: ${keptRuns()}.`, true); }
}

$<HTMLInputElement>('load').onchange = (e) => {
  const input = e.target as HTMLInputElement;
  void loadModel([...(input.files ?? [])]);
  input.value = '';
};
document.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dragging'); });
document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
document.addEventListener('drop', async (e) => {
  e.preventDefault();
  document.body.classList.remove('dragging');
  const files = [...(e.dataTransfer?.files ?? [])];
  if (files.some((f) => /\.(zip|safetensors)$|^config\.json$/.test(f.name))) return void loadModel(files);
  if (files.length === 0) return;
  $<HTMLTextAreaElement>('text').value = await files[0].text();
  select('dataset').value = 'text';
  check();
});

check();
void formData().then(() => { check(); document.body.dataset.ready = 'true'; status('Ready: press Train, or compare the three cells.'); });
redraw();
