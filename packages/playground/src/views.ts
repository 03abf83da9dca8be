// The page's two views of the kept runs: the live gate view (one run's gates over a probe text, refreshed while it
// trains) and the gradient view (‖∂L/∂h‖ against distance for every run on the same data, at one common step).
// Both only draw what the worker computes; main.ts owns the runs and hands them over through a PageContext.
import { GradientChart } from './chart.js';
import type { GateTrace } from './gates.js';
import { renderGates, topUnits } from './heatmap.js';
import type { FromWorker, ToWorker } from './protocol.js';
import { commonSteps, legendText, type Run } from './runs.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
const select = (id: string): HTMLSelectElement => $<HTMLSelectElement>(id);
function clearGates(): void { const el = $('heatmap'); el.replaceChildren(); delete el.dataset.layout; }

/** What the views need from the page. */
export interface PageContext {
  runs(): readonly Run[];
  byId(id: number): Run | undefined;
  /** The run whose samples are shown and whose gates are watched. */
  selected(): number | null;
  select(id: number): void;
  send(m: ToWorker): void;
  status(text: string, error?: boolean): void;
}

/** The lecture notes' example sentences (and names from them, for models trained on names). */
const PRESETS = [
  'The cat who already ate a bunch of food, was full.',
  "Dhaval eats samosa almost everyday, it shouldn't be hard to guess that his favorite cuisine is Indian.",
  'Dhaval Bhavin Ishmael Queequeg Christopher',
];
/** The probe each kind of data starts with: names are read one by one (split at spaces), prose as one text. */
const DEFAULT_PROBE = { lines: PRESETS[2], stream: PRESETS[0] };

export class GateView {
  /** `${run}:${layer}:${k}:${probe}` → the units shown, chosen once and kept until re-picked (rows do not jump). */
  private readonly units = new Map<string, number[]>();
  private trace: Extract<FromWorker, { type: 'gates' }> | null = null;

  constructor(private readonly page: PageContext) {
    $('gate-units').oninput = () => this.draw();
    select('gate-run').onchange = () => page.select(Number(select('gate-run').value));
    for (const id of ['gate-layer', 'gate-k', 'gate-scale']) select(id).onchange = () => this.draw();
    $('repick').onclick = () => { for (const k of [...this.units.keys()]) if (k.startsWith(`${page.selected()}:`)) this.units.delete(k); this.draw(); };
    $('probe').onchange = () => this.watch();
    $('presets').replaceChildren(...PRESETS.map((p) => {
      const b = Object.assign(document.createElement('button'), { type: 'button', textContent: p.length > 28 ? `${p.slice(0, 26)}…` : p, title: p, className: 'preset' });
      b.onclick = () => { $<HTMLInputElement>('probe').value = p; this.watch(); };
      return b;
    }));
  }

  private visible(): boolean { return !$('tab-gates').hidden; }

  /** Keeps the run selector in step with the kept runs and the selection. */
  sync(): void {
    const runs = this.page.runs(), s = select('gate-run'), want = runs.map((r) => `${r.info.id}:${r.name}`).join('|'), sel = this.page.selected();
    if (s.dataset.key !== want) {
      s.dataset.key = want;
      s.replaceChildren(...runs.map((r) => new Option(r.name, String(r.info.id))));
    }
    if (sel !== null && s.value !== String(sel)) s.value = String(sel);
  }

  /** Tells the worker which run to trace (none while the view is hidden); a new selection clears the old picture. */
  watch(reset = false): void {
    if (reset) { this.trace = null; clearGates(); }
    const sel = this.page.selected(), r = this.visible() && sel !== null ? this.page.byId(sel) : undefined;
    const probe = $<HTMLInputElement>('probe');
    if (r && Object.values(DEFAULT_PROBE).includes(probe.value)) probe.value = DEFAULT_PROBE[r.info.dataKind];
    this.page.send({ type: 'watch', id: r ? r.info.id : null, text: probe.value });
  }

  show(m: Extract<FromWorker, { type: 'gates' }>): void { this.trace = m; this.draw(); }

  draw(): void {
    const tr = this.trace, r = tr ? this.page.byId(tr.id) : undefined;
    if (this.page.runs().length === 0) { $('gate-state').textContent = 'No run yet: press Train or Compare, and the gates of the selected run appear here while it trains.'; clearGates(); return; }
    if (!tr || !r || tr.id !== this.page.selected()) return;
    const t: GateTrace = tr.trace, layerSel = select('gate-layer');
    if (layerSel.options.length !== t.layers.length) {
      layerSel.replaceChildren(...t.layers.map((_, l) => new Option(String(l + 1), String(l))));
      layerSel.value = String(t.layers.length - 1);
    }
    const layer = t.layers[Number(layerSel.value)] ?? t.layers[t.layers.length - 1];
    const kv = select('gate-k').value, k = kv === 'all' ? t.H : Number(kv), key = `${r.info.id}:${layer.layer}:${k}:${t.chars.join('')}`;
    if (!this.units.has(key)) this.units.set(key, topUnits(t, layer, k));
    const shown = this.chosenUnits(t.H) ?? this.units.get(key)!;
    const el = $('heatmap');
    renderGates(el, t, layer, shown, select('gate-scale').value === 'fixed', $('gate-tip'));
    el.dataset.step = String(tr.step); el.dataset.training = String(tr.training); el.dataset.run = String(r.info.id);
    $('gate-state').textContent = `"${r.name}", layer ${layer.layer + 1}, at step ${tr.step}${tr.training ? ' — training, refreshed about twice a second' : ''}; `
      + `${shown.length} of ${t.H} units (${shown === this.units.get(key) ? 'those whose gates vary most over the text; "Re-pick units" chooses again' : 'as typed'}).`
      + `${r.info.dataKind === 'lines' ? ' Trained on lines, it reads each word of the probe from a fresh state; blank columns mark the boundaries.' : ''}`;
    $('gate-skipped').textContent = t.skipped.length ? `Left out (not in the model's vocabulary): ${[...new Set(t.skipped)].map((c) => JSON.stringify(c)).join(' ')}` : '';
  }

