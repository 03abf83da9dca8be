// A tiny SVG heatmap writer for attention weights (rows: output symbols, columns: input symbols), so a task can
// show one example's alignment without a plotting dependency. Returns the SVG text; writing it is the caller's.

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** weights[r][c] in [0, 1]; darker = larger. */
export function heatmapSvg(weights: readonly (readonly number[])[], rowLabels: readonly string[], colLabels: readonly string[], title = ''): string {
  const cell = 26, left = 56, top = title ? 52 : 32, H = top + cell * rowLabels.length + 28;
  const W = Math.max(left + cell * colLabels.length + 12, Math.ceil(title.length * 7.5) + 20, 330);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`];
  if (title) parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${esc(title)}</text>`);
  colLabels.forEach((c, j) => parts.push(`<text x="${left + cell * j + cell / 2}" y="${top - 8}" text-anchor="middle">${esc(c)}</text>`));
  rowLabels.forEach((r, i) => {
    parts.push(`<text x="${left - 6}" y="${top + cell * i + cell / 2 + 4}" text-anchor="end">${esc(r)}</text>`);
    colLabels.forEach((_, j) => {
      const w = Math.max(0, Math.min(1, weights[i]?.[j] ?? 0)), g = Math.round(255 * (1 - w));
      parts.push(`<rect x="${left + cell * j}" y="${top + cell * i}" width="${cell - 1}" height="${cell - 1}" fill="rgb(${g},${g},${Math.round(255 - 120 * w)})"><title>${esc(r)} ← ${esc(colLabels[j])}: ${w.toFixed(3)}</title></rect>`);
    });
  });
  parts.push(`<text x="8" y="${H - 8}" fill="#555">rows: output, columns: input; darker = more attention</text>`, '</svg>');
  return parts.join('\n') + '\n';
}
