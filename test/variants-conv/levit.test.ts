// backends: cpu, wasm
/** LeViT (vit-pytorch levit.py): state-dict keys and shapes, pos_indices and the position bias by hand, forward, a training step. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { LeViT, LeViTAttention, levitPosIndices } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, seeded, take, values } from '../vit/helpers.js';
import { assertTrainingStep, stateShapes } from './helpers.js';

const TINY = { imageSize: 64, numClasses: 3, dim: [16, 24], depth: 1, heads: [2, 3], mlpMult: 2, stages: 2, dimKey: 4, dimValue: 8 };

const bn = (prefix: string, c: number): Record<string, number[]> => ({
  [`${prefix}.weight`]: [c], [`${prefix}.bias`]: [c], [`${prefix}.running_mean`]: [c], [`${prefix}.running_var`]: [c], [`${prefix}.num_batches_tracked`]: [],
});

function attention(p: string, dim: number, heads: number, dimOut: number, nq: number, nk: number): Record<string, number[]> {
  return {
    [`${p}.pos_indices`]: [nq, nk],
    [`${p}.to_q.0.weight`]: [heads * 4, dim, 1, 1], ...bn(`${p}.to_q.1`, heads * 4),
    [`${p}.to_k.0.weight`]: [heads * 4, dim, 1, 1], ...bn(`${p}.to_k.1`, heads * 4),
    [`${p}.to_v.0.weight`]: [heads * 8, dim, 1, 1], ...bn(`${p}.to_v.1`, heads * 8),
    [`${p}.to_out.1.weight`]: [dimOut, heads * 8, 1, 1], [`${p}.to_out.1.bias`]: [dimOut], ...bn(`${p}.to_out.2`, dimOut),
    [`${p}.pos_bias.weight`]: [nk, heads],
  };
}

const ff = (p: string, dim: number): Record<string, number[]> => ({
  [`${p}.net.0.weight`]: [dim * 2, dim, 1, 1], [`${p}.net.0.bias`]: [dim * 2], [`${p}.net.3.weight`]: [dim, dim * 2, 1, 1], [`${p}.net.3.bias`]: [dim],
});

describe(`LeViT on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('has levit.py state-dict keys and shapes', () => {
    const model = new LeViT(TINY);
    assert.deepEqual(Object.entries(stateShapes(model)), Object.entries({
      'conv_embedding.0.weight': [32, 3, 3, 3], 'conv_embedding.0.bias': [32],
      'conv_embedding.1.weight': [64, 32, 3, 3], 'conv_embedding.1.bias': [64],
      'conv_embedding.2.weight': [128, 64, 3, 3], 'conv_embedding.2.bias': [128],
      'conv_embedding.3.weight': [16, 128, 3, 3], 'conv_embedding.3.bias': [16],
      ...attention('backbone.0.layers.0.0', 16, 2, 16, 16, 16), ...ff('backbone.0.layers.0.1', 16), // 64 / 16 = 4x4 map
      ...attention('backbone.1.layers.0.0', 16, 4, 24, 4, 16), ...ff('backbone.1.layers.0.1', 24), // downsample: heads x2, queries at stride 2
      ...attention('backbone.2.layers.0.0', 24, 3, 24, 4, 4), ...ff('backbone.2.layers.0.1', 24),
      'mlp_head.weight': [3, 24], 'mlp_head.bias': [3],
    }));
    model.dispose();
    const distilled = new LeViT({ ...TINY, numDistillClasses: 5 });
    const keys = Object.keys(stateShapes(distilled));
    assert.deepEqual(keys.slice(-4), ['distill_head.weight', 'distill_head.bias', 'mlp_head.weight', 'mlp_head.bias']);
    const x = seeded([1, 3, 64, 64], 3);
    const [out, distill] = distilled.forwardWithDistill(x);
    assert.deepEqual([out.shape, distill.shape], [[1, 3], [1, 5]]);
    tf.dispose([x, out, distill]);
    distilled.dispose();
  });

  it('pos_indices = |Δrow|·fmap + |Δcol| and the bias table lookup (divided by the scale)', async () => {
    assert.deepEqual(Array.from(levitPosIndices(3, 2)), [
      0, 1, 2, 3, 4, 5, 6, 7, 8, // query (0, 0)
      2, 1, 0, 5, 4, 3, 8, 7, 6, // query (0, 2)
      6, 7, 8, 3, 4, 5, 0, 1, 2, // query (2, 0)
      8, 7, 6, 5, 4, 3, 2, 1, 0, // query (2, 2)
    ]);
    const attn = new LeViTAttention(4, 3, { heads: 2, dimKey: 4, dimValue: 2, downsample: true });
    const table = await values(attn.posBias.weight);
    const idx = levitPosIndices(3, 2);
    const fmap = seeded([1, 2, 4, 9], 5);
    const fv = await values(fmap);
    const expected = Array.from(fv, (v, i) => { const h = Math.floor(i / 36); const ij = i % 36; return v + table[idx[ij]! * 2 + h]! / 0.5; });
    assertClose(await take(attn.applyPosBias(fmap)), expected, 1e-6, 'position bias');
    // The attention's output batch norm starts at zero weight (levit.py's nn.init.zeros_).
    const sd = attn.stateDict();
    assert.deepEqual(Array.from(await values(sd['to_out.2.weight']!)), [0, 0, 0, 0]);
    tf.dispose(Object.values(sd));
    fmap.dispose();
    attn.dispose();
  });

  it('forward: logits, features, no leaks', async () => {
    const model = new LeViT(TINY).eval();
    const x = seeded([2, 3, 64, 64], 1);
    const live = tf.memory().numTensors;
    const y = model.forward(x);
    assert.equal(tf.memory().numTensors, live + 1);
    assert.deepEqual(y.shape, [2, 3]);
    assert.ok((await values(y)).every(Number.isFinite));
    const feats = model.forwardFeatures(x);
    assert.deepEqual(feats.shape, [2, 24, 2, 2]);
    assertClose(await take(model.forwardHead(feats)), await values(y), 1e-5, 'forwardHead(forwardFeatures) = forward');
    model.resetClassifier(0);
    assert.deepEqual(model.forward(x).shape, [2, 24]);
    tf.dispose([x, y, feats]);
    model.dispose();
  });

  it('one AdamW training step changes every parameter (the position bias table included) and leaks nothing', async () => {
    const model = new LeViT(TINY);
    // levit.py zero-initialises the attention output BatchNorm weights, which zeroes every gradient
    // upstream of them at initialisation: set them to one so that every parameter gets a gradient.
    const ones = Object.fromEntries(Object.entries(model.namedParameters()).filter(([k]) => /to_out\.2\.weight$/.test(k)).map(([k, v]) => [k, tf.onesLike(v)]));
    assert.equal(Object.keys(ones).length, 3);
    model.loadStateDict(ones, { strict: false });
    tf.dispose(Object.values(ones));
    const x = seeded([2, 3, 64, 64], 2);
    await assertTrainingStep(model, x, 3);
    x.dispose();
    model.dispose();
  });
});
