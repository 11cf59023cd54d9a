/**
 * ViT / SimpleViT configurations beyond the fixtures, following vit-pytorch's code: token output
 * without a head, rectangular sizes, smaller images, the Identity `to_out`, dropout in train mode
 * only, input validation, batch independence, the attention math, Recorder / Extractor options.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Attention, Extractor, Identity, Recorder, SimpleViT, ViT } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, PARITY, seeded, take, values, withoutLeaks } from './helpers.js';

const SMALL = { imageSize: 16, patchSize: 4, numClasses: 5, dim: 16, depth: 2, heads: 2, dimHead: 8, mlpDim: 32 } as const;
const tol = PARITY;

describe(`ViT configurations on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('numClasses 0: no mlp_head, forward returns the token sequence [b, 1 + patches, dim]', async () => {
    const model = new ViT({ ...SMALL, numClasses: 0 }).eval();
    assert.equal(model.mlpHead, undefined);
    assert.ok(!Object.keys(model.namedParameters()).some((k) => k.startsWith('mlp_head')));
    await withoutLeaks(async () => {
      const img = seeded([2, 3, 16, 16], 1);
      const tokens = model.forward(img);
      assert.deepEqual(tokens.shape, [2, 17, 16]);
      tf.dispose([img, tokens]);
    });
    model.dispose();
  });

  it('rectangular image and patch sizes', () => {
    const model = new ViT({ ...SMALL, imageSize: [12, 20], patchSize: [4, 5], channels: 2 }).eval();
    assert.deepEqual(model.posEmbedding.shape, [1 + 3 * 4, 16]);
    const out = tf.tidy(() => model.forward(tf.zeros([3, 2, 12, 20])));
    assert.deepEqual(out.shape, [3, 5]);
    out.dispose();
    assert.throws(() => new ViT({ ...SMALL, imageSize: [12, 20], patchSize: 3 }), /Image dimensions must be divisible by the patch size/);
    model.dispose();
  });

  it('a smaller image uses the first rows of the position embedding (pos_embedding[:seq])', async () => {
    const big = new ViT(SMALL).eval();
    const small = new ViT({ ...SMALL, imageSize: 8 }).eval();
    const state = big.stateDict();
    const firstRows = tf.slice(state['pos_embedding']!, [0, 0], [5, -1]);
    small.loadStateDict({ ...state, pos_embedding: firstRows });
    await withoutLeaks(async () => {
      const img = seeded([2, 3, 8, 8], 2);
      const a = big.forward(img);
      const b = small.forward(img);
      assertClose(await values(a), await values(b), 1e-6, 'same computation');
      tf.dispose([img, a, b]);
    });
    assert.throws(() => big.forward(tf.zeros([1, 3, 20, 20])), /25 patches, more than the 16 position embeddings/);
    assert.throws(() => big.forward(tf.zeros([1, 3, 18, 16])), /not divisible by the patch size/);
    assert.throws(() => big.forward(tf.zeros([1, 4, 16, 16])), /expected 3 channels/);
    assert.throws(() => big.forward(tf.zeros([3, 16, 16])), /expected an image batch \[b, c, h, w\]/);
    tf.dispose([...Object.values(state), firstRows]);
    big.dispose();
    small.dispose();
  });

  it('heads = 1 and dimHead = dim: to_out is Identity (no projection, no keys)', () => {
    const model = new ViT({ ...SMALL, heads: 1, dimHead: 16 });
    const attn = model.transformer.blocks[0]![0];
    assert.ok(attn.toOut instanceof Identity);
    assert.ok(!Object.keys(model.namedParameters()).some((k) => k.includes('to_out')));
    const projected = new ViT(SMALL);
    assert.ok(Object.keys(projected.namedParameters()).includes('transformer.layers.1.0.to_out.0.bias'));
    model.dispose();
    projected.dispose();
  });

  it('dropout acts only in train mode; with no dropout train and eval agree', async () => {
    const model = new ViT({ ...SMALL, dropout: 0.3, embDropout: 0.3 });
    await withoutLeaks(async () => {
      const img = seeded([2, 3, 16, 16], 3);
      model.eval();
      const e1 = await take(tf.tidy(() => model.forward(img)));
      const e2 = await take(tf.tidy(() => model.forward(img)));
      assert.deepEqual(e1, e2);
      model.train();
      const t1 = await take(tf.tidy(() => model.forward(img)));
      assert.notDeepEqual(t1, e1);
      img.dispose();
    });
    const plain = new ViT(SMALL);
    const img = seeded([1, 3, 16, 16], 4);
    const t = await take(tf.tidy(() => plain.train().forward(img)));
    const e = await take(tf.tidy(() => plain.eval().forward(img)));
    assert.deepEqual(t, e);
    img.dispose();
    model.dispose();
    plain.dispose();
  });

  it('a batch gives the same outputs as its images one by one', async () => {
    const model = new ViT({ ...SMALL, pool: 'mean' }).eval();
    await withoutLeaks(async () => {
      const img = seeded([3, 3, 16, 16], 5);
      const all = await take(tf.tidy(() => model.forward(img)));
      for (let i = 0; i < 3; i++) {
        const one = await take(tf.tidy(() => model.forward(tf.slice(img, [i, 0, 0, 0], [1, -1, -1, -1]))));
        assertClose(one, all.slice(i * 5, (i + 1) * 5), tol, `image ${i}`);
      }
      img.dispose();
    });
    model.dispose();
  });

  it('Attention is softmax(q·kᵀ·dimHead^-0.5)·v per head around the pre-norm and projections', async () => {
    const attn = new Attention(16, { heads: 4, dimHead: 8 }).eval();
    await withoutLeaks(async () => {
      const x = seeded([2, 21, 16], 6);
      const got = attn.forward(x);
      const want = tf.tidy(() => {
        const h = attn.norm.forward(x);
        const qkv = tf.matMul(tf.reshape(h, [42, 16]), attn.toQkv.weight as tf.Tensor2D);
        const heads = (i: number): tf.Tensor => tf.transpose(tf.reshape(tf.slice(qkv, [0, i * 32], [-1, 32]), [2, 21, 4, 8]), [0, 2, 1, 3]);
        const [q, k, v] = [heads(0), heads(1), heads(2)];
        const dots = tf.mul(tf.matMul(q as tf.Tensor4D, k as tf.Tensor4D, false, true), 8 ** -0.5);
        const out = tf.matMul(tf.softmax(dots) as tf.Tensor4D, v as tf.Tensor4D);
        return attn.toOut.forward(tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [2, 21, 32]));
      });
      assertClose(await values(got), await values(want), tol, 'attention');
      tf.dispose([x, got, want]);
    });
    attn.dispose();
  });

  it('SimpleViT: state-dict keys of simple_vit.py, fixed image size', () => {
    const model = new SimpleViT({ ...SMALL, depth: 1 });
    assert.deepEqual(Object.keys(model.namedParameters()), [
      'to_patch_embedding.1.weight', 'to_patch_embedding.1.bias', 'to_patch_embedding.2.weight', 'to_patch_embedding.2.bias',
      'to_patch_embedding.3.weight', 'to_patch_embedding.3.bias', 'transformer.norm.weight', 'transformer.norm.bias',
      'transformer.layers.0.0.norm.weight', 'transformer.layers.0.0.norm.bias', 'transformer.layers.0.0.to_qkv.weight',
      'transformer.layers.0.0.to_out.weight', 'transformer.layers.0.1.net.0.weight', 'transformer.layers.0.1.net.0.bias',
      'transformer.layers.0.1.net.1.weight', 'transformer.layers.0.1.net.1.bias', 'transformer.layers.0.1.net.3.weight',
      'transformer.layers.0.1.net.3.bias', 'linear_head.weight', 'linear_head.bias',
    ]);
    assert.deepEqual(model.posEmbedding.shape, [16, 16]);
    assert.throws(() => model.forward(tf.zeros([1, 3, 8, 8])), /fixed to 16x16 images/);
    assert.throws(() => new SimpleViT({ ...SMALL, dim: 18 }), /multiple of 4/);
    model.dispose();
  });

  it('Recorder: records only its own forwards; SimpleViT has no vit.py Attention (null, as vit-pytorch); eject', async () => {
    const model = new ViT(SMALL).eval();
    const recorder = new Recorder(model);
    const img = seeded([1, 3, 16, 16], 7);
    await withoutLeaks(async () => {
      const [logits, attns] = recorder.forward(img);
      assert.deepEqual(attns!.shape, [1, 2, 2, 17, 17]);
      const rows = await take(tf.tidy(() => tf.sum(attns!, -1)));
      assertClose(rows, new Array(68).fill(1), 1e-5, 'rows of the attention maps sum to 1');
      model.forward(img).dispose(); // the ViT used directly keeps nothing
      tf.dispose([logits, attns!]);
    });
    recorder.eject();
    assert.throws(() => recorder.forward(img), /ejected/);
    const simple = new SimpleViT(SMALL);
    const [out, none] = new Recorder(simple).forward(img);
    assert.equal(none, null);
    tf.dispose([out, img]);
    simple.dispose();
    model.dispose();
  });

  it('Extractor: another layer by name or by reference, its inputs, errors', async () => {
    const model = new ViT(SMALL).eval();
    const img = seeded([2, 3, 16, 16], 8);
    await withoutLeaks(async () => {
      const byName = new Extractor(model, { layerName: 'to_patch_embedding' });
      const [l1, patches] = byName.forward(img) as [tf.Tensor, tf.Tensor];
      assert.deepEqual(patches.shape, [2, 16, 16]);
      byName.eject();
      const block = model.transformer.blocks[1]![1];
      const inputs = new Extractor(model, { layer: block, layerSaveInput: true, returnEmbeddingsOnly: true });
      const saved = inputs.forward(img) as tf.Tensor[];
      assert.ok(Array.isArray(saved) && saved.length === 1);
      assert.deepEqual(saved[0]!.shape, [2, 17, 16]);
      inputs.eject();
      tf.dispose([l1, patches, ...saved]);
    });
    assert.throws(() => new Extractor(model, { layerName: 'nope' }).forward(img), /not found/);
    img.dispose();
    model.dispose();
  });

  it('edge sizes: depth 0, an empty batch, a zero-class head', async () => {
    await withoutLeaks(async () => {
      const shallow = new ViT({ ...SMALL, depth: 0 });
      const img = seeded([2, 3, 16, 16], 9);
      const [logits, attns] = new Recorder(shallow).forward(img);
      assert.deepEqual(logits.shape, [2, 5]);
      assert.equal(attns, null, 'no attention layers, no maps (vit-pytorch returns None)');
      const empty = tf.tidy(() => shallow.forward(tf.zeros([0, 3, 16, 16])));
      assert.deepEqual(empty.shape, [0, 5]);
      const headless = new SimpleViT({ ...SMALL, numClasses: 0 });
      const none = headless.forward(img);
      assert.deepEqual(none.shape, [2, 0], 'nn.Linear(dim, 0), as simple_vit.py builds it');
      tf.dispose([img, logits, empty, none]);
      shallow.dispose();
      headless.dispose();
    });
  });

  it('constructor validation', () => {
    assert.throws(() => new ViT({ ...SMALL, pool: 'max' as 'cls' }), /pool type must be either cls/);
    assert.throws(() => new ViT({ ...SMALL, imageSize: 0 }), /imageSize must be a positive integer/);
    assert.throws(() => new ViT({ ...SMALL, heads: 0 }), /heads must be an integer >= 1/);
  });
});
