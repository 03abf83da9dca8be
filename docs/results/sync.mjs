// Copies the notebooks of the runs the docs cite into docs/results/ and replaces each marked block of a doc with the
// run's generated table, so that no number in a table is typed by hand:
//   <!-- table: experiments/adding -->  …  <!-- /table -->   ←  docs/results/experiments/adding/table.md
// Usage: node docs/results/sync.mjs [RUNS_DIR]   (RUNS_DIR/experiments/<dir>/{result.json,table.md,<experiment>.svg}; default
// runs); the figure goes to docs/img/experiments/<dir>-seeds.svg. Tasks run with --seeds: RUNS_DIR/tasks/<dir>/{result.json,
// table.md} → docs/results/tasks/<dir>/ (their models and per-seed figures stay in the run directory).
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url)), docs = dirname(here), runs = process.argv[2] ?? 'runs';
const runDirs = existsSync(join(runs, 'experiments')) ? readdirSync(join(runs, 'experiments')) : [];
for (const dir of runDirs) {
  const src = join(runs, 'experiments', dir);
  if (!existsSync(join(src, 'result.json'))) continue;
  const { experiment } = JSON.parse(readFileSync(join(src, 'result.json'), 'utf8'));
  const dst = join(here, 'experiments', dir);
  mkdirSync(dst, { recursive: true });
  for (const f of ['result.json', 'table.md']) copyFileSync(join(src, f), join(dst, f));
  copyFileSync(join(src, `${experiment}.svg`), join(docs, 'img', 'experiments', `${dir}-seeds.svg`));
}
const taskDirs = existsSync(join(runs, 'tasks')) ? readdirSync(join(runs, 'tasks')) : [];
for (const dir of taskDirs) {
  const src = join(runs, 'tasks', dir);
  if (!existsSync(join(src, 'result.json')) || !existsSync(join(src, 'table.md'))) continue;
  const dst = join(here, 'tasks', dir);
  mkdirSync(dst, { recursive: true });
  for (const f of ['result.json', 'table.md']) copyFileSync(join(src, f), join(dst, f));
}
for (const doc of ['experiments.md', 'tasks.md']) {
  const path = join(docs, doc), text = readFileSync(path, 'utf8');
  const out = text.replace(/(<!-- table: ([\w/-]+) -->\n)[\s\S]*?(<!-- \/table -->)/g, (_, open, key, close) => {
    const file = join(here, key, 'table.md');
    return existsSync(file) ? `${open}${readFileSync(file, 'utf8').trim()}\n${close}` : `${open}(not yet run)\n${close}`;
  });
  if (out !== text) { writeFileSync(path, out); console.log(`updated ${doc}`); }
}
