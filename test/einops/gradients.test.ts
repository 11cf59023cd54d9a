/**
 * Gradients flow through every op: compared with the same computation written with plain tfjs ops.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { einsum, missingGradients, pack, rearrange, reduce, repeat, unpack } from '@vit/einops';
import { backendName, useTestBackend } from '../support/backend.js';

async function assertClose(got: tf.Tensor, want: tf.Tensor, what: string): Promise<void> {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const g = await got.data();
  const w = await want.data();
  for (let i = 0; i < w.length; i++) {
    assert.ok(Math.abs(g[i]! - w[i]!) <= 1e-4 + 1e-4 * Math.abs(w[i]!), `${what}: value #${i} ${g[i]} vs ${w[i]}`);
  }
}

/** Deterministic, non-symmetric test data. */
function data(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + seed) + 0.1 * seed), shape);
}

describe(`einops gradients on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('the start-up self-check finds every gradient it needs', () => {
    assert.deepEqual(missingGradients(), []);
  });

  it('einsum: attention scores and the values product match matMul gradients', async () => {
    const q = data([2, 3, 5, 4], 1);
    const k = data([2, 3, 6, 4], 2);
    const w = data([2, 3, 5, 6], 3);
    const before = tf.memory().numTensors;
    const ours = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(einsum(a, b, 'b h i d, b h j d -> b h i j'), w)))([q, k]);
    const ref = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a as tf.Tensor4D, b as tf.Tensor4D, false, true), w)))([q, k]);
    await assertClose(ours[0]!, ref[0]!, 'dq');
    await assertClose(ours[1]!, ref[1]!, 'dk');
    [...ours, ...ref].forEach((t) => t.dispose());
    assert.equal(tf.memory().numTensors, before);
    [q, k, w].forEach((t) => t.dispose());
  });

  it('einsum: three operands, a trace and a diagonal are differentiable', async () => {
    const a = data([3, 4], 1);
    const b = data([4, 5], 2);
    const c = data([5, 3], 3);
    const [da] = tf.grads((x: tf.Tensor) => einsum(x, b, c, 'i j, j k, k i ->'))([a]);
    // d/dA trace(A B C) = (B C)^T
    const want = tf.transpose(tf.matMul(b as tf.Tensor2D, c as tf.Tensor2D));
    await assertClose(da!, want, 'd trace(ABC)/dA');
    const m = data([4, 4], 4);
    const [dm] = tf.grads((x: tf.Tensor) => tf.sum(tf.mul(einsum(x, 'i i -> i'), tf.tensor([1, 2, 3, 4]))))([m]);
    await assertClose(dm!, tf.diag(tf.tensor([1, 2, 3, 4])), 'd diag(M)/dM');
    [a, b, c, da!, want, m, dm!].forEach((t) => t.dispose());
  });

  it('rearrange, reduce, repeat, pack and unpack pass gradients through', async () => {
    const x = data([2, 3, 4], 5);
    const w = data([4, 6], 6);
    const f = (t: tf.Tensor): tf.Tensor => {
      const r = rearrange(t, 'a b c -> c (a b)');
      const m = reduce(r, 'c (a b) -> c a', 'max', { a: 2 });
      const s = reduce(r, 'c n -> c', 'mean');
      const p = repeat(s, 'c -> c k', { k: 2 });
      const [packed] = pack([m, p], 'c *');
      const [u1, u2] = unpack(packed, [[2], [2]], 'c *');
      return tf.sum(tf.mul(tf.concat([u1!, u2!], 1), tf.slice(w, [0, 0], [4, 4])));
    };
    const g = (t: tf.Tensor): tf.Tensor => {
      const r = tf.reshape(tf.transpose(t, [2, 0, 1]), [4, 6]);
      const m = tf.max(tf.reshape(r, [4, 2, 3]), 2);
      const s = tf.mean(r, 1);
      const p = tf.tile(tf.reshape(s, [4, 1]), [1, 2]);
      return tf.sum(tf.mul(tf.concat([m, p], 1), tf.slice(w, [0, 0], [4, 4])));
    };
    const before = tf.memory().numTensors;
    const [ours] = tf.grads(f)([x]);
    const [ref] = tf.grads(g)([x]);
    await assertClose(ours!, ref!, 'dx');
    ours!.dispose();
    ref!.dispose();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
    w.dispose();
  });
});
