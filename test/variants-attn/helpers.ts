/** Shared checks for the attention-variant models (DeepViT, CaiT, CrossViT, Swin). */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, crossEntropy, valueAndGrads, type Module } from '@vit/core';

export { stateShapes } from '../support/state-shapes.js';
export { seeded } from '../vit/helpers.js';

/**
 * One AdamW step on cross-entropy: every parameter gets a non-zero gradient and changes, the loss is
 * finite, and no tensor leaks (beyond the optimizer's moments, freed by its dispose).
 */
export async function assertTrainingStep(model: Module & { forward(x: tf.Tensor): tf.Tensor }, img: tf.Tensor, numClasses: number): Promise<void> {
  const labels = tf.tensor1d(Array.from({ length: img.shape[0]! }, (_, i) => i % numClasses), 'int32');
  const params = model.namedParameters();
  const before = Object.fromEntries(await Promise.all(Object.entries(params).map(async ([k, v]) => [k, Float32Array.from(await v.data() as Float32Array)] as const)));
  const start = tf.memory().numTensors;
  const optimizer = new AdamW(params, { lr: 1e-3, weightDecay: 0 });
  model.train();
  const { value, grads } = valueAndGrads(() => crossEntropy(model.forward(img), labels), params);
  assert.ok(Number.isFinite((await value.data())[0]!), 'finite loss');
  const noGrad: string[] = [];
  for (const [k, g] of Object.entries(grads)) {
    const data = await g.data();
    if (!data.every(Number.isFinite)) assert.fail(`non-finite gradient for ${k}`);
    if (!data.some((x) => x !== 0)) noGrad.push(k);
  }
  assert.deepEqual(noGrad, [], 'parameters without a gradient');
  optimizer.step(grads);
  tf.dispose([value, ...Object.values(grads)]);
  optimizer.dispose();
  assert.equal(tf.memory().numTensors, start, 'leaked tensors');
  const unchanged: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    const now = await v.data();
    if (now.every((x, i) => x === before[k]![i])) unchanged.push(k);
  }
  assert.deepEqual(unchanged, [], 'parameters the step did not change');
  labels.dispose();
}

/** forward leaves no tensor behind but its result. */
export async function assertForward(model: { forward(x: tf.Tensor): tf.Tensor }, img: tf.Tensor, shape: number[]): Promise<void> {
  const start = tf.memory().numTensors;
  const y = model.forward(img);
  assert.deepEqual(y.shape, shape);
  assert.ok((await y.data()).every(Number.isFinite), 'finite output');
  y.dispose();
  assert.equal(tf.memory().numTensors, start, 'leaked tensors');
}
