// The playground page: controls, the loss chart, samples, the gate and gradient views, save/load. It only draws and
// forwards; the model lives in the training worker (worker.ts), reached through the messages of protocol.ts.
import { GradientChart, LossChart } from './chart.js';
import { shippedData, textData, type DatasetName } from './datasets.js';
import type { CellKind, LMData } from './gated.js';
import type { GateTrace } from './gates.js';
import { renderGates } from './heatmap.js';
import { modelFiles, zipModel } from './modelzip.js';
import { defaultPlayOptions } from './options.js';
import type { FromWorker, ModelInfo, ToWorker } from './protocol.js';
import './style.css';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const select = (id: string): HTMLSelectElement => $<HTMLSelectElement>(id);

/** The lecture notes' example sentences (and names from them, for models trained on names). */
const PRESETS = [
  'Dhaval', 'Bhavin', 'Ishmael',
  'The cat who already ate a bunch of food, was full.',
  "Dhaval eats samosa almost everyday, it shouldn't be hard to guess that his favorite cuisine is Indian.",
  "His brother Bhavin however is a lover of pasta and cheese that means Bhavin's favorite cuisine is Italian.",
];

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker): void => worker.postMessage(m);
const lossChart = new LossChart($('loss-chart'));
const gradChart = new GradientChart($('grad-chart'));
const stats = $('stats');
let running = false;
let info: ModelInfo | null = null;
let trace: GateTrace | null = null;
let firstLoss: number | null = null;
let models = 0;
const dataCache = new Map<string, Promise<LMData>>();

function status(text: string, error = false): void {
  const el = $('status');
  el.textContent = text;
  el.classList.toggle('error', error);
}

function data(name: DatasetName): Promise<LMData> {
  if (name === 'text') {
    const text = $<HTMLTextAreaElement>('text').value;
    if (text.trim().length === 0) return Promise.reject(new Error('paste or drop some text first'));
    return Promise.resolve(textData(text, select('text-mode').value as 'auto' | 'lines' | 'stream'));
  }
  if (!dataCache.has(name)) dataCache.set(name, shippedData(name));
  return dataCache.get(name)!;
}

/** A new model from the controls (stops training). */
async function init(): Promise<void> {
  const name = select('dataset').value as DatasetName;
  $('text-box').hidden = name !== 'text';
  try {
    status('loading data…');
    const d = await data(name);
    status('building the model…');
    // a stream step reads batch × chunk characters: 16 × 64 keeps steps short enough to watch
    send({ type: 'init', data: d, options: { ...defaultPlayOptions,
      cell: select('cell').value as CellKind, hidden: Number(select('hidden').value), layers: Number(select('layers').value),
      lr: Number(select('lr').value), batch: d.kind === 'stream' ? 16 : defaultPlayOptions.batch } });
  } catch (e) { status((e as Error).message, true); }
}

function setSelect(id: string, value: string): void {
  const s = select(id);
  if (![...s.options].some((o) => o.value === value)) s.add(new Option(value, value));
  s.value = value;
}

