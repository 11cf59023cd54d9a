/** DistillableViT against vit-pytorch's recorded outputs (fixture distillable_vit), and toVit(). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { ViT } from '@vit/core';
import { DistillableViT } from '@vit/distill';
import { backendName, useTestBackend } from '../support/backend.js';
import { closeTo, PARITY, readBin, readTensor, readWeights, vitCase } from '../support/vit-fixtures.js';

const fixture = vitCase('distillable_vit');
const config = { imageSize: 32, patchSize: 8, numClasses: 10, dim: 64, depth: 2, heads: 4, mlpDim: 128, dimHead: 16, channels: 3 };
const tol = PARITY;

describe(`DistillableViT on ${backendName}`, () => {
  let student: DistillableViT;
  let img: tf.Tensor;
  let token: tf.Tensor;

  before(async () => {
    await useTestBackend();
    assert.deepEqual(fixture.python.kwargs, { image_size: 32, patch_size: 8, num_classes: 10, dim: 64, depth: 2, heads: 4, mlp_dim: 128, dim_head: 16, channels: 3 });
    student = new DistillableViT(config).eval();
    const weights = readWeights('distillable_vit/weights.safetensors');
    student.loadStateDict(weights);
    tf.dispose(Object.values(weights));
    img = readTensor('distillable_vit/input.f32.bin', [2, 3, 32, 32]);
    token = readTensor('distillable_vit/distill_token.f32.bin', [1, 64]);
  });

  after(() => {
    student.dispose();
    img.dispose();
    token.dispose();
  });

  it('forward(img) gives the plain logits', async () => {
    const logits = student.forward(img);
    assert.deepEqual(logits.shape, [2, 10]);
    assert.equal(closeTo(await logits.data(), readBin('distillable_vit/output.f64.bin'), tol, tol), undefined);
    logits.dispose();
  });

  it('forward(img, { distillToken }) appends the token last, without position embedding, and returns it', async () => {
    const before = tf.memory().numTensors;
    const [logits, tokenOut] = student.forward(img, { distillToken: token });
    assert.deepEqual(tokenOut.shape, [2, 64]);
    assert.equal(closeTo(await logits.data(), readBin('distillable_vit/logits_with_distill_token.f64.bin'), tol, tol), undefined, 'logits');
    assert.equal(closeTo(await tokenOut.data(), readBin('distillable_vit/distill_token_out.f64.bin'), tol, tol), undefined, 'token');
    logits.dispose();
    tokenOut.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('toVit() is a plain ViT with identical logits', async () => {
    const vit = student.toVit();
    assert.ok(vit instanceof ViT && !(vit instanceof DistillableViT));
    assert.equal(vit.training, false);
    const a = student.forward(img);
    const b = vit.forward(img);
    assert.deepEqual(Array.from(await a.data()), Array.from(await b.data()));
    assert.deepEqual(Object.keys(vit.stateDict()).sort(), Object.keys(student.namedParameters()).sort());
    [a, b].forEach((t) => t.dispose());
    vit.dispose();
  });

  it('rejects a distill token of the wrong shape and a student without classes', () => {
    const bad = tf.zeros([2, 64]);
    assert.throws(() => student.forward(img, { distillToken: bad }), /\[1, 64\]/);
    bad.dispose();
    assert.throws(() => new DistillableViT({ ...config, numClasses: 0 }), /numClasses/);
  });

  it('works with mean pooling (zero-size cls token)', async () => {
    const mean = new DistillableViT({ ...config, pool: 'mean' });
    const [logits, out] = mean.forward(img, { distillToken: token });
    assert.deepEqual(logits.shape, [2, 10]);
    assert.deepEqual(out.shape, [2, 64]);
    // Without the token the mean pooling covers the patch tokens only; the token changes the logits
    // only through attention, so they differ but stay finite.
    const plain = mean.forward(img);
    assert.ok((await logits.data()).every(Number.isFinite));
    assert.notDeepEqual(Array.from(await plain.data()), Array.from(await logits.data()));
    [logits, out, plain].forEach((t) => t.dispose());
    mean.dispose();
  });
});
