// `npm run size`: what a user installs and what a browser downloads, for gated and the two anchors, measured the same
// way in one run and written to docs/size.md. Installs go into empty projects from the npm registry (or its cache):
//   installed   bytes under node_modules (apparent sizes) and packages in `npm ls --all`
//   browser     a Vite production build of a page doing a GRU forward and backward, every file gzip -9, plus for the
//               anchors the WebAssembly their runtime fetches (onnxruntime-web: its smallest .wasm; TF.js: the page
//               uses its default JS backends, and its wasm backend's SIMD .wasm is listed beside)
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync, cpSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { REPO, dirSize, gzipSize, gzipSizes, installProject, packageCount, packLibrary } from './_pack.js';

const work = mkdtempSync(join(tmpdir(), 'gated-size-'));
const MB = (b: number) => (b / 2 ** 20).toFixed(1), KB = (b: number) => (b / 1024).toFixed(0);
/** The anchors at the versions this repository's benchmarks run (its node_modules). */
const devVersion = (name: string): string => (JSON.parse(readFileSync(join(REPO, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const installedVersion = (dir: string, name: string): string => (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

const TFJS_PAGE = `import * as tf from '@tensorflow/tfjs';
const x = tf.randomNormal([3, 5, 4]);
const gru = tf.layers.gru({ units: 8, returnSequences: true });
const f = (x) => gru.apply(x).sum();
const g = tf.grad(f)(x);
document.title = String((await g.data())[0]);`;
const ORT_PAGE = `import * as ort from 'onnxruntime-web';
globalThis.session = (bytes) => ort.InferenceSession.create(bytes);
document.title = typeof ort.InferenceSession;`;

/** The build's files by kind, gzip -9: JavaScript (and html/css) apart from WebAssembly. */
async function bundle(dir: string, mainJs: string | null): Promise<{ js: number; wasm: number }> {
  const web = join(dir, 'web'), out = join(dir, 'dist');
  if (mainJs !== null) {
    cpSync(join(REPO, 'test', 'consumer', 'project', 'web', 'index.html'), join(dir, 'index.html'));
    writeFileSync(join(dir, 'main.js'), mainJs);
  }
  await build({ configFile: false, logLevel: 'error', root: mainJs === null ? web : dir, base: './',
    build: { outDir: out, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1e6 }, worker: { format: 'es' } });
  const { files } = gzipSizes(out);
  const sum = (wasm: boolean) => Object.entries(files).filter(([f]) => f.endsWith('.wasm') === wasm).reduce((a, [, b]) => a + b, 0);
  return { js: sum(false), wasm: sum(true) };
}

type Row = { name: string; installed: number; packages: number; lib?: number; browser: string };
const rows: Row[] = [];

{ // gated: the packed library; the page is the consumer test's (GRU forward + a training step, in a Web Worker)
  const dir = join(work, 'gated');
  const tarball = await packLibrary(join(work, 'pack'));
  cpSync(join(REPO, 'test', 'consumer', 'project'), dir, { recursive: true });
  await installProject(dir, { gated: `file:${tarball}` });
  const { js, wasm } = await bundle(dir, null);
  if (wasm !== 0) throw new Error('gated embeds its wasm in the JavaScript: a separate .wasm file is unexpected');
  rows.push({ name: 'gated (this repository)', installed: dirSize(join(dir, 'node_modules')).bytes, packages: await packageCount(dir),
    lib: dirSize(join(dir, 'node_modules', 'gated')).bytes, browser: `**${KB(js)} KB**, wasm included (embedded)` });
}
{ // onnxruntime-web
  const dir = join(work, 'ort');
  await installProject(dir, { 'onnxruntime-web': devVersion('onnxruntime-web') });
  const { js, wasm: emitted } = await bundle(dir, ORT_PAGE);
  const distDir = join(dir, 'node_modules', 'onnxruntime-web', 'dist');
  const smallest = Math.min(...readdirSync(distDir).filter((f) => f.endsWith('.wasm')).map((f) => gzipSize(join(distDir, f))));
  rows.push({ name: `onnxruntime-web ${installedVersion(dir, 'onnxruntime-web')}`, installed: dirSize(join(dir, 'node_modules')).bytes, packages: await packageCount(dir),
    browser: `${KB(js)} KB JS + ${MB(emitted)} MB of .wasm in the build (its smallest .wasm alone: ${MB(smallest)} MB)` });
}
{ // TF.js
  const dir = join(work, 'tfjs');
  await installProject(dir, { '@tensorflow/tfjs': devVersion('@tensorflow/tfjs') });
  const { js } = await bundle(dir, TFJS_PAGE);
  const wasm = gzipSize(join(REPO, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist', 'tfjs-backend-wasm-simd.wasm'));
  rows.push({ name: `@tensorflow/tfjs ${installedVersion(dir, '@tensorflow/tfjs')}`, installed: dirSize(join(dir, 'node_modules')).bytes, packages: await packageCount(dir),
    browser: `${KB(js)} KB JS (its default backends); its wasm backend adds ${KB(wasm)} KB (tfjs-backend-wasm-simd.wasm) and its JS` });
}

const date = new Date().toISOString().slice(0, 10);
const table = [
  '| measured | installed `node_modules` | packages (`npm ls --all`) | what a browser downloads for a GRU forward + backward (Vite production build, gzip -9) |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${MB(r.installed)} MB${r.lib ? ` (the library itself: ${MB(r.lib)} MB)` : ''} | ${r.packages} | ${r.browser} |`),
].join('\n');
const doc = `# Install and download size

Measured by \`npm run size\` (scripts/size.ts) on ${date}, Node ${process.version}: each package installed into an empty
project from the npm registry, and a page doing a GRU forward and backward bundled by Vite (production) — for gated the
consumer test's page (test/consumer/project: a GRU forward and one training step in a Web Worker). The test suite
asserts the budgets: the installed library ≤ 6 MB, that page ≤ 60 KB gzip, and no protobufjs in a bundle that does not
use ONNX (test/consumer/consumer.test.ts).

${table}

gated's one dependency is protobufjs (for ONNX; a bundle that does not import ONNX leaves it out). The CLI, the
experiments, the tasks and their datasets are the separate package \`gated-cli\` (packages/cli).
`;
const target = join(REPO, 'docs', 'size.md');
writeFileSync(target + '.tmp', doc);
renameSync(target + '.tmp', target);
console.log(table);
rmSync(work, { recursive: true, force: true });
