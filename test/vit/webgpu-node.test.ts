// backends: webgpu
/**
 * `@vit/core/node`'s setBackend('webgpu') in a fresh Node process: it provides navigator.gpu from
 * the `webgpu` npm package (Dawn) before loading tfjs-backend-webgpu. Run by test/run.mjs, which
 * sets up the software adapter's environment (Mesa llvmpipe through Dawn's OpenGL ES backend).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('setBackend webgpu in Node', () => {
  it('installs navigator.gpu, switches to webgpu and runs a ViT', () => {
    const script = `
      import * as tf from '@tensorflow/tfjs-core';
      import { setBackend, ViT } from '@vit/core/node';
      const before = typeof globalThis.navigator?.gpu;
      await setBackend('webgpu', { webgpu: { dawnOptions: ['backend=opengles'], featureLevel: 'compatibility' } });
      const model = new ViT({ imageSize: 8, patchSize: 4, numClasses: 3, dim: 8, depth: 1, heads: 2, dimHead: 4, mlpDim: 8 }).eval();
      const y = model.forward(tf.ones([1, 3, 8, 8]));
      const values = Array.from(await y.data());
      console.log(JSON.stringify({ before, backend: tf.getBackend(), n: values.length, finite: values.every(Number.isFinite) }));
      process.exit(0);
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), { before: 'undefined', backend: 'webgpu', n: 3, finite: true });
  });
});
