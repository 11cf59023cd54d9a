// backends: cpu, wasm
/** MaxViT (vit-pytorch max_vit.py): state-dict keys and shapes, rel_pos_indices and squeeze-excitation by hand, forward, a training step. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { MaxViT, maxvitRelPosIndices, SqueezeExcitation } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, seeded, take, values } from '../vit/helpers.js';
import { assertTrainingStep, stateShapes } from './helpers.js';

const TINY = { numClasses: 3, dim: 8, depth: [2, 1], dimHead: 4, dimConvStem: 4, windowSize: 2 };

const bn = (prefix: string, c: number): Record<string, number[]> => ({
  [`${prefix}.weight`]: [c], [`${prefix}.bias`]: [c], [`${prefix}.running_mean`]: [c], [`${prefix}.running_var`]: [c], [`${prefix}.num_batches_tracked`]: [],
});

function mbconv(p: string, dimIn: number, dim: number): Record<string, number[]> {
  const hidden = 4 * dim;
  return {
    [`${p}.0.weight`]: [hidden, dimIn, 1, 1], [`${p}.0.bias`]: [hidden], ...bn(`${p}.1`, hidden),
    [`${p}.3.weight`]: [hidden, 1, 3, 3], [`${p}.3.bias`]: [hidden], ...bn(`${p}.4`, hidden),
    [`${p}.6.gate.1.weight`]: [hidden / 4, hidden], [`${p}.6.gate.3.weight`]: [hidden, hidden / 4],
    [`${p}.7.weight`]: [dim, hidden, 1, 1], [`${p}.7.bias`]: [dim], ...bn(`${p}.8`, dim),
  };
}

function attnFf(p: string, i: number, dim: number, heads: number): Record<string, number[]> {
  return {
    [`${p}.${i}.fn.norm.weight`]: [dim], [`${p}.${i}.fn.norm.bias`]: [dim],
    [`${p}.${i}.fn.to_qkv.weight`]: [3 * dim, dim],
    [`${p}.${i}.fn.to_out.0.weight`]: [dim, dim],
    [`${p}.${i}.fn.rel_pos_bias.weight`]: [9, heads], // (2·2 − 1)²
    [`${p}.${i + 1}.fn.net.0.weight`]: [dim], [`${p}.${i + 1}.fn.net.0.bias`]: [dim],
    [`${p}.${i + 1}.fn.net.1.weight`]: [4 * dim, dim], [`${p}.${i + 1}.fn.net.1.bias`]: [4 * dim],
    [`${p}.${i + 1}.fn.net.4.weight`]: [dim, 4 * dim], [`${p}.${i + 1}.fn.net.4.bias`]: [dim],
  };
}

const block = (p: string, mb: Record<string, number[]>, dim: number): Record<string, number[]> => ({ ...mb, ...attnFf(p, 2, dim, dim / 4), ...attnFf(p, 6, dim, dim / 4) });

describe(`MaxViT on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('has max_vit.py state-dict keys and shapes', () => {
    const model = new MaxViT(TINY);
    assert.deepEqual(Object.entries(stateShapes(model)), Object.entries({
      'conv_stem.0.weight': [4, 3, 3, 3], 'conv_stem.0.bias': [4], 'conv_stem.1.weight': [4, 4, 3, 3], 'conv_stem.1.bias': [4],
      ...block('layers.0', mbconv('layers.0.0', 4, 8), 8), // first block of a stage: downsampling MBConv (no residual)
      ...block('layers.1', mbconv('layers.1.0.fn', 8, 8), 8), // then MBConvResidual: `fn.`
      ...block('layers.2', mbconv('layers.2.0', 8, 16), 16),
      'mlp_head.1.weight': [16], 'mlp_head.1.bias': [16], 'mlp_head.2.weight': [3, 16], 'mlp_head.2.bias': [3],
    }));
    model.dispose();
  });

  it('rel_pos_indices and squeeze-excitation by hand', async () => {
    // window 2: pixels (0,0) (0,1) (1,0) (1,1); index = (Δi + 1)·3 + (Δj + 1)
    assert.deepEqual(Array.from(maxvitRelPosIndices(2)), [4, 3, 1, 0, 5, 4, 2, 1, 7, 6, 4, 3, 8, 7, 5, 4]);
    const se = new SqueezeExcitation(4, 0.5);
    const sd = se.stateDict();
    const w1 = await values(sd['gate.1.weight']!); // [2, 4]
    const w2 = await values(sd['gate.3.weight']!); // [4, 2]
    const x = seeded([1, 4, 2, 2], 6);
    const xv = await values(x);
    const mean = [0, 1, 2, 3].map((c) => (xv[c * 4]! + xv[c * 4 + 1]! + xv[c * 4 + 2]! + xv[c * 4 + 3]!) / 4);
    const hidden = [0, 1].map((o) => { const z = mean.reduce((s, m, c) => s + m * w1[o * 4 + c]!, 0); return z / (1 + Math.exp(-z)); });
    const gate = [0, 1, 2, 3].map((o) => 1 / (1 + Math.exp(-hidden.reduce((s, h, c) => s + h * w2[o * 2 + c]!, 0))));
    assertClose(await take(se.forward(x)), Array.from(xv, (v, i) => v * gate[Math.floor(i / 4)]!), 1e-5, 'squeeze-excitation');
    tf.dispose([x, ...Object.values(sd)]);
    se.dispose();
  });

  it('forward: logits, features, pre-logits, no leaks', async () => {
    const model = new MaxViT(TINY).eval();
    const x = seeded([2, 3, 16, 16], 1);
    const live = tf.memory().numTensors;
    const y = model.forward(x);
    assert.equal(tf.memory().numTensors, live + 1);
    assert.deepEqual(y.shape, [2, 3]);
    assert.ok((await values(y)).every(Number.isFinite));
    const feats = model.forwardFeatures(x);
    assert.deepEqual(feats.shape, [2, 16, 2, 2]); // 16 → stem 8 → 4 → 2
    assertClose(await take(model.forwardHead(feats)), await values(y), 1e-5, 'forwardHead(forwardFeatures) = forward');
    assert.deepEqual((await take(model.forwardHead(feats, { preLogits: true }))).length, 32);
    const odd = tf.zeros([1, 3, 12, 12]);
    assert.throws(() => model.forward(odd), /stage 0 has a 3x3 feature map, not divisible into 2x2 windows/);
    tf.dispose([x, y, feats, odd]);
    model.dispose();
  });

  it('one AdamW training step changes every parameter (relative position biases included) and leaks nothing', async () => {
    const model = new MaxViT(TINY);
    const x = seeded([2, 3, 16, 16], 2);
    await assertTrainingStep(model, x, 3);
    x.dispose();
    model.dispose();
  });
});
