/**
 * `batchedMatMul` from @vit/einops/kernels (einsum's contractions and @vit/core's attention): every
 * combination of transposed operands, values and gradients, against tf.matMul. On WASM the larger
 * case takes the per-slice 2-D path with its own gradients; the small one the batched kernel.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import '@vit/einops';
import { batchedMatMul } from '@vit/einops/kernels';
import { backendName, readValues, useTestBackend } from '../support/backend.js';

const TOLERANCE = 1e-4;

async function assertClose(actual: tf.Tensor, expected: tf.Tensor, what: string): Promise<void> {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const [a, e] = [await readValues(actual), await readValues(expected)];
  const worst = Math.max(0, ...a.map((v, i) => Math.abs(v - e[i]!)));
  assert.ok(worst <= TOLERANCE * Math.max(1, ...e.map(Math.abs)), `${what}: max difference ${worst}`);
}

describe(`batchedMatMul on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  for (const [batch, m, k, n] of [[3, 2, 3, 4], [4, 24, 20, 18]] as const) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        it(`[${batch}, ${m}, ${k}] x [${batch}, ${k}, ${n}], transposeA ${transposeA}, transposeB ${transposeB}`, async () => {
          const before = tf.memory().numTensors;
          const a = tf.randomNormal<tf.Rank.R3>(transposeA ? [batch, k, m] : [batch, m, k], 0, 1, 'float32', 3);
          const b = tf.randomNormal<tf.Rank.R3>(transposeB ? [batch, n, k] : [batch, k, n], 0, 1, 'float32', 4);
          const dy = tf.randomNormal([batch, m, n], 0, 1, 'float32', 5);
          const ours = (x: tf.Tensor, y: tf.Tensor) => batchedMatMul(x as tf.Tensor3D, y as tf.Tensor3D, { transposeA, transposeB });
          const reference = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor3D, y as tf.Tensor3D, transposeA, transposeB);
          const [y, yRef] = [ours(a, b), reference(a, b)];
          const grads = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(ours(x, w), dy)))([a, b]);
          const gradsRef = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(reference(x, w), dy)))([a, b]);
          await assertClose(y, yRef, 'value');
          await assertClose(grads[0]!, gradsRef[0]!, 'gradient of a');
          await assertClose(grads[1]!, gradsRef[1]!, 'gradient of b');
          tf.dispose([a, b, dy, y, yRef, ...grads, ...gradsRef]);
          assert.equal(tf.memory().numTensors, before, 'tensors left behind');
        });
      }
    }
  }
});
