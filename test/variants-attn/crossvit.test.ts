/** CrossViT (vit-pytorch cross_vit.py): state-dict keys, registry methods, forward, training. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CrossViT, decodeSafetensors } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { closeTo, PARITY } from '../support/vit-fixtures.js';
import { assertForward, assertTrainingStep, seeded, stateShapes } from './helpers.js';

// sm: 16/4 → 16 patches of 48 values; lg: 16/8 → 4 patches of 192 values.
const TINY = {
  imageSize: 16, numClasses: 3, smDim: 16, lgDim: 24, smPatchSize: 4, smEncDepth: 1, smEncHeads: 2, smEncMlpDim: 32, smEncDimHead: 8,
  lgPatchSize: 8, lgEncDepth: 2, lgEncHeads: 2, lgEncMlpDim: 48, lgEncDimHead: 8, crossAttnDepth: 1, crossAttnHeads: 2, crossAttnDimHead: 8,
  depth: 2, dropout: 0, embDropout: 0,
};

const tol = PARITY;
const dir = new URL('./fixtures/crossvit/', import.meta.url);

function f64(file: string): Float64Array {
  const bytes = readFileSync(new URL(file, dir));
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

describe(`CrossViT on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  describe('parity with a float64 numpy transcription of cross_vit.py (fixtures/crossvit_reference.py)', () => {
    let model: CrossViT;
    let img: tf.Tensor;
    before(() => {
      const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as { input_shape: number[]; keys: Record<string, number[]> };
      model = new CrossViT({ ...TINY, crossAttnDepth: 2 }).eval();
      assert.deepEqual(stateShapes(model), manifest.keys);
      const { tensors } = decodeSafetensors(readFileSync(new URL('weights.safetensors', dir)));
      model.loadStateDict(tensors);
      tf.dispose(Object.values(tensors));
      const bytes = readFileSync(new URL('input.f32.bin', dir));
      img = tf.tensor(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)), manifest.input_shape);
    });
    after(() => {
      model.dispose();
      img.dispose();
    });

    it(`logits within ${tol} (abs + rel), leak-free`, async () => {
      const start = tf.memory().numTensors;
      const logits = model.forward(img);
      assert.deepEqual(logits.shape, [2, 3]);
      assert.equal(closeTo(await logits.data(), f64('logits.f64.bin'), tol, tol), undefined);
      logits.dispose();
      assert.equal(tf.memory().numTensors, start);
    });
  });

  it('has cross_vit.py state-dict keys and shapes (written from the reference code)', () => {
    const model = new CrossViT(TINY);
    const shapes = stateShapes(model);
    const pick = (prefix: string): Record<string, number[]> => Object.fromEntries(Object.entries(shapes).filter(([k]) => k.startsWith(prefix)));
    assert.deepEqual(pick('sm_image_embedder.'), {
      'sm_image_embedder.pos_embedding': [1, 17, 16],
      'sm_image_embedder.cls_token': [1, 1, 16],
      'sm_image_embedder.to_patch_embedding.1.weight': [48],
      'sm_image_embedder.to_patch_embedding.1.bias': [48],
      'sm_image_embedder.to_patch_embedding.2.weight': [16, 48],
      'sm_image_embedder.to_patch_embedding.2.bias': [16],
      'sm_image_embedder.to_patch_embedding.3.weight': [16],
      'sm_image_embedder.to_patch_embedding.3.bias': [16],
    });
    assert.deepEqual(pick('multi_scale_encoder.layers.0.0.'), {
      'multi_scale_encoder.layers.0.0.layers.0.0.norm.weight': [16],
      'multi_scale_encoder.layers.0.0.layers.0.0.norm.bias': [16],
      'multi_scale_encoder.layers.0.0.layers.0.0.to_q.weight': [16, 16],
      'multi_scale_encoder.layers.0.0.layers.0.0.to_kv.weight': [32, 16],
      'multi_scale_encoder.layers.0.0.layers.0.0.to_out.0.weight': [16, 16],
      'multi_scale_encoder.layers.0.0.layers.0.0.to_out.0.bias': [16],
      'multi_scale_encoder.layers.0.0.layers.0.1.net.0.weight': [16],
      'multi_scale_encoder.layers.0.0.layers.0.1.net.0.bias': [16],
      'multi_scale_encoder.layers.0.0.layers.0.1.net.1.weight': [32, 16],
      'multi_scale_encoder.layers.0.0.layers.0.1.net.1.bias': [32],
      'multi_scale_encoder.layers.0.0.layers.0.1.net.4.weight': [16, 32],
      'multi_scale_encoder.layers.0.0.layers.0.1.net.4.bias': [16],
      'multi_scale_encoder.layers.0.0.norm.weight': [16],
      'multi_scale_encoder.layers.0.0.norm.bias': [16],
    });
    assert.deepEqual(pick('multi_scale_encoder.layers.0.2.'), {
      // sm class token attends to the large patches in lg width
      'multi_scale_encoder.layers.0.2.layers.0.0.fn.norm.weight': [24],
      'multi_scale_encoder.layers.0.2.layers.0.0.fn.norm.bias': [24],
      'multi_scale_encoder.layers.0.2.layers.0.0.fn.to_q.weight': [16, 24],
      'multi_scale_encoder.layers.0.2.layers.0.0.fn.to_kv.weight': [32, 24],
      'multi_scale_encoder.layers.0.2.layers.0.0.fn.to_out.0.weight': [24, 16],
      'multi_scale_encoder.layers.0.2.layers.0.0.fn.to_out.0.bias': [24],
      'multi_scale_encoder.layers.0.2.layers.0.0.project_in.weight': [24, 16],
      'multi_scale_encoder.layers.0.2.layers.0.0.project_in.bias': [24],
      'multi_scale_encoder.layers.0.2.layers.0.0.project_out.weight': [16, 24],
      'multi_scale_encoder.layers.0.2.layers.0.0.project_out.bias': [16],
      'multi_scale_encoder.layers.0.2.layers.0.1.fn.norm.weight': [16],
      'multi_scale_encoder.layers.0.2.layers.0.1.fn.norm.bias': [16],
      'multi_scale_encoder.layers.0.2.layers.0.1.fn.to_q.weight': [16, 16],
      'multi_scale_encoder.layers.0.2.layers.0.1.fn.to_kv.weight': [32, 16],
      'multi_scale_encoder.layers.0.2.layers.0.1.fn.to_out.0.weight': [16, 16],
      'multi_scale_encoder.layers.0.2.layers.0.1.fn.to_out.0.bias': [16],
      'multi_scale_encoder.layers.0.2.layers.0.1.project_in.weight': [16, 24],
      'multi_scale_encoder.layers.0.2.layers.0.1.project_in.bias': [16],
      'multi_scale_encoder.layers.0.2.layers.0.1.project_out.weight': [24, 16],
      'multi_scale_encoder.layers.0.2.layers.0.1.project_out.bias': [24],
    });
    assert.deepEqual(pick('sm_mlp_head.'), { 'sm_mlp_head.0.weight': [16], 'sm_mlp_head.0.bias': [16], 'sm_mlp_head.1.weight': [3, 16], 'sm_mlp_head.1.bias': [3] });
    assert.deepEqual(pick('lg_mlp_head.'), { 'lg_mlp_head.0.weight': [24], 'lg_mlp_head.0.bias': [24], 'lg_mlp_head.1.weight': [3, 24], 'lg_mlp_head.1.bias': [3] });
    assert.equal(Object.keys(shapes).filter((k) => k.startsWith('multi_scale_encoder.layers.1.1.layers.')).length, 2 * 12);
    model.dispose();
    // Equal widths: no projections (Identity), so no project_in / project_out keys.
    const same = new CrossViT({ ...TINY, lgDim: 16 });
    assert.ok(!Object.keys(same.namedParameters()).some((k) => k.includes('project_')));
    same.dispose();
  });

  it('forward = sum of both heads; features, preLogits, resetClassifier', async () => {
    const model = new CrossViT(TINY).eval();
    const img = seeded([2, 3, 16, 16], 3);
    await assertForward(model, img, [2, 3]);
    const features = model.forwardFeatures(img);
    assert.deepEqual(features.shape, [2, 40]);
    const pre = model.forwardHead(features, { preLogits: true });
    assert.deepEqual(pre.shape, [2, 40]);
    // logits = sm_head.1(pre[:, :16]) + lg_head.1(pre[:, 16:])
    const sm = model.smMlpHead.getSubmodule('1') as unknown as { forward(x: tf.Tensor): tf.Tensor };
    const lg = model.lgMlpHead.getSubmodule('1') as unknown as { forward(x: tf.Tensor): tf.Tensor };
    const [a, b] = tf.split(pre, [16, 24], 1);
    const expected = tf.add(sm.forward(a!), lg.forward(b!));
    const logits = model.forward(img);
    const got = await logits.data();
    const want = await expected.data();
    got.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-5));
    tf.dispose([features, pre, a!, b!, expected, logits]);
    model.resetClassifier(0);
    assert.equal(model.numClasses, 0);
    await assertForward(model, img, [2, 40]);
    model.resetClassifier(4);
    await assertForward(model, img, [2, 4]);
    model.dispose();
    img.dispose();
  });

  it('one AdamW training step changes every parameter, without leaks', async () => {
    const model = new CrossViT(TINY);
    const img = seeded([2, 3, 16, 16], 4);
    await assertTrainingStep(model, img, 3);
    model.dispose();
    img.dispose();
  });
});
