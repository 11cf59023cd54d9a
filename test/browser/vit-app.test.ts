// backends: cpu
// examples/vit-browser in a real browser: Vite builds the app, headless Debian Chromium opens it with a
// checkpoint written by the CLI's own saveCheckpoint, an image goes in through the file picker, and the
// page's probabilities and class-token attention must equal what Node computes from the same files
// (`vit predict`'s preprocessing and @vit/core's Recorder, on the cpu backend). Screenshots go to test-output/.
import assert from 'node:assert/strict';
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';

import * as tf from '@tensorflow/tfjs-core';
import {
  buildModel, decodeImage, encodePng, generateShapes10, HALF_NORMALIZATION, imageBatch, loadCheckpointModel, saveCheckpoint,
  SHAPES10_CLASSES, type ModelSpec,
} from '@vit/cli';
import {Recorder} from '@vit/core';
import type {Browser, Page} from 'playwright-core';
import {build, type Rollup} from 'vite';

import {useTestBackend} from '../support/backend.js';
import {launchChromium, serveDirectory, WEBGPU_OPTIONAL} from '../support/browser.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = join(ROOT, 'examples/vit-browser');
const OUTPUT = join(ROOT, 'test-output');
const STEP_TIMEOUT_MS = 60_000;
// float32 on every backend, different summation orders: the page and Node agree to rounding.
const TOLERANCE = 1e-4;

const SPEC: ModelSpec = {
  arch: 'vit',
  options: {imageSize: 32, patchSize: 8, numClasses: 10, dim: 32, depth: 2, heads: 2, dimHead: 16, mlpDim: 64, channels: 3, pool: 'cls', dropout: 0, embDropout: 0},
};
const GRID = 4; // 32 / 8

interface PageState {
  status: 'idle' | 'busy' | 'ready' | 'error';
  backend?: {name: string; note: string};
  model?: {arch: string; parameters: number; classes: string[]; attention: boolean};
  image?: {name: string; width: number; height: number};
  result?: {probabilities: number[]; top: {label: string; index: number; probability: number}[]; attention: number[][] | null; ms: number};
  error?: string;
  numTensors: number;
  version: number;
}
interface Expected {
  probabilities: number[];
  attention: {last: number[][]; rollout: number[][]};
}

let dir = '';
let outDir = '';
let chunks: Rollup.OutputChunk[] = [];
/** Modules that import a Node built-in, which Vite replaces by an empty stub in a browser build. */
let nodeImporters: string[] = [];
let expected: Expected;
let parameters = 0;
let server: Awaited<ReturnType<typeof serveDirectory>> | undefined;
let browser: Browser | undefined;

/** Class-token attention over the patch grid, computed plainly from Recorder's [1, depth, heads, n, n]. */
function expectedAttention(attns: number[][][][][]): Expected['attention'] {
  const layers = attns[0]!.map((heads) => heads[0]!.map((row, i) => row.map((_, j) => heads.reduce((s, h) => s + h[i]![j]!, 0) / heads.length)));
  const n = layers[0]!.length;
  const mixed = layers.map((a) => a.map((row, i) => row.map((v, j) => 0.5 * v + (i === j ? 0.5 : 0))));
  const matmul = (a: number[][], b: number[][]) => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
  const rollout = mixed.slice(1).reduce((r, a) => matmul(a, r), mixed[0]!);
  const grid = (row: number[]) => Array.from({length: GRID}, (_, y) => row.slice(n - GRID * GRID + y * GRID, n - GRID * GRID + (y + 1) * GRID));
  return {last: grid(layers[layers.length - 1]![0]!), rollout: grid(rollout[0]!)};
}

function assertClose(actual: number[] | number[][], wanted: number[] | number[][], what: string): void {
  const a = actual.flat();
  const w = wanted.flat();
  assert.equal(a.length, w.length, `${what}: length`);
  const worst = Math.max(...a.map((v, i) => Math.abs(v - w[i]!)));
  assert.ok(worst <= TOLERANCE, `${what}: max |page - node| = ${worst} > ${TOLERANCE}\npage ${JSON.stringify(a)}\nnode ${JSON.stringify(w)}`);
}

