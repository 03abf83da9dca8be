// `gated inspect`: the gates of a trained GRU character model on a text — per character the mean and per-unit update
// gate z and reset gate r and the hidden-state change — written as JSON, an SVG heatmap and a self-contained HTML page.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gatesFigure, gatesHtml, inspectGates } from '../../apps/experiments/gates.js';
import { loadCharLM, type LMConfig, decodeModelDir } from 'gated';
import { jsonBytes } from '../json.js';
import { readModelDir, writeFileAtomic } from 'gated/node';
import { num, parse, UsageError } from '../args.js';

export const help = `Usage: gated inspect --model DIR --text "..." [options]

Runs a GRU character model trained by \`gated train\` over a text and shows, for every character and layer, the
update gate z and reset gate r (mean over units and per unit) and how much the hidden state changed. z is PyTorch's
update gate, the share of the old state kept (h' = (1 − z)·n + z·h); the lecture notes' update gate is 1 − z.

  --model DIR     model directory written by \`gated train --cell gru\` (required)
  --text S        the text to inspect (required); every character must be in the model's vocabulary
  --out DIR       where gates.json, gates.svg and gates.html go            [runs/inspect]
  --units N       show only the N units per gate that vary most over the text  [all units]
  -h, --help      show this help
`;

export function run(argv: string[]): void {
  const { values: v } = parse(argv, { model: { type: 'string' }, text: { type: 'string' }, out: { type: 'string' }, units: { type: 'string' } });
  if (v.help) { process.stdout.write(help); return; }
  if (typeof v.model !== 'string') throw new UsageError('--model DIR is required');
  if (typeof v.text !== 'string' || v.text.length === 0) throw new UsageError('--text "..." is required');
  const units = v.units === undefined ? undefined : num(v, 'units', 0, { int: true, min: 1 });
  const out = (v.out as string | undefined) ?? join('runs', 'inspect');
  const { model, vocab } = loadCharLM(decodeModelDir<LMConfig>(readModelDir(v.model)));
  const rep = inspectGates(model, vocab, v.text);
  mkdirSync(out, { recursive: true });
  writeFileAtomic(join(out, 'gates.json'), jsonBytes(rep));
  writeFileAtomic(join(out, 'gates.svg'), gatesFigure(rep, { units }));
  writeFileAtomic(join(out, 'gates.html'), gatesHtml(rep, { units }));
  const L = rep.layers[rep.layers.length - 1];
  const rows = rep.chars.map((c, t) => `${JSON.stringify(c).padEnd(5)} ${L.meanZ[t].toFixed(3)}  ${L.meanR[t].toFixed(3)}  ${L.dh[t].toFixed(3)}  ${t + 1 < rep.chars.length ? rep.nextNll[t].toFixed(2) : '   –'}`);
  process.stdout.write(`layer ${L.layer} (of ${rep.layers.length}): per character\nchar  mean z mean r ‖Δh‖   next-char NLL (nats)\n${rows.join('\n')}\n`);
  process.stdout.write(`wrote ${join(out, 'gates.json')}, ${join(out, 'gates.svg')}, ${join(out, 'gates.html')}\n`);
}
