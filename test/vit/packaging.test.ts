// backends: cpu
/**
 * @vit/core as users get it: plain Node imports of the built package (main and `node` entries),
 * which backend a plain import leaves active, `setBackend`, and a browser bundle of the main entry
 * that pulls in nothing Node-only.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function runModule(script: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('@vit/core packaging', () => {
  it("`import { ViT } from '@vit/core'` works from plain Node and leaves tfjs on the cpu backend", () => {
    const result = runModule(`
      import * as tf from '@tensorflow/tfjs-core';
      import { ViT } from '@vit/core';
      const model = new ViT({ imageSize: 8, patchSize: 4, numClasses: 3, dim: 8, depth: 1, heads: 2, dimHead: 4, mlpDim: 8 }).eval();
      const y = model.forward(tf.ones([2, 3, 8, 8]));
      console.log(JSON.stringify({ backend: tf.getBackend(), shape: y.shape, finite: Array.from(y.dataSync()).every(Number.isFinite) }));
    `);
    assert.deepEqual(result, { backend: 'cpu', shape: [2, 3], finite: true });
  });

  it("'@vit/core/node' adds the file helpers and a setBackend that switches to wasm and back", () => {
    const result = runModule(`
      import * as tf from '@tensorflow/tfjs-core';
      import { setBackend, readSafetensorsFile, loadSafetensorsFile, ViT } from '@vit/core/node';
      await setBackend('wasm');
      const onWasm = tf.getBackend();
      const model = new ViT({ imageSize: 8, patchSize: 4, numClasses: 3, dim: 8, depth: 1, heads: 2, dimHead: 4, mlpDim: 8 });
      const y = model.forward(tf.ones([1, 3, 8, 8]));
      await setBackend('cpu');
      let unknown = '';
      try { await setBackend('tpu'); } catch (e) { unknown = e.message; }
      console.log(JSON.stringify({ onWasm, shape: y.shape, after: tf.getBackend(), helpers: [typeof readSafetensorsFile, typeof loadSafetensorsFile], unknown }));
    `);
    assert.deepEqual(result, { onWasm: 'wasm', shape: [1, 3], after: 'cpu', helpers: ['function', 'function'], unknown: "unknown backend 'tpu' (expected cpu, wasm or webgpu)" });
  });

  it('the main entry bundles for the browser without Node modules or the webgpu npm package', async () => {
    const result = await build({
      entryPoints: [path.join(root, 'packages/vit/dist/index.js')],
      bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent',
      external: ['@tensorflow/*'], metafile: true,
    });
    const inputs = Object.keys(result.metafile!.inputs);
    assert.ok(inputs.some((p) => p.includes('packages/einops/dist/index.js')), 'the browser entry of @vit/einops');
    assert.ok(!inputs.some((p) => p.includes('/node/') || p.includes('index.node')), `no Node entries: ${inputs.filter((p) => p.includes('node'))}`);
    const all = Object.values(result.metafile!.outputs).flatMap((o) => o.imports);
    const imports = all.map((i) => i.path);
    assert.ok(!imports.some((p) => p.startsWith('node:') || p === 'webgpu'), `imports: ${imports.join(', ')}`);
    assert.ok(imports.includes('@tensorflow/tfjs-backend-cpu'), 'registers the cpu backend');
    for (const lazy of ['@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu']) {
      assert.ok(all.some((i) => i.path === lazy && i.kind === 'dynamic-import'), `${lazy} is loaded on demand`);
      assert.ok(!all.some((i) => i.path === lazy && i.kind !== 'dynamic-import'), `${lazy} is not imported eagerly`);
    }
  });

  it('ships JS and declarations for both entries behind the exports map', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'packages/vit/package.json'), 'utf8'));
    for (const entry of ['.', './node']) {
      for (const file of [pkg.exports[entry].types, pkg.exports[entry].default]) {
        assert.ok(existsSync(path.join(root, 'packages/vit', file)), `${entry}: ${file} is built`);
      }
    }
    assert.equal(pkg.dependencies?.['@tensorflow/tfjs-core'], undefined, 'tfjs-core is a peer dependency');
    assert.ok(pkg.peerDependencies['@tensorflow/tfjs-core']);
  });
});
