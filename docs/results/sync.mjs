// Copies the notebooks of the runs the docs cite into docs/results/ and replaces each marked block of a doc with the
// run's generated table, so that no number in a table is typed by hand:
//   <!-- table: experiments/adding -->  …  <!-- /table -->   ←  docs/results/experiments/adding/table.md
// Usage: node docs/results/sync.mjs [RUNS_DIR]   (RUNS_DIR/experiments/<name>/{result.json,table.md,<name>.svg}; default runs)
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url)), docs = dirname(here), runs = process.argv[2] ?? 'runs';
for (const name of ['vanishing', 'adding', 'copy', 'agreement']) {
  const src = join(runs, 'experiments', name);
  if (!existsSync(join(src, 'result.json'))) continue;
  const dst = join(here, 'experiments', name);
  mkdirSync(dst, { recursive: true });
  for (const f of ['result.json', 'table.md']) copyFileSync(join(src, f), join(dst, f));
  copyFileSync(join(src, `${name}.svg`), join(docs, 'img', 'experiments', `${name}-seeds.svg`));
}
for (const doc of ['experiments.md', 'tasks.md']) {
  const path = join(docs, doc), text = readFileSync(path, 'utf8');
  const out = text.replace(/(<!-- table: ([\w/-]+) -->\n)[\s\S]*?(<!-- \/table -->)/g, (_, open, key, close) => {
    const file = join(here, key, 'table.md');
    return existsSync(file) ? `${open}${readFileSync(file, 'utf8').trim()}\n${close}` : `${open}(not yet run)\n${close}`;
  });
  if (out !== text) { writeFileSync(path, out); console.log(`updated ${doc}`); }
}
