// Looking inside a trained GRU language model: for each character of a text, the reset gate r and update gate z of
// every unit, their means, how much the state changed (‖h_t − h_{t−1}‖), and how surprising the next character was —
// as JSON-able numbers, a heatmap (SVG) and a self-contained HTML page. Gate values come from gruGates (nn/inspect.ts).
// PyTorch's z is the share of the OLD state kept (h' = (1 − z) ⊙ n + z ⊙ h): z ≈ 1 means "remember", and the lecture
// notes' update gate is 1 − z.
import { GatedError, GRU, gruGates, logSoftmax, noGrad } from 'gated';
import type { CharVocab, CharLM } from 'gated';
import { colorAt, heatmap } from '../plot/heatmap.js';
import { esc, figure, type Panel } from '../plot/svg.js';
import { round } from './common.js';

export interface GateLayer {
  layer: number;
  hidden: number;
  /** Per character t: mean over units of z and r, and ‖h_t − h_{t−1}‖₂. */
  meanZ: number[];
  meanR: number[];
  dh: number[];
  /** Per character and unit: z[t][j], r[t][j]. */
  z: number[][];
  r: number[][];
}

export interface GateReport {
  text: string;
  /** The characters, one per step (code points). */
  chars: string[];
  /** −log p(chars[t+1] | chars[0..t]) in nats, for t < T − 1 (what the model thought of the next character). */
  nextNll: number[];
  layers: GateLayer[];
}

/** Runs a GRU character model over `text` (from a zero state) and collects its gates layer by layer. */
export function inspectGates(model: CharLM, vocab: CharVocab, text: string): GateReport {
  if (!(model.rnn instanceof GRU)) throw new GatedError('INVALID_ARGUMENT', `inspect needs a GRU model, this one is ${model.config.cell.toUpperCase()}`);
  const chars = Array.from(text);
  if (chars.length === 0) throw new GatedError('INVALID_ARGUMENT', 'inspect: the text is empty');
  const ids = vocab.encode(text), T = ids.length, V = model.config.vocabSize;
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const x = model.embed.forward(ids, [T, 1]);
      const traces = gruGates(model.rnn as GRU, x);
      const logp = logSoftmax(model.forward(ids, T, 1).logits.reshape([T, V]), 1).data;
      const nextNll = Array.from({ length: T - 1 }, (_, t) => round(-logp[t * V + ids[t + 1]], 4));
      const layers = traces.map((tr): GateLayer => {
        const H = tr.z.shape[2];
        const rows = (g: Float32Array) => Array.from({ length: T }, (_, t) => Array.from(g.subarray(t * H, (t + 1) * H), (v) => round(v, 4)));
        const z = rows(tr.z.data), r = rows(tr.r.data);
        const mean = (m: number[][]) => m.map((row) => round(row.reduce((a, b) => a + b, 0) / H, 4));
        return { layer: tr.layer, hidden: H, meanZ: mean(z), meanR: mean(r), dh: Array.from(tr.dh.data, (v) => round(v, 4)), z, r };
      });
      return { text, chars, nextNll, layers };
    });
  } finally { model.train(wasTraining); }
}

/** Units whose gate varies most over the text (largest variance), at most `k`, ordered by their mean value. */
export function activeUnits(g: number[][], k: number): number[] {
  const H = g[0].length, T = g.length;
  const stats = Array.from({ length: H }, (_, j) => {
    let s = 0, s2 = 0;
    for (let t = 0; t < T; t++) { s += g[t][j]; s2 += g[t][j] ** 2; }
    return { j, mean: s / T, variance: s2 / T - (s / T) ** 2 };
  });
  return stats.sort((a, b) => b.variance - a.variance).slice(0, k).sort((a, b) => b.mean - a.mean).map((s) => s.j);
}

export interface GatesFigureOptions {
  /** Units shown per gate: the `units` whose gate varies most over the text (default: all units). */
  units?: number;
  /** Characters per heatmap row block (default 72). */
  wrap?: number;
}

/** Units by decreasing mean of the gate over the text (all of them, or the `k` most varying). */
function unitOrder(g: number[][], k?: number): number[] {
  const H = g[0].length;
  if (k !== undefined && k < H) return activeUnits(g, k);
  const mean = Array.from({ length: H }, (_, j) => g.reduce((s, row) => s + row[j], 0));
  return Array.from({ length: H }, (_, j) => j).sort((a, b) => mean[b] - mean[a]);
}

/**
 * Heatmap per layer and text segment (wrapped every `wrap` characters): rows mean z, mean r, ‖Δh‖ (scaled by its
 * maximum over the text), then z of every unit and r of every unit, each sorted by the unit's mean over the text.
 */
