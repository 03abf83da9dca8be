// Births: holidays and calendar features, the seasonal-naive and ridge baselines on hand-made series, the time
// split, and the quick pipeline on the real series (the GRU beats seasonal naive on 1988).
import { describe, expect, it } from 'vitest';
import { HORIZON, RidgeForecaster, quickBirthsOptions, WINDOW, birthsSplit, calendar, isHoliday, seasonalNaive, testBirths, trainBirths, type Day } from '../../../src/apps/tasks/births.js';
import { usBirths } from '../../../src/task-datasets.js';
import { birthsFigure } from '../../../src/apps/tasks/births-plot.js';

const series = (n: number, f: (i: number) => number): Day[] => Array.from({ length: n }, (_, i) => {
  const d = new Date(Date.UTC(1986, 0, 1 + i));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, date_of_month: d.getUTCDate(), day_of_week: d.getUTCDay() || 7, births: f(i) };
});

describe('births features and baselines', () => {
  it('knows the movable US holidays of 1988', () => {
    expect(isHoliday({ year: 1988, month: 11, date_of_month: 24 })).toBe(true);   // Thanksgiving
    expect(isHoliday({ year: 1988, month: 5, date_of_month: 30 })).toBe(true);    // Memorial Day
    expect(isHoliday({ year: 1988, month: 9, date_of_month: 5 })).toBe(true);     // Labor Day
    expect(isHoliday({ year: 1988, month: 11, date_of_month: 17 })).toBe(false);
    const c = calendar({ year: 1988, month: 1, date_of_month: 1, day_of_week: 5, births: 0 });
    expect(c.slice(0, 7)).toEqual([0, 0, 0, 0, 1, 0, 0]);
    expect(c[8]).toBeCloseTo(1, 10); expect(c[9]).toBe(1);
  });
  it('seasonal naive repeats the last observed week', () => {
    const days = series(40, (i) => 100 + i);
    // origin 20: h = 1..7 → days 14..20, h = 8..14 → days 14..20 again
    expect(seasonalNaive(days, 20)).toEqual([...[114, 115, 116, 117, 118, 119, 120], ...[114, 115, 116, 117, 118, 119, 120]]);
  });
  it('splits by the year of the targets; ridge fits a series it can represent', () => {
    const days = series(365 * 3 + 1, (i) => 1000 * (1 + 0.1 * Math.sin((2 * Math.PI * i) / 7)));  // 1986–1988
    const s = birthsSplit(days);
    const yearOf = (o: number, h: number): number => days[o + h].year;
    expect(s.train.every((x) => yearOf(x.origin, HORIZON) < 1987)).toBe(true);
    expect(s.val.every((x) => yearOf(x.origin, 1) === 1987 && yearOf(x.origin, HORIZON) === 1987)).toBe(true);
    expect(s.test.every((x) => yearOf(x.origin, 1) === 1988)).toBe(true);
    expect(s.test.length).toBe(366 - HORIZON + 1);
    expect(s.train[0].origin).toBe(WINDOW - 1);
    const r = RidgeForecaster.fit(s.train, 1e-6);
    const p = r.predict(s.test[10]);
    p.forEach((y, h) => expect(y).toBeCloseTo(days[s.test[10].origin + h + 1].births, 0));
  });
});

// Skipped on the reference (js) kernels: training takes minutes there; the kernels are compared on both backends elsewhere.
describe.skipIf(process.env.GATED_BACKEND === 'js')('births quick pipeline on the CDC series', () => {
  it('(--quick settings) the GRU beats seasonal naive on 1988 (MAE and RMSE)', () => {
    const split = birthsSplit(usBirths());
    const t = trainBirths(split, quickBirthsOptions);
    const r = testBirths(t.model, t.ridge, split);
    expect(r.model.count).toBe(split.test.length * HORIZON);
    expect(r.model.mae).toBeLessThan(r.seasonalNaive.mae);
    expect(r.model.rmse).toBeLessThan(r.seasonalNaive.rmse);
    // MAE by horizon averages back to the overall MAE; the example origins are 1988's and include holidays
    for (const k of ['model', 'seasonalNaive', 'linear'] as const) {
      expect(r.maeByHorizon[k]).toHaveLength(HORIZON);
      expect(r.maeByHorizon[k].reduce((a, v) => a + v, 0) / HORIZON).toBeCloseTo(r[k].mae, 6);
    }
    expect(r.examples.map((e) => e.origin)).toEqual(['1988-03-06', '1988-05-24', '1988-06-28', '1988-11-18', '1988-12-15']);
    expect(r.examples.filter((e) => e.holidays.some(Boolean))).toHaveLength(4);
    expect(birthsFigure(r)).toContain('test MAE by horizon day');
  }, 120_000);
});
