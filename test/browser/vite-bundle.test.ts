// backends: cpu
// @vit/einops in a real browser: Vite bundles examples/vite-einops (its `default` export condition,
// tfjs-core's ESM build), headless Debian Chromium (`apt-get install chromium`) runs the page through
// playwright-core, and we check its numbers on cpu and wasm (webgpu too when Chromium offers it).
// The browser does the work; the backend this file runs under does not matter.
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {after, before, it} from 'node:test';
import {fileURLToPath} from 'node:url';

import type {Browser} from 'playwright-core';
import {build, type Rollup} from 'vite';

import {launchChromium, serveDirectory, WEBGPU_OPTIONAL} from '../support/browser.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = join(ROOT, 'examples/vite-einops');
const SCREENSHOT = join(ROOT, 'test-output/vite-einops.png');
const PAGE_TIMEOUT_MS = 40_000;

// ---- expected values (the page's CASES, computed by hand) ----
type CaseResult = {shape: number[]; values: number[]};
type BackendResult =
  | {status: 'ok'; ms: number; note: string; cases: Record<string, CaseResult>}
  | {status: 'unavailable' | 'error'; error: string};
type PageResults = {tfjs: string; missingGradients: string[]; backends: Record<string, BackendResult>; fatal?: string};

/** Every element of `shape` in row-major order, as f(index). */
function grid(shape: number[], f: (idx: number[]) => number): CaseResult {
  const values: number[] = [];
  const idx = shape.map(() => 0);
  const size = shape.reduce((n, d) => n * d, 1);
  for (let n = 0; n < size; n++) {
    values.push(f(idx));
    for (let d = shape.length - 1; d >= 0 && ++idx[d] === shape[d]; d--) idx[d] = 0;
  }
  return {shape, values};
}
const sum = (n: number, f: (i: number) => number) => Array.from({length: n}, (_, i) => f(i)).reduce((s, v) => s + v, 0);
// arange(2, 3, 4)[a][b][c] = 12a + 4b + c; the einsum operands are arange(2, 3), arange(3, 4), arange(4, 2).
const X = (a: number, b: number, c: number) => 12 * a + 4 * b + c;
const A = (i: number, j: number) => 3 * i + j;
const B = (j: number, k: number) => 4 * j + k;
const C = (k: number, l: number) => 2 * k + l;

const EXPECTED: Record<string, CaseResult> = {
  'rearrange': grid([4, 6], ([c, ab]) => X(Math.floor(ab / 3), ab % 3, c)),
  'reduce': grid([2, 2], ([a, c]) => Math.max(...[0, 1, 2].flatMap((b) => [X(a, b, 2 * c), X(a, b, 2 * c + 1)]))),
  'repeat': grid([2, 6], ([h, wr]) => A(h, Math.floor(wr / 2))),
  'einsum': grid([2, 2], ([i, l]) => sum(3, (j) => sum(4, (k) => A(i, j) * B(j, k) * C(k, l)))),
  'pack': grid([2, 7], ([b, i]) => (i < 3 ? 1 : 4 * b + i - 3)),
  'unpack': grid([2, 2, 2], ([a, b, c]) => 4 * a + 2 * b + c),
  // d/dX of sum(A·B·C)
  'grad a': grid([2, 3], ([i, j]) => sum(4, (k) => sum(2, (l) => B(j, k) * C(k, l)))),
  'grad b': grid([3, 4], ([j, k]) => sum(2, (i) => sum(2, (l) => A(i, j) * C(k, l)))),
  'grad c': grid([4, 2], ([k, l]) => sum(2, (i) => sum(3, (j) => A(i, j) * B(j, k)))),
};

// ---- the build, shared by the tests ----
let outDir = '';
let outputs: Rollup.RollupOutput[] = [];
let server: Awaited<ReturnType<typeof serveDirectory>> | undefined;
let browser: Browser | undefined;

before(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'vite-einops-'));
  const result = await build({
    root: EXAMPLE,
    logLevel: 'warn',
    build: {outDir, emptyOutDir: true, chunkSizeWarningLimit: 1024},
  });
  outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
}, {timeout: 120_000});

after(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) rmSync(outDir, {recursive: true, force: true});
});

