// The library as a user installs it: `npm pack` of packages/gated, installed into an empty project, then used from
// Node (ESM), type-checked by a strict TypeScript consumer (node16 and bundler resolution), and bundled with Vite for
// a page run in Chromium — served plainly and cross-origin isolated. The numbers must equal the repository's own,
// and the install and the bundle must stay within their budgets. Skipped in the GATED_BACKEND=js pass (it runs the
// default backend) and, for the browser part, without Chromium (CI installs it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { REPO, bundleText, dirSize, gzipSizes, installProject, packLibrary, runCommand } from '../../scripts/_pack.js';
// @ts-expect-error -- plain JavaScript shared with the consumer project, no declarations
import { compute } from './project/compute.js';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TEMPLATE = join(REPO, 'test', 'consumer', 'project');
/** Budgets (issue: lean install). */
const INSTALL_MB = 6, BUNDLE_KB = 60;

type Result = { output: number[]; h: number[]; loss: number; gradNorm: number; after: number[]; backend: string; threads: number; savedKeys?: string[]; crossOriginIsolated?: boolean; error?: string };
const numbers = (r: Result) => ({ output: r.output, h: r.h, loss: r.loss, gradNorm: r.gradNorm, after: r.after });

describe.skipIf(process.env.GATED_BACKEND === 'js')('the packed library, as a consumer installs it', () => {
  let dir: string, reference: Result;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gated-consumer-'));
    const tarball = await packLibrary(join(dir, 'pack'));
    cpSync(TEMPLATE, join(dir, 'app'), { recursive: true });
    await installProject(join(dir, 'app'), { gated: `file:${tarball}` });
    reference = await compute();
  }, 300_000);

  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it(`installs in at most ${INSTALL_MB} MB with protobufjs as its only dependency`, () => {
    const app = join(dir, 'app');
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'gated', 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(['protobufjs']);
    const { bytes } = dirSize(join(app, 'node_modules'));
    expect(bytes / 2 ** 20).toBeLessThanOrEqual(INSTALL_MB);
    expect(existsSync(join(app, 'node_modules', 'gated', 'src'))).toBe(false);      // dist only
  });

  it('runs from Node (ESM, gated and gated/node) with the numbers of the repository', async () => {
    const out = await runCommand(process.execPath, ['node.mjs'], join(dir, 'app'));
    const r = JSON.parse(out) as Result;
    expect(r.backend).toBe('wasm');
    expect(numbers(r)).toEqual(numbers(reference));
    expect(r.savedKeys).toEqual(['bias_hh_l0', 'bias_ih_l0', 'weight_hh_l0', 'weight_ih_l0']);
  });

  for (const resolution of ['node16', 'bundler'] as const) {
    it(`type-checks a strict consumer with moduleResolution ${resolution}`, async () => {
      const app = join(dir, 'app');
      const config = {
        compilerOptions: {
          strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], skipLibCheck: false,
          module: resolution === 'node16' ? 'Node16' : 'ESNext', moduleResolution: resolution === 'node16' ? 'Node16' : 'Bundler',
          types: resolution === 'node16' ? ['node'] : [], typeRoots: [join(REPO, 'node_modules', '@types')],
        },
        files: resolution === 'node16' ? ['types.ts', 'node-types.ts'] : ['types.ts'],
      };
      writeFileSync(join(app, `tsconfig.${resolution}.json`), JSON.stringify(config));
      const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
      await runCommand(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], app);   // rejects with tsc's messages
    }, 120_000);
  }

  describe.skipIf(!existsSync(CHROMIUM))('in Chromium, bundled by Vite', () => {
    let out: string, example: string, plain: Server, isolated: Server, exampleServer: Server, browser: Browser;
    const serve = (headers: Record<string, string>, root = (): string => out): Promise<Server> => new Promise((resolve) => {
      const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
      const s = createServer((req, res) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname, file = join(root(), path === '/' ? 'index.html' : path);
        if (!file.startsWith(root()) || !existsSync(file)) { res.writeHead(404).end(); return; }
        res.writeHead(200, { ...headers, 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
      });
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = (s: Server) => `http://127.0.0.1:${(s.address() as { port: number }).port}/`;
    const run = async <R = Result>(s: Server): Promise<R & { error?: string }> => {
      const page = await browser.newPage(), errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(url(s));
      const r = await page.evaluate(() => (window as unknown as { result: Promise<R & { error?: string }> }).result);
      await page.close();
      expect(errors).toEqual([]);
      expect(r.error).toBeUndefined();
      return r;
    };

    beforeAll(async () => {
      out = join(dir, 'web-dist');
      await build({ configFile: false, logLevel: 'warn', root: join(dir, 'app', 'web'), base: './', build: { outDir: out, emptyOutDir: true, target: 'es2022' }, worker: { format: 'es' } });
      example = join(dir, 'example-dist');
      cpSync(join(REPO, 'examples', 'browser'), join(dir, 'app', 'browser-example'), { recursive: true });
      await build({ configFile: false, logLevel: 'warn', root: join(dir, 'app', 'browser-example'), base: './', build: { outDir: example, emptyOutDir: true, target: 'es2022' } });
      exampleServer = await serve({}, () => example);
      plain = await serve({});
      isolated = await serve({ 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    }, 180_000);

    afterAll(async () => { await browser?.close(); plain?.close(); isolated?.close(); exampleServer?.close(); });

    it('examples/browser: a model exported from PyTorch runs in the page with PyTorch\'s numbers', async () => {
      const r = await run<{ maxAbsDiff: number; backend: string; outputs: number }>(exampleServer);
      expect(r.backend).toBe('wasm');
      expect(r.outputs).toBeGreaterThan(0);
      expect(r.maxAbsDiff).toBeLessThan(1e-5);
    }, 120_000);

    it(`the page's bundle is at most ${BUNDLE_KB} KB gzip, wasm included, and holds no protobufjs (it does not use ONNX)`, () => {
      const { total } = gzipSizes(out);
      expect(total / 1024).toBeLessThanOrEqual(BUNDLE_KB);
      expect(bundleText(out)).not.toMatch(/protobuf/i);
    });

    it('served plainly: the same numbers on the wasm backend, one thread (no cross-origin isolation)', async () => {
      const r = await run(plain);
      expect(r).toMatchObject({ backend: 'wasm', threads: 1, crossOriginIsolated: false });
      expect(numbers(r)).toEqual(numbers(reference));
    }, 120_000);

    it('served with COOP/COEP: the same numbers on the wasm backend, two threads', async () => {
      const r = await run(isolated);
      expect(r).toMatchObject({ backend: 'wasm', crossOriginIsolated: true });
      expect(r.threads).toBeGreaterThanOrEqual(2);                          // all cores (2 here)
      expect(numbers(r)).toEqual(numbers(reference));
    }, 120_000);
  });
});