before(async () => {
  await useTestBackend();
  dir = mkdtempSync(join(tmpdir(), 'vit-app-'));
  // A seeded random ViT with a sharpened head, so the classes' probabilities are far apart.
  const model = await buildModel(SPEC, 7);
  const state = model.stateDict();
  const sharpened = Object.fromEntries(Object.entries(state).map(([k, v]) => [k, k.startsWith('mlp_head') ? tf.mul(v, 30) : v]));
  model.loadStateDict(sharpened);
  tf.dispose([...Object.values(state), ...Object.values(sharpened)]);
  parameters = model.numParameters();
  await saveCheckpoint(join(dir, 'model.safetensors'), model, {spec: SPEC, classNames: [...SHAPES10_CLASSES], normalization: HALF_NORMALIZATION, imageSize: 32, step: 0});
  model.dispose();
  // A 48×48 PNG: the page must resize it to 32×32 as `vit predict` does.
  const sample = generateShapes10({count: 1, seed: 11, size: 48});
  writeFileSync(join(dir, 'disk.png'), encodePng({width: 48, height: 48, data: sample.pixels}));
  writeFileSync(join(dir, 'notes.txt'), 'not an image');

  // What Node computes from the same two files.
  const {model: loaded, meta} = await loadCheckpointModel(join(dir, 'model.safetensors'));
  loaded.eval();
  const recorder = new Recorder(loaded as never);
  const input = imageBatch([decodeImage(readFileSync(join(dir, 'disk.png')))], meta.imageSize, meta.normalization);
  const [logits, attns] = recorder.forward(input);
  const probs = tf.softmax(logits);
  expected = {probabilities: Array.from(await probs.data()), attention: expectedAttention(await attns!.array() as number[][][][][])};
  tf.dispose([input, logits, attns!, probs]);
  recorder.dispose();
  loaded.dispose();

  outDir = join(dir, 'site');
  const built = await build({
    root: EXAMPLE, logLevel: 'warn', build: {outDir, emptyOutDir: true, chunkSizeWarningLimit: 2048},
    plugins: [{
      name: 'record-node-importers',
      generateBundle() {
        const stubs = [...this.getModuleIds()].filter((id) => id.includes('__vite-browser-external'));
        nodeImporters = stubs.flatMap((id) => this.getModuleInfo(id)?.importers ?? []).filter((id) => !id.includes('__vite-browser-external'));
      },
    }],
  });
  chunks = (Array.isArray(built) ? built : [built] as Rollup.RollupOutput[]).flatMap((o) => (o as Rollup.RollupOutput).output)
    .filter((c): c is Rollup.OutputChunk => c.type === 'chunk');
  mkdirSync(join(outDir, 'data'));
  for (const f of ['model.safetensors', 'disk.png']) copyFileSync(join(dir, f), join(outDir, 'data', f));
  server = await serveDirectory(outDir);
  browser = await launchChromium();
}, {timeout: 180_000});

after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, {recursive: true, force: true});
});

/** Opens the app and collects console lines and page errors for the failure messages. */
async function openApp(query: string): Promise<{page: Page; log: string[]}> {
  const page = await browser!.newPage({viewport: {width: 1100, height: 760}});
  const log: string[] = [];
  page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`page error: ${e.stack ?? e.message}`));
  await page.goto(`${server!.url}?${query}`);
  return {page, log};
}

/** Waits until `version` steps have finished and returns the page state. */
async function stateAfter(page: Page, log: string[], version: number): Promise<PageState> {
  try {
    await page.waitForFunction((v) => ((window as unknown as {__vit?: PageState}).__vit?.version ?? 0) >= v, version, {timeout: STEP_TIMEOUT_MS});
  } catch (e) {
    throw new Error(`${(e as Error).message}\nbrowser console:\n${log.join('\n')}`);
  }
  return await page.evaluate(() => structuredClone((window as unknown as {__vit: PageState}).__vit));
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(OUTPUT, {recursive: true});
  await page.screenshot({path: join(OUTPUT, name), fullPage: true});
}

