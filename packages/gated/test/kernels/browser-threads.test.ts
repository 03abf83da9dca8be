// The wasm kernels' threads in a real browser (Debian's Chromium, headless): in a module Web Worker of a
// cross-origin-isolated page they start their own workers from a Blob URL on shared WebAssembly memory, the workers
// take chunks, and the results equal one thread's bit for bit; on the page's main thread (no Atomics.wait there) they
// stay on one thread. Skipped without Chromium (CI installs it) and in the GATED_BACKEND=js pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

const PAGE = `<!doctype html><meta charset="utf-8"><title>gated threads</title><script type="module">
const fromWorker = new Promise((resolve) => {
  const w = new Worker('./entry.js', { type: 'module' });
  w.onmessage = (e) => resolve(e.data);
  w.onerror = (e) => resolve({ error: e.message });
});
await import('./entry.js');
window.results = Promise.all([globalThis.gatedRun(), fromWorker]);
</script>`;

describe.skipIf(process.env.GATED_BACKEND === 'js' || !haveChromium)('wasm kernel threads in Chromium', () => {
  let dir: string, server: Server, browser: Browser, url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gated-threads-'));
    await build({
      configFile: false, logLevel: 'warn', root: ROOT,
      build: { outDir: dir, emptyOutDir: true, minify: false, lib: { entry: join(ROOT, 'test/kernels/_browser_threads_entry.ts'), formats: ['es'], fileName: () => 'entry.js' } },
    });
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const headers = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
      if (path === '/') { res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(PAGE); return; }
      if (path === '/entry.js') { res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(readFileSync(join(dir, 'entry.js'))); return; }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('worker: 2 threads from a Blob-URL pool, workers take chunks, same bits; main thread: 1 thread, same bits', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    await page.waitForFunction(() => 'results' in window, undefined, { timeout: 30_000 });
    const [main, worker] = await page.evaluate(() => (window as unknown as { results: Promise<Record<string, unknown>[]> }).results);
    expect(errors).toEqual([]);
    expect(main).toMatchObject({ where: 'main', loaded: true, crossOriginIsolated: true, threads: 1, identical: true });
    expect(worker).toMatchObject({ where: 'worker', loaded: true, crossOriginIsolated: true, threads: 2, identical: true });
    expect(worker.ready as number).toBeGreaterThanOrEqual(1);
    expect(worker.chunksByWorkers as number).toBeGreaterThan(0);
  }, 60_000);
});
