// Tables and figure of a music `--grid` run: the grid as validation NLL (no test numbers exist for it), the selected
// settings, the final seeds' NLL as mean ± sd beside the paper, and which orderings the spread allows.
import { lineChart } from '../plot/line.js';
import { figure, modelColors } from '../plot/svg.js';
import { gridSettings, type MusicGridResult } from './music-grid.js';
import { musicNames, musicSeededTable, paperNll } from './music-report.js';
import type { MusicRun } from './music.js';
import { groupBy, separated, spread } from './seeds.js';

const setting = (s: { weightNoise: number; lr: number }) => `σ ${s.weightNoise}, lr ${s.lr}`;

/** Model × setting matrix of validation NLL (train NLL in brackets, best epoch / epochs run); the selected cell in bold. */
export function musicGridTable(r: MusicGridResult): string {
  const settings = gridSettings(r.grid), sel = new Map(r.selected.map((s) => [s.model, s]));
  const rows = [...groupBy(r.candidates, (c) => c.model).values()].map((g) => {
    const cells = settings.map((s) => {
      const c = g.find((x) => x.weightNoise === s.weightNoise && x.lr === s.lr);
      if (!c) return '–';
      const chosen = sel.get(c.model), v = `${c.fit.validNll.toFixed(3)} (${c.fit.trainNll.toFixed(2)}; ${c.fit.bestEpoch}/${c.fit.epochs})`;
      return chosen && chosen.weightNoise === c.weightNoise && chosen.lr === c.lr ? `**${v}**` : v;
    });
    return `| ${musicNames[g[0].model]} | ${cells.join(' | ')} |`;
  });
  const secs = r.gridSeconds ? `; grid ${r.gridSeconds.seconds.toFixed(0)} s wall, ${r.gridSeconds.cpuSeconds.toFixed(0)} CPU s` : '';
  return [
    `Selection grid (seed ${r.grid.seed}, validation only): validation NLL per time step (train NLL; best epoch / epochs run); the selected setting per model in bold${secs}`, '',
    `| model | ${settings.map(setting).join(' | ')} |`, `|---|${settings.map(() => '---:').join('|')}|`, ...rows, '',
    `Selected (lowest validation NLL): ${r.selected.map((s) => `${s.model} ${setting(s)} (valid ${s.validNll.toFixed(3)})`).join('; ')}`,
  ].join('\n') + '\n';
}

/** Pairs of models whose test NLL intervals (mean ± sd over ≥ 3 seeds) separate (`separated`), in words. */
export function musicOrderings(runs: readonly MusicRun[]): string {
  const groups = [...groupBy(runs, (x) => x.model).values()].map((g) => ({ model: g[0].model, s: spread(g.map((x) => x.testNll)) }));
  const claims: string[] = [], within: string[] = [];
  groups.forEach((a, i) => groups.slice(i + 1).forEach((b) => {
    const [lo, hi] = a.s.mean <= b.s.mean ? [a, b] : [b, a];
    (separated(a.s, b.s) ? claims : within).push(`${lo.model} < ${hi.model}`);
  }));
  const n = Math.min(...groups.map((g) => g.s.n));
  if (n < 3) return `Orderings: none claimed (${n} seed${n === 1 ? '' : 's'}; the protocol needs 3).\n`;
  return `Orderings on test (mean ± sd intervals separate): ${claims.length ? claims.join(', ') : 'none'}; within the spread: ${within.length ? within.join(', ') : 'none'}.\n`;
}

/** The whole `table.md` of a grid run: grid, then the final table and its orderings (once the first seed is in). */
export function musicGridTables(r: MusicGridResult): string {
  const finals = r.perSeed.length ? `\n${musicSeededTable(r)}\n${musicOrderings(r.perSeed.flatMap((x) => x.results))}` : '\n(final seeds not yet run)\n';
  return `${musicGridTable(r)}${finals}`;
}

/** Left: validation NLL per epoch of every grid candidate; right: test NLL of every final seed beside the paper. */
export function musicGridFigure(r: MusicGridResult): string {
  const paper = paperNll[r.perSeed[0]?.dataset ?? 'jsb'], models = r.selected.map((s) => s.model);
  const best = Math.min(...r.candidates.map((c) => c.fit.validNll));
  const curves = lineChart({
    title: `grid (seed ${r.grid.seed}): validation NLL per epoch`,
    x: { label: 'epoch', min: 0 }, y: { label: 'NLL per time step (nats)', min: Math.floor(best * 4) / 4 - 0.25, max: Math.floor(best * 4) / 4 + 2.5 },
    series: r.candidates.map((c) => ({ name: `${c.model} ${setting(c)}`, color: modelColors[c.model], points: c.fit.curve.map((v, i) => [i + 1, v] as [number, number]) })),
    width: 520, height: 360,
  });
  const runs = r.perSeed.flatMap((x) => x.results), at = (m: string) => models.indexOf(m as never) + 1;
  const test = lineChart({
    title: `test NLL, selected settings, ${r.perSeed.length} seed${r.perSeed.length === 1 ? '' : 's'}`,
    x: { label: 'model', ticks: models.map((_, i) => i + 1), tickFormat: (v) => models[v - 1] ?? '', min: 0.5, max: models.length + 0.5 },
    y: { label: 'test NLL per time step (nats)' },
    series: [
      { name: 'gated (each seed)', line: false, color: '#000000', points: runs.map((x) => [at(x.model), x.testNll] as [number, number]) },
      { name: 'paper, Table 2', line: false, color: '#E69F00', points: models.flatMap((m, i) => (paper[m] === undefined ? [] : [[i + 1, paper[m]!] as [number, number]])) },
    ],
    width: 420, height: 360,
  });
  return figure([curves, test], {
    title: `Polyphonic music: settings selected on validation, then ${r.seeds.length} seed${r.seeds.length === 1 ? '' : 's'} on test`,
    note: `selected: ${r.selected.map((s) => `${s.model} ${setting(s)}`).join('; ')}`,
  });
}
