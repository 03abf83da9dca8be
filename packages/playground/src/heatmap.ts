// Heatmaps of the gate view drawn on canvases: columns = characters read, rows = units (or one row per quantity,
// averaged over units). Gates use a fixed 0…1 scale; the state change |Δh| is scaled to its largest value shown.
import type { GateTrace, LayerTrace } from './gates.js';

const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

function color(v: number): string {
  const x = Math.min(1, Math.max(0, v)) * (VIRIDIS.length - 1), i = Math.min(VIRIDIS.length - 2, Math.floor(x)), f = x - i;
  const c = VIRIDIS[i].map((a, k) => Math.round(a + (VIRIDIS[i + 1][k] - a) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

const show = (c: string): string => (c === ' ' ? '␣' : c === '\n' ? '↵' : c);

interface Row { label: string; values: Float32Array; scale: number }   // values [T]

/** Mean over units of each [T, H] array → [T]. */
function mean(a: Float32Array, T: number, H: number): Float32Array {
  const out = new Float32Array(T);
  for (let t = 0; t < T; t++) { let s = 0; for (let j = 0; j < H; j++) s += a[t * H + j]; out[t] = s / H; }
  return out;
}

function maxOf(a: Float32Array): number { let m = 0; for (const v of a) m = Math.max(m, v); return m || 1; }

/** Draws one panel: a title, the character labels, then `rows` of cells. */
function panel(title: string, chars: string[], rows: Row[], cellW: number, cellH: number, labelW: number, tip: HTMLElement): HTMLElement {
  const box = document.createElement('div'), h = document.createElement('div'), cv = document.createElement('canvas');
  box.className = 'panel';
  h.className = 'panel-title'; h.textContent = title;
  const top = 18, T = chars.length, dpr = window.devicePixelRatio || 1;
  const W = labelW + T * cellW, Ht = top + rows.length * cellH;
  cv.width = W * dpr; cv.height = Ht * dpr; cv.style.width = `${W}px`; cv.style.height = `${Ht}px`;
  const g = cv.getContext('2d')!;
  g.scale(dpr, dpr);
  g.font = '12px ui-monospace, monospace'; g.textAlign = 'center'; g.textBaseline = 'middle'; g.fillStyle = '#111';
  chars.forEach((c, t) => g.fillText(show(c), labelW + t * cellW + cellW / 2, top / 2));
  rows.forEach((r, i) => {
    if (labelW) { g.textAlign = 'right'; g.fillStyle = '#111'; g.fillText(r.label, labelW - 6, top + i * cellH + cellH / 2); g.textAlign = 'center'; }
    for (let t = 0; t < T; t++) { g.fillStyle = color(r.values[t] / r.scale); g.fillRect(labelW + t * cellW, top + i * cellH, cellW, cellH); }
  });
  cv.addEventListener('mousemove', (e) => {
    const t = Math.floor((e.offsetX - labelW) / cellW), i = Math.floor((e.offsetY - top) / cellH);
    if (t < 0 || t >= T || i < 0 || i >= rows.length) { tip.textContent = ''; return; }
    tip.textContent = `${rows[i].label} after '${show(chars[t])}' (character ${t + 1}): ${rows[i].values[t].toFixed(3)}`;
  });
  box.append(h, cv);
  return box;
}

/** The colour scale: 0 … 1 of a gate (or of |Δh| relative to its largest value). */
function legend(): HTMLElement {
  const box = document.createElement('div'), bar = document.createElement('span');
  box.className = 'legend';
  bar.style.background = `linear-gradient(to right, ${VIRIDIS.map((c) => `rgb(${c.join(',')})`).join(', ')})`;
  box.append('0', bar, '1');
  return box;
}

/** Renders a layer's trace into `el`: averaged rows (`mode` 'mean') or every unit ('units'). */
export function renderGates(el: HTMLElement, trace: GateTrace, layer: LayerTrace, mode: 'mean' | 'units', tip: HTMLElement): void {
  const T = trace.chars.length, H = trace.H;
  el.replaceChildren(legend());
  el.dataset.columns = String(T);
  const cellW = T > 80 ? 10 : T > 30 ? 16 : 24;
  const quantities = [...layer.gates.map((g) => ({ name: g.name, label: g.label, values: g.values, gate: true })),
    { name: 'dh', label: 'state change |h(t) − h(t−1)|', values: layer.dh, gate: false }];
  if (mode === 'mean') {
    const rows = quantities.map((q) => { const v = mean(q.values, T, H); return { label: q.gate ? `mean ${q.name}` : 'mean |Δh|', values: v, scale: q.gate ? 1 : maxOf(v) }; });
    el.append(panel(`layer ${layer.layer + 1}: unit averages (gates on 0…1, |Δh| on 0…max)`, trace.chars, rows, cellW, 22, 80, tip));
  } else {
    const cellH = H > 128 ? 2 : H > 48 ? 3 : 6;
    for (const q of quantities) {
      const scale = q.gate ? 1 : maxOf(q.values);
      const rows = Array.from({ length: H }, (_, j) => ({
        label: `${q.name}[${j}]`, scale,
        values: Float32Array.from({ length: T }, (_, t) => q.values[t * H + j]),
      }));
      el.append(panel(`layer ${layer.layer + 1}: ${q.label}, ${H} units${q.gate ? '' : ` (0…${scale.toFixed(2)})`}`, trace.chars, rows, cellW, cellH, 0, tip));
    }
  }
}