  /** The units typed in "or these units" (null: none typed, or not valid — then the error names the range). */
  private chosenUnits(H: number): number[] | null {
    const v = $<HTMLInputElement>('gate-units').value.trim(), err = $('err-gate-units');
    err.textContent = '';
    if (v === '') return null;
    const list = v.split(/[\s,]+/).filter(Boolean);
    const bad = list.filter((x) => !/^\d+$/.test(x) || Number(x) >= H);
    if (bad.length) { err.textContent = `units: integers from 0 to ${H - 1}, separated by commas; ${bad.map((b) => `"${b}"`).join(', ')} ${bad.length > 1 ? 'are' : 'is'} not`; return null; }
    return [...new Set(list.map(Number))].sort((a, b) => a - b);
  }
}

export class GradientView {
  private readonly chart = new GradientChart($('grad-chart'));

  constructor(private readonly page: PageContext) {
    select('grad-step').onchange = () => { select('grad-step').dataset.picked = 'true'; };
    $('show-grads').onclick = () => this.compute();
  }

  /** The runs compared: those on the same data as the selected run (or the first), so all read the same windows. */
  private compared(): Run[] {
    const runs = this.page.runs(), sel = this.page.selected(), ref = (sel === null ? undefined : this.page.byId(sel)) ?? runs[0];
    return ref ? [ref, ...runs.filter((r) => r !== ref && r.info.source === ref.info.source)] : [];
  }

  /** Offers the steps every compared run has kept weights at: the latest, unless the user picked another still there. */
  sync(): void {
    const s = select('grad-step'), steps = commonSteps(this.compared()), key = steps.join(',');
    $<HTMLButtonElement>('show-grads').disabled = this.page.runs().length === 0;
    if (s.dataset.key === key) return;
    const keep = s.value;
    s.dataset.key = key;
    s.replaceChildren(...steps.map((x) => new Option(String(x), String(x))));
    s.value = s.dataset.picked === 'true' && steps.map(String).includes(keep) ? keep : String(steps.at(-1) ?? '');
  }

  private compute(): void {
    if (select('grad-step').value === '') { this.page.status('Gradient view: the runs have no training step in common yet; let them train a little.', true); return; }
    $('show-grads').textContent = 'Computing…';
    this.page.send({ type: 'gradients', ids: this.compared().map((r) => r.info.id), step: Number(select('grad-step').value), T: Number(select('grad-T').value),
      withInit: $<HTMLInputElement>('grad-init').checked });
  }

  failed(): void { $('show-grads').textContent = 'Compute'; }

  show(m: Extract<FromWorker, { type: 'gradients' }>): void {
    $('show-grads').textContent = 'Compute';
    const curves = m.curves.map((c) => {
      const r = this.page.byId(c.id);
      return { label: `${r?.name ?? c.id} at step ${c.step}`, color: r?.color ?? '#999', dashed: c.step !== m.step, values: c.values, step: c.step, id: c.id };
    });
    this.chart.show(curves);
    const list = [...new Set(m.curves.map((c) => c.id))].map((id) => this.page.byId(id)).filter((r): r is Run => r !== undefined);
    const seeds = [...new Set(list.map((r) => r.info.seed))];
    $('grad-title').textContent = `‖∂L/∂h‖ by distance at training step ${m.step} · seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')} · `
      + `${m.windows} windows of ${m.T} characters from the validation text of "${list[0]?.name}"`;
    $('grad-legend').replaceChildren(...curves.map((c) => {
      const li = document.createElement('li'), sw = document.createElement('span'), r = this.page.byId(c.id);
      sw.className = `swatch${c.dashed ? ' dashed' : ''}`; sw.style.background = c.color;
      li.append(sw, `${c.label}${r ? ` — ${legendText(r).split(' — ')[1]}` : ''}: ${c.values[0].toExponential(2)} at d = 0 → ${c.values[c.values.length - 1].toExponential(2)} at d = ${c.values.length - 1}`);
      return li;
    }));
    const out = this.page.runs().filter((r) => !list.includes(r));
    $('grad-probe').textContent = `First window: "${m.probe}" (⏎ = line boundary).`
      + `${out.length ? ` Not shown: ${out.map((r) => `"${r.name}" (trained on ${r.info.source})`).join(', ')} — other data than "${list[0]?.name}", so other windows.` : ''}`;
    $('grad-chart').dataset.curves = JSON.stringify(curves.map((c) => ({ id: c.id, step: c.step, d0: c.values[0], last: c.values[c.values.length - 1] })));
    $('grad-chart').dataset.step = String(m.step);
  }
}
