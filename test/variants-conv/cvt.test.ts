// backends: cpu, wasm
/** CvT (vit-pytorch cvt.py): state-dict keys and shapes, the channel LayerNorm by hand, forward, a training step. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { ChanLayerNorm, CvT } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, seeded, take, values } from '../vit/helpers.js';
import { assertTrainingStep, stateShapes } from './helpers.js';

const TINY = {
  numClasses: 3,
  s1EmbDim: 8, s1EmbKernel: 3, s1EmbStride: 2, s1Heads: 1, s1Depth: 1, s1MlpMult: 2,
  s2EmbDim: 12, s2Heads: 2, s2Depth: 1, s2MlpMult: 2,
  s3EmbDim: 16, s3Heads: 2, s3Depth: 1, s3MlpMult: 2,
};

const bn = (prefix: string, c: number): Record<string, number[]> => ({
  [`${prefix}.weight`]: [c], [`${prefix}.bias`]: [c], [`${prefix}.running_mean`]: [c], [`${prefix}.running_var`]: [c], [`${prefix}.num_batches_tracked`]: [],
});

function stage(i: number, dimIn: number, dim: number, k: number, heads: number): Record<string, number[]> {
  const p = `layers.${i}.2.layers.0`;
  const inner = heads * 64; // cvt.py's Transformer uses dim_head = 64
  return {
    [`layers.${i}.0.weight`]: [dim, dimIn, k, k], [`layers.${i}.0.bias`]: [dim],
    [`layers.${i}.1.g`]: [1, dim, 1, 1], [`layers.${i}.1.b`]: [1, dim, 1, 1],
    [`${p}.0.norm.g`]: [1, dim, 1, 1], [`${p}.0.norm.b`]: [1, dim, 1, 1],
    [`${p}.0.to_q.net.0.weight`]: [dim, 1, 3, 3], ...bn(`${p}.0.to_q.net.1`, dim), [`${p}.0.to_q.net.2.weight`]: [inner, dim, 1, 1],
    [`${p}.0.to_kv.net.0.weight`]: [dim, 1, 3, 3], ...bn(`${p}.0.to_kv.net.1`, dim), [`${p}.0.to_kv.net.2.weight`]: [2 * inner, dim, 1, 1],
    [`${p}.0.to_out.0.weight`]: [dim, inner, 1, 1], [`${p}.0.to_out.0.bias`]: [dim],
    [`${p}.1.net.0.g`]: [1, dim, 1, 1], [`${p}.1.net.0.b`]: [1, dim, 1, 1],
    [`${p}.1.net.1.weight`]: [2 * dim, dim, 1, 1], [`${p}.1.net.1.bias`]: [2 * dim],
    [`${p}.1.net.4.weight`]: [dim, 2 * dim, 1, 1], [`${p}.1.net.4.bias`]: [dim],
  };
}

describe(`CvT on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('has cvt.py state-dict keys and shapes', () => {
    const model = new CvT(TINY);
    assert.deepEqual(Object.entries(stateShapes(model)), Object.entries({
      ...stage(0, 3, 8, 3, 1), ...stage(1, 8, 12, 3, 2), ...stage(2, 12, 16, 3, 2),
      'to_logits.2.weight': [3, 16], 'to_logits.2.bias': [3],
    }));
    model.dispose();
  });

  it('ChanLayerNorm normalises over channels with the biased variance', async () => {
    const norm = new ChanLayerNorm(3);
    const g = tf.tensor([2, -1, 0.5], [1, 3, 1, 1]);
    const b = tf.tensor([0.1, 0.2, 0.3], [1, 3, 1, 1]);
    norm.loadStateDict({ g, b });
    const x = seeded([2, 3, 2, 2], 4);
    const xv = await values(x);
    const expected = Array.from(xv, (v, i) => {
      const [n, c, p] = [Math.floor(i / 12), Math.floor(i / 4) % 3, i % 4];
      const col = [0, 1, 2].map((cc) => xv[n * 12 + cc * 4 + p]!);
      const mean = col.reduce((a, e) => a + e, 0) / 3;
      const variance = col.reduce((a, e) => a + (e - mean) ** 2, 0) / 3;
      return ((v - mean) / Math.sqrt(variance + 1e-5)) * [2, -1, 0.5][c]! + [0.1, 0.2, 0.3][c]!;
    });
    assertClose(await take(norm.forward(x)), expected, 1e-5, 'channel LayerNorm');
    tf.dispose([g, b, x]);
    norm.dispose();
  });

  it('forward: logits, features, pre-logits, no leaks', async () => {
    const model = new CvT(TINY).eval();
    const x = seeded([2, 3, 32, 32], 1);
    const live = tf.memory().numTensors;
    const y = model.forward(x);
    assert.equal(tf.memory().numTensors, live + 1);
    assert.deepEqual(y.shape, [2, 3]);
    assert.ok((await values(y)).every(Number.isFinite));
    const feats = model.forwardFeatures(x);
    assert.deepEqual(feats.shape, [2, 16, 4, 4]); // 32 → 16 → 8 → 4
    const f = await values(feats);
    const pooled = Array.from({ length: 32 }, (_, i) => f.slice(i * 16, i * 16 + 16).reduce((a, e) => a + e, 0) / 16);
    assertClose(await take(model.forwardHead(feats, { preLogits: true })), pooled, 1e-5, 'average pooling');
    assertClose(await take(model.forwardHead(feats)), await values(y), 1e-5, 'forwardHead(forwardFeatures) = forward');
    model.resetClassifier(4);
    assert.deepEqual(model.forward(x).shape, [2, 4]);
    tf.dispose([x, y, feats]);
    model.dispose();
  });

  it('one AdamW training step changes every parameter and leaks nothing', async () => {
    const model = new CvT(TINY);
    const x = seeded([2, 3, 32, 32], 2);
    await assertTrainingStep(model, x, 3);
    x.dispose();
    model.dispose();
  });
});
