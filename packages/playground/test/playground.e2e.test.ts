// End to end: builds the playground (vite), serves it from a localhost static server and drives Debian's Chromium
// (playwright-core, headless, fresh profile, every non-local request refused and counted) as a user would: bad input
// is refused field by field; "Compare GRU / LSTM / RNN" trains three runs whose curves, table rows and parameter
// counts match the library's models; the gate view draws while they train, one legend per gate; the gradient view
// compares the runs at one step; Stop stops within a step; a `gated train` directory with previous/ imports; the page
// works at 390 px. No page errors, no console errors. Main-thread task lengths and Stop's delay are printed, not
// asserted: tests check behaviour, never timing (docs/playground.md records the measurements).
// Runs once per `npm test` (skipped in the GATED_BACKEND=js pass). GATED_SCREENSHOTS=DIR writes the README's
// screenshots there (1280×800) from a longer run (GATED_SCREENSHOT_STEPS, default 1500; hidden 64).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { CharLM, CharVocab, decodeModelDir, loadCharLM, manualSeed, type CellKind, type LMConfig, type LMData } from 'gated';
import { run as gatedTrain } from '../../cli/src/cli/commands/train.js';
import { names } from '../src/data/names.js';
import { Session, defaultPlayOptions, restrictTo } from '../src/session.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = process.env.GATED_SCREENSHOTS ? join(ROOT, '../..', process.env.GATED_SCREENSHOTS) : null;
const STEPS = SHOTS ? Number(process.env.GATED_SCREENSHOT_STEPS ?? 1500) : 240, HIDDEN = SHOTS ? 64 : 16, SEED = 3;
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}: .ci/run installs it (apt-get install -y chromium)`);
if (!haveChromium) console.warn(`playground e2e skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM)`);

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.wasm': 'application/wasm' };
const namesData: LMData = { kind: 'lines', lines: names, source: 'names' };

interface RowView { id: number; cell: string; hidden: number; parameters: number; steps: string; state: string }
const rows = (page: Page): Promise<RowView[]> => page.$$eval('#runs-table tbody tr', (trs) => trs.map((tr) => {
  const t = (c: string) => tr.querySelector(`.c-${c}`)!.textContent!;
  return { id: Number((tr as HTMLElement).dataset.run), cell: t('cell'), hidden: Number(t('hidden')), parameters: Number((tr.querySelector('.c-parameters') as HTMLElement).dataset.value),
    steps: t('steps'), state: (tr as HTMLElement).dataset.state! };
}));

/** The library's own parameter count of the model the page builds for these sizes on names. */
function libraryParameters(cell: CellKind, hidden: number): number {
  manualSeed(0);
  const m = new CharLM({ vocabSize: CharVocab.fromTexts(names).size, cell, embed: 32, hidden, layers: 1, dropout: 0 });
  return m.numParameters();
}

/** Every file under `dir`, keyed by its path below `dir`'s parent (as `zip -r name.zip name` stores them). */
function zipDir(dir: string): Uint8Array {
  const out: Record<string, Uint8Array> = {}, base = join(dir, '..');
  const walk = (d: string): void => { for (const n of readdirSync(d)) { const p = join(d, n); if (statSync(p).isDirectory()) walk(p); else out[relative(base, p)] = new Uint8Array(readFileSync(p)); } };
  walk(dir);
  return zipSync(out);
}

describe.skipIf(process.env.GATED_BACKEND === 'js' || !haveChromium)('playground in Chromium', () => {
  let dir: string, server: Server, context: BrowserContext, page: Page, url: string;
  const external: string[] = [], pageErrors: string[] = [], consoleErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gated-web-'));
    const out = join(dir, 'site');
    await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
    server = createServer((req, res) => {
      const path = normalize(join(out, decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)));
      const file = path.endsWith('/') ? join(path, 'index.html') : path;
      if (!file.startsWith(out) || !existsSync(file)) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM, headless: true, acceptDownloads: true, viewport: { width: 1280, height: 800 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith(url) || u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
      external.push(u);
      return route.abort();
    });
    page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  }, 180_000);

  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    expect(consoleErrors).toEqual([]);
    expect(external).toEqual([]);
    await context?.close();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const body = (key: string) => page.evaluate((k) => document.body.dataset[k], key);

  it('refuses each bad input with a message naming the allowed range, and runs nothing', async () => {
    const cases: { set: [string, string][]; field: string; message: RegExp }[] = [
      { set: [['#dataset', 'text'], ['#text', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']], field: 'text', message: /at least 2 different characters.*only "a"/ },
      { set: [['#dataset', 'text'], ['#textMode', 'lines'], ['#text', 'ab\ncd']], field: 'text', message: /at least 10 non-empty lines.*got 2/ },
      { set: [['#hidden', '5000']], field: 'hidden', message: /hidden size: an integer from 1 to 1024; got 5000/ },
      { set: [['#cell', 'lstm'], ['#layers', '4'], ['#hidden', '1000']], field: 'hidden', message: /too large for memory.*allowed range is 1 to \d+/ },
      { set: [['#lr', 'fast']], field: 'lr', message: /learning rate: a number from 0\.00001 to 1.*"fast" is not a number/ },
      { set: [['#lr', '5']], field: 'lr', message: /learning rate: a number from 0\.00001 to 1; got 5/ },
      { set: [['#layers', '0']], field: 'layers', message: /layers: an integer from 1 to 4; got 0/ },
      { set: [['#steps', '2.5']], field: 'steps', message: /training steps: an integer from 1 to 100000/ },
      { set: [['#seed', '']], field: 'seed', message: /seed: an integer from 0 to 2147483647/ },
    ];
    const defaults = await page.$$eval('#form input:not([type=checkbox]), #form select, #form textarea', (els) => els.map((e) => [`#${e.id}`, (e as HTMLInputElement).value] as [string, string]));
    for (const c of cases) {
      for (const [sel, v] of c.set) {
        if (await page.$eval(sel, (e) => e.tagName === 'SELECT')) await page.selectOption(sel, v); else await page.fill(sel, v);
      }
      expect(await page.textContent(`#err-${c.field}`)).toMatch(c.message);
      expect(await page.isDisabled('#train')).toBe(true);
      expect(await page.isDisabled('#compare')).toBe(true);
      if (c.field !== 'text') await page.press(c.set.at(-1)![0], 'Enter');   // submitting the form anyway starts nothing
      await page.evaluate((d) => { for (const [s, v] of d) { const e = document.querySelector(s) as HTMLInputElement; e.value = v; e.dispatchEvent(new Event('input')); } }, defaults);
      expect(await page.textContent(`#err-${c.field}`)).toBe('');
    }
    expect(await page.isDisabled('#train')).toBe(false);
    await page.waitForTimeout(300);
    expect(await body('runs')).toBe('0');
  }, 60_000);

  it('compares GRU, LSTM and RNN: three curves, three rows with the library\'s parameter counts, live gates, one-step gradients', async () => {
    await page.fill('#hidden', String(HIDDEN));
    await page.fill('#steps', String(STEPS));
    await page.fill('#seed', String(SEED));
    await page.click('#compare');
    await page.waitForFunction(() => document.body.dataset.runs === '3' && document.body.dataset.training === 'true', null, { timeout: 30_000 });

    // the gate view, while the runs train: the GRU's z and r, each with its own legend
    await page.click('[data-tab=gates]');
    await page.waitForFunction(() => { const h = document.getElementById('heatmap')!; return h.dataset.training === 'true' && Number(h.dataset.step) > 0; }, null, { timeout: 30_000 });
    const gates = await page.$$eval('#heatmap .legend[data-gate]', (ls) => ls.map((l) => (l as HTMLElement).dataset.gate));
    expect(gates).toEqual(['z', 'r']);
    expect(await page.$$eval('#heatmap .legend[data-kind=dh]', (l) => l.length)).toBe(1);
    const cell = await page.$eval('#heatmap canvas[data-cell-width]', (c) => ({ w: Number((c as HTMLElement).dataset.cellWidth), h: Number((c as HTMLElement).dataset.cellHeight) }));
    expect(Math.min(cell.w, cell.h)).toBeGreaterThanOrEqual(6);
    const box = (await page.$('#heatmap .panel-scroll canvas'))!;
    const bb = (await box.boundingBox())!;
    await page.mouse.move(bb.x + 14 * 4 + 7, bb.y + 18 + 6);                  // the 5th character, the first unit
    expect(await page.textContent('#gate-tip')).toMatch(/^'a' \(character 5\) · unit \d+ · z = \d\.\d{3}$/);   // "Dhaval Bhavin …"
    if (SHOTS) {
      // a third of the way in, with the gates drawn at that step, the panels scrolled to the top of the window
      await page.waitForFunction((n) => Number(document.getElementById('heatmap')!.dataset.step) >= n, Math.round(STEPS / 3), { timeout: 300_000 });
      await page.$eval('#gate-run', (e) => e.closest('.row')!.scrollIntoView());
      const now = (await (await page.$('#heatmap .panel-scroll canvas'))!.boundingBox())!;
      await page.mouse.move(now.x + 14 * 4 + 7, now.y + 18 + 10 * 3 + 5);     // the 5th character, the 4th unit
      await page.screenshot({ path: join(SHOTS, 'playground-gates.png') });
      await page.evaluate(() => window.scrollTo(0, 0));
    }
    // a long probe scrolls sideways at 1280 px instead of shrinking its cells
    await page.click('.preset >> nth=1');
    await page.waitForFunction(() => Number(document.getElementById('heatmap')!.dataset.columns) > 90);
    expect(await page.$eval('#heatmap .panel-scroll', (s) => s.scrollWidth > s.clientWidth)).toBe(true);
    // units of one's own choosing, and a message naming the range when one is out of it
    await page.fill('#gate-units', '0, 3');
    expect(await page.getAttribute('#heatmap', 'data-rows')).toBe('2');
    await page.fill('#gate-units', '3, 99');
    expect(await page.textContent('#err-gate-units')).toBe(`units: integers from 0 to ${HIDDEN - 1}, separated by commas; "99" is not`);
    await page.fill('#gate-units', '');

    await page.click('[data-tab=runs]');
    await page.waitForFunction(() => document.body.dataset.training === 'false', null, { timeout: SHOTS ? 600_000 : 120_000 });
    const table = await rows(page);
    expect(table.map((r) => [r.cell, r.hidden, r.state])).toEqual([['GRU', HIDDEN, 'done'], ['LSTM', HIDDEN, 'done'], ['RNN', HIDDEN, 'done']]);
    expect(table.map((r) => r.parameters)).toEqual((['gru', 'lstm', 'rnn'] as const).map((c) => libraryParameters(c, HIDDEN)));
    const curves = JSON.parse((await page.getAttribute('#loss-chart', 'data-runs'))!) as { train: number; val: number }[];
    expect(curves).toHaveLength(3);
    for (const c of curves) { expect(c.train).toBeGreaterThan(10); expect(c.val).toBeGreaterThanOrEqual(20); }
    expect(await page.$$eval('#legend li[data-run]', (l) => l.map((e) => e.textContent))).toEqual([
      expect.stringMatching(new RegExp(`GRU, hidden ${HIDDEN}, [\\d,]+ parameters`)), expect.stringMatching(/LSTM/), expect.stringMatching(/RNN/)]);
    const longest = Number(await body('longestTaskTraining'));
    console.log('long tasks [start, ms]:', await body('longTasks'), '\nscripts over 30 ms:', await body('slowScripts'));
    console.log(`comparison: ${STEPS} steps each, hidden ${HIDDEN}; ms/step ${await page.$$eval('#runs-table .c-ms', (c) => c.map((e) => e.textContent).join(' / '))}; `
      + `best val ${await page.$$eval('#runs-table .c-best', (c) => c.map((e) => e.textContent).join(' / '))}; longest main-thread task ${longest} ms`);
    // asserted in the test's own configuration; the screenshot run (minutes of training on a shared machine) prints it
    if (SHOTS) {
      await page.fill('#target', '2.1');                                     // a target below the bigram baseline
      await page.waitForTimeout(200);
      await page.screenshot({ path: join(SHOTS, 'playground-compare.png') });
      console.log(`steps to reach validation loss 2.1: ${await page.$$eval('#runs-table .c-reach', (c) => c.map((e) => e.textContent).join(' / '))}`);
      await page.fill('#target', '');
    }

    // exports: curves as CSV (a row per point of every run), the chart as SVG
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('run,cell,hidden,layers,parameters,seed,data,split,step,loss');
    expect(new Set(lines.slice(1).map((l) => l.replace(/^"[^"]*"/, 'name').split(',')[1]))).toEqual(new Set(['gru', 'lstm', 'rnn']));
    const [svg] = await Promise.all([page.waitForEvent('download'), page.click('#export-svg')]);
    expect(readFileSync((await svg.path())!, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);

    // the gradient view: every run at the same step (the budget, which every run has kept), seed in the title
    await page.click('[data-tab=grads]');
    await page.click('#show-grads');
    await page.waitForSelector('#grad-chart[data-step]', { timeout: 60_000 });
    const g = JSON.parse((await page.getAttribute('#grad-chart', 'data-curves'))!) as { id: number; step: number; d0: number; last: number }[];
    expect(g.map((c) => c.id)).toEqual(table.map((r) => r.id));
    expect(new Set(g.map((c) => c.step))).toEqual(new Set([STEPS]));
    expect(await page.textContent('#grad-title')).toContain(`at training step ${STEPS} · seed ${SEED}`);
    console.log('gradient view, ‖∂L/∂h‖ at d = 0 → d = 63:', g.map((c, k) => `${table[k].cell} ${c.d0.toExponential(2)} → ${c.last.toExponential(2)}`).join('; '));
    if (SHOTS) await page.screenshot({ path: join(SHOTS, 'playground-gradients.png') });
    await page.click('[data-tab=runs]');
  }, SHOTS ? 900_000 : 300_000);

  it('matches parameter counts on request, keeps at most six runs, and stops within a step', async () => {
    await page.check('#match-params');
    await page.fill('#steps', '5000');
    await page.click('#compare');
    await page.waitForFunction(() => document.body.dataset.runs === '6' && document.body.dataset.training === 'true', null, { timeout: 30_000 });
    const matched = (await rows(page)).slice(3);
    expect(matched.map((r) => r.cell)).toEqual(['GRU', 'LSTM', 'RNN']);
    expect(matched[0].hidden).toBe(HIDDEN);
    for (const r of matched) expect(Math.abs(r.parameters / matched[0].parameters - 1)).toBeLessThan(0.05);
    expect(matched[1].hidden).toBeLessThan(HIDDEN);
    expect(matched[2].hidden).toBeGreaterThan(HIDDEN);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('#runs-table .c-steps')).slice(3).every((c) => parseInt(c.textContent!) >= 30), null, { timeout: 60_000 });
    const ms = Math.max(...(await page.$$eval('#runs-table .c-ms', (c) => c.slice(3).map((e) => Number(e.textContent)))));
    await page.click('#stop');
    await page.waitForFunction(() => document.body.dataset.stopMs !== undefined && document.body.dataset.training === 'false');
    const stopMs = Number(await body('stopMs')), stepsAfter = Number(await body('stepsAfterStop'));
    const after = (await rows(page)).slice(3);
    console.log(`stop: ${stopMs.toFixed(0)} ms from the click to the worker's reply, ${stepsAfter} optimizer step(s) ended in between (slowest run ${ms.toFixed(1)} ms/step); stopped at steps ${after.map((r) => parseInt(r.steps)).join(', ')}`);
    expect(after.every((r) => r.state === 'stopped')).toBe(true);
    // the step running at the click, and at most one more already queued behind it (one step per task)
    expect(stepsAfter).toBeLessThanOrEqual(2);
    // a seventh run makes room by dropping the oldest idle one
    await page.uncheck('#match-params');
    await page.fill('#steps', '20');
    await page.click('#train');
    await page.waitForFunction(() => (document.querySelector('#runs-table tbody tr:last-child') as HTMLElement | null)?.dataset.state === 'done' && document.body.dataset.training === 'false', null, { timeout: 30_000 });
    expect(await body('runs')).toBe('6');
    expect((await rows(page)).map((r) => r.id)).not.toContain(1);            // the first comparison's GRU made room
    console.log(`longest main-thread task while training so far: ${await body('longestTaskTraining')} ms; long tasks [start, ms] ${await body('longTasks')}; scripts over 30 ms: ${await body('slowScripts')}`);
  }, 120_000);

  it('imports a `gated train` directory with its previous/ checkpoint, falls back to previous/ when the latest is corrupt, and says so when a file is not a model', async () => {
    const work = join(dir, 'cli');
    writeFileSync(join(dir, 'names.txt'), names.slice(0, 300).join('\n'));
    gatedTrain(['--data', join(dir, 'names.txt'), '--epochs', '2', '--hidden', '8', '--embed', '4', '--batch', '16', '--seed', '5', '--out', join(work, 'names-gru')]);
    expect(existsSync(join(work, 'names-gru', 'previous', 'model.safetensors'))).toBe(true);
    const zip = zipDir(join(work, 'names-gru'));
    expect(Object.keys(unzipSync(zip))).toContain('names-gru/previous/model.safetensors');

    const load = async (bytes: Uint8Array, name: string): Promise<void> => { writeFileSync(join(dir, name), bytes); await page.setInputFiles('#load', join(dir, name)); };
    const before = (await rows(page)).length;
    await load(zip, 'names-gru.zip');
    await page.waitForFunction(() => /Loaded names-gru/.test(document.getElementById('status')!.textContent!), null, { timeout: 30_000 });
    const loaded = (await rows(page)).at(-1)!;
    expect([loaded.cell, loaded.hidden]).toEqual(['GRU × 2', 8]);                // the CLI's default: 2 layers
    expect(await page.textContent('#status')).not.toContain('previous/');
    expect((await rows(page)).length).toBe(Math.min(6, before + 1));
    // the page's first validation loss of the loaded run equals Node's for the same directory on the same data
    const cli = decodeModelDir<LMConfig>(Object.fromEntries(['model.safetensors', 'config.json', 'optimizer.safetensors', 'state.json'].map((n) => [n, new Uint8Array(readFileSync(join(work, 'names-gru', n)))])));
    const nodeVal = Session.fromModelDir(cli, restrictTo(namesData, loadCharLM(cli).vocab).data).validate();
    const pageVal = await page.evaluate(() => Number(document.querySelector('#runs-table tbody tr:last-child .c-best')!.textContent));
    expect(Math.abs(pageVal - nodeVal)).toBeLessThan(2e-3);                 // the table shows 3 decimals

    // the latest checkpoint damaged (as by a crash while writing): the previous one loads, and the page says so
    const files = unzipSync(zip);
    files['names-gru/model.safetensors'] = files['names-gru/model.safetensors'].slice(0, 100);
    await load(zipSync(files), 'names-gru-damaged.zip');
    await page.waitForFunction(() => /from its previous\/ checkpoint/.test(document.getElementById('status')!.textContent!), null, { timeout: 30_000 });

    // not a model: a clear error, and the runs stay as they were
    const kept = await rows(page);
    await load(new TextEncoder().encode('not a zip'), 'notes.zip');
    await page.waitForFunction(() => document.getElementById('status')!.classList.contains('error'));
    expect(await page.textContent('#status')).toMatch(/^Import failed: notes\.zip is not a readable \.zip file.*Nothing was changed: the 6 kept runs are as before\.$/);
    await load(zipSync({ 'x/config.json': new TextEncoder().encode('{}'), 'x/model.safetensors': new Uint8Array(8) }), 'broken.zip');
    await page.waitForFunction(() => /^Import failed: .*safetensors.*Nothing was changed: the 6 kept runs are as before\.$/.test(document.getElementById('status')!.textContent!), null, { timeout: 10_000 });
    expect((await rows(page)).map((r) => r.id)).toEqual(kept.map((r) => r.id));
  }, 120_000);

  it('saves a run as a model directory Node reads', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#runs-table tbody tr:first-child button:has-text("model")')]);
    const saved = decodeModelDir<LMConfig>(unzipSync(new Uint8Array(readFileSync((await download.path())!))));
    const { model, config } = loadCharLM(saved);
    expect(Object.keys(model.stateDict())).toContain('rnn.weight_hh_l0');
    expect(config.model.hidden).toBeGreaterThan(0);
    const [st] = await Promise.all([page.waitForEvent('download'), page.click('#runs-table tbody tr:first-child button:has-text("weights")')]);
    expect(st.suggestedFilename()).toMatch(/\.safetensors$/);
  }, 60_000);

  // Opt-in (GATED_E2E_SPEED=1): the same model and steps in the page's worker and in Node, in alternating 1.5-s
  // rounds with the other side idle, both timing only the optimizer steps. Printed, not asserted: the machine is shared.
  it.runIf(process.env.GATED_E2E_SPEED)('trains in the page at a speed comparable to Node (printed)', async () => {
    for (const [sel, v] of [['#hidden', '128'], ['#steps', '100000'], ['#seed', '42'], ['#layers', '1'], ['#embed', '32'], ['#batch', '32'], ['#lr', '0.003']]) await page.fill(sel, v);
    await page.selectOption('#cell', 'gru');
    await page.click('#train');
    const last = () => page.$eval('#runs-table tbody tr:last-child', (tr) => ({ steps: Number((tr as HTMLElement).dataset.steps), sec: Number((tr as HTMLElement).dataset.stepSeconds), state: (tr as HTMLElement).dataset.state }));
    await page.waitForFunction(() => Number((document.querySelector('#runs-table tbody tr:last-child') as HTMLElement).dataset.steps) > 5, null, { timeout: 30_000 });
    const s = Session.create(namesData, defaultPlayOptions), pageRates: number[] = [], nodeRates: number[] = [];
    for (let i = 0; i < 5; i++) s.trainStep();
    for (let round = 0; round < 3; round++) {
      if (round > 0) { await page.click('#continue'); await page.waitForFunction(() => document.body.dataset.training === 'true'); }
      const p0 = await last();
      await page.waitForTimeout(1500);
      await page.click('#stop');
      await page.waitForFunction(() => document.body.dataset.training === 'false');
      const p1 = await last();
      pageRates.push((p1.steps - p0.steps) / (p1.sec - p0.sec));
      const t0 = s.stepSeconds, n0 = s.steps;
      while (s.stepSeconds - t0 < 1.5) s.trainStep();
      nodeRates.push((s.steps - n0) / (s.stepSeconds - t0));
    }
    const best = (r: number[]) => Math.max(...r), median = (r: number[]) => [...r].sort((x, y) => x - y)[1];
    console.log(`training speed, GRU-128 on names, batch 32 (steps/s, best | median of 3): page ${best(pageRates).toFixed(1)} | ${median(pageRates).toFixed(1)}, `
      + `Node ${best(nodeRates).toFixed(1)} | ${median(nodeRates).toFixed(1)}; page/Node ${(best(pageRates) / best(nodeRates)).toFixed(2)} | ${(median(pageRates) / median(nodeRates)).toFixed(2)}`);
  }, 120_000);

  it('works at a phone width: the layout stacks and nothing overflows the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const wide = await page.evaluate(() => Array.from(document.querySelectorAll('body *')).filter((e) => !e.closest('.table-wrap, .panel-scroll, [hidden]') && e.getBoundingClientRect().right > 391)
      .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`));
    expect(wide).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const aside = (await page.$('#controls'))!.boundingBox(), content = (await page.$('#content'))!.boundingBox();
    expect((await content)!.y).toBeGreaterThanOrEqual((await aside)!.y + (await aside)!.height - 1);
    expect(await page.isVisible('#compare')).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 30_000);
});
