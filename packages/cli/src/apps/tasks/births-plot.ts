// The births task's figure: forecasts against the truth for a few 1988 test origins (holidays marked), and the
// mean absolute error of each model by horizon day 1–14 over all test origins.
import { lineChart } from '../plot/line.js';
import { figure } from '../plot/svg.js';
import type { BirthsResults } from './births.js';

const colors = { truth: '#000000', model: '#0072B2', seasonalNaive: '#999999', linear: '#009E73' };

export function birthsFigure(r: BirthsResults): string {
  const pts = (v: readonly number[]) => v.map((y, h) => [h + 1, y] as [number, number]);
  const panels = r.examples.map((e) => lineChart({
    title: `from ${e.origin}: ${e.dates[0]} … ${e.dates[e.dates.length - 1]}`,
    x: { label: 'horizon day h', min: 1, max: e.dates.length, ticks: [1, 4, 7, 10, 14] }, y: { label: 'births per day' },
    series: [
      { name: 'truth', points: pts(e.truth), color: colors.truth, markers: true },
      { name: 'GRU', points: pts(e.model), color: colors.model },
      { name: 'seasonal naive', points: pts(e.seasonalNaive), color: colors.seasonalNaive, dashed: true },
      { name: 'ridge', points: pts(e.linear), color: colors.linear, dashed: true },
      { name: 'holiday', points: e.truth.flatMap((y, h) => (e.holidays[h] ? [[h + 1, y] as [number, number]] : [])), color: '#D55E00', line: false },
    ],
    width: 470, height: 260,
  }));
  panels.push(lineChart({
    title: 'test MAE by horizon day (all 1988 origins)',
    x: { label: 'horizon day h', min: 1, max: r.maeByHorizon.model.length, ticks: [1, 4, 7, 10, 14] }, y: { label: 'MAE (births per day)', min: 0 },
    series: [
      { name: 'GRU', points: pts(r.maeByHorizon.model), color: colors.model, markers: true },
      { name: 'seasonal naive', points: pts(r.maeByHorizon.seasonalNaive), color: colors.seasonalNaive, dashed: true, markers: true },
      { name: 'ridge', points: pts(r.maeByHorizon.linear), color: colors.linear, dashed: true, markers: true },
    ],
    width: 470, height: 260,
  }));
  return figure(panels, { columns: 2, title: 'US births 1988: 14-day forecasts from the last 56 days', note: 'holidays: New Year, Memorial Day, Independence Day, Labor Day, Thanksgiving, Christmas' });
}
