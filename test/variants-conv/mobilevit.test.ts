// backends: cpu, wasm
/** MobileViT (vit-pytorch mobile_vit.py): state-dict keys and shapes, forward, conv_nxn_bn by hand, a training step. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { convNxnBn, MobileViT } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, seeded, take, values } from '../vit/helpers.js';
import { assertTrainingStep, conv2dRef, stateShapes } from './helpers.js';

const TINY = { imageSize: 64, dims: [8, 8, 8], channels: [4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 16], numClasses: 3, depths: [1, 1, 1], expansion: 2 };

const bn = (prefix: string, c: number): Record<string, number[]> => ({
  [`${prefix}.weight`]: [c], [`${prefix}.bias`]: [c], [`${prefix}.running_mean`]: [c], [`${prefix}.running_var`]: [c], [`${prefix}.num_batches_tracked`]: [],
});

describe(`MobileViT on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('has mobile_vit.py state-dict keys and shapes', () => {
    const model = new MobileViT(TINY);
    const shapes = stateShapes(model);
    const entries = Object.entries(shapes);
    const head = {
      'conv1.0.weight': [4, 3, 3, 3], ...bn('conv1.1', 4),
      'stem.0.conv.0.weight': [8, 4, 1, 1], ...bn('stem.0.conv.1', 8), // pw (expansion 2)
      'stem.0.conv.3.weight': [8, 1, 3, 3], ...bn('stem.0.conv.4', 8), // dw
      'stem.0.conv.6.weight': [4, 8, 1, 1], ...bn('stem.0.conv.7', 4), // pw-linear
    };
    assert.deepEqual(entries.slice(0, Object.keys(head).length), Object.entries(head));
    const t = 'trunk.0.1';
    for (const [k, s] of Object.entries({
      'trunk.0.0.conv.3.weight': [16, 1, 3, 3],
      [`${t}.conv1.0.weight`]: [8, 8, 3, 3], ...bn(`${t}.conv1.1`, 8),
      [`${t}.conv2.0.weight`]: [8, 8, 1, 1],
      [`${t}.transformer.layers.0.0.norm.weight`]: [8],
      [`${t}.transformer.layers.0.0.to_qkv.weight`]: [96, 8], // heads 4 × dim_head 8
      [`${t}.transformer.layers.0.0.to_out.0.weight`]: [8, 32],
      [`${t}.transformer.layers.0.1.net.1.weight`]: [16, 8], // mlp_dim = 2·dims[0]
      [`${t}.transformer.layers.0.1.net.4.weight`]: [8, 16],
      [`${t}.conv3.0.weight`]: [8, 8, 1, 1],
      [`${t}.conv4.0.weight`]: [8, 16, 3, 3],
      'trunk.1.1.transformer.layers.0.1.net.1.weight': [32, 8], // 4·dims[1]
    })) assert.deepEqual(shapes[k], s, k);
    assert.deepEqual(entries.slice(-7), Object.entries({ 'to_logits.0.0.weight': [16, 8, 1, 1], ...bn('to_logits.0.1', 16), 'to_logits.2.weight': [3, 16] }));
    assert.equal(entries.filter(([k]) => k.includes('stem.')).length, 4 * (3 + 3 * 5), 'four MV2 blocks of 3 convs + 3 batch norms (5 entries each)');
    model.dispose();
  });

  it('forward (eval): logits, features, pre-logits, no leaks', async () => {
    const model = new MobileViT(TINY).eval();
    const x = seeded([2, 3, 64, 64], 1);
    const live = tf.memory().numTensors;
    const y = model.forward(x);
    assert.equal(tf.memory().numTensors, live + 1);
    assert.deepEqual(y.shape, [2, 3]);
    assert.ok((await values(y)).every(Number.isFinite));
    const feats = model.forwardFeatures(x);
    assert.deepEqual(feats.shape, [2, 16, 2, 2]);
    const f = await values(feats);
    const pooled = Array.from({ length: 32 }, (_, i) => (f[i * 4]! + f[i * 4 + 1]! + f[i * 4 + 2]! + f[i * 4 + 3]!) / 4);
    assertClose(await take(model.forwardHead(feats, { preLogits: true })), pooled, 1e-5, 'mean pooling');
    assertClose(await take(model.forwardHead(feats)), await values(y), 1e-5, 'forwardHead(forwardFeatures) = forward');
    model.resetClassifier(0);
    assert.deepEqual(model.forward(x).shape, [2, 16]);
    tf.dispose([x, y, feats]);
    model.dispose();
  });

  it('conv_nxn_bn in eval mode is conv (padding 1, stride) → running-stat BatchNorm → SiLU', async () => {
    const block = convNxnBn(2, 3, 3, 2).eval();
    const sd = block.stateDict();
    const stats = { '1.weight': [1.5, 0.5, -1], '1.bias': [0.1, 0, 0.2], '1.running_mean': [0.3, -0.2, 0.1], '1.running_var': [2, 0.5, 1] };
    const loaded = Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, tf.tensor(v)]));
    block.loadStateDict({ ...sd, ...loaded });
    const x = seeded([1, 2, 5, 5], 3);
    const ref = conv2dRef(await values(x), [1, 2, 5, 5], await values(sd['0.weight']!), [3, 2, 3, 3], { stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 1 });
    const expected = Array.from(ref.y, (v, i) => {
      const c = Math.floor(i / 9);
      const z = (v - stats['1.running_mean'][c]!) / Math.sqrt(stats['1.running_var'][c]! + 1e-5) * stats['1.weight'][c]! + stats['1.bias'][c]!;
      return z / (1 + Math.exp(-z));
    });
    assertClose(await take(block.forward(x)), expected, 1e-5, 'conv_nxn_bn');
    tf.dispose([x, ...Object.values(sd), ...Object.values(loaded)]);
    block.dispose();
  });

  it('one AdamW training step (train mode) changes every parameter, updates the running stats, leaks nothing', async () => {
    const model = new MobileViT(TINY);
    const x = seeded([2, 3, 64, 64], 2);
    await assertTrainingStep(model, x, 3);
    assert.deepEqual(Array.from(await model.namedBuffers()['conv1.1.num_batches_tracked']!.data()), [1]);
    assert.ok((await values(model.namedBuffers()['conv1.1.running_mean']!)).some((v) => v !== 0));
    x.dispose();
    model.dispose();
  });
});
