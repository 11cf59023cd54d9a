/**
 * Parity with vit-pytorch 1.23.6 (../shared/fixtures/vit): logits against the float64 reference
 * within 1e-5 (abs + rel) on cpu and wasm and 1e-4 on webgpu; Recorder attention maps and
 * Extractor embeddings against the float32 recordings within 1e-4; every fixture weight loads
 * strictly (the state-dict keys and shapes are vit-pytorch's); nothing leaks.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Extractor, posembSincos2d, Recorder, SimpleViT, ViT, type Module } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, F32_ONLY, fixtureWeights, manifestCase, PARITY, readBin, values, withoutLeaks, type ManifestCase } from './helpers.js';

function options(c: ManifestCase): ConstructorParameters<typeof ViT>[0] {
  const k = c.python.kwargs as Record<string, number | string>;
  return {
    imageSize: k['image_size'] as number, patchSize: k['patch_size'] as number, numClasses: k['num_classes'] as number,
    dim: k['dim'] as number, depth: k['depth'] as number, heads: k['heads'] as number, mlpDim: k['mlp_dim'] as number,
    dimHead: k['dim_head'] as number, channels: k['channels'] as number, ...(k['pool'] ? { pool: k['pool'] as 'cls' | 'mean' } : {}),
  };
}

function loaded<M extends Module>(model: M, c: ManifestCase): M {
  const weights = fixtureWeights(c);
  try {
    assert.deepEqual(model.loadStateDict(weights), { missingKeys: [], unexpectedKeys: [] });
  } finally {
    tf.dispose(Object.values(weights));
  }
  return model.eval();
}

function input(c: ManifestCase): tf.Tensor {
  const img = c.inputs['img']!;
  return tf.tensor(readBin(img.file) as Float32Array, img.shape);
}

async function checkLogits(model: Module, c: ManifestCase): Promise<void> {
  await withoutLeaks(async () => {
    const img = input(c);
    const logits = model.forward(img);
    assert.deepEqual(logits.shape, c.outputs['logits']!.shape);
    assertClose(await values(logits), readBin(c.outputs['logits']!.f64_reference!), PARITY, `${c.name} logits`);
    tf.dispose([img, logits]);
  });
}

describe(`vit-pytorch fixtures on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('vit_cls: state-dict keys and shapes are exactly the fixture file\'s', () => {
    const c = manifestCase('vit_cls');
    const model = new ViT(options(c));
    const state = model.stateDict();
    assert.deepEqual(Object.keys(state).sort(), c.weights.keys.map((k) => k.name).sort());
    for (const key of c.weights.keys) assert.deepEqual(state[key.name]!.shape, key.shape, key.name);
    tf.dispose(Object.values(state));
    model.dispose();
  });

  it('vit_cls: logits', async () => {
    const c = manifestCase('vit_cls');
    const model = loaded(new ViT(options(c)), c);
    await checkLogits(model, c);
    model.dispose();
  });

  it('vit_cls: Recorder attention maps [b, depth, heads, n, n] and logits', async () => {
    const c = manifestCase('vit_cls');
    const model = loaded(new ViT(options(c)), c);
    const recorder = new Recorder(model);
    await withoutLeaks(async () => {
      const img = input(c);
      const [logits, attns] = recorder.forward(img);
      assert.ok(attns !== null);
      assert.deepEqual(attns.shape, c.outputs['recorder_attns']!.shape);
      assertClose(await values(attns), readBin(c.outputs['recorder_attns']!.file), F32_ONLY, 'attention maps');
      assertClose(await values(logits), readBin(c.outputs['logits']!.f64_reference!), PARITY, 'logits through the Recorder');
      tf.dispose([img, logits, attns]);
    });
    assert.equal(recorder.eject(), model);
    model.dispose();
  });

  it('vit_cls: Extractor embeddings (transformer output, after its LayerNorm) and logits', async () => {
    const c = manifestCase('vit_cls');
    const model = loaded(new ViT(options(c)), c);
    const extractor = new Extractor(model);
    await withoutLeaks(async () => {
      const img = input(c);
      const [logits, embeddings] = extractor.forward(img) as [tf.Tensor, tf.Tensor];
      assert.deepEqual(embeddings.shape, c.outputs['extractor_embeddings']!.shape);
      assertClose(await values(embeddings), readBin(c.outputs['extractor_embeddings']!.file), F32_ONLY, 'embeddings');
      assertClose(await values(logits), readBin(c.outputs['logits']!.f64_reference!), PARITY, 'logits through the Extractor');
      const only = extractor.forward(img, { returnEmbeddingsOnly: true }) as tf.Tensor;
      assert.deepEqual(only.shape, embeddings.shape);
      tf.dispose([img, logits, embeddings, only]);
    });
    extractor.eject();
    model.dispose();
  });

  it('vit_mean: zero-size cls_token [0, dim] loads and mean pooling matches', async () => {
    const c = manifestCase('vit_mean');
    const model = loaded(new ViT(options(c)), c);
    assert.deepEqual(model.clsToken.shape, [0, 64]);
    await checkLogits(model, c);
    const state = model.stateDict();
    assert.deepEqual(state['cls_token']!.shape, [0, 64]);
    assert.deepEqual(state['pos_embedding']!.shape, [16, 64]);
    tf.dispose(Object.values(state));
    model.dispose();
  });

  it('simple_vit: sincos position embedding and logits', async () => {
    const c = manifestCase('simple_vit');
    const pos = posembSincos2d(4, 4, 64);
    assertClose(await values(pos), readBin(c.outputs['pos_embedding']!.file), 1e-6, 'posemb_sincos_2d');
    pos.dispose();
    const model = loaded(new SimpleViT(options(c)), c);
    await checkLogits(model, c);
    model.dispose();
  });
});
