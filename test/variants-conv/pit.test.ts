// backends: cpu, wasm
/** PiT (vit-pytorch pit.py): state-dict keys and shapes, forward, the pooling layer by hand, a training step. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { PiT, Pool } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, seeded, take, values } from '../vit/helpers.js';
import { assertTrainingStep, conv2dRef, stateShapes } from './helpers.js';

const TINY = { imageSize: 8, patchSize: 4, numClasses: 3, dim: 8, depth: [1, 1], heads: 2, dimHead: 4, mlpDim: 16 };

function stage(prefix: string, dim: number, inner: number, mlp: number): Record<string, number[]> {
  return {
    [`${prefix}.layers.0.0.norm.weight`]: [dim], [`${prefix}.layers.0.0.norm.bias`]: [dim],
    [`${prefix}.layers.0.0.to_qkv.weight`]: [inner * 3, dim],
    [`${prefix}.layers.0.0.to_out.0.weight`]: [dim, inner], [`${prefix}.layers.0.0.to_out.0.bias`]: [dim],
    [`${prefix}.layers.0.1.net.0.weight`]: [dim], [`${prefix}.layers.0.1.net.0.bias`]: [dim],
    [`${prefix}.layers.0.1.net.1.weight`]: [mlp, dim], [`${prefix}.layers.0.1.net.1.bias`]: [mlp],
    [`${prefix}.layers.0.1.net.4.weight`]: [dim, mlp], [`${prefix}.layers.0.1.net.4.bias`]: [dim],
  };
}

describe(`PiT on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('has pit.py state-dict keys and shapes', () => {
    const model = new PiT(TINY);
    assert.deepEqual(Object.entries(stateShapes(model)), Object.entries({
      'pos_embedding': [1, 10, 8], // Unfold(4, stride 2) on 8x8: 3x3 patches + the class token
      'cls_token': [1, 1, 8],
      'to_patch_embedding.2.weight': [8, 48], 'to_patch_embedding.2.bias': [8],
      ...stage('layers.0', 8, 8, 16),
      'layers.1.downsample.net.0.weight': [16, 1, 3, 3], 'layers.1.downsample.net.0.bias': [16],
      'layers.1.downsample.net.1.weight': [16, 16, 1, 1], 'layers.1.downsample.net.1.bias': [16],
      'layers.1.cls_ff.weight': [16, 8], 'layers.1.cls_ff.bias': [16],
      ...stage('layers.2', 16, 8, 16),
      'mlp_head.0.weight': [16], 'mlp_head.0.bias': [16],
      'mlp_head.1.weight': [3, 16], 'mlp_head.1.bias': [3],
    }));
    model.dispose();
    assert.throws(() => new PiT({ ...TINY, depth: 2 as unknown as number[] }), /depth must be a tuple/);
  });

  it('forward: logits, features, pre-logits, resetClassifier, no leaks', async () => {
    const model = new PiT({ ...TINY, heads: [2, 4] }).eval();
    const x = seeded([2, 3, 8, 8], 1);
    const live = tf.memory().numTensors;
    const y = model.forward(x);
    assert.equal(tf.memory().numTensors, live + 1);
    assert.deepEqual(y.shape, [2, 3]);
    assert.ok((await values(y)).every(Number.isFinite));
    const feats = model.forwardFeatures(x);
    assert.deepEqual(feats.shape, [2, 5, 16]); // class token + 2x2 after pooling
    assertClose(await take(model.forwardHead(feats)), await values(y), 1e-5, 'forwardHead(forwardFeatures) = forward');
    assert.deepEqual((await take(model.forwardHead(feats, { preLogits: true }))).length, 2 * 16);
    model.resetClassifier(7);
    assert.deepEqual(model.forward(x).shape, [2, 7]);
    tf.dispose([x, y, feats]);
    model.dispose();
  });

  it('Pool: cls_ff on the class token, depthwise (stride 2) + pointwise conv on the token grid', async () => {
    const pool = new Pool(2);
    const x = seeded([1, 1 + 16, 2], 4);
    const xv = await values(x);
    const y = await take(pool.forward(x));
    const sd = pool.stateDict();
    const v = async (k: string): Promise<Float32Array> => values(sd[k]!);
    const [fw, fb] = [await v('cls_ff.weight'), await v('cls_ff.bias')];
    const cls = [0, 1, 2, 3].map((o) => fb[o]! + fw[o * 2]! * xv[0]! + fw[o * 2 + 1]! * xv[1]!);
    // tokens 'b (h w) c -> b c h w'
    const img = new Float64Array(2 * 16);
    for (let t = 0; t < 16; t++) for (let c = 0; c < 2; c++) img[c * 16 + t] = xv[(1 + t) * 2 + c]!;
    const dw = conv2dRef(img, [1, 2, 4, 4], await v('downsample.net.0.weight'), [4, 1, 3, 3], { stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 2 });
    const db = await v('downsample.net.0.bias');
    const h = Float64Array.from(dw.y, (val, i) => val + db[Math.floor(i / 4)]!);
    const pw = conv2dRef(h, [1, 4, 2, 2], await v('downsample.net.1.weight'), [4, 4, 1, 1], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 });
    const pb = await v('downsample.net.1.bias');
    const tokens: number[] = [];
    for (let t = 0; t < 4; t++) for (let c = 0; c < 4; c++) tokens.push(pw.y[c * 4 + t]! + pb[c]!);
    assertClose(y, [...cls, ...tokens], 1e-5, 'Pool');
    tf.dispose([x, ...Object.values(sd)]);
    pool.dispose();
  });

  it('one AdamW training step changes every parameter and leaks nothing', async () => {
    const model = new PiT(TINY);
    const x = seeded([2, 3, 8, 8], 2);
    await assertTrainingStep(model, x, 3);
    x.dispose();
    model.dispose();
  });
});
