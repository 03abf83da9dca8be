// Writes examples/data/sequences.csv: one sequence a row, its label first, then 12–30 values: a sine wave of random
// phase under noise, slow (label 0, ω = 0.3) or fast (label 1, ω = 0.8) — a small time-series classification task.
// Seeded; `npx tsx examples/data/make-sequences.ts` rewrites the file.
import { writeFileSync } from 'node:fs';
import { Rng } from 'gated';

const rng = new Rng(7), rows: string[] = [];
for (let n = 0; n < 600; n++) {
  const label = rng.int(2), omega = label ? 0.8 : 0.3, phase = rng.uniform(0, 2 * Math.PI), T = 12 + rng.int(19);
  const values = Array.from({ length: T }, (_, t) => Math.sin(omega * t + phase) + rng.uniform(-0.5, 0.5));
  rows.push([label, ...values.map((v) => v.toFixed(2))].join(','));
}
writeFileSync(new URL('./sequences.csv', import.meta.url), rows.join('\n') + '\n');
