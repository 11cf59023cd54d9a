/** CaiT (vit-pytorch cait.py): state-dict keys, parity with the `cait` fixture, registry methods, training. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CaiT, layerScaleInit } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { closeTo, PARITY, readBin, readTensor, readWeights, vitCase } from '../support/vit-fixtures.js';
import { assertForward, assertTrainingStep, seeded, stateShapes } from './helpers.js';

const fixture = vitCase('cait');
const config = { imageSize: 32, patchSize: 8, numClasses: 10, dim: 64, depth: 2, heads: 4, mlpDim: 128, dimHead: 16, clsDepth: 1 };
const tol = PARITY;
const TINY = { imageSize: 16, patchSize: 8, numClasses: 3, dim: 16, depth: 2, clsDepth: 1, heads: 2, dimHead: 8, mlpDim: 32 };

describe(`CaiT on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('has cait.py state-dict keys and shapes (first layer written from the reference code)', async () => {
    const model = new CaiT(config);
    const shapes = stateShapes(model);
    const firstLayer = Object.fromEntries(Object.entries(shapes).filter(([k]) => k.startsWith('patch_transformer.layers.0.')));
    assert.deepEqual(firstLayer, {
      'patch_transformer.layers.0.0.scale': [1, 1, 64],
      'patch_transformer.layers.0.0.fn.mix_heads_pre_attn': [4, 4],
      'patch_transformer.layers.0.0.fn.mix_heads_post_attn': [4, 4],
      'patch_transformer.layers.0.0.fn.norm.weight': [64],
      'patch_transformer.layers.0.0.fn.norm.bias': [64],
      'patch_transformer.layers.0.0.fn.to_q.weight': [64, 64],
      'patch_transformer.layers.0.0.fn.to_kv.weight': [128, 64],
      'patch_transformer.layers.0.0.fn.to_out.0.weight': [64, 64],
      'patch_transformer.layers.0.0.fn.to_out.0.bias': [64],
      'patch_transformer.layers.0.1.scale': [1, 1, 64],
      'patch_transformer.layers.0.1.fn.net.0.weight': [64],
      'patch_transformer.layers.0.1.fn.net.0.bias': [64],
      'patch_transformer.layers.0.1.fn.net.1.weight': [128, 64],
      'patch_transformer.layers.0.1.fn.net.1.bias': [128],
      'patch_transformer.layers.0.1.fn.net.4.weight': [64, 128],
      'patch_transformer.layers.0.1.fn.net.4.bias': [64],
    });
    assert.deepEqual(shapes['pos_embedding'], [1, 16, 64]);
    const expected = (fixture['weights'] as { keys: { name: string; shape: number[] }[] }).keys;
    assert.deepEqual(Object.entries(shapes).sort(), expected.map((k) => [k.name, k.shape]).sort());
    // LayerScale starts at the paper's epsilon for the layer's depth.
    assert.deepEqual([layerScaleInit(1), layerScaleInit(18), layerScaleInit(19), layerScaleInit(24), layerScaleInit(25)], [0.1, 0.1, 1e-5, 1e-5, 1e-6]);
    const scale = await model.getSubmodule('patch_transformer.layers.1.0') as unknown as { scale: tf.Variable };
    assert.ok((await scale.scale.data()).every((v) => Math.abs(v - 0.1) < 1e-7));
    model.dispose();
  });

  describe('parity with vit-pytorch (fixture cait)', () => {
    let model: CaiT;
    let img: tf.Tensor;
    before(() => {
      assert.deepEqual(fixture.python.kwargs, { image_size: 32, patch_size: 8, num_classes: 10, dim: 64, depth: 2, heads: 4, mlp_dim: 128, dim_head: 16, cls_depth: 1 });
      model = new CaiT(config).eval();
      const weights = readWeights('cait/weights.safetensors');
      model.loadStateDict(weights);
      tf.dispose(Object.values(weights));
      img = readTensor('cait/input.f32.bin', [2, 3, 32, 32]);
    });
    after(() => {
      model.dispose();
      img.dispose();
    });

    it(`logits within ${tol} (abs + rel) of the float64 reference, leak-free`, async () => {
      const start = tf.memory().numTensors;
      const logits = model.forward(img);
      assert.deepEqual(logits.shape, [2, 10]);
      assert.equal(closeTo(await logits.data(), readBin('cait/output.f64.bin'), tol, tol), undefined);
      logits.dispose();
      assert.equal(tf.memory().numTensors, start);
    });

    it('forwardFeatures is the class token [b, 1, dim]; forwardHead gives the logits', async () => {
      const features = model.forwardFeatures(img);
      assert.deepEqual(features.shape, [2, 1, 64]);
      const logits = model.forwardHead(features);
      const pre = model.forwardHead(features, { preLogits: true });
      assert.deepEqual(pre.shape, [2, 64]);
      assert.equal(closeTo(await logits.data(), readBin('cait/output.f64.bin'), tol, tol), undefined);
      tf.dispose([features, logits, pre]);
    });
  });

  it('tiny configs: forward shapes, resetClassifier, layer dropout only in train mode', async () => {
    const img = seeded([2, 3, 16, 16], 1);
    const model = new CaiT({ ...TINY, layerDropout: 0.5 });
    model.eval();
    const a = model.forward(img);
    const b = model.forward(img);
    assert.deepEqual(Array.from(await a.data()), Array.from(await b.data()), 'eval is deterministic');
    tf.dispose([a, b]);
    await assertForward(model, img, [2, 3]);
    model.resetClassifier(5);
    await assertForward(model, img, [2, 5]);
    model.resetClassifier(0);
    await assertForward(model, img, [2, 16]);
    model.train();
    await assertForward(model, img, [2, 16]);
    model.dispose();
    img.dispose();
  });

  it('one AdamW training step changes every parameter, without leaks', async () => {
    const model = new CaiT(TINY);
    const img = seeded([2, 3, 16, 16], 2);
    await assertTrainingStep(model, img, 3);
    model.dispose();
    img.dispose();
  });
});
