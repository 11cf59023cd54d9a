// backends: wasm
/**
 * WASM against cpu for every conv variant: the same model (same weights) in eval mode and its
 * gradients give the same numbers on both backends. Catches backend-specific kernels (depthwise
 * convolutions, rank-6 window tensors, the one-hot gather gradient, the im2col conv gradients).
 */
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CCT, CvT, LeViT, MaxViT, MobileViT, PiT, T2TViT, crossEntropy, valueAndGrads, type Module } from '@vit/core';
import { useTestBackend } from '../support/backend.js';
import { assertClose, seeded, take } from '../vit/helpers.js';

type Model = Module & { forward(x: tf.Tensor): tf.Tensor };

const CASES: [string, () => Model, number][] = [
  ['CCT', () => new CCT({ imgSize: 16, embeddingDim: 16, nConvLayers: 2, kernelSize: 3, stride: 1, padding: 1, numLayers: 1, numHeads: 2, mlpRatio: 2, numClasses: 3 }), 16],
  ['PiT', () => new PiT({ imageSize: 8, patchSize: 4, numClasses: 3, dim: 8, depth: [1, 1], heads: 2, dimHead: 4, mlpDim: 16 }), 8],
  ['T2TViT', () => new T2TViT({ imageSize: 16, numClasses: 3, dim: 16, depth: 1, heads: 2, dimHead: 8, mlpDim: 32, t2tLayers: [[3, 2], [3, 2]] }), 16],
  ['MobileViT', () => new MobileViT({ imageSize: 64, dims: [8, 8, 8], channels: [4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 16], numClasses: 3, depths: [1, 1, 1], expansion: 2 }), 64],
  ['LeViT', () => new LeViT({ imageSize: 64, numClasses: 3, dim: [16, 24], depth: 1, heads: [2, 3], mlpMult: 2, stages: 2, dimKey: 4, dimValue: 8 }), 64],
  ['CvT', () => new CvT({ numClasses: 3, s1EmbDim: 8, s1EmbKernel: 3, s1EmbStride: 2, s2EmbDim: 12, s2Heads: 2, s2Depth: 1, s3EmbDim: 16, s3Heads: 2, s3Depth: 1 }), 32],
  ['MaxViT', () => new MaxViT({ numClasses: 3, dim: 8, depth: [2, 1], dimHead: 4, dimConvStem: 4, windowSize: 2, dropout: 0 }), 16],
];

async function run(model: Model, x: tf.Tensor, labels: tf.Tensor): Promise<{ logits: Float32Array; grads: Record<string, Float32Array> }> {
  model.eval();
  const logits = await take(model.forward(x));
  const { value, grads } = valueAndGrads(() => crossEntropy(model.forward(x), labels), model.namedParameters());
  const out: Record<string, Float32Array> = {};
  for (const [k, g] of Object.entries(grads)) out[k] = await take(g);
  value.dispose();
  return { logits, grads: out };
}

describe('conv variants: wasm matches cpu', () => {
  before(async () => {
    await useTestBackend();
  });

  for (const [name, build, size] of CASES) {
    it(`${name}: eval-mode logits and gradients`, async () => {
      const model = build();
      const x = seeded([2, 3, size, size], 7);
      const labels = tf.tensor1d([0, 2], 'int32');
      try {
        const wasm = await run(model, x, labels);
        await tf.setBackend('cpu');
        const cpu = await run(model, x, labels);
        assertClose(wasm.logits, cpu.logits, 1e-4, `${name} logits`);
        for (const k of Object.keys(cpu.grads)) assertClose(wasm.grads[k]!, cpu.grads[k]!, 2e-3, `${name} gradient of ${k}`);
      } finally {
        await tf.setBackend('wasm');
        tf.dispose([x, labels]);
        model.dispose();
      }
    });
  }
});
