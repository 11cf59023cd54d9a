// backends: cpu, wasm
/** T2TViT (vit-pytorch t2t.py): state-dict keys and shapes, forward, the soft split by hand, a training step. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { T2TViT, Unfold } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, seeded, take, values } from '../vit/helpers.js';
import { assertTrainingStep, stateShapes } from './helpers.js';

const TINY = { imageSize: 16, numClasses: 3, dim: 16, depth: 1, heads: 2, dimHead: 8, mlpDim: 32, t2tLayers: [[3, 2], [3, 2]] as [number, number][] };

describe(`T2TViT on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('has t2t.py state-dict keys and shapes', () => {
    const model = new T2TViT(TINY);
    const t = 'to_patch_embedding.3';
    assert.deepEqual(Object.entries(stateShapes(model)), Object.entries({
      'pos_embedding': [1, 17, 16], // 16 → 8 → 4: 4·4 tokens + the class token
      'cls_token': [1, 1, 16],
      // soft split 1: 3·3·3 = 27 features, a one-head Transformer with dim_head = dim (so to_out is Identity)
      [`${t}.norm.weight`]: [27], [`${t}.norm.bias`]: [27],
      [`${t}.layers.0.0.norm.weight`]: [27], [`${t}.layers.0.0.norm.bias`]: [27],
      [`${t}.layers.0.0.to_qkv.weight`]: [81, 27],
      [`${t}.layers.0.1.net.0.weight`]: [27], [`${t}.layers.0.1.net.0.bias`]: [27],
      [`${t}.layers.0.1.net.1.weight`]: [27, 27], [`${t}.layers.0.1.net.1.bias`]: [27],
      [`${t}.layers.0.1.net.4.weight`]: [27, 27], [`${t}.layers.0.1.net.4.bias`]: [27],
      // soft split 2 (last: no transformer): 27·9 = 243 features → Linear at index 8
      'to_patch_embedding.8.weight': [16, 243], 'to_patch_embedding.8.bias': [16],
      'transformer.norm.weight': [16], 'transformer.norm.bias': [16],
      'transformer.layers.0.0.norm.weight': [16], 'transformer.layers.0.0.norm.bias': [16],
      'transformer.layers.0.0.to_qkv.weight': [48, 16],
      'transformer.layers.0.0.to_out.0.weight': [16, 16], 'transformer.layers.0.0.to_out.0.bias': [16],
      'transformer.layers.0.1.net.0.weight': [16], 'transformer.layers.0.1.net.0.bias': [16],
      'transformer.layers.0.1.net.1.weight': [32, 16], 'transformer.layers.0.1.net.1.bias': [32],
      'transformer.layers.0.1.net.4.weight': [16, 32], 'transformer.layers.0.1.net.4.bias': [16],
      'mlp_head.weight': [3, 16], 'mlp_head.bias': [3],
    }));
    model.dispose();
    // The default soft splits ((7, 4), (3, 2), (3, 2)): Linear(3·49·9·9, dim) at index 12.
    const big = new T2TViT({ imageSize: 32, numClasses: 2, dim: 8, depth: 1, heads: 1, dimHead: 8, mlpDim: 8 });
    const shapes = stateShapes(big);
    assert.deepEqual(shapes['to_patch_embedding.12.weight'], [8, 11907]);
    assert.deepEqual(shapes['to_patch_embedding.7.layers.0.0.to_qkv.weight'], [3 * 1323, 1323]);
    assert.deepEqual(shapes['pos_embedding'], [1, 4 + 1, 8]); // 32 → 8 → 4 → 2
    big.dispose();
    assert.throws(() => new T2TViT({ imageSize: 16, numClasses: 3, dim: 16 }), /depth, heads, and mlp_dim must be supplied/);
  });

  it('forward: logits, mean pooling, no leaks; the first soft split is Unfold + Rearrange', async () => {
    const model = new T2TViT({ ...TINY, pool: 'mean' }).eval();
    const x = seeded([2, 3, 16, 16], 1);
    const live = tf.memory().numTensors;
    const y = model.forward(x);
    assert.equal(tf.memory().numTensors, live + 1);
    assert.deepEqual(y.shape, [2, 3]);
    assert.ok((await values(y)).every(Number.isFinite));
    const feats = model.forwardFeatures(x);
    assert.deepEqual(feats.shape, [2, 17, 16]);
    const f = await values(feats);
    const mean = Array.from({ length: 32 }, (_, i) => { const [b, d] = [Math.floor(i / 16), i % 16]; let s = 0; for (let t = 0; t < 17; t++) s += f[(b * 17 + t) * 16 + d]!; return s / 17; });
    assertClose(await take(model.forwardHead(feats, { preLogits: true })), mean, 1e-5, 'mean pooling');
    assertClose(await take(model.forwardHead(feats)), await values(y), 1e-5, 'forwardHead(forwardFeatures) = forward');
    // The stack up to the first transformer: Identity, Unfold(3, stride 2, padding 1), 'b c n -> b n c'.
    const split = model.toPatchEmbedding.at(1).forward(x);
    const unfold = new Unfold(3, { stride: 2, padding: 1 });
    assertClose(await take(split), await take(unfold.forward(x)), 0.5e-7, 'soft split');
    tf.dispose([x, y, feats]);
    model.dispose();
  });

  it('one AdamW training step changes every parameter and leaks nothing', async () => {
    const model = new T2TViT(TINY);
    const x = seeded([2, 3, 16, 16], 2);
    await assertTrainingStep(model, x, 3);
    x.dispose();
    model.dispose();
  });
});
