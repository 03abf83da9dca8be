// The music experiment's table (ours beside Chung et al. 2014, Table 2) and figure (validation NLL per epoch).
import { lineChart } from '../plot/line.js';
import { figure, modelColors } from '../plot/svg.js';
import type { ModelKind } from './common.js';
import type { MusicResult, MusicRun } from './music.js';
import { fmtSpread, groupBy, spread, type Seeded } from './seeds.js';

/** Published test NLL (Chung, Gulcehre, Cho & Bengio 2014, Table 2). Their GRU is Cho's (reset before W_hn). */
export const paperNll: Record<'jsb' | 'nottingham', Partial<Record<ModelKind, number>>> = {
  jsb: { rnn: 9.10, gru: 8.54, 'gru-cho': 8.54, lstm: 8.67 },
  nottingham: { rnn: 3.13, gru: 3.23, 'gru-cho': 3.23, lstm: 3.20 },
};

/** Row labels of the music tables. */
export const musicNames: Record<ModelKind, string> = { rnn: 'tanh-RNN', gru: 'GRU (PyTorch, reset after)', 'gru-cho': 'GRU (Cho 2014, reset before)', lstm: 'LSTM' };

export function musicTable(r: MusicResult): string {
  const paper = paperNll[r.dataset];
  const rows = r.results.map((x) => `| ${musicNames[x.model]} | ${x.hidden} | ${x.params} | ${x.trainNll.toFixed(2)} | ${x.validNll.toFixed(2)} | **${x.testNll.toFixed(2)}** | ${paper[x.model]?.toFixed(2) ?? '–'} | ${x.bestEpoch} / ${x.epochs} | ${x.seconds.toFixed(0)} |`);
  return [
    `${r.dataset === 'jsb' ? 'JSB Chorales' : 'Nottingham'}: NLL per time step (nats, summed over 88 pitches), lower is better`, '',
    '| model | units | params | train | valid | test | paper (test) | best epoch / run | wall time (s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|', ...rows,
  ].join('\n') + '\n';
}

export function musicFigure(r: MusicResult): string {
  const paper = paperNll[r.dataset], o = r.options;
  const best = Math.min(...r.results.map((x) => x.validNll), ...Object.values(paper).map((v) => v!));
  const curves = lineChart({
    title: 'validation NLL per epoch',
    x: { label: 'epoch', min: 0 }, y: { label: 'NLL per time step (nats)', min: Math.floor(best * 4) / 4 - 0.25, max: Math.floor(best * 4) / 4 + 2.5 },
    series: r.results.map((x) => ({ name: `${x.model} (${x.params} params)`, color: modelColors[x.model], points: x.curve.map((v, i) => [i + 1, v] as [number, number]) })),
    refLines: paper.gru !== undefined ? [{ y: paper.gru, label: `paper: GRU test ${paper.gru}` }] : [],
    width: 520, height: 320,
  });
  const idx = r.results.map((_, i) => i + 1), names = r.results.map((x) => x.model);
  const test = lineChart({
    title: 'test NLL: gated vs Chung et al. 2014',
    x: { label: 'model', ticks: idx, tickFormat: (v) => names[v - 1] ?? '', min: 0.5, max: r.results.length + 0.5 },
    y: { label: 'test NLL per time step (nats)' },
    series: [
      { name: 'gated (this run)', line: false, color: '#000000', points: r.results.map((x, i) => [i + 1, x.testNll] as [number, number]) },
      { name: 'paper, Table 2', line: false, color: '#E69F00', points: r.results.flatMap((x, i) => (paper[x.model] === undefined ? [] : [[i + 1, paper[x.model]!] as [number, number]])) },
    ],
    width: 420, height: 320,
  });
  return figure([curves, test], {
    title: `Polyphonic music (${r.dataset === 'jsb' ? 'JSB Chorales' : 'Nottingham'}): test NLL ${r.results.map((x) => `${x.model} ${x.testNll.toFixed(2)}`).join(', ')}`,
    note: `${o.optimizer} lr ${o.lr}${o.lrDecay < 1 ? ` (×${o.lrDecay} after ${o.decayPatience} epochs without progress)` : ''}, clip ${o.clip}, batch ${o.batch}`
      + `${o.weightNoise ? `, weight noise σ ${o.weightNoise}` : ''}${o.maxLength ? `, ${o.maxLength}-step pieces` : ''}, early stopping (patience ${o.patience}, at most ${o.maxEpochs} epochs), seed ${o.seed}`,
  });
}

/** The table over seeds: train / valid / test NLL as mean ± sd, each at the epoch of best validation NLL of its seed. */
export function musicSeededTable(r: Seeded<MusicResult>): string {
  const first = r.perSeed[0], paper = paperNll[first.dataset], n = r.seeds.length;
  const rows = [...groupBy(r.perSeed.flatMap((x) => x.results), (x) => x.model).values()].map((g) => {
    const s = (f: (x: MusicRun) => number) => fmtSpread(spread(g.map(f)), 2);
    const set = g[0].setting ? ` (σ ${g[0].setting.weightNoise}, lr ${g[0].setting.lr})` : '';
    return `| ${musicNames[g[0].model]}${set} | ${g[0].hidden} | ${g[0].params} | ${s((x) => x.trainNll)} | ${s((x) => x.validNll)} | **${s((x) => x.testNll)}** | ${paper[g[0].model]?.toFixed(2) ?? '–'} | ${g.map((x) => `${x.bestEpoch}/${x.epochs}`).join(', ')} | ${s((x) => x.seconds).replace(/\.\d+/g, '')} |`;
  });
  return [
    `${first.dataset === 'jsb' ? 'JSB Chorales' : 'Nottingham'}: NLL per time step (nats, summed over 88 pitches), lower is better; mean ± sd over ${n} seed${n > 1 ? 's' : ''} (${r.seeds.join(', ')})`, '',
    '| model | units | params | train | valid | test | paper (test) | best epoch / run (per seed) | wall time (s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|', ...rows,
  ].join('\n') + '\n';
}
