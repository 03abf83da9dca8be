// The music experiment's table (ours beside Chung et al. 2014, Table 2) and figure (validation NLL per epoch).
import { lineChart } from '../plot/line.js';
import { figure, modelColors } from '../plot/svg.js';
import type { ModelKind } from './common.js';
import type { MusicResult } from './music.js';

/** Published test NLL (Chung, Gulcehre, Cho & Bengio 2014, Table 2). Their GRU is Cho's (reset before W_hn). */
export const paperNll: Record<'jsb' | 'nottingham', Partial<Record<ModelKind, number>>> = {
  jsb: { rnn: 9.10, gru: 8.54, 'gru-cho': 8.54, lstm: 8.67 },
  nottingham: { rnn: 3.13, gru: 3.23, 'gru-cho': 3.23, lstm: 3.20 },
};

const names: Record<ModelKind, string> = { rnn: 'tanh-RNN', gru: 'GRU (PyTorch, reset after)', 'gru-cho': 'GRU (Cho 2014, reset before)', lstm: 'LSTM' };

export function musicTable(r: MusicResult): string {
  const paper = paperNll[r.dataset];
  const rows = r.results.map((x) => `| ${names[x.model]} | ${x.hidden} | ${x.params} | ${x.trainNll.toFixed(2)} | ${x.validNll.toFixed(2)} | **${x.testNll.toFixed(2)}** | ${paper[x.model]?.toFixed(2) ?? '–'} | ${x.bestEpoch} / ${x.epochs} | ${x.seconds.toFixed(0)} |`);
  return [
    `${r.dataset === 'jsb' ? 'JSB Chorales' : 'Nottingham'}: NLL per time step (nats, summed over 88 pitches), lower is better`, '',
    '| model | units | params | train | valid | test | paper (test) | best epoch / run | wall time (s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|', ...rows,
  ].join('\n') + '\n';
}

export function musicFigure(r: MusicResult): string {
  const paper = paperNll[r.dataset];
  const chart = lineChart({
    title: 'validation NLL per epoch',
    x: { label: 'epoch', min: 0 }, y: { label: 'NLL per time step (nats)' },
    series: r.results.map((x) => ({ name: `${x.model} (${x.params} params)`, color: modelColors[x.model], points: x.curve.map((v, i) => [i + 1, v] as [number, number]) })),
    refLines: paper.gru !== undefined ? [{ y: paper.gru, label: `paper: GRU test ${paper.gru}` }] : [],
    width: 560, height: 340,
  });
  const o = r.options;
  return figure([chart], {
    title: `Polyphonic music (${r.dataset === 'jsb' ? 'JSB Chorales' : 'Nottingham'}): test NLL ${r.results.map((x) => `${x.model} ${x.testNll.toFixed(2)}`).join(', ')}`,
    note: `${o.optimizer} lr ${o.lr}, clip ${o.clip}, batch ${o.batch}, early stopping (patience ${o.patience}), seed ${o.seed}`,
  });
}
