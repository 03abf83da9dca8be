// Line charts: axes with ticks, tick labels and axis labels (with units), linear or log₁₀ scales, a legend, optional
// markers, dashed series and horizontal reference lines. Points that cannot be drawn (NaN, or ≤ 0 on a log axis)
// break the line instead of being invented.
import { esc, extent, fmtNum, palette, scale, text, type Panel, type Scale } from './svg.js';

export interface Axis {
  /** Axis title including the unit, e.g. "time per sequence (ms)". */
  label: string;
  log?: boolean;
  min?: number;
  max?: number;
  /** Explicit tick positions (default: nice ticks of the scale). */
  ticks?: readonly number[];
  tickFormat?: (v: number) => string;
}

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  color?: string;
  /** true: dashed; a string: that SVG dash pattern (e.g. '1.5,2.5', dotted). */
  dashed?: boolean | string;
  markers?: boolean;
  /** Connect the points (default true); false draws markers only. */
  line?: boolean;
  /** A shaded band [x, low, high] behind the line (e.g. min–max or ± sd over seeds). */
  band?: readonly (readonly [number, number, number])[];
}

export interface RefLine { y: number; label: string; color?: string }

export interface LineChartSpec {
  title?: string;
  x: Axis;
  y: Axis;
  series: readonly Series[];
  refLines?: readonly RefLine[];
  /** Size of the whole panel in pixels (plot area + margins + legend). */
  width?: number;
  height?: number;
  /** Draw the legend (default true). */
  legend?: boolean;
}

const M = { left: 64, right: 14, top: 26, bottom: 44 };

export function lineChart(spec: LineChartSpec): Panel {
  const width = spec.width ?? 460, height = spec.height ?? 300;
  const showLegend = (spec.legend ?? true) && spec.series.length > 0;
  const legendW = showLegend ? 24 + 7 * Math.max(...spec.series.map((s) => s.name.length)) : 0;
  const x0 = M.left, x1 = width - M.right - legendW, y0 = height - M.bottom, y1 = M.top;
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [...spec.series.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.band ?? []).flatMap((b) => [b[1], b[2]])]), ...(spec.refLines ?? []).map((r) => r.y)];
  const [xmin, xmax] = extent(xs, Boolean(spec.x.log), spec.x);
  const [ymin, ymax] = extent(ys, Boolean(spec.y.log), spec.y);
  const sx = scale(xmin, xmax, x0, x1, spec.x.log), sy = scale(ymin, ymax, y0, y1, spec.y.log);
  let body = `<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" fill="none" stroke="#888"/>`;
  body += axisX(sx, spec.x, y0, y1) + axisY(sy, spec.y, x0, x1);
  if (spec.title) body += text(x0, 16, spec.title, 'font-size="13" font-weight="bold"');
  body += `<defs><clipPath id="c${clipId}"><rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}"/></clipPath></defs>`;
  let inner = '', labels = '';
  for (const r of spec.refLines ?? []) {
    if (!drawable(r.y, sy)) continue;
    const y = sy.map(r.y);
    inner += `<line x1="${x0}" x2="${x1}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="${r.color ?? '#666'}" stroke-dasharray="2,3"/>`;
    // drawn over the series, on a white halo
    labels += text(x0 + 4, y - 3, r.label, `font-size="10" fill="${r.color ?? '#444'}" stroke="white" stroke-width="3" paint-order="stroke"`);
  }
  spec.series.forEach((s, i) => {
    if (!s.band) return;
    const color = s.color ?? palette[i % palette.length];
    const lo = s.band.map((b) => [b[0], b[1]] as const), hi = s.band.map((b) => [b[0], b[2]] as const);
    const los = segments(lo, sx, sy), his = segments(hi, sx, sy);
    if (los.length === 1 && his.length === 1 && los[0].length === s.band.length && his[0].length === s.band.length && s.band.length > 1) {
      const pts = [...his[0], ...[...los[0]].reverse()].map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ');
      inner += `<polygon points="${pts}" fill="${color}" fill-opacity="0.18" stroke="none"/>`;
    } else {
      // a band with undrawable points (log axis, zero): vertical bars at the drawable points
      s.band.forEach((b) => {
        if (drawable(b[0], sx) && drawable(b[1], sy) && drawable(b[2], sy)) {
          const x = sx.map(b[0]).toFixed(1);
          inner += `<line x1="${x}" x2="${x}" y1="${sy.map(b[1]).toFixed(1)}" y2="${sy.map(b[2]).toFixed(1)}" stroke="${color}" stroke-opacity="0.5" stroke-width="3"/>`;
        }
      });
    }
  });
  spec.series.forEach((s, i) => {
    const color = s.color ?? palette[i % palette.length], dash = dashAttr(s);
    for (const seg of segments(s.points, sx, sy)) {
      if (seg.length > 1 && s.line !== false) inner += `<polyline fill="none" stroke="${color}" stroke-width="1.8"${dash} points="${seg.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`;
      if (s.markers || s.line === false || seg.length === 1) for (const [a, b] of seg) inner += `<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="2.8" fill="${color}"/>`;
    }
  });
  body += `<g clip-path="url(#c${clipId++})">${inner}${labels}</g>`;
  if (showLegend) body += legend(spec.series, x1 + 12, y1 + 4);
  return { width, height, body };
}

