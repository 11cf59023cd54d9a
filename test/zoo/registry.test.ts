// backends: cpu, wasm
/**
 * The registry (timm's habits): names, wildcard filters, registration, option overrides, errors;
 * and every registered timm-family model (vit, deit, deit3) built at a tiny size: forward,
 * forwardFeatures / forwardHead / numClasses 0 / resetClassifier, and one AdamW training step.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, saveSafetensors, createModel, crossEntropy, isModel, listModels, modelEntry, registerEntries, registerModel, valueAndGrads,
  VisionTransformer, VisionTransformerDistilled, type ModelEntry, type RegistryModel } from '@vit/core';
import { useTestBackend } from '../support/backend.js';
import { seededFloats } from './helpers.js';

before(async () => { await useTestBackend(); });

const TINY = { imgSize: 16, patchSize: 8, embedDim: 16, depth: 1, numHeads: 2, numClasses: 3 };
const TIMM_FAMILIES = ['vit', 'deit', 'deit3'];

function image(b: number, size = 16): tf.Tensor {
  return tf.tensor(seededFloats(b * 3 * size * size, 7), [b, 3, size, size]);
}

describe('names and filters', () => {
  it('has the timm names the issue lists', () => {
    for (const name of ['vit_tiny_patch16_224', 'vit_small_patch16_224', 'vit_base_patch16_224', 'vit_base_patch32_224', 'vit_large_patch16_224',
      'deit_tiny_patch16_224', 'deit_tiny_distilled_patch16_224', 'deit_small_distilled_patch16_224', 'deit3_small_patch16_224']) {
      assert.ok(isModel(name), name);
    }
  });

  it('filters with timm wildcards, sorted naturally', () => {
    const vits = listModels('vit_*');
    assert.ok(vits.length >= 10 && vits.every((n) => n.startsWith('vit_')));
    assert.deepEqual(listModels('vit_base_patch*_224'), ['vit_base_patch8_224', 'vit_base_patch16_224', 'vit_base_patch16_gap_224', 'vit_base_patch32_224']);
    assert.deepEqual(listModels('deit_*distilled*'), ['deit_base_distilled_patch16_224', 'deit_base_distilled_patch16_384',
      'deit_small_distilled_patch16_224', 'deit_tiny_distilled_patch16_224']);
    assert.deepEqual(listModels(['vit_tiny_patch16_22?', 'deit_tiny_patch16_224']), ['deit_tiny_patch16_224', 'vit_tiny_patch16_224']);
    assert.deepEqual(listModels('deit_*', { exclude: '*distilled*' }), ['deit_base_patch16_224', 'deit_base_patch16_384', 'deit_small_patch16_224', 'deit_tiny_patch16_224']);
    assert.ok(listModels('', { family: 'deit3' }).every((n) => n.startsWith('deit3_')));
    assert.deepEqual(listModels('no_such_*'), []);
    assert.ok(listModels().length >= listModels('*').length);
  });

  it('registers models and families, refuses duplicates unless override', async () => {
    const make = (options: Record<string, unknown>): RegistryModel => new VisionTransformer({ ...TINY, ...options }) as RegistryModel;
    registerModel('test_tiny_vit_registry', make, { family: 'test' });
    assert.ok(listModels('test_*').includes('test_tiny_vit_registry'));
    assert.throws(() => registerModel('test_tiny_vit_registry', make), /already registered/);
    registerModel('test_tiny_vit_registry', (o) => make({ ...o, depth: 2 }), { family: 'test', override: true });
    const entries: ModelEntry[] = [{ name: 'test_entry_a', family: 'test', create: make }, { name: 'test_entry_b', family: 'test', create: make }];
    registerEntries(entries);
    assert.deepEqual(listModels('test_entry_*'), ['test_entry_a', 'test_entry_b']);
    assert.equal(modelEntry('test_entry_a').family, 'test');
    const m = await createModel('test_tiny_vit_registry');
    assert.ok(m instanceof VisionTransformer);
    assert.equal(m.config.depth, 2);
    m.dispose();
    assert.throws(() => registerModel('bad name', make), /invalid model name/);
  });

  it('unknown names and options are errors that say what exists', async () => {
    await assert.rejects(createModel('vit_tiny_patch16_225'), /Unknown model 'vit_tiny_patch16_225' \(similar: .*vit_tiny_patch16_224/);
    await assert.rejects(createModel('vit_tiny_patch16_224', { ...TINY, embed_dim: 8 }), /unknown option\(s\) 'embed_dim'/);
    await assert.rejects(createModel('vit_tiny_patch16_224', { ...TINY, globalPool: 'max' }), /globalPool must be/);
    await assert.rejects(createModel('vit_tiny_patch16_224', { ...TINY, classToken: false }), /globalPool 'token' needs classToken/);
    await assert.rejects(createModel('vit_tiny_patch16_224', { ...TINY, pretrained: true }), /nothing is downloaded/);
    await assert.rejects(createModel('vit_tiny_patch16_224', { ...TINY, pretrained: '/no/such/file.safetensors' }), /cannot read pretrained weights/);
    // A checkpoint that does not fit: the error lists the keys, and the half-built model is freed.
    const start = tf.memory().numTensors;
    const other = await createModel('vit_tiny_patch16_224', { ...TINY, depth: 2 });
    const bytes = await saveSafetensors(other);
    other.dispose();
    await assert.rejects(createModel('vit_tiny_patch16_224', { ...TINY, pretrained: bytes }), /Unexpected key\(s\) in checkpoint: .*"blocks.1.norm1.weight"/);
    assert.equal(tf.memory().numTensors, start);
  });
});

describe('options override the architecture as timm.create_model', () => {
  it('vit_base_patch16_224 defaults, and overrides', async () => {
    const entry = modelEntry('vit_small_patch16_224');
    const m = entry.create({ depth: 1 }) as VisionTransformer;
    assert.deepEqual([m.config.embedDim, m.config.numHeads, m.config.imgSize, m.config.patchSize, m.numClasses], [384, 6, [224, 224], [16, 16], 1000]);
    assert.deepEqual(m.posEmbed.shape, [1, 197, 384]);
    m.dispose();
    const t = await createModel('vit_base_patch16_224', { ...TINY, imgSize: 24, mlpRatio: 3, qkvBias: false, globalPool: 'avg', initValues: 0.5 }) as VisionTransformer;
    const keys = Object.keys(t.namedParameters()).sort();
    assert.ok(keys.includes('fc_norm.weight') && !keys.includes('norm.weight'), 'avg pooling uses fc_norm, no norm');
    assert.ok(keys.includes('blocks.0.ls1.gamma') && keys.includes('blocks.0.ls2.gamma'));
    assert.ok(!keys.includes('blocks.0.attn.qkv.bias'));
    assert.deepEqual(t.posEmbed.shape, [1, 10, 16]);
    assert.equal(t.blocks.at(0).mlp.fc1.outFeatures, 48);
    t.dispose();
  });

  it('timm state-dict names for the distilled DeiT and DeiT-III', async () => {
    const d = await createModel('deit_tiny_distilled_patch16_224', TINY);
    const keys = Object.keys(d.namedParameters());
    assert.deepEqual(keys.slice(0, 5), ['cls_token', 'pos_embed', 'dist_token', 'patch_embed.proj.weight', 'patch_embed.proj.bias']);
    assert.ok(keys.includes('head_dist.weight'));
    const state = d.stateDict();
    const shapes = Object.fromEntries(Object.entries(state).map(([k, v]) => [k, v.shape]));
    tf.dispose(Object.values(state));
    assert.deepEqual(shapes['pos_embed'], [1, 6, 16]);
    assert.deepEqual(shapes['patch_embed.proj.weight'], [16, 3, 8, 8]);
    assert.deepEqual(shapes['blocks.0.attn.qkv.weight'], [48, 16]);
    d.dispose();
    const d3 = await createModel('deit3_small_patch16_224', TINY) as VisionTransformer;
    assert.deepEqual(d3.posEmbed.shape, [1, 4, 16], 'noEmbedClass: the table covers the patches only');
    const g = await d3.namedParameters()['blocks.0.ls1.gamma']!.data();
    assert.ok(Math.abs(g[0]! - 1e-6) < 1e-12);
    d3.dispose();
  });

  it('the input size is strict, as timm PatchEmbed', async () => {
    const m = await createModel('vit_tiny_patch16_224', TINY);
    const x = image(1, 24);
    assert.throws(() => m.forward(x), /input size 24x24 doesn't match the model \(16x16\)/);
    x.dispose();
    m.dispose();
  });
});

describe('every registered timm-family model at a tiny size', () => {
  const names = listModels('', { family: TIMM_FAMILIES });
  it('lists them', () => { assert.ok(names.length >= 30, String(names.length)); });
  for (const name of names) {
    it(`${name}: forward, features, head, numClasses 0, resetClassifier, one training step`, async () => {
      const start = tf.memory().numTensors;
      const model = await createModel(name, { ...TINY, dropPathRate: 0.1 });
      const distilled = model instanceof VisionTransformerDistilled;
      const x = image(2);
      model.eval();
      const logits = model.forward(x);
      assert.deepEqual(logits.shape, [2, 3]);
      const features = model.forwardFeatures(x);
      const vt = model as VisionTransformer;
      const prefix = vt.config.noEmbedClass ? vt.numPrefixTokens : 0;
      assert.deepEqual(features.shape, [2, vt.posEmbed.shape[1]! + prefix, 16]);
      const pre = model.forwardHead(features, { preLogits: true });
      assert.deepEqual(pre.shape, [2, 16]);
      const again = model.forwardHead(features);
      assert.deepEqual(await again.data(), await logits.data());
      tf.dispose([logits, features, pre, again]);

      // One training step: the loss is finite and every parameter moves.
      model.train();
      const params = model.namedParameters();
      const before = Object.fromEntries(await Promise.all(Object.entries(params).map(async ([k, v]) => [k, await v.data()] as const)));
      const labels = tf.tensor1d([0, 2], 'int32');
      const optimizer = new AdamW(params, { lr: 1e-2 });
      const { value, grads } = valueAndGrads(() => crossEntropy(model.forward(x), labels), params);
      const loss = (await value.data())[0]!;
      assert.ok(Number.isFinite(loss), `loss ${loss}`);
      optimizer.step(grads);
      for (const [k, v] of Object.entries(params)) {
        const now = await v.data();
        assert.ok(now.some((a, i) => a !== before[k]![i]), `${k} did not change`);
      }
      tf.dispose([value, labels, ...Object.values(grads)]);
      optimizer.dispose();

      // numClasses 0 → pooled features; resetClassifier gives a fresh head.
      model.eval();
      model.resetClassifier(0);
      assert.equal(model.numClasses, 0);
      assert.ok(!Object.keys(model.namedParameters()).some((k) => k.startsWith('head')));
      const pooled = model.forward(x);
      assert.deepEqual(pooled.shape, [2, 16]);
      model.resetClassifier(5);
      assert.deepEqual(model.namedParameters()['head.weight']?.shape ?? [], [16, 5], 'Linear weights are held [in, out]');
      if (distilled) assert.ok(Object.keys(model.namedParameters()).includes('head_dist.bias'));
      const five = model.forward(x);
      assert.deepEqual(five.shape, [2, 5]);
      tf.dispose([pooled, five, x]);
      model.dispose();
      assert.equal(tf.memory().numTensors, start, 'no tensors leaked');
    });
  }
});
