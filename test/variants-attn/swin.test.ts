/**
 * Swin Transformer (timm swin_transformer.py): timm's state-dict keys for swin_tiny_patch4_window7_224,
 * parity with an independent float64 numpy transcription of timm's forward (fixtures/swin_reference.py:
 * shifted windows with masks, padding, clipped windows, patch merging), the WASM-capable gather
 * gradients, registry methods and a training step.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors, encodeSafetensors, gatherRows, loadPretrained, valueAndGrads, relativePositionIndex, reorderTokens, segmentSum, shiftedWindowMask, SwinTransformer, tokenIndex, windowOrder } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { closeTo, PARITY } from '../support/vit-fixtures.js';
import { assertForward, assertTrainingStep, seeded, stateShapes } from './helpers.js';

const tol = PARITY;
const dir = new URL('./fixtures/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('swin_manifest.json', dir), 'utf8')) as Record<string, {
  config: { img_size: number; patch_size: number; in_chans: number; num_classes: number; embed_dim: number; depths: number[]; num_heads: number[]; window_size: number; mlp_ratio: number };
  input_shape: number[]; logits_shape: number[]; pre_logits_shape: number[]; keys: Record<string, number[]>;
}>;

function bin(name: string, file: string): Float64Array | Float32Array {
  const bytes = readFileSync(new URL(`${name}/${file}`, dir));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return file.endsWith('.f64.bin') ? new Float64Array(buffer) : new Float32Array(buffer);
}

function fromManifest(name: string): SwinTransformer {
  const c = manifest[name]!.config;
  return new SwinTransformer({
    imgSize: c.img_size, patchSize: c.patch_size, inChans: c.in_chans, numClasses: c.num_classes, embedDim: c.embed_dim,
    depths: c.depths, numHeads: c.num_heads, windowSize: c.window_size, mlpRatio: c.mlp_ratio,
  });
}

const TINY = { imgSize: 16, patchSize: 2, numClasses: 3, embedDim: 8, depths: [2, 2], numHeads: [2, 2], windowSize: 4, mlpRatio: 2 };

describe(`SwinTransformer on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it("has timm's swin_tiny_patch4_window7_224 state-dict keys and shapes (written from timm's code)", () => {
    const model = new SwinTransformer({ patchSize: 4, windowSize: 7, embedDim: 96, depths: [2, 2, 6, 2], numHeads: [3, 6, 12, 24] });
    const shapes = stateShapes(model);
    const pick = (prefix: string): Record<string, number[]> => Object.fromEntries(Object.entries(shapes).filter(([k]) => k.startsWith(prefix)));
    assert.deepEqual(pick('patch_embed.'), {
      'patch_embed.proj.weight': [96, 3, 4, 4], 'patch_embed.proj.bias': [96], 'patch_embed.norm.weight': [96], 'patch_embed.norm.bias': [96],
    });
    assert.deepEqual(pick('layers.0.'), Object.fromEntries([0, 1].flatMap((j) => Object.entries({
      [`layers.0.blocks.${j}.norm1.weight`]: [96],
      [`layers.0.blocks.${j}.norm1.bias`]: [96],
      [`layers.0.blocks.${j}.attn.relative_position_bias_table`]: [169, 3],
      [`layers.0.blocks.${j}.attn.qkv.weight`]: [288, 96],
      [`layers.0.blocks.${j}.attn.qkv.bias`]: [288],
      [`layers.0.blocks.${j}.attn.proj.weight`]: [96, 96],
      [`layers.0.blocks.${j}.attn.proj.bias`]: [96],
      [`layers.0.blocks.${j}.norm2.weight`]: [96],
      [`layers.0.blocks.${j}.norm2.bias`]: [96],
      [`layers.0.blocks.${j}.mlp.fc1.weight`]: [384, 96],
      [`layers.0.blocks.${j}.mlp.fc1.bias`]: [384],
      [`layers.0.blocks.${j}.mlp.fc2.weight`]: [96, 384],
      [`layers.0.blocks.${j}.mlp.fc2.bias`]: [96],
    }))));
    assert.deepEqual(pick('layers.1.downsample.'), {
      'layers.1.downsample.norm.weight': [384], 'layers.1.downsample.norm.bias': [384], 'layers.1.downsample.reduction.weight': [192, 384],
    });
    assert.deepEqual(shapes['layers.3.blocks.1.attn.relative_position_bias_table'], [169, 24]);
    assert.deepEqual(pick('norm.'), { 'norm.weight': [768], 'norm.bias': [768] });
    assert.deepEqual(pick('head.'), { 'head.fc.weight': [1000, 768], 'head.fc.bias': [1000] });
    assert.equal(Object.keys(shapes).length, 4 + 12 * 13 + 3 * 3 + 2 + 2);
    assert.equal(model.numParameters(), 28_288_354); // timm: swin_tiny_patch4_window7_224 has 28.29 M parameters
    assert.equal(model.numClasses, 1000);
    assert.deepEqual(model.noWeightDecay().length, 12);
    model.dispose();
  });

  it('relative position index, window order and shift mask follow timm', () => {
    // 2x2 window: relative (dh, dw) in [-1, 1]² → (dh + 1)·3 + (dw + 1)
    assert.deepEqual(Array.from(relativePositionIndex([2, 2])), [4, 3, 1, 0, 5, 4, 2, 1, 7, 6, 4, 3, 8, 7, 5, 4]);
    // 3x3 grid, 2x2 windows, shift 1: rolled by −1 and padded to 4x4 (index 9 = zero token)
    const { forward, inverse } = windowOrder([3, 3], [2, 2], [1, 1]);
    assert.deepEqual(forward, [4, 5, 7, 8, 3, 9, 6, 9, 1, 2, 9, 9, 0, 9, 9, 9]);
    inverse.forEach((m, j) => assert.equal(forward[m], j));
    // 4x4 grid, 2x2 windows, shift 1: regions {0,1},{2},{3} per axis → the last window mixes 4 regions
    const mask = shiftedWindowMask([4, 4], [2, 2], [1, 1]);
    assert.deepEqual(Array.from(mask.slice(0, 16)), new Array(16).fill(0));
    assert.deepEqual(Array.from(mask.slice(48, 52)), [0, -100, -100, -100]);
  });

  for (const name of Object.keys(manifest)) {
    describe(`parity with the float64 timm transcription (${name})`, () => {
      let model: SwinTransformer;
      let img: tf.Tensor;
      before(() => {
        model = fromManifest(name).eval();
        const { tensors } = decodeSafetensors(readFileSync(new URL(`${name}/weights.safetensors`, dir)));
        assert.deepEqual(stateShapes(model), manifest[name]!.keys);
        model.loadStateDict(tensors);
        tf.dispose(Object.values(tensors));
        img = tf.tensor(bin(name, 'input.f32.bin'), manifest[name]!.input_shape);
      });
      after(() => {
        model.dispose();
        img.dispose();
      });

      it(`logits and pre-logits within ${tol} (abs + rel), leak-free`, async () => {
        const start = tf.memory().numTensors;
        const logits = model.forward(img);
        assert.deepEqual(logits.shape, manifest[name]!.logits_shape);
        assert.equal(closeTo(await logits.data(), bin(name, 'logits.f64.bin'), tol, tol), undefined);
        const features = model.forwardFeatures(img);
        const pre = model.forwardHead(features, { preLogits: true });
        assert.equal(closeTo(await pre.data(), bin(name, 'pre_logits.f64.bin'), tol, tol), undefined);
        tf.dispose([logits, features, pre]);
        assert.equal(tf.memory().numTensors, start);
      });
    });
  }

  it('gatherRows: the table gradient is the segment sum (one-hot matMul where UnsortedSegmentSum is missing)', async () => {
    const table = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
    const ids = tf.tensor1d([2, 0, 2, 2], 'int32');
    const dy = tf.tensor2d([[1, 10], [2, 20], [3, 30], [4, 40]]);
    const start = tf.memory().numTensors;
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows(t, ids), dy)))(table);
    assert.deepEqual(Array.from(await grad.data()), [2, 20, 0, 0, 8, 80]);
    const direct = segmentSum(dy, ids, 3);
    assert.deepEqual(Array.from(await direct.data()), [2, 20, 0, 0, 8, 80]);
    const value = gatherRows(table, ids);
    assert.deepEqual(Array.from(await value.data()), [5, 6, 1, 2, 5, 6, 5, 6]);
    tf.dispose([grad, direct, value]);
    assert.equal(tf.memory().numTensors, start);
    tf.dispose([table, ids, dy]);
  });

  it('reorderTokens: pads with zero tokens, is undone by swapping the indices, gradient reorders back', async () => {
    const x = tf.tensor3d([[[1], [2], [3]]]);
    const index = tokenIndex([2, 3, 0, 1], 3);
    const inverse = tokenIndex([2, 3, 0], 4);
    const y = reorderTokens(x, index, inverse);
    assert.deepEqual(Array.from(await y.data()), [3, 0, 1, 2]);
    const back = reorderTokens(y, inverse, index);
    assert.deepEqual(Array.from(await back.data()), [1, 2, 3]);
    const w = tf.tensor3d([[[10], [20], [30], [40]]]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(reorderTokens(t, index, inverse), w)))(x);
    assert.deepEqual(Array.from(await grad.data()), [30, 40, 10]);
    tf.dispose([x, y, back, w, grad, index.ids, inverse.ids]);
  });

  it('tiny config: forward shapes, features NHWC, resetClassifier, train-mode drop path', async () => {
    const model = new SwinTransformer(TINY).eval();
    const img = seeded([2, 3, 16, 16], 5);
    await assertForward(model, img, [2, 3]);
    const features = model.forwardFeatures(img);
    assert.deepEqual(features.shape, [2, 4, 4, 16]);
    features.dispose();
    model.resetClassifier(0);
    await assertForward(model, img, [2, 16]);
    model.resetClassifier(6);
    assert.equal(model.numClasses, 6);
    await assertForward(model, img, [2, 6]);
    model.train();
    await assertForward(model, img, [2, 6]);
    model.dispose();
    img.dispose();
  });

  it('gradients match central finite differences (shifted + padded windows, bias tables, patch embedding)', async () => {
    // 12x12 grid, window 5: padding and shifts in stage 0, a clipped window in stage 1.
    const model = new SwinTransformer({ imgSize: 24, patchSize: 2, numClasses: 3, embedDim: 8, depths: [2, 2], numHeads: [2, 2], windowSize: 5, mlpRatio: 2, dropPathRate: 0 }).eval();
    const img = seeded([1, 3, 24, 24], 8);
    const weights = seeded([1, 3], 9);
    const params = model.namedParameters();
    const loss = (): tf.Scalar => tf.tidy(() => tf.sum(tf.mul(model.forward(img), weights)) as tf.Scalar);
    const { value, grads } = valueAndGrads(loss, params);
    const checks: [string, number][] = [
      ['layers.0.blocks.1.attn.relative_position_bias_table', 7], ['layers.0.blocks.1.attn.relative_position_bias_table', 40],
      ['layers.0.blocks.0.attn.relative_position_bias_table', 80], ['layers.1.blocks.1.attn.relative_position_bias_table', 5],
      ['patch_embed.proj.weight', 11], ['layers.0.blocks.1.attn.qkv.weight', 100], ['layers.1.downsample.reduction.weight', 17],
    ];
    const eps = 1e-2;
    for (const [name, i] of checks) {
      const variable = params[name]!;
      const original = Float32Array.from(await variable.data() as Float32Array);
      const at = async (delta: number): Promise<number> => {
        const changed = Float32Array.from(original);
        changed[i]! += delta;
        const next = tf.tensor(changed, variable.shape);
        variable.assign(next);
        next.dispose();
        const l = loss();
        const v = (await l.data())[0]!;
        l.dispose();
        return v;
      };
      const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
      const restored = tf.tensor(original, variable.shape);
      variable.assign(restored);
      restored.dispose();
      const analytic = (await grads[name]!.data())[i]!;
      assert.ok(Math.abs(analytic - numeric) <= 2e-3 + 2e-2 * Math.abs(numeric), `${name}[${i}]: analytic ${analytic}, numeric ${numeric}`);
    }
    tf.dispose([value, ...Object.values(grads), img, weights]);
    model.dispose();
  });

  it("loadPretrained: timm checkpoints, the original layout with buffers (timm's checkpoint_filter_fn), another class count", async () => {
    const config = { ...TINY, depths: [2, 2, 2], numHeads: [1, 2, 2], imgSize: 32 };
    const source = new SwinTransformer(config).eval();
    const img = seeded([1, 3, 32, 32], 10);
    const logits = source.forward(img);
    const expected = await logits.data();
    logits.dispose();
    const dict = source.stateDict();
    // timm layout, as saved by timm today
    const timmBytes = await encodeSafetensors(dict);
    // Microsoft's original layout: downsample at the end of the previous stage, `head.*`, index / mask buffers
    const old: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(dict)) {
      old[k.replace(/layers\.(\d+)\.downsample/, (_, i: string) => `layers.${Number(i) - 1}.downsample`).replace(/^head\.fc\./, 'head.')] = v;
    }
    old['layers.0.blocks.0.attn.relative_position_index'] = tf.tensor1d(Int32Array.from(relativePositionIndex([4, 4])), 'int32');
    old['layers.0.blocks.1.attn_mask'] = tf.tensor3d(shiftedWindowMask([8, 8], [4, 4], [2, 2]), [4, 16, 16]);
    const oldBytes = await encodeSafetensors(old);
    for (const bytes of [timmBytes, oldBytes]) {
      const target = new SwinTransformer(config).eval();
      const result = loadPretrained(target, bytes);
      assert.deepEqual(result.initialisedKeys, []);
      const y = target.forward(img);
      assert.deepEqual(Array.from(await y.data()), Array.from(expected));
      y.dispose();
      target.dispose();
    }
    const other = new SwinTransformer({ ...config, numClasses: 7 });
    assert.deepEqual(loadPretrained(other, timmBytes).initialisedKeys, ['head.fc.weight', 'head.fc.bias']);
    other.dispose();
    tf.dispose([...Object.values(old), img]);
    source.dispose();
  });

  it('one AdamW training step changes every parameter (bias tables included), without leaks', async () => {
    const model = new SwinTransformer({ ...TINY, dropPathRate: 0 });
    const img = seeded([2, 3, 16, 16], 6);
    await assertTrainingStep(model, img, 3);
    model.dispose();
    img.dispose();
  });
});
