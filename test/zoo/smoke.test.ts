/**
 * Every backend, tiny: the timm ViT fixture through createModel (1e-4 on webgpu, as the ../vit
 * fixtures; the strict 1e-5 check is interop.test.ts on cpu and wasm) and one training step of a
 * tiny distilled DeiT.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, createModel, crossEntropy, valueAndGrads } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { PARITY } from '../support/vit-fixtures.js';
import { assertCloseTo, interopArray, interopBytes, interopCase, interopInput, seededFloats } from './helpers.js';

before(async () => { await useTestBackend(); });
const TOL = PARITY;

it('timm_vit_token logits through createModel({ pretrained })', async () => {
  const c = interopCase('timm_vit_token');
  const model = await createModel('vit_tiny_patch16_224', { imgSize: 32, patchSize: 8, embedDim: 64, depth: 2, numHeads: 4, mlpRatio: 2, numClasses: 10, pretrained: interopBytes(c.weights.file) });
  model.eval();
  const x = interopInput(c);
  const y = model.forward(x);
  await assertCloseTo(y, interopArray(c.outputs['logits']!.f64_reference!), [2, 10], TOL, TOL, 'logits');
  tf.dispose([x, y]);
  model.dispose();
});

it('a tiny distilled DeiT trains a step', async () => {
  const model = await createModel('deit_tiny_distilled_patch16_224', { imgSize: 16, patchSize: 8, embedDim: 16, depth: 1, numHeads: 2, numClasses: 3 });
  const x = tf.tensor(seededFloats(2 * 3 * 16 * 16, 1), [2, 3, 16, 16]);
  const labels = tf.tensor1d([1, 2], 'int32');
  const params = model.namedParameters();
  const optimizer = new AdamW(params, { lr: 1e-2 });
  const before = await params['head_dist.weight']!.data();
  const { value, grads } = valueAndGrads(() => crossEntropy(model.forward(x), labels), params);
  assert.ok(Number.isFinite((await value.data())[0]!));
  optimizer.step(grads);
  assert.notDeepEqual(await params['head_dist.weight']!.data(), before);
  tf.dispose([x, labels, value, ...Object.values(grads)]);
  optimizer.dispose();
  model.dispose();
});
