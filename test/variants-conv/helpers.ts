/** Shared helpers for the convolutional-variant tests: float64 reference convolution / unfold, training-step checks. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, crossEntropy, valueAndGrads, type Module } from '@vit/core';
import { values } from '../vit/helpers.js';

export interface ConvRef {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

/** PyTorch's conv2d in float64: x [n, c, h, w], w [o, c / g, kh, kw] (flat arrays). */
export function conv2dRef(x: ArrayLike<number>, xs: number[], w: ArrayLike<number>, ws: number[], { stride, padding, dilation, groups }: ConvRef): { y: Float64Array; shape: number[] } {
  const [n, c, h, wd] = xs as [number, number, number, number];
  const [o, cg, kh, kw] = ws as [number, number, number, number];
  const oh = Math.floor((h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0]) + 1;
  const ow = Math.floor((wd + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1]) + 1;
  const y = new Float64Array(n * o * oh * ow);
  const og = o / groups;
  for (let b = 0; b < n; b++) for (let oc = 0; oc < o; oc++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
    let s = 0;
    const g = Math.floor(oc / og);
    for (let ci = 0; ci < cg; ci++) for (let a = 0; a < kh; a++) for (let e = 0; e < kw; e++) {
      const yy = i * stride[0] + a * dilation[0] - padding[0];
      const xx = j * stride[1] + e * dilation[1] - padding[1];
      if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
      s += x[((b * c + g * cg + ci) * h + yy) * wd + xx]! * w[((oc * cg + ci) * kh + a) * kw + e]!;
    }
    y[((b * o + oc) * oh + i) * ow + j] = s;
  }
  return { y, shape: [n, o, oh, ow] };
}

/**
 * One AdamW step on a classification loss: asserts a finite loss, that every trainable parameter
 * got a finite, non-zero gradient and changed, and that nothing leaked (the optimizer's moments aside).
 */
export async function assertTrainingStep(model: Module, input: tf.Tensor, numClasses: number,
  /** Parameters whose gradient is zero in exact arithmetic (e.g. a bias under a softmax): |g| must stay tiny. */
  mathematicallyZero: readonly string[] = []): Promise<void> {
  const params = model.namedParameters();
  const trainable = Object.entries(params).filter(([, v]) => v.trainable);
  const before = Object.fromEntries(await Promise.all(trainable.map(async ([k, v]) => [k, await values(v)] as const)));
  const labels = tf.tensor1d(Array.from({ length: input.shape[0]! }, (_, i) => i % numClasses), 'int32');
  const optimizer = new AdamW(params, { lr: 1e-2 });
  const tensorsBefore = tf.memory().numTensors;
  const { value, grads } = valueAndGrads(() => crossEntropy(model.forward(input), labels) as tf.Scalar, params);
  assert.ok(Number.isFinite((await value.data())[0]), 'finite loss');
  const zero: string[] = [];
  for (const [name] of trainable) {
    const g = await values(grads[name]!);
    assert.ok(g.every(Number.isFinite), `finite gradient for ${name}`);
    if (mathematicallyZero.includes(name)) assert.ok(g.every((v) => Math.abs(v) < 1e-5), `${name}: gradient should vanish`);
    else if (g.every((v) => v === 0)) zero.push(name);
  }
  assert.deepEqual(zero, [], 'every trainable parameter gets a non-zero gradient');
  optimizer.step(grads);
  tf.dispose([value, ...Object.values(grads)]);
  const moments = trainable.length * 2;
  assert.equal(tf.memory().numTensors, tensorsBefore + moments, 'a training step leaks no tensors');
  const unchanged: string[] = [];
  for (const [name, v] of trainable) {
    const now = await values(v);
    if (now.every((x, i) => x === before[name]![i])) unchanged.push(name);
  }
  assert.deepEqual(unchanged, [], 'every trainable parameter changes');
  optimizer.dispose();
  labels.dispose();
}

export { stateShapes } from '../support/state-shapes.js';
