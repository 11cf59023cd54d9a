/// <reference types="vite/client" />
// @vit/einops in a page bundled by Vite: the same small checks on every backend the browser offers
// (cpu, wasm, and webgpu when navigator.gpu exists). Writes a JSON summary to window.__results and a
// table to the page.  Run: npx vite examples/vite-einops   (or `vite build` it and serve dist/)
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { einsum, missingGradients, pack, rearrange, reduce, repeat, unpack } from '@vit/einops';

// The WASM backend fetches its binary at run time; in a bundle it cannot find it on its own. `?url`
// makes Vite emit each .wasm as an asset (dev server and build alike) and gives us its URL.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
});

/** 0, 1, 2, ... in the given shape (float32). */
const arange = (...shape: number[]) => tf.reshape(tf.range(0, shape.reduce((n, d) => n * d, 1)), shape);
const chain = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => einsum(a, b, c, 'i j, j k, k l -> i l');
const chainGrads = () => tf.grads((a, b, c) => tf.sum(chain(a, b, c)))([arange(2, 3), arange(3, 4), arange(4, 2)]);

/** [name, what it computes, the computation]. Every value is a small integer, so exact in float32. */
const CASES: [string, string, () => tf.Tensor][] = [
  ['rearrange', "rearrange(arange(2, 3, 4), 'a b c -> c (a b)')", () => rearrange(arange(2, 3, 4), 'a b c -> c (a b)')],
  ['reduce', "reduce(arange(2, 3, 4), 'a b (c 2) -> a c', 'max')", () => reduce(arange(2, 3, 4), 'a b (c 2) -> a c', 'max')],
  ['repeat', "repeat(arange(2, 3), 'h w -> h (w r)', {r: 2})", () => repeat(arange(2, 3), 'h w -> h (w r)', { r: 2 })],
  ['einsum', "einsum(arange(2, 3), arange(3, 4), arange(4, 2), 'i j, j k, k l -> i l')", () => chain(arange(2, 3), arange(3, 4), arange(4, 2))],
  ['pack', "pack([ones(2, 3), arange(2, 2, 2)], 'b *')[0]", () => pack([tf.ones([2, 3]), arange(2, 2, 2)], 'b *')[0]],
  ['unpack', "unpack(...pack([ones(2, 3), arange(2, 2, 2)], 'b *'), 'b *')[1]", () => {
    const [packed, ps] = pack([tf.ones([2, 3]), arange(2, 2, 2)], 'b *');
    return unpack(packed, ps, 'b *')[1];
  }],
  ['grad a', 'tf.grads((a, b, c) => sum(einsum(a, b, c, …)))[0]', () => chainGrads()[0]],
  ['grad b', 'tf.grads((a, b, c) => sum(einsum(a, b, c, …)))[1]', () => chainGrads()[1]],
  ['grad c', 'tf.grads((a, b, c) => sum(einsum(a, b, c, …)))[2]', () => chainGrads()[2]],
];

type CaseResult = { shape: number[]; values: number[] };
type BackendResult =
  | { status: 'ok'; ms: number; note: string; cases: Record<string, CaseResult> }
  | { status: 'unavailable' | 'error'; error: string };

async function runOn(backend: string): Promise<BackendResult> {
  if (!(await tf.setBackend(backend))) return { status: 'unavailable', error: `tf.setBackend('${backend}') failed` };
  const t0 = performance.now();
  const cases: Record<string, CaseResult> = {};
  for (const [name, , run] of CASES) {
    const t = tf.tidy(run);
    cases[name] = { shape: t.shape, values: Array.from(await t.data()) }; // data(), not dataSync(): webgpu
    t.dispose();
  }
  return { status: 'ok', ms: Math.round(performance.now() - t0), note: await describe(backend), cases };
}

async function describe(backend: string): Promise<string> {
  if (backend === 'wasm') return `SIMD ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}`;
  if (backend !== 'webgpu') return '';
  const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
  return `adapter ${info?.vendor || '?'} ${info?.architecture || ''}`.trim();
}

async function main() {
  const results: { tfjs: string; missingGradients: string[]; backends: Record<string, BackendResult> } = {
    tfjs: tf.version_core,
    missingGradients: missingGradients(),
    backends: {},
  };
  // The webgpu backend registers itself only if navigator.gpu exists when it is imported.
  if ('gpu' in navigator) {
    await import('@tensorflow/tfjs-backend-webgpu');
    tf.env().set('WEBGPU_CPU_FORWARD', false); // run even these tiny tensors as real shaders
  }
  for (const backend of ['cpu', 'wasm', 'webgpu']) {
    if (!tf.findBackendFactory(backend)) {
      results.backends[backend] = { status: 'unavailable', error: 'no navigator.gpu' };
      continue;
    }
    try {
      results.backends[backend] = await runOn(backend);
    } catch (e) {
      results.backends[backend] = { status: 'error', error: String((e as Error)?.stack ?? e) };
    }
  }
  render(results);
  (window as unknown as { __results: typeof results }).__results = results;
}

function render(results: { tfjs: string; missingGradients: string[]; backends: Record<string, BackendResult> }) {
  const backends = Object.keys(results.backends);
  const row = (cells: string[], tag = 'td') => {
    const tr = document.createElement('tr');
    for (const text of cells) tr.appendChild(Object.assign(document.createElement(tag), { textContent: text }));
    return tr;
  };
  const table = document.getElementById('results')!;
  table.appendChild(row(['case', 'computes', ...backends], 'th'));
  table.appendChild(row(['backend', '', ...backends.map((b) => {
    const r = results.backends[b];
    return r.status === 'ok' ? `ok, ${r.ms} ms ${r.note}` : `${r.status}: ${r.error.split('\n')[0]}`;
  })]));
  for (const [name, code] of CASES) {
    table.appendChild(row([name, code, ...backends.map((b) => {
      const r = results.backends[b];
      if (r.status !== 'ok') return '–';
      const { shape, values } = r.cases[name];
      return `[${shape}] ${values.slice(0, 8).join(' ')}${values.length > 8 ? ' …' : ''}`;
    })]));
  }
  const missing = results.missingGradients;
  document.getElementById('status')!.textContent =
    `tfjs-core ${results.tfjs}; missing gradients: ${missing.length ? missing.join(', ') : 'none'}`;
}

main().catch((e) => {
  const status = document.getElementById('status')!;
  status.className = 'error';
  status.textContent = String(e?.stack ?? e);
  (window as unknown as { __results: unknown }).__results = { fatal: String(e?.stack ?? e) };
});
