// backends: cpu, wasm
/** CCT (vit-pytorch cct.py): state-dict keys and shapes, forward, sequence pooling by hand, a training step. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CCT, sinusoidalEmbedding } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, seeded, take, values } from '../vit/helpers.js';
import { assertTrainingStep, stateShapes } from './helpers.js';

const TINY = { imgSize: 16, embeddingDim: 16, nConvLayers: 2, kernelSize: 3, stride: 1, padding: 1, numLayers: 2, numHeads: 2, mlpRatio: 2, numClasses: 3 };

describe(`CCT on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('has cct.py state-dict keys and shapes', () => {
    const model = new CCT(TINY);
    const shapes = stateShapes(model);
    const block = (i: number): Record<string, number[]> => ({
      [`classifier.blocks.${i}.pre_norm.weight`]: [16], [`classifier.blocks.${i}.pre_norm.bias`]: [16],
      [`classifier.blocks.${i}.self_attn.qkv.weight`]: [48, 16],
      [`classifier.blocks.${i}.self_attn.proj.weight`]: [16, 16], [`classifier.blocks.${i}.self_attn.proj.bias`]: [16],
      [`classifier.blocks.${i}.linear1.weight`]: [32, 16], [`classifier.blocks.${i}.linear1.bias`]: [32],
      [`classifier.blocks.${i}.norm1.weight`]: [16], [`classifier.blocks.${i}.norm1.bias`]: [16],
      [`classifier.blocks.${i}.linear2.weight`]: [16, 32], [`classifier.blocks.${i}.linear2.bias`]: [16],
    });
    assert.deepEqual(Object.entries(shapes), Object.entries({
      'tokenizer.conv_layers.0.0.weight': [64, 3, 3, 3], // in_planes = 64 between conv layers
      'tokenizer.conv_layers.1.0.weight': [16, 64, 3, 3],
      'classifier.positional_emb': [1, 16, 16], // 16 → conv 16 → pool 8 → conv 8 → pool 4: 4·4 tokens
      'classifier.attention_pool.weight': [1, 16], 'classifier.attention_pool.bias': [1],
      ...block(0), ...block(1),
      'classifier.norm.weight': [16], 'classifier.norm.bias': [16],
      'classifier.fc.weight': [3, 16], 'classifier.fc.bias': [3],
    }));
    // 'sine' positional embedding is a frozen parameter (requires_grad=False), as in cct.py.
    assert.equal(model.namedParameters()['classifier.positional_emb']!.trainable, false);
    model.dispose();
    const learnable = new CCT({ ...TINY, nConvLayers: 1, positionalEmbedding: 'learnable' });
    assert.equal(learnable.namedParameters()['classifier.positional_emb']!.trainable, true);
    assert.deepEqual(stateShapes(learnable)['tokenizer.conv_layers.0.0.weight'], [16, 3, 3, 3]);
    learnable.dispose();
    const none = new CCT({ ...TINY, positionalEmbedding: 'none' });
    assert.ok(!('classifier.positional_emb' in stateShapes(none)));
    none.dispose();
  });

  it('sinusoidal_embedding follows cct.py', async () => {
    const pe = sinusoidalEmbedding(5, 6);
    assert.deepEqual(pe.shape, [1, 5, 6]);
    const v = await take(pe);
    const expected: number[] = [];
    for (let p = 0; p < 5; p++) for (let i = 0; i < 6; i++) {
      const a = p / 10000 ** ((2 * Math.floor(i / 2)) / 6);
      expected.push(i % 2 === 0 ? Math.sin(a) : Math.cos(a));
    }
    assertClose(v, expected, 1e-6, 'sinusoid');
  });

  it('forward: logits shape, finite, no leaks; features and sequence pooling by hand', async () => {
    const model = new CCT(TINY).eval();
    const x = seeded([2, 3, 16, 16], 1);
    const before = tf.memory().numTensors;
    const y = model.forward(x);
    assert.equal(tf.memory().numTensors, before + 1);
    assert.deepEqual(y.shape, [2, 3]);
    assert.ok((await values(y)).every(Number.isFinite));
    const feats = model.forwardFeatures(x);
    assert.deepEqual(feats.shape, [2, 16, 16]);
    // Sequence pooling: softmax over tokens of attention_pool(x), weighted sum of the tokens.
    const f = await values(feats);
    const sd = model.stateDict();
    const w = await values(sd['classifier.attention_pool.weight']!);
    const b = (await values(sd['classifier.attention_pool.bias']!))[0]!;
    const pooled: number[] = [];
    for (let n = 0; n < 2; n++) {
      const scores = Array.from({ length: 16 }, (_, t) => w.reduce((s, wi, d) => s + wi * f[(n * 16 + t) * 16 + d]!, b));
      const m = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - m));
      const z = e.reduce((a, c) => a + c, 0);
      for (let d = 0; d < 16; d++) pooled.push(e.reduce((s, ei, t) => s + (ei / z) * f[(n * 16 + t) * 16 + d]!, 0));
    }
    assertClose(await take(model.forwardHead(feats, { preLogits: true })), pooled, 1e-5, 'sequence pooling');
    assertClose(await take(model.forwardHead(feats)), await values(y), 1e-5, 'forwardHead(forwardFeatures) = forward');
    model.resetClassifier(0);
    assert.equal(model.numClasses, 0);
    assert.deepEqual((await take(model.forward(x))).length, 2 * 16);
    model.resetClassifier(5);
    assert.deepEqual(stateShapes(model)['classifier.fc.weight'], [5, 16]);
    tf.dispose([x, y, feats, ...Object.values(sd)]);
    model.dispose();
  });

  it('one AdamW training step changes every trainable parameter and leaks nothing', async () => {
    // No dropout or stochastic depth: dropping a block's branch for the whole (2-image) batch would
    // leave that block without a gradient by chance.
    const model = new CCT({ ...TINY, positionalEmbedding: 'learnable', dropoutRate: 0, attentionDropout: 0, stochasticDepthRate: 0 });
    const x = seeded([2, 3, 16, 16], 2);
    // Sequence pooling's bias shifts every token's score equally, so the softmax makes its gradient 0.
    await assertTrainingStep(model, x, 3, ['classifier.attention_pool.bias']);
    x.dispose();
    model.dispose();
  });
});