let clipId = 0;

const drawable = (v: number, s: Scale): boolean => Number.isFinite(v) && (!s.log || v > 0);

/** Pixel polylines, split wherever a point cannot be drawn. */
function segments(points: Series['points'], sx: Scale, sy: Scale): [number, number][][] {
  const out: [number, number][][] = [];
  let cur: [number, number][] = [];
  for (const [a, b] of points) {
    if (drawable(a, sx) && drawable(b, sy)) cur.push([sx.map(a), sy.map(b)]);
    else if (cur.length) { out.push(cur); cur = []; }
  }
  if (cur.length) out.push(cur);
  return out;
}

function axisX(s: Scale, a: Axis, y0: number, y1: number): string {
  const fmt = a.tickFormat ?? fmtNum, [p0, p1] = [s.map(s.min), s.map(s.max)];
  let out = '';
  for (const v of a.ticks ?? s.ticks()) {
    if (v < s.min - 1e-12 * Math.abs(s.min) || v > s.max * (1 + 1e-12) + 1e-12) continue;
    const x = s.map(v).toFixed(1);
    out += `<line x1="${x}" x2="${x}" y1="${y1}" y2="${y0}" stroke="#eee"/><line x1="${x}" x2="${x}" y1="${y0}" y2="${y0 + 4}" stroke="#444"/>`;
    out += text(+x, y0 + 16, fmt(v), 'text-anchor="middle" font-size="11"');
  }
  return out + text((p0 + p1) / 2, y0 + 36, a.label, 'text-anchor="middle" font-size="12"');
}

function axisY(s: Scale, a: Axis, x0: number, x1: number): string {
  const fmt = a.tickFormat ?? fmtNum, [p0, p1] = [s.map(s.min), s.map(s.max)];
  let out = '';
  for (const v of a.ticks ?? s.ticks()) {
    if (v < s.min * (1 - 1e-12) - 1e-12 || v > s.max * (1 + 1e-12) + 1e-12) continue;
    const y = s.map(v).toFixed(1);
    out += `<line x1="${x0}" x2="${x1}" y1="${y}" y2="${y}" stroke="#eee"/><line x1="${x0 - 4}" x2="${x0}" y1="${y}" y2="${y}" stroke="#444"/>`;
    out += text(x0 - 6, +y + 4, fmt(v), 'text-anchor="end" font-size="11"');
  }
  const cy = ((p0 + p1) / 2).toFixed(1);
  return out + `<text transform="translate(14,${cy}) rotate(-90)" text-anchor="middle" font-size="12">${esc(a.label)}</text>`;
}

/** The stroke-dasharray attribute of a series ('' for a solid line). */
const dashAttr = (s: Series): string => (s.dashed ? ` stroke-dasharray="${typeof s.dashed === 'string' ? s.dashed : '6,3'}"` : '');

function legend(series: readonly Series[], x: number, y: number): string {
  return series.map((s, i) => {
    const color = s.color ?? palette[i % palette.length], yy = y + 16 * i + 6, dash = dashAttr(s);
    const key = s.line === false ? `<circle cx="${x + 8}" cy="${yy}" r="3.5" fill="${color}"/>` : `<line x1="${x}" x2="${x + 16}" y1="${yy}" y2="${yy}" stroke="${color}" stroke-width="2.2"${dash}/>`;
    return key + text(x + 20, yy + 4, s.name, 'font-size="11"');
  }).join('');
}