it('bundles exactly one copy of tfjs-core, with its gradients', () => {
  const chunks = outputs.flatMap((o) => o.output).filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
  // 1. The modules Rollup put into the chunks: tfjs-core's ESM files from one package directory, and
  //    none of its prebuilt bundles (tf-core.node.js, tf-core.fesm.js, ...), each of which is a whole copy.
  const coreFiles = chunks.flatMap((c) => Object.keys(c.modules))
    .map((id) => /^(.*\/node_modules\/@tensorflow\/tfjs-core)\/(.*?)(\?.*)?$/.exec(id))
    .filter((m) => m !== null);
  assert.ok(coreFiles.length > 50, `expected tfjs-core's ESM modules in the bundle, found ${coreFiles.length}`);
  assert.deepEqual([...new Set(coreFiles.map((m) => m[1]))].length, 1, 'tfjs-core package directories in the bundle');
  assert.deepEqual(coreFiles.map((m) => m[2]).filter((f) => f === 'dist/engine.js' || /(^|\/)tf-core[^/]*\.js$/.test(f)),
    ['dist/engine.js'], 'the tfjs-core engine modules in the bundle');
  // Its gradients made it in too: @vit/einops' browser entry imports them for their side effects.
  assert.ok(coreFiles.some((m) => m[2] === 'dist/gradients/BatchMatMul_grad.js'),
    "tfjs-core's gradients are not in the bundle: was @vit/einops' tfjs-setup module tree-shaken? (its package.json sideEffects)");
  // 2. The emitted code: the engine's registerBackend warning appears exactly once across all chunks.
  const marker = 'Reusing existing backend factory.';
  const copies = chunks.reduce((n, c) => n + c.code.split(marker).length - 1, 0);
  assert.equal(copies, 1, `occurrences of tfjs-core's engine string '${marker}' in the emitted JS`);
});

it('runs rearrange / reduce / repeat / einsum / pack / gradients in headless Chromium', {timeout: 90_000}, async (t) => {
  server = await serveDirectory(outDir);
  const url = server.url;
  browser = await launchChromium();
  const page = await browser.newPage({viewport: {width: 1400, height: 600}});
  const consoleLines: string[] = [];
  const wasmResponses: string[] = [];
  page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('response', (r) => {
    if (r.url().endsWith('.wasm')) wasmResponses.push(`${r.status()} ${r.headers()['content-type']} ${r.url()}`);
  });
  const pageError = new Promise<never>((_, fail) => page.on('pageerror', (e) => fail(new Error(`page error: ${e.stack ?? e.message}`))));
  pageError.catch(() => undefined); // handled by the race below

  await page.goto(url);
  let results: PageResults;
  try {
    await Promise.race([page.waitForFunction(() => '__results' in window, undefined, {timeout: PAGE_TIMEOUT_MS}), pageError]);
    results = await page.evaluate(() => (window as unknown as {__results: PageResults}).__results);
  } catch (e) {
    throw new Error(`${(e as Error).message}\nbrowser console:\n${consoleLines.join('\n')}`);
  } finally {
    mkdirSync(dirname(SCREENSHOT), {recursive: true});
    await page.screenshot({path: SCREENSHOT, fullPage: true}).catch(() => undefined);
  }
  assert.equal(results.fatal, undefined, `the page failed: ${results.fatal}`);
  assert.deepEqual(results.missingGradients, [], "missingGradients() in the bundle: did @vit/einops' tfjs-setup module " +
    "(it imports tfjs-core's register_all_gradients) get tree-shaken? Check the `sideEffects` globs in its package.json");
  assert.ok(wasmResponses.some((r) => r.startsWith('200 application/wasm ')), `wasm fetches: ${wasmResponses.join(', ') || 'none'}`);

  for (const [backend, result] of Object.entries(results.backends)) {
    await t.test(backend, (st) => {
      if (backend === 'webgpu' && result.status === 'unavailable') {
        assert.ok(WEBGPU_OPTIONAL, `Chromium offered no WebGPU (${result.error}); set VIT_BROWSER_WEBGPU=optional where that is expected`);
        st.diagnostic(`webgpu: ${result.error}`);
        return;
      }
      assert.equal(result.status, 'ok', `${backend}: ${result.status !== 'ok' ? result.error : ''}`);
      if (result.status !== 'ok') return;
      st.diagnostic(`${backend}: ${result.ms} ms ${result.note}`);
      assert.deepEqual(Object.keys(result.cases), Object.keys(EXPECTED), 'cases');
      for (const [name, expected] of Object.entries(EXPECTED)) {
        assert.deepEqual(result.cases[name], expected, `${backend}: ${name}`);
      }
    });
  }
  assert.deepEqual(Object.keys(results.backends), ['cpu', 'wasm', 'webgpu'], 'backends the page reports');
});
