// backends: cpu, wasm
/**
 * ../shared/fixtures/interop: timm ViT and distilled DeiT safetensors and a Google `.npz` (loaded as
 * timm's `_load_weights` / jeonsworld's `load_from` do), through `createModel(..., { pretrained })`,
 * against the float64 references with the manifest's tolerance |d| <= 1e-5 + 1e-5·|ref|.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, decodeSafetensors, googleNpzToTimm, decodeNpzHost, parseNpz, parseSafetensors, pretrainedInfo,
  VisionTransformer, VisionTransformerDistilled, type RegistryModel } from '@vit/core';
import { useTestBackend } from '../support/backend.js';
import { sharedPath } from '../support/shared.js';
import { assertCloseTo, interopArray, interopBytes, interopCase, interopInput, interopManifest, type InteropCase } from './helpers.js';

const { abs: ATOL, rel: RTOL } = interopManifest().conventions.tolerance;
const SMALL = { imgSize: 32, patchSize: 8, embedDim: 64, depth: 2, numHeads: 4, mlpRatio: 2, numClasses: 10 };

before(async () => { await useTestBackend(); });

async function compare(c: InteropCase, output: string, got: tf.Tensor): Promise<void> {
  const o = c.outputs[output]!;
  await assertCloseTo(got, interopArray(o.f64_reference!), o.shape, ATOL, RTOL, `${c.name}/${output}`);
}

describe('timm_vit_token (safetensors, timm names)', () => {
  const c = interopCase('timm_vit_token');
  let model: RegistryModel;
  before(async () => {
    model = await createModel('vit_tiny_patch16_224', { ...SMALL, pretrained: interopBytes(c.weights.file) });
    model.eval();
  });
  after(() => model.dispose());

  it('loads every key (strict) and matches logits, pre-logits and features', async () => {
    assert.ok(model instanceof VisionTransformer);
    assert.deepEqual(pretrainedInfo.get(model)?.initialisedKeys, []);
    const x = interopInput(c);
    const features = model.forwardFeatures(x);
    const preLogits = model.forwardHead(features, { preLogits: true });
    const logits = model.forward(x);
    await compare(c, 'features', features);
    await compare(c, 'pre_logits', preLogits);
    await compare(c, 'logits', logits);
    tf.dispose([x, features, preLogits, logits]);
  });

  it('loads from a file path too', async () => {
    const fromPath = await createModel('vit_tiny_patch16_224', { ...SMALL, pretrained: sharedPath(`fixtures/interop/${c.weights.file}`) });
    fromPath.eval();
    const x = interopInput(c);
    const logits = fromPath.forward(x);
    await compare(c, 'logits', logits);
    tf.dispose([x, logits]);
    fromPath.dispose();
  });

  it('keeps the state dict keys and values of the file (timm names round-trip)', async () => {
    const file = decodeSafetensors(interopBytes(c.weights.file)).tensors;
    const mine = model.stateDict();
    assert.deepEqual(Object.keys(mine).sort(), Object.keys(file).sort());
    for (const [k, t] of Object.entries(file)) assert.deepEqual(await mine[k]!.data(), await t.data(), k);
    tf.dispose([...Object.values(file), ...Object.values(mine)]);
  });
});

describe('timm_deit_distilled', () => {
  const c = interopCase('timm_deit_distilled');
  it('averages head and head_dist in eval; pre-logits are the mean of the two tokens', async () => {
    const model = await createModel('deit_tiny_distilled_patch16_224', { ...SMALL, pretrained: interopBytes(c.weights.file) });
    assert.ok(model instanceof VisionTransformerDistilled);
    model.eval();
    const x = interopInput(c);
    const features = model.forwardFeatures(x);
    const preLogits = model.forwardHead(features, { preLogits: true });
    const logits = model.forward(x);
    const [head, headDist] = model.forwardHeads(features);
    await compare(c, 'features', features);
    await compare(c, 'pre_logits', preLogits);
    await compare(c, 'logits', logits);
    await compare(c, 'head_logits', head);
    await compare(c, 'head_dist_logits', headDist);
    // Distilled training in train mode: both heads, stacked [2, b, k] (dropout rates are 0 here).
    model.setDistilledTraining(true);
    model.train();
    const both = model.forward(x);
    assert.deepEqual(both.shape, [2, 2, 10]);
    const [a, b] = tf.unstack(both);
    await compare(c, 'head_logits', a!);
    await compare(c, 'head_dist_logits', b!);
    tf.dispose([x, features, preLogits, logits, head, headDist, both, a!, b!]);
    model.dispose();
  });
});

describe('google_npz_jeonsworld (.npz, vit_jax layout)', () => {
  const c = interopCase('google_npz_jeonsworld');

  it('loads the .npz as timm _load_weights does and matches jeonsworld and timm logits and the encoded tokens', async () => {
    const model = await createModel('vit_base_patch16_224', { ...SMALL, pretrained: interopBytes(c.weights.file) });
    model.eval();
    assert.equal(pretrainedInfo.get(model)?.format, 'npz');
    const x = interopInput(c);
    const features = model.forwardFeatures(x);
    const logits = model.forward(x);
    await compare(c, 'encoded', features);
    await compare(c, 'logits', logits);
    await compare(c, 'timm_logits', logits);
    tf.dispose([x, features, logits]);
    model.dispose();
  });

  it('records the per-layer attention maps through hooks on attn.attend (jeonsworld vis=True)', async () => {
    const model = await createModel('vit_base_patch16_224', { ...SMALL, pretrained: interopBytes(c.weights.file) });
    assert.ok(model instanceof VisionTransformer);
    model.eval();
    const maps: tf.Tensor[] = [];
    const handles = [...model.blocks].map((b) => b.attn.attend.registerForwardHook((_m, _in, out) => { maps.push(tf.keep(tf.clone(out))); }));
    const x = interopInput(c);
    const logits = model.forward(x);
    handles.forEach((h) => h.remove());
    const stacked = tf.stack(maps);
    await compare(c, 'attn_weights', stacked);
    tf.dispose([x, logits, stacked, ...maps]);
    model.dispose();
  });

  it('in21k-style files: pre_logits/* are ignored and reported', async () => {
    const model = await createModel('vit_base_patch16_224', { ...SMALL, pretrained: interopBytes(c.weights.in21k_style_variant!.file) });
    model.eval();
    assert.deepEqual(pretrainedInfo.get(model)?.ignoredKeys.sort(), ['pre_logits/bias', 'pre_logits/kernel']);
    const x = interopInput(c);
    const logits = model.forward(x);
    await compare(c, 'logits', logits);
    tf.dispose([x, logits]);
    model.dispose();
  });

  it('converts npz → timm exactly as timm (converted_timm.safetensors, bit for bit)', () => {
    const { state, ignored, unexpected } = googleNpzToTimm(decodeNpzHost(interopBytes(c.weights.file)));
    assert.deepEqual([ignored, unexpected], [[], []]);
    const timm = parseSafetensors(interopBytes('google_npz_jeonsworld/converted_timm.safetensors')).entries;
    assert.deepEqual(Object.keys(state).sort(), Object.keys(timm).sort());
    for (const [k, e] of Object.entries(timm)) {
      assert.deepEqual(state[k]!.shape, e.shape, k);
      const ref = new Float32Array(e.data.slice().buffer);
      assert.deepEqual(new Uint8Array((state[k]!.values as Float32Array).slice().buffer), new Uint8Array(ref.buffer), k);
    }
  });

  it('reads the npz (ZIP64 local headers) into arrays byte-identical to weights.npz.safetensors', () => {
    const npz = parseNpz(interopBytes(c.weights.file));
    const ref = parseSafetensors(interopBytes(c.weights.same_arrays_as_safetensors!)).entries;
    assert.deepEqual(Object.keys(npz).sort(), Object.keys(ref).sort());
    for (const [k, e] of Object.entries(ref)) {
      assert.equal(npz[k]!.descr, '<f4', k);
      assert.deepEqual(npz[k]!.shape, e.shape, k);
      assert.deepEqual(npz[k]!.data, e.data, k);
    }
  });

  it('a class count that differs from the file leaves the head freshly initialised', async () => {
    const model = await createModel('vit_base_patch16_224', { ...SMALL, numClasses: 7, pretrained: interopBytes(c.weights.file) });
    model.eval();
    assert.deepEqual(pretrainedInfo.get(model)?.initialisedKeys, ['head.weight', 'head.bias']);
    const x = interopInput(c);
    const features = model.forwardFeatures(x);
    await compare(c, 'encoded', features);
    const logits = model.forward(x);
    assert.deepEqual(logits.shape, [2, 7]);
    tf.dispose([x, features, logits]);
    model.dispose();
  });
});