function onReady(i: ModelInfo): void {
  info = i; firstLoss = null; trace = null;
  lossChart.reset(i.baseline);
  for (const id of ['steps', 'epochs']) $(id).textContent = '0';
  for (const id of ['train-loss', 'val-loss', 'speed']) $(id).textContent = '–';
  delete stats.dataset.firstLoss; delete stats.dataset.loss; delete stats.dataset.val;
  stats.dataset.steps = '0'; stats.dataset.stepSeconds = '0';
  $('baseline').textContent = i.baseline.toFixed(3);
  setSelect('cell', i.cell); setSelect('hidden', String(i.hidden)); setSelect('layers', String(i.layers)); setSelect('lr', String(i.lr));
  $('model-info').textContent = `${i.cell.toUpperCase()} · ${i.layers} × ${i.hidden} units · embedding ${i.embed} · `
    + `${i.vocabSize} symbols · ${i.parameters.toLocaleString('en')} parameters · data: ${i.source} (${i.dataKind}) · kernels: ${i.backend}`;
  const layer = select('gate-layer');
  layer.replaceChildren(...Array.from({ length: i.layers }, (_, l) => new Option(String(l + 1), String(l))));
  layer.value = String(i.layers - 1);
  $('heatmap').replaceChildren(); delete $('heatmap').dataset.columns;
  $<HTMLButtonElement>('start').disabled = false;
  document.body.dataset.ready = 'true';
  document.body.dataset.models = String(++models);
  const loaded = i.loaded ? `Loaded the model${i.loaded.removed ? ` (${i.loaded.removed} ${i.loaded.unit} of the data use characters it does not know and are left out of training)` : ''}. ` : '';
  status(`${loaded}Ready: press Start.`);
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'ready': onReady(m.info); break;
    case 'running':
      running = m.running;
      $('start').textContent = running ? 'Pause' : Number(stats.dataset.steps) > 0 ? 'Resume' : 'Start';
      if (running) status('training…');
      else if (Number(stats.dataset.steps) > 0) status('paused');
      break;
    case 'progress':
      firstLoss ??= m.loss;
      $('steps').textContent = String(m.steps); $('epochs').textContent = String(m.epochs);
      $('train-loss').textContent = m.loss.toFixed(3); $('speed').textContent = m.stepsPerSecond.toFixed(1);
      Object.assign(stats.dataset, { steps: String(m.steps), stepSeconds: String(m.stepSeconds), loss: String(m.loss), firstLoss: String(firstLoss) });
      lossChart.addTrain(m.steps, m.loss);
      break;
    case 'val':
      $('val-loss').textContent = m.val.toFixed(3);
      stats.dataset.val = String(m.val);
      lossChart.addVal(m.steps, m.val);
      break;
    case 'samples':
      $('samples').replaceChildren(...m.texts.map((t) => Object.assign(document.createElement('li'), { textContent: t || '(empty)' })));
      break;
    case 'gates': trace = m.trace; drawGates(); break;
    case 'gradients':
      gradChart.show(m.curves);
      $('show-grads').textContent = 'Compute';
      $('grad-chart').dataset.ends = JSON.stringify(m.curves.map((c) => ({ label: c.label, d0: c.values[0], last: c.values[m.T - 1] })));
      break;
    case 'saved': {
      const url = URL.createObjectURL(new Blob([zipModel(m.files) as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: m.name });
      document.body.append(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      status(`saved ${m.name}`);
      break;
    }
    case 'error': status(m.message, true); $('show-grads').textContent = 'Compute'; break;
  }
};
worker.onerror = (e) => status(`worker: ${e.message}`, true);

function drawGates(): void {
  if (!trace) return;
  const layer = trace.layers[Number(select('gate-layer').value)] ?? trace.layers[trace.layers.length - 1];
  renderGates($('heatmap'), trace, layer, select('gate-mode').value as 'mean' | 'units', $('gate-tip'));
  $('gate-skipped').textContent = trace.skipped.length
    ? `Left out (not in the model's vocabulary): ${[...new Set(trace.skipped)].map((c) => JSON.stringify(c)).join(' ')}` : '';
}

// ---------------------------------------------------------------------------------------------- controls

$('start').onclick = () => send({ type: 'run', running: !running });
$('reset').onclick = () => void init();
for (const id of ['dataset', 'cell', 'hidden', 'layers']) select(id).onchange = () => void init();
select('text-mode').onchange = () => void init();
$('use-text').onclick = () => void init();
select('lr').onchange = () => send({ type: 'lr', value: Number(select('lr').value) });
const temp = $<HTMLInputElement>('temperature');
temp.oninput = () => { $('temperature-value').textContent = Number(temp.value).toFixed(2); };
temp.onchange = () => send({ type: 'temperature', value: Number(temp.value) });
$('resample').onclick = () => send({ type: 'resample' });

for (const b of document.querySelectorAll<HTMLButtonElement>('.tabs button')) {
  b.onclick = () => {
    for (const o of document.querySelectorAll<HTMLButtonElement>('.tabs button')) o.classList.toggle('active', o === b);
    for (const t of ['train', 'gates', 'grads']) $(`tab-${t}`).hidden = t !== b.dataset.tab;
    if (b.dataset.tab === 'gates' && !trace) send({ type: 'gates', text: $<HTMLInputElement>('sentence').value });
  };
}
$('show-gates').onclick = () => send({ type: 'gates', text: $<HTMLInputElement>('sentence').value });
$('sentence').onkeydown = (e) => { if (e.key === 'Enter') $('show-gates').click(); };
$('presets').replaceChildren(...PRESETS.map((p) => {
  const b = Object.assign(document.createElement('button'), { type: 'button', textContent: p.length > 28 ? `${p.slice(0, 26)}…` : p, title: p, className: 'preset' });
  b.onclick = () => { $<HTMLInputElement>('sentence').value = p; $('show-gates').click(); };
  return b;
}));
select('gate-layer').onchange = drawGates;
select('gate-mode').onchange = drawGates;
$('show-grads').onclick = () => { $('show-grads').textContent = 'Computing…'; send({ type: 'gradients', T: Number(select('grad-T').value) }); };

// ---------------------------------------------------------------------------------------------- save / load

$('save').onclick = () => send({ type: 'save' });

async function loadModel(list: File[]): Promise<void> {
  try {
    const files = modelFiles(await Promise.all(list.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) }))));
    const config = JSON.parse(new TextDecoder().decode(files['config.json'])) as { data?: { source?: string } };
    const source = config.data?.source ?? '';
    // train further on the model's own dataset when it is one shipped here, else on the current selection
    const name: DatasetName = source === 'names' ? 'names' : source.startsWith('moby-dick') ? 'moby-dick' : select('dataset').value as DatasetName;
    select('dataset').value = name;
    $('text-box').hidden = name !== 'text';
    status('loading the model…');
    send({ type: 'load', files, data: await data(name) });
  } catch (e) { status((e as Error).message, true); }
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
  void init();
});

void init();
