// backends: cpu, wasm
/**
 * Against vit-pytorch 1.23.6 itself (fixtures/gen.py): every conv variant loads the PyTorch state
 * dict strictly (same keys, shapes and buffers) and gives the same eval-mode logits and the same
 * gradients of Σ logits·r as PyTorch in float64.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CCT, Conv2d, CvT, decodeSafetensors, LeViT, Linear, MaxViT, MobileViT, PiT, T2TViT, valueAndGrads, type Module } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, take } from '../vit/helpers.js';

type Model = Module & { forward(x: tf.Tensor): tf.Tensor };
const MOBILEVIT = { imageSize: 64, dims: [8, 8, 8], channels: [4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 16], numClasses: 3, depths: [1, 1, 1] };

const CASES: Record<string, () => Model> = {
  cct: () => new CCT({ imgSize: 16, embeddingDim: 16, nConvLayers: 2, kernelSize: 3, stride: 1, padding: 1, numLayers: 2, numHeads: 2, mlpRatio: 2, numClasses: 3, positionalEmbedding: 'learnable' }),
  cct_sine: () => new CCT({ imgSize: [16, 24], embeddingDim: 16, kernelSize: 3, stride: 1, padding: 1, numLayers: 1, numHeads: 4, mlpRatio: 1.5, numClasses: 3 }),
  pit: () => new PiT({ imageSize: 8, patchSize: 4, numClasses: 3, dim: 8, depth: [1, 1], heads: [2, 4], dimHead: 4, mlpDim: 16 }),
  t2t: () => new T2TViT({ imageSize: 16, numClasses: 3, dim: 16, depth: 1, heads: 2, dimHead: 8, mlpDim: 32, t2tLayers: [[3, 2], [3, 2]] }),
  t2t_mean: () => new T2TViT({ imageSize: 18, numClasses: 3, dim: 16, depth: 2, heads: 2, dimHead: 8, mlpDim: 32, pool: 'mean', t2tLayers: [[5, 3], [2, 1]] }),
  mobilevit: () => new MobileViT({ ...MOBILEVIT, expansion: 2 }),
  mobilevit_x1: () => new MobileViT({ ...MOBILEVIT, expansion: 1 }),
  levit: () => new LeViT({ imageSize: 64, numClasses: 3, dim: [16, 24], depth: 1, heads: [2, 3], mlpMult: 2, stages: 2, dimKey: 4, dimValue: 8 }),
  cvt: () => new CvT({ numClasses: 3, s1EmbDim: 8, s1EmbKernel: 3, s1EmbStride: 2, s1Heads: 1, s1Depth: 1, s1MlpMult: 2, s2EmbDim: 12, s2Heads: 2, s2Depth: 1, s2MlpMult: 2, s3EmbDim: 16, s3Heads: 2, s3Depth: 1, s3MlpMult: 2 }),
  maxvit: () => new MaxViT({ numClasses: 3, dim: 8, depth: [2, 1], dimHead: 4, dimConvStem: 4, windowSize: 2 }),
};

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A gradient in PyTorch's layout (Linear weights are held [in, out], Conv2d weights HWIO). */
function toTorchLayout(model: Module, name: string, grad: tf.Tensor): tf.Tensor {
  const dot = name.lastIndexOf('.');
  const owner = model.getSubmodule(name.slice(0, Math.max(dot, 0)));
  if (name.slice(dot + 1) === 'weight' && owner instanceof Linear) return tf.transpose(grad);
  if (name.slice(dot + 1) === 'weight' && owner instanceof Conv2d) return tf.transpose(grad, [3, 2, 0, 1]);
  return tf.clone(grad);
}

describe(`conv variants against vit-pytorch on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  for (const [name, build] of Object.entries(CASES)) {
    it(`${name}: strict state-dict load, eval logits and gradients match PyTorch (float64)`, async () => {
      const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(join(FIXTURES, `${name}.safetensors`))));
      const model = build().eval();
      const weights = Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith('weights.')).map(([k, v]) => [k.slice(8), v]));
      const { missingKeys, unexpectedKeys } = model.loadStateDict(weights);
      assert.deepEqual([missingKeys, unexpectedKeys], [[], []]);
      const x = tensors['input']!;
      assertClose(await take(model.forward(x)), await take(tf.clone(tensors['logits']!)), 1e-4, `${name} logits`);
      const r = tensors['r']!;
      const live = tf.memory().numTensors;
      const { value, grads } = valueAndGrads(() => tf.sum(tf.mul(model.forward(x), r)) as tf.Scalar, model.namedParameters());
      const expected = Object.keys(tensors).filter((k) => k.startsWith('grad.')).map((k) => k.slice(5));
      assert.deepEqual(Object.keys(grads).sort(), expected.sort(), 'the same trainable parameters');
      for (const k of expected) {
        const g = await take(toTorchLayout(model, k, grads[k]!));
        const ref = await take(tf.clone(tensors[`grad.${k}`]!));
        // Gradients go through float32 softmaxes and normalisations: compare at 1e-3 of the largest entry.
        const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        assertClose(g, ref, Math.max(1e-3 * scale, 1e-6), `${name} gradient of ${k}`);
      }
      tf.dispose([value, ...Object.values(grads)]);
      assert.equal(tf.memory().numTensors, live, 'no leaks');
      tf.dispose(Object.values(tensors));
      model.dispose();
    });
  }
});
