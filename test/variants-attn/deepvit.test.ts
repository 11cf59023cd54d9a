/** DeepViT (vit-pytorch deepvit.py): state-dict keys, parity with the `deepvit` fixture, registry methods, training. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { DeepViT } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { closeTo, PARITY, readBin, readTensor, readWeights, vitCase } from '../support/vit-fixtures.js';
import { assertForward, assertTrainingStep, seeded, stateShapes } from './helpers.js';

const fixture = vitCase('deepvit');
const config = { imageSize: 32, patchSize: 8, numClasses: 10, dim: 64, depth: 2, heads: 4, mlpDim: 128, dimHead: 16 };
const tol = PARITY;
const TINY = { imageSize: 16, patchSize: 8, numClasses: 3, dim: 16, depth: 2, heads: 2, dimHead: 8, mlpDim: 32 };

describe(`DeepViT on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('has deepvit.py state-dict keys and shapes (first layer written from the reference code)', () => {
    const model = new DeepViT(config);
    const shapes = stateShapes(model);
    const firstLayer = Object.fromEntries(Object.entries(shapes).filter(([k]) => k.startsWith('transformer.layers.0.')));
    assert.deepEqual(firstLayer, {
      'transformer.layers.0.0.reattn_weights': [4, 4],
      'transformer.layers.0.0.norm.weight': [64],
      'transformer.layers.0.0.norm.bias': [64],
      'transformer.layers.0.0.to_qkv.weight': [192, 64],
      'transformer.layers.0.0.reattn_norm.1.weight': [4],
      'transformer.layers.0.0.reattn_norm.1.bias': [4],
      'transformer.layers.0.0.to_out.0.weight': [64, 64],
      'transformer.layers.0.0.to_out.0.bias': [64],
      'transformer.layers.0.1.net.0.weight': [64],
      'transformer.layers.0.1.net.0.bias': [64],
      'transformer.layers.0.1.net.1.weight': [128, 64],
      'transformer.layers.0.1.net.1.bias': [128],
      'transformer.layers.0.1.net.4.weight': [64, 128],
      'transformer.layers.0.1.net.4.bias': [64],
    });
    // The whole dict, in PyTorch's order, as recorded in the fixture manifest.
    const expected = (fixture['weights'] as { keys: { name: string; shape: number[] }[] }).keys;
    assert.deepEqual(Object.entries(shapes).map(([k, s]) => [k, s]).sort(), expected.map((k) => [k.name, k.shape]).sort());
    model.dispose();
  });

  describe('parity with vit-pytorch (fixture deepvit)', () => {
    let model: DeepViT;
    let img: tf.Tensor;
    before(() => {
      assert.deepEqual(fixture.python.kwargs, { image_size: 32, patch_size: 8, num_classes: 10, dim: 64, depth: 2, heads: 4, mlp_dim: 128, dim_head: 16 });
      model = new DeepViT(config).eval();
      const weights = readWeights('deepvit/weights.safetensors');
      model.loadStateDict(weights);
      tf.dispose(Object.values(weights));
      img = readTensor('deepvit/input.f32.bin', [2, 3, 32, 32]);
    });
    after(() => {
      model.dispose();
      img.dispose();
    });

    it(`logits within ${tol} (abs + rel) of the float64 reference, leak-free`, async () => {
      const start = tf.memory().numTensors;
      const logits = model.forward(img);
      assert.deepEqual(logits.shape, [2, 10]);
      assert.equal(closeTo(await logits.data(), readBin('deepvit/output.f64.bin'), tol, tol), undefined);
      logits.dispose();
      assert.equal(tf.memory().numTensors, start);
    });

    it('forwardFeatures + forwardHead = forward; preLogits is the head LayerNorm output', async () => {
      const features = model.forwardFeatures(img);
      assert.deepEqual(features.shape, [2, 17, 64]);
      const a = model.forwardHead(features);
      const pre = model.forwardHead(features, { preLogits: true });
      assert.deepEqual(pre.shape, [2, 64]);
      assert.equal(closeTo(await a.data(), readBin('deepvit/output.f64.bin'), tol, tol), undefined);
      tf.dispose([features, a, pre]);
    });
  });

  it('tiny configs: forward shapes (cls and mean pooling), resetClassifier', async () => {
    const img = seeded([2, 3, 16, 16], 1);
    for (const pool of ['cls', 'mean'] as const) {
      const model = new DeepViT({ ...TINY, pool });
      assert.equal(model.numClasses, 3);
      await assertForward(model, img, [2, 3]);
      model.resetClassifier(7);
      assert.equal(model.numClasses, 7);
      await assertForward(model, img, [2, 7]);
      model.resetClassifier(0);
      assert.equal(model.numClasses, 0);
      await assertForward(model, img, [2, 16]);
      assert.ok(!Object.keys(model.namedParameters()).some((k) => k.startsWith('mlp_head.1')));
      model.dispose();
    }
    img.dispose();
  });

  it('one AdamW training step changes every parameter, without leaks', async () => {
    const model = new DeepViT(TINY);
    const img = seeded([2, 3, 16, 16], 2);
    await assertTrainingStep(model, img, 3);
    model.dispose();
    img.dispose();
  });
});