/** Loads the checkpoint from a URL, picks the PNG, checks the numbers under both attention modes. */
async function classifiesLikeNode(query: string, shot: string): Promise<PageState> {
  const {page, log} = await openApp(`checkpoint=/data/model.safetensors&attention=last&${query}`);
  try {
    const loaded = await stateAfter(page, log, 2); // backend, then checkpoint
    assert.equal(loaded.status, 'ready', `after loading: ${loaded.error}\n${log.join('\n')}`);
    assert.deepEqual(loaded.model?.classes, [...SHAPES10_CLASSES]);
    assert.equal(loaded.model?.parameters, parameters);
    assert.equal(loaded.model?.attention, true);

    await page.setInputFiles('#image-file', join(dir, 'disk.png'));
    const first = await stateAfter(page, log, 3);
    assert.equal(first.status, 'ready', `after the image: ${first.error}`);
    assert.deepEqual(first.image, {name: 'disk.png', width: 48, height: 48});
    const result = first.result!;
    assertClose(result.probabilities, expected.probabilities, 'probabilities');
    const order = expected.probabilities.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0]).slice(0, 5);
    assert.deepEqual(result.top.map((t) => t.label), order.map(([, i]) => SHAPES10_CLASSES[i]), 'top-5 labels');
    assertClose(result.attention!, expected.attention.last, 'last-layer attention');
    assert.ok(result.ms > 0);

    await page.selectOption('#attention-mode', 'rollout');
    const rolled = await stateAfter(page, log, 4);
    assertClose(rolled.result!.attention!, expected.attention.rollout, 'attention rollout');
    assertClose(rolled.result!.probabilities, expected.probabilities, 'probabilities (again)');
    // The page's shown results.
    const rows = await page.locator('#top5 tr').allTextContents();
    assert.equal(rows.length, 5);
    assert.ok(rows[0]!.startsWith(SHAPES10_CLASSES[order[0]![1]]!), `first row: ${rows[0]}`);
    assert.match(await page.locator('#timing').textContent() ?? '', new RegExp(` ms per image on ${rolled.backend!.name} `));

    // No tensor survives a classification: the count after each image is the count after loading.
    await page.setInputFiles('#image-file', join(dir, 'disk.png'));
    const again = await stateAfter(page, log, 5);
    assert.equal(again.numTensors, loaded.numTensors, 'tensors after a second image vs after loading the model');
    assert.equal(rolled.numTensors, loaded.numTensors, 'tensors after switching the attention mode');
    await screenshot(page, shot);
    return again;
  } finally {
    await page.close();
  }
}

describe('examples/vit-browser in headless Chromium', {timeout: 240_000}, () => {
  it('bundles one copy of tfjs-core, and none of our code imports a Node built-in', () => {
    const marker = 'Reusing existing backend factory.'; // a string of tfjs-core's engine
    assert.equal(chunks.reduce((n, c) => n + c.code.split(marker).length - 1, 0), 1, `copies of '${marker}' in the bundle`);
    // tfjs-backend-wasm's Emscripten glue and seedrandom require('fs' / 'crypto') on their Node paths only.
    assert.deepEqual(nodeImporters.filter((id) => !id.includes('/node_modules/')), [], 'our modules that import Node built-ins');
    assert.ok(nodeImporters.length > 0, 'the check sees the known Node-path importers (tfjs-backend-wasm glue, seedrandom)');
  });

  it('classifies an image on WASM exactly as Node does, with the class-token attention map', async (t) => {
    const state = await classifiesLikeNode('backend=wasm', 'vit-browser-wasm.png');
    assert.equal(state.backend?.name, 'wasm');
    t.diagnostic(`wasm: ${state.result!.ms.toFixed(1)} ms per image (${state.backend!.note})`);
  });

  it('picks WebGPU when the browser has it, WASM otherwise, and says which', async (t) => {
    const state = await classifiesLikeNode('backend=auto', 'vit-browser-auto.png');
    assert.ok(['webgpu', 'wasm'].includes(state.backend!.name), state.backend!.name);
    if (state.backend!.name === 'wasm') {
      assert.ok(WEBGPU_OPTIONAL, `auto fell back to WASM (${state.backend!.note}); set VIT_BROWSER_WEBGPU=optional where that is expected`);
      assert.match(state.backend!.note, /WebGPU|adapter/, 'why auto fell back to WASM');
    }
    t.diagnostic(`auto chose ${state.backend!.name} (${state.backend!.note}): ${state.result!.ms.toFixed(1)} ms per image`);
  });

  it('shows clear errors for a missing checkpoint, a file that is not one, and a file that is not an image', async () => {
    const {page, log} = await openApp('backend=wasm&checkpoint=/data/missing.safetensors');
    try {
      const missing = await stateAfter(page, log, 2);
      assert.equal(missing.status, 'error');
      assert.match(missing.error!, /cannot fetch \/data\/missing\.safetensors: HTTP 404/);
      assert.match(await page.locator('#status').textContent() ?? '', /HTTP 404/);

      await page.fill('#checkpoint-url', '/data/disk.png');
      await page.click('#load-url');
      const foreign = await stateAfter(page, log, 3);
      assert.equal(foreign.status, 'error');
      assert.match(foreign.error!, /checkpoint \/data\/disk\.png is not a valid safetensors file/);

      await page.setInputFiles('#image-file', join(dir, 'notes.txt'));
      const notImage = await stateAfter(page, log, 4);
      assert.equal(notImage.status, 'error');
      assert.match(notImage.error!, /cannot decode notes\.txt/);
      assert.equal(notImage.numTensors, 0, 'nothing left allocated after the failures');
    } finally {
      await page.close();
    }
  });
});
