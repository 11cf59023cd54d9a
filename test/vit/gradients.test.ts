/**
 * Autograd through our ops and models on every backend. On WASM the ops take hand-written
 * gradients (explicit transposes, per-slice products, JS kernels, a rational erf): each is compared
 * with tfjs' own gradient of the plain computation; the whole model is checked against central
 * finite differences.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy, gelu, layerNorm, linear2d, matmul, SimpleViT, valueAndGrads, ViT, type Module } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, PARITY, seeded, take, values, withoutLeaks } from './helpers.js';

const tol = PARITY;

async function sameGrads(ours: tf.Tensor[], reference: tf.Tensor[], what: string, t = tol): Promise<void> {
  assert.equal(ours.length, reference.length);
  for (let i = 0; i < ours.length; i++) {
    assert.deepEqual(ours[i]!.shape, reference[i]!.shape, `${what} #${i} shape`);
    assertClose(await values(ours[i]!), await values(reference[i]!), t, `${what} gradient #${i}`);
  }
  tf.dispose([...ours, ...reference]);
}

describe(`gradients on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('linear2d (x·W + b): both weight-gradient orders', async () => {
    await withoutLeaks(async () => {
      for (const [rows, inF, outF] of [[37, 20, 30], [37, 30, 20]] as const) {
        const x = seeded([rows, inF], 1);
        const w = seeded([inF, outF], 2);
        const b = seeded([outF], 3);
        const dy = seeded([rows, outF], 4);
        const f = (fn: (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor) => tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(fn(p, q, r), dy)))([x, w, b]);
        await sameGrads(f((p, q, r) => linear2d(p as tf.Tensor2D, q as tf.Tensor2D, r as tf.Tensor1D)),
          f((p, q, r) => tf.add(tf.matMul(p as tf.Tensor2D, q as tf.Tensor2D), r)), `linear ${inF}->${outF}`);
        const [dx] = tf.grads((p: tf.Tensor) => tf.sum(tf.mul(linear2d(p as tf.Tensor2D, w as tf.Tensor2D), dy)))([x]);
        const [dxRef] = tf.grads((p: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p as tf.Tensor2D, w as tf.Tensor2D), dy)))([x]);
        await sameGrads([dx!], [dxRef!], 'linear without bias');
        tf.dispose([x, w, b, dy]);
      }
    });
  });

  it('matmul (attention products), with and without transposeB', async () => {
    await withoutLeaks(async () => {
      const a = seeded([2, 3, 17, 16], 5);
      const bt = seeded([2, 3, 17, 16], 6);
      const b = seeded([2, 3, 16, 17], 7);
      const dy = seeded([2, 3, 17, 17], 8);
      const grads = (fn: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor, y: tf.Tensor) =>
        tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(fn(p, q), dy)))([a, y]);
      const y1 = matmul(a, bt, { transposeB: true });
      const r1 = tf.matMul(a as tf.Tensor4D, bt as tf.Tensor4D, false, true);
      assertClose(await take(y1), await take(r1), tol, 'q·kᵀ');
      await sameGrads(grads((p, q) => matmul(p, q, { transposeB: true }), bt), grads((p, q) => tf.matMul(p as tf.Tensor4D, q as tf.Tensor4D, false, true), bt), 'q·kᵀ');
      await sameGrads(grads((p, q) => matmul(p, q), b), grads((p, q) => tf.matMul(p as tf.Tensor4D, q as tf.Tensor4D), b), 'attn·v');
      assert.throws(() => matmul(a, b, { transposeB: true }), /do not match/);
      tf.dispose([a, b, bt, dy]);
    });
  });

  it('layerNorm: gradients of x, weight and bias', async () => {
    await withoutLeaks(async () => {
      const x = seeded([3, 5, 24], 11, 2);
      const w = seeded([24], 12);
      const b = seeded([24], 13);
      const dy = seeded([3, 5, 24], 14);
      const reference = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor): tf.Tensor => {
        const { mean, variance } = tf.moments(p, -1, true);
        return tf.add(tf.mul(tf.div(tf.sub(p, mean), tf.sqrt(tf.add(variance, 1e-5))), q), r);
      };
      const grads = (fn: (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.Tensor) => tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(tf.mul(fn(p, q, r), dy)))([x, w, b]);
      assertClose(await take(layerNorm(x, 1, w, b, 1e-5)), await take(tf.tidy(() => reference(x, w, b))), tol, 'layerNorm');
      await sameGrads(grads((p, q, r) => layerNorm(p, 1, q, r, 1e-5)), grads(reference), 'layerNorm', backendName === 'webgpu' ? 1e-4 : 2e-5);
      tf.dispose([x, w, b, dy]);
    });
  });

  it('exact GELU gradient: Φ(x) + x·φ(x)', async () => {
    await withoutLeaks(async () => {
      const x = tf.tensor1d(Array.from({ length: 401 }, (_, i) => -8 + i / 25));
      const [ours] = tf.grads((p: tf.Tensor) => tf.sum(gelu(p)))([x]);
      const [ref] = tf.grads((p: tf.Tensor) => tf.sum(tf.mul(tf.mul(p, 0.5), tf.add(tf.erf(tf.mul(p, Math.SQRT1_2)), 1))))([x]);
      await sameGrads([ours!], [ref!], 'gelu', 1e-5);
      x.dispose();
    });
  });

  for (const [name, make] of [
    ['ViT', () => new ViT({ imageSize: 8, patchSize: 4, numClasses: 3, dim: 16, depth: 2, heads: 2, dimHead: 8, mlpDim: 16 })],
    ['SimpleViT', () => new SimpleViT({ imageSize: 8, patchSize: 4, numClasses: 3, dim: 16, depth: 1, heads: 2, dimHead: 8, mlpDim: 16 })],
  ] as [string, () => Module][]) {
    it(`${name}: every parameter gets a gradient that matches central finite differences`, async () => {
      const model = make();
      const img = seeded([2, 3, 8, 8], 9);
      const labels = tf.tensor1d([0, 2], 'int32');
      const params = model.namedParameters();
      const loss = () => crossEntropy(model.forward(img), labels);
      await withoutLeaks(async () => {
        const { value, grads } = valueAndGrads(loss, params);
        assert.deepEqual(Object.keys(grads), Object.keys(params));
        for (const [key, g] of Object.entries(grads)) {
          assert.deepEqual(g.shape, params[key]!.shape, key);
          if (g.size > 0) assert.ok((await take(tf.tidy(() => tf.max(tf.abs(g))))).at(0)! > 0, `${key} has a non-zero gradient`);
        }
        // directional derivative along a random direction, per checked parameter
        for (const key of Object.keys(params).filter((k) => /to_qkv|net\.1\.weight|pos_embedding|to_patch_embedding\.2\.bias|head\.weight/.test(k))) {
          const p = params[key]!;
          const u = seeded(p.shape, key.length, 1);
          const predicted = (await take(tf.tidy(() => tf.sum(tf.mul(grads[key]!, u)))))[0]!;
          const original = tf.clone(p);
          const eps = 1e-2;
          const at = async (s: number): Promise<number> => {
            const moved = tf.tidy(() => tf.add(original, tf.mul(u, s)));
            p.assign(moved);
            moved.dispose();
            return (await take(tf.tidy(loss)))[0]!;
          };
          const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
          p.assign(original);
          tf.dispose([u, original]);
          assert.ok(Math.abs(numeric - predicted) <= 2e-3 + 2e-2 * Math.abs(numeric), `${key}: analytic ${predicted}, numeric ${numeric}`);
        }
        tf.dispose([value, ...Object.values(grads)]);
      });
      tf.dispose([img, labels]);
      model.dispose();
    });
  }
});
