#!/usr/bin/env node
// Progress timer (not a test, not the benchmark suite): on the wasm backend (or --backend X),
//   1. median ms of a ViT-Ti/16 forward (dim 192, depth 12, heads 3, mlp 768, patch 16, image 224), batch 1;
//   2. images/s of the tiny training step (image 32, patch 4, dim 192, depth 6, heads 3, mlp 384,
//      batch 64, cross-entropy + AdamW).
// Usage: npm run build -w packages/einops && npx tsc -p packages/vit/tsconfig.json &&
//        node packages/vit/scripts/time-vit.mjs [--backend wasm] [--runs 20] [--steps 5]
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, ViT, crossEntropy, valueAndGrads } from '@vit/core';
import { setBackend } from '@vit/core/node';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const backend = option('backend', 'wasm');
const runs = Number(option('runs', 20));
const steps = Number(option('steps', 5));
const only = option('only', 'all');

await setBackend(backend);
if (backend === 'cpu') tf.backend().firstUse = false;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (only === 'all' || only === 'forward') {
  const model = new ViT({ imageSize: 224, patchSize: 16, numClasses: 1000, dim: 192, depth: 12, heads: 3, mlpDim: 768 }).eval();
  const img = tf.randomNormal([1, 3, 224, 224]);
  const times = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const out = model.forward(img);
    await out.data();
    out.dispose();
    if (i >= 2) times.push(performance.now() - t0);
  }
  console.log(`ViT-Ti/16 forward, batch 1, ${backend}: median ${median(times).toFixed(1)} ms ` +
    `(min ${Math.min(...times).toFixed(1)}, ${runs} runs)`);
  img.dispose();
  model.dispose();
}

if (only === 'all' || only === 'train') {
  const batch = 64;
  const model = new ViT({ imageSize: 32, patchSize: 4, numClasses: 10, dim: 192, depth: 6, heads: 3, mlpDim: 384 }).train();
  const optimizer = new AdamW(model.namedParameters(), { lr: 1e-3 });
  const x = tf.randomNormal([batch, 3, 32, 32]);
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 10), 'int32');
  const times = [];
  for (let i = 0; i < steps + 1; i++) {
    const t0 = performance.now();
    const { value, grads } = valueAndGrads(() => crossEntropy(model.forward(x), y), model.namedParameters());
    optimizer.step(grads);
    tf.dispose(Object.values(grads));
    await value.data();
    value.dispose();
    if (i >= 1) times.push(performance.now() - t0);
  }
  const ms = median(times);
  console.log(`tiny ViT training step (batch ${batch}, AdamW), ${backend}: median ${ms.toFixed(0)} ms/step = ` +
    `${((batch * 1000) / ms).toFixed(1)} images/s (${steps} steps)`);
  x.dispose();
  y.dispose();
  optimizer.dispose();
  model.dispose();
}
