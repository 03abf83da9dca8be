// The gate view drawn on canvases: one panel per gate (GRU z, r; LSTM f, i, o) and one for the state change |Δh|,
// characters along x, the chosen units along y. Each panel has its own colour scale and legend (the gates' ranges
// differ: an LSTM's forget gate sits near 1 while its input gate moves), cells are never smaller than 6 px, and a
// long text scrolls sideways instead of shrinking. Hovering a cell tells its character, unit and value.
import type { GateTrace, LayerTrace } from './gates.js';

const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
const CELL_W = 14, LABEL_W = 64, TOP = 18;

function color(v: number): string {
  const x = Math.min(1, Math.max(0, v)) * (VIRIDIS.length - 1), i = Math.min(VIRIDIS.length - 2, Math.floor(x)), f = x - i;
  const c = VIRIDIS[i].map((a, k) => Math.round(a + (VIRIDIS[i + 1][k] - a) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export const showChar = (c: string): string => (c === ' ' ? '␣' : c === '\n' ? '↵' : c);

interface Quantity { name: string; label: string; values: Float32Array; gate: boolean }   // values [T, H]

function quantities(layer: LayerTrace): Quantity[] {
  return [...layer.gates.map((g) => ({ ...g, gate: true })),
    { name: '|Δh|', label: 'state change |h(t) − h(t−1)| (not a gate)', values: layer.dh, gate: false }];
}

/**
 * The k units that move most over the text: largest variance over the characters, summed over the gates (over |Δh|
 * for a plain RNN). Returned in unit order.
 */
export function topUnits(trace: GateTrace, layer: LayerTrace, k: number): number[] {
  const T = trace.chars.length, H = trace.H, qs = layer.gates.length ? layer.gates.map((g) => g.values) : [layer.dh];
  const score = new Float64Array(H);
  for (const v of qs) for (let j = 0; j < H; j++) {
    let s = 0, s2 = 0;
    let n = 0;
    for (let t = 0; t < T; t++) { const x = v[t * H + j]; if (Number.isNaN(x)) continue; s += x; s2 += x * x; n++; }
    score[j] += n ? s2 / n - (s / n) ** 2 : 0;
  }
  return Array.from({ length: H }, (_, j) => j).sort((a, b) => score[b] - score[a] || a - b).slice(0, Math.min(k, H)).sort((a, b) => a - b);
}

function rangeOf(q: Quantity, T: number, H: number, units: number[], fixed: boolean): [number, number] {
  if (fixed && q.gate) return [0, 1];
  let lo = Infinity, hi = -Infinity;
  for (let t = 0; t < T; t++) for (const j of units) { const v = q.values[t * H + j]; if (!Number.isNaN(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } }
  if (!q.gate || fixed || !Number.isFinite(lo)) lo = 0;
  if (!(hi > lo)) hi = lo + 1e-6;
  return [lo, hi];
}

const fmt = (v: number): string => (Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(2) : v.toExponential(1));

function legend(q: Quantity): HTMLElement {
  const box = document.createElement('div'), bar = document.createElement('span'), lo = document.createElement('output'), hi = document.createElement('output');
  box.className = 'legend';
  if (q.gate) box.dataset.gate = q.name; else box.dataset.kind = 'dh';
  bar.style.background = `linear-gradient(to right, ${VIRIDIS.map((c) => `rgb(${c.join(',')})`).join(', ')})`;
  lo.className = 'lo'; hi.className = 'hi';
  box.append(`${q.name}:`, lo, bar, hi);
  return box;
}

/** What a panel shows; kept per cells canvas so a refresh repaints in place and the hover reads the current values. */
interface PanelState { q: Quantity; trace: GateTrace; units: number[]; cellH: number; fixed: boolean }
const panels = new WeakMap<HTMLCanvasElement, PanelState>();

/** Paints the cells and the legend's numbers of a panel from its state. */
function paint(box: HTMLElement, cv: HTMLCanvasElement, st: PanelState): void {
  const { q, trace, units, cellH } = st, T = trace.chars.length, H = trace.H, [lo, hi] = rangeOf(q, T, H, units, st.fixed);
  box.querySelector('output.lo')!.textContent = ` ${fmt(lo)}`;
  box.querySelector('output.hi')!.textContent = fmt(hi);
  const g = cv.getContext('2d')!;
  units.forEach((j, i) => {
    for (let t = 0; t < T; t++) {
      const v = q.values[t * H + j];
      g.fillStyle = Number.isNaN(v) ? '#fff' : color((v - lo) / (hi - lo));
      g.fillRect(t * CELL_W, TOP + i * cellH, CELL_W, cellH);
    }
  });
  panels.set(cv, st);
}

/** One panel: title and legend, row labels (fixed), then the cells (scrolling sideways with the character row). */
function panel(st: PanelState, tip: HTMLElement): HTMLElement {
  const { q, trace, units, cellH } = st, T = trace.chars.length, dpr = window.devicePixelRatio || 1;
  const box = document.createElement('div'), head = document.createElement('div'), title = document.createElement('span');
  box.className = 'gate-panel'; box.dataset.name = q.name;
  head.className = 'panel-head'; title.className = 'panel-title'; title.textContent = q.label;
  head.append(title, legend(q));
  const body = document.createElement('div'), labels = document.createElement('canvas'), scroll = document.createElement('div'), cv = document.createElement('canvas');
  body.className = 'panel-body'; scroll.className = 'panel-scroll';
  const Ht = TOP + units.length * cellH, W = T * CELL_W;
  const setup = (c: HTMLCanvasElement, w: number): CanvasRenderingContext2D => {
    c.width = w * dpr; c.height = Ht * dpr; c.style.width = `${w}px`; c.style.height = `${Ht}px`;
    const g = c.getContext('2d')!;
    g.scale(dpr, dpr);
    g.font = `${Math.min(11, cellH + 2)}px ui-monospace, monospace`; g.textBaseline = 'middle'; g.fillStyle = '#111';
    return g;
  };
  const gl = setup(labels, LABEL_W);
  gl.textAlign = 'right';
  const every = cellH >= 10 ? 1 : Math.ceil(10 / cellH);
  units.forEach((j, i) => { if (i % every === 0) gl.fillText(`unit ${j}`, LABEL_W - 6, TOP + i * cellH + cellH / 2); });
  const g = setup(cv, W);
  g.textAlign = 'center'; g.font = '12px ui-monospace, monospace';
  trace.chars.forEach((c, t) => g.fillText(showChar(c), t * CELL_W + CELL_W / 2, TOP / 2));
  cv.dataset.cellWidth = String(CELL_W); cv.dataset.cellHeight = String(cellH);
  cv.addEventListener('mousemove', (e) => {
    const now = panels.get(cv)!, H = now.trace.H;
    const t = Math.floor(e.offsetX / CELL_W), i = Math.floor((e.offsetY - TOP) / now.cellH);
    if (t < 0 || t >= T || i < 0 || i >= now.units.length) { tip.hidden = true; return; }
    tip.hidden = false;
    const v = now.q.values[t * H + now.units[i]];
    tip.textContent = Number.isNaN(v) ? 'line boundary: each name is read from a fresh state, as in training'
      : `'${showChar(now.trace.chars[t])}' (character ${t + 1}) · unit ${now.units[i]} · ${now.q.name} = ${v.toFixed(3)}`;
    tip.style.left = `${e.clientX + 12}px`; tip.style.top = `${e.clientY + 12}px`;
  });
  cv.addEventListener('mouseleave', () => { tip.hidden = true; });
  scroll.append(cv);
  body.append(labels, scroll);
  box.append(head, body);
  paint(box, cv, st);
  return box;
}

/**
 * Renders a layer's gates for `units` into `el`: one panel per gate and one for |Δh|. `fixed`: gates on 0 … 1
 * (|Δh| on 0 … max) instead of each panel's own range.
 */
export function renderGates(el: HTMLElement, trace: GateTrace, layer: LayerTrace, units: number[], fixed: boolean, tip: HTMLElement): void {
  const cellH = units.length <= 16 ? 10 : units.length <= 32 ? 8 : 6;
  const qs = quantities(layer);
  // the same panels (quantities, units, characters, scale) as drawn: repaint in place, no new elements to lay out
  const layout = JSON.stringify([layer.layer, qs.map((q) => q.name), units, trace.chars, fixed]);
  if (el.dataset.layout === layout) {
    el.querySelectorAll<HTMLElement>('.gate-panel').forEach((box, k) => {
      const cv = box.querySelector<HTMLCanvasElement>('.panel-scroll canvas')!;
      paint(box, cv, { q: qs[k], trace, units, cellH, fixed });
    });
    return;
  }
  el.dataset.layout = layout;
  el.replaceChildren(...qs.map((q) => panel({ q, trace, units, cellH, fixed }, tip)));
  if (layer.gates.length === 0) {
    const note = document.createElement('p');
    note.className = 'hint'; note.textContent = 'A plain RNN has no gates: every step overwrites the whole state, h(t) = tanh(W x + U h(t−1) + b). Only its state change is shown.';
    el.prepend(note);
  }
  el.dataset.columns = String(trace.chars.length);
  el.dataset.rows = String(units.length);
}