export function gatesFigure(rep: GateReport, opts: GatesFigureOptions = {}): string {
  const wrap = opts.wrap ?? 72, T = rep.chars.length;
  const panels: Panel[] = [];
  for (const L of rep.layers) {
    const zu = unitOrder(L.z, opts.units), ru = unitOrder(L.r, opts.units), dmax = Math.max(...L.dh, 1e-12);
    const uh = zu.length > 48 ? 2 : zu.length > 24 ? 4 : 8; // row height of a unit
    const labels = ['mean z', 'mean r', `‖Δh‖ / ${dmax.toFixed(2)}`, '', `z, ${zu.length} units ↓`, ...zu.slice(1).map(() => ''), '', `r, ${ru.length} units ↓`, ...ru.slice(1).map(() => '')];
    const heights = [11, 11, 11, 5, ...zu.map(() => uh), 5, ...ru.map(() => uh)];
    for (let s = 0; s < T; s += wrap) {
      const cols = Array.from({ length: Math.min(wrap, T - s) }, (_, i) => s + i);
      const values = [
        cols.map((t) => L.meanZ[t]), cols.map((t) => L.meanR[t]), cols.map((t) => L.dh[t] / dmax), cols.map(() => NaN),
        ...zu.map((j) => cols.map((t) => L.z[t][j])), cols.map(() => NaN), ...ru.map((j) => cols.map((t) => L.r[t][j])),
      ];
      panels.push(heatmap({
        title: `layer ${L.layer} (${L.hidden} units), characters ${s + 1}–${s + cols.length}`,
        values, colLabels: cols.map((t) => rep.chars[t]), rowLabels: labels, rowHeights: heights, labelWidth: 100, min: 0, max: 1,
        colorbarLabel: 'gate value (0–1); ‖Δh‖ as a share of its maximum', cellWidth: 11,
      }));
    }
  }
  const which = opts.units === undefined ? 'all units' : `the ${opts.units} units whose gate varies most`;
  return figure(panels, {
    columns: 1, title: 'GRU gates per character',
    note: `z: share of the old state kept (PyTorch's update gate; the notes' update gate is 1 − z); r: reset gate; ${which}, sorted by mean over the text`,
  });
}

/** A self-contained HTML page: the text coloured by mean z, mean r and ‖Δh‖ (values on hover), and the heatmap. */
export function gatesHtml(rep: GateReport, opts: GatesFigureOptions = {}): string {
  // each row coloured over its own range on this text (the means vary far less than single units)
  const line = (L: GateLayer, name: string, vals: number[]): string => {
    const lo = Math.min(...vals), hi = Math.max(...vals);
    const spans = rep.chars.map((c, t) => {
      const tip = `'${c}' t=${t}: mean z ${L.meanZ[t].toFixed(3)}, mean r ${L.meanR[t].toFixed(3)}, ‖Δh‖ ${L.dh[t].toFixed(3)}${t + 1 < rep.chars.length ? `, next-char NLL ${rep.nextNll[t].toFixed(2)} nats` : ''}`;
      const u = (vals[t] - lo) / (hi - lo || 1);
      return `<span style="background:${colorAt('viridis', u)};color:${u > 0.6 ? '#000' : '#fff'}" title="${esc(tip)}">${c === ' ' ? '&nbsp;' : esc(c)}</span>`;
    }).join('');
    return `<div class="row"><div class="label">${esc(name)}<br><small>${lo.toFixed(2)} … ${hi.toFixed(2)}</small></div><div class="text">${spans}</div></div>`;
  };
  const body = rep.layers.map((L) => `<h2>layer ${L.layer} (${L.hidden} units)</h2>`
    + line(L, 'mean z (kept)', L.meanZ) + line(L, 'mean r (reset)', L.meanR) + line(L, '‖Δh‖', L.dh)).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GRU gates: ${esc(rep.text.slice(0, 60))}</title>
<style>
body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
.row { display: flex; align-items: baseline; margin: 4px 0; }
.label { width: 150px; flex: none; font-size: 13px; }
.text { font-family: DejaVu Sans Mono, monospace; font-size: 15px; line-height: 1.6; word-break: break-all; }
.text span { padding: 1px 0; }
p { max-width: 60em; }
</style></head><body>
<h1>GRU gates per character</h1>
<p>Each character is coloured by the model's gates at that step (viridis, from the row's lowest value on this text,
dark, to its highest, yellow — the range is under the row's name; hover for the numbers).
<b>z</b> is PyTorch's update gate, the share of the old state kept (h' = (1 − z)·n + z·h), so z near 1 means
"remember"; the lecture notes' update gate is 1 − z. <b>r</b> is the reset gate (how much of the old state feeds the
candidate). <b>‖Δh‖</b> is how much the character changed the state.</p>
${body}
<h2>Per unit</h2>
${gatesFigure(rep, opts)}
</body></html>
`;
}
