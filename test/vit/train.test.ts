/**
 * Training utilities: AdamW against PyTorch's update rule (an independent float64 transcription of
 * torch.optim.AdamW), the warmup + cosine schedule, global-norm clipping, gradient accumulation,
 * cross-entropy against a PyTorch value, and leak-free training steps whose loss goes down
 * (1000 steps on cpu, 20 on wasm / webgpu).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, clipGradNorm, crossEntropy, GradientAccumulator, valueAndGrads, ViT, warmupCosine, warmupCosineLr } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, readBin, seeded, seededArray, take, values, withoutLeaks } from './helpers.js';

/** torch.optim.AdamW (single-tensor, amsgrad optional) in float64, step by step as PyTorch's documentation writes it. */
function adamwReference(p0: number[], grads: number[][], lrs: number[], { betas = [0.9, 0.999], eps = 1e-8, weightDecay = 1e-2, amsgrad = false } = {}): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const vmax = p.map(() => 0);
  grads.forEach((g, t0) => {
    const t = t0 + 1;
    const lr = lrs[t0]!;
    for (let i = 0; i < p.length; i++) {
      p[i]! *= 1 - lr * weightDecay;
      m[i] = betas[0]! * m[i]! + (1 - betas[0]!) * g[i]!;
      v[i] = betas[1]! * v[i]! + (1 - betas[1]!) * g[i]! * g[i]!;
      const mHat = m[i]! / (1 - betas[0]! ** t);
      vmax[i] = Math.max(vmax[i]!, v[i]!);
      const vHat = (amsgrad ? vmax[i]! : v[i]!) / (1 - betas[1]! ** t);
      p[i]! -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  });
  return p;
}

const TINY = { imageSize: 8, patchSize: 4, numClasses: 4, dim: 16, depth: 1, heads: 2, dimHead: 8, mlpDim: 32 } as const;

describe(`training utilities on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  for (const options of [{}, { weightDecay: 0.1, betas: [0.8, 0.99] as [number, number], eps: 1e-6 }, { amsgrad: true, weightDecay: 0 }]) {
    it(`AdamW follows torch.optim.AdamW ${JSON.stringify(options)}`, async () => {
      const p0 = Array.from(seededArray(6, 1));
      const grads = [0, 1, 2, 3, 4].map((s) => Array.from(seededArray(6, 10 + s, s === 3 ? 0.01 : 1)));
      const lrs = [1e-2, 1e-2, 5e-3, 5e-3, 2e-2];
      const param = tf.variable(tf.tensor(p0, [2, 3]));
      const opt = new AdamW({ w: param }, { lr: lrs[0], ...options });
      const step = (s: number): void => {
        opt.lr = lrs[s]!;
        const g = tf.tensor(grads[s]!, [2, 3]);
        opt.step({ w: g });
        g.dispose();
      };
      step(0); // allocates the moment estimates
      await withoutLeaks(async () => [1, 2, 3, 4].forEach(step));
      assert.equal(opt.stepCount('w'), 5);
      assertClose(await values(param), adamwReference(p0, grads, lrs, options), 1e-6, 'parameters after 5 steps');
      opt.dispose();
      param.dispose();
    });
  }

  it('AdamW: PyTorch defaults, a first step of about lr·sign(g), skips parameters without gradients', async () => {
    const a = tf.variable(tf.tensor1d([1, -1, 0.5]));
    const b = tf.variable(tf.tensor1d([3]));
    const opt = new AdamW({ a, b }, { weightDecay: 0 });
    assert.deepEqual([opt.lr, opt.betas, opt.eps, opt.weightDecay, opt.amsgrad], [1e-3, [0.9, 0.999], 1e-8, 0, false]);
    assert.equal(new AdamW({ a }).weightDecay, 1e-2);
    const g = tf.tensor1d([0.3, -20, 1e-3]);
    opt.step({ a: g });
    assertClose(await values(a), [1 - 1e-3, -1 + 1e-3, 0.5 - 1e-3], 1e-5, 'first step');
    assert.deepEqual(Array.from(await b.data()), [3]);
    assert.equal(opt.stepCount('b'), 0);
    assert.throws(() => opt.step({ c: g }), /unknown parameter 'c'/);
    assert.throws(() => new AdamW({ a }, { betas: [1, 0.9] }), /Invalid beta parameter at index 0/);
    tf.dispose([a, b, g]);
    opt.dispose();
  });

  it('warmup + cosine schedule', () => {
    const s = warmupCosine({ baseLr: 1e-3, warmupSteps: 10, totalSteps: 110, minLr: 1e-5 });
    assert.equal(s(0), 1e-4);
    assert.equal(s(9), 1e-3);
    assert.equal(s(10), 1e-3);
    assert.ok(Math.abs(s(60) - (1e-3 + 1e-5) / 2) < 1e-15);
    assert.equal(s(110), 1e-5);
    assert.equal(s(500), 1e-5);
    for (let i = 11; i < 110; i++) assert.ok(s(i) < s(i - 1));
    assert.equal(warmupCosineLr(0, { baseLr: 2, warmupSteps: 0, totalSteps: 4 }), 2);
    assert.throws(() => warmupCosine({ baseLr: 1, warmupSteps: 5, totalSteps: 2 }), /warmupSteps/);
  });

  it('clipGradNorm scales all gradients by min(1, maxNorm / (norm + 1e-6)) and reports the norm', async () => {
    await withoutLeaks(async () => {
      const grads = { a: tf.tensor1d([3, 0]), b: tf.tensor2d([[0, 4]]) };
      const clipped = clipGradNorm(grads, 1);
      assertClose(await take(clipped.totalNorm), [5], 1e-7, 'norm');
      assertClose(await values(clipped.grads['a']!), [3 / (5 + 1e-6), 0], 1e-6, 'a');
      assertClose(await values(clipped.grads['b']!), [0, 4 / (5 + 1e-6)], 1e-6, 'b');
      const loose = clipGradNorm(grads, 10);
      assert.deepEqual(Array.from(await loose.grads['b']!.data()), [0, 4]);
      tf.dispose([...Object.values(grads), ...Object.values(clipped.grads), ...Object.values(loose.grads), loose.totalNorm]);
    });
  });

  it('cross-entropy matches F.cross_entropy (the distill fixture\'s student logits)', async () => {
    await withoutLeaks(async () => {
      const logits = tf.tensor(readBin('distill_wrapper_soft/student_logits.f32.bin') as Float32Array, [2, 10]);
      const labels = tf.tensor1d(readBin('distill_wrapper_soft/labels.i32.bin') as Int32Array, 'int32');
      assertClose(await take(crossEntropy(logits, labels)), [2.4459664821624756], 1e-6, 'cross entropy');
      const floats = tf.tensor1d([1, 2]);
      assert.throws(() => crossEntropy(logits, floats), /labels must be int32/);
      tf.dispose([logits, labels, floats]);
    });
  });

  it('gradient accumulation over equal micro-batches equals the full-batch gradient', async () => {
    const model = new ViT({ ...TINY, pool: 'mean' });
    const params = model.namedParameters();
    const img = seeded([4, 3, 8, 8], 2);
    const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
    await withoutLeaks(async () => {
      const full = valueAndGrads(() => crossEntropy(model.forward(img), labels), params);
      assert.deepEqual(full.grads['cls_token']!.shape, [0, 16], 'the zero-size cls token gets a (zero-size) gradient');
      const acc = new GradientAccumulator();
      for (const half of [0, 2]) {
        const x = tf.slice(img, [half, 0, 0, 0], [2, -1, -1, -1]);
        const y = tf.slice(labels, [half], [2]);
        const part = valueAndGrads(() => crossEntropy(model.forward(x), y), params);
        acc.add(part.grads);
        tf.dispose([x, y, part.value, ...Object.values(part.grads)]);
      }
      assert.equal(acc.count, 2);
      const mean = acc.mean();
      for (const key of Object.keys(params)) assertClose(await values(mean[key]!), await values(full.grads[key]!), 1e-4, key);
      acc.dispose();
      tf.dispose([full.value, ...Object.values(full.grads), ...Object.values(mean)]);
    });
    tf.dispose([img, labels]);
    model.dispose();
  });

  it(`training steps leak nothing and the loss goes down (${backendName === 'cpu' ? 1000 : 20} steps)`, async () => {
    const steps = backendName === 'cpu' ? 1000 : 20;
    const long = steps >= 1000;
    // The long run trains with dropout (train mode); the short one is deterministic apart from the init.
    const lr = long ? 3e-3 : 1e-2;
    const model = new ViT({ ...TINY, dropout: long ? 0.1 : 0 }).train();
    const optimizer = new AdamW(model.namedParameters(), { lr, weightDecay: 1e-4 });
    const schedule = warmupCosine({ baseLr: lr, warmupSteps: long ? 20 : 3, totalSteps: steps });
    const img = seeded([8, 3, 8, 8], 3);
    const labels = tf.tensor1d([0, 1, 2, 3, 3, 2, 1, 0], 'int32');
    const losses: number[] = [];
    let tensorsAfterFirstStep = -1;
    for (let step = 0; step < steps; step++) {
      optimizer.lr = schedule(step);
      const { value, grads } = valueAndGrads(() => crossEntropy(model.forward(img), labels), model.namedParameters());
      const clipped = clipGradNorm(grads, 1);
      optimizer.step(clipped.grads);
      tf.dispose([...Object.values(grads), ...Object.values(clipped.grads), clipped.totalNorm]);
      losses.push((await take(value))[0]!);
      if (step === 0) tensorsAfterFirstStep = tf.memory().numTensors;
      else assert.equal(tf.memory().numTensors, tensorsAfterFirstStep, `tensor count after step ${step}`);
    }
    const first = losses.slice(0, 3).reduce((a, b) => a + b) / 3;
    const last = losses.slice(-3).reduce((a, b) => a + b) / 3;
    assert.ok(last < (long ? 0.1 : 0.5) * first, `loss ${first} -> ${last}`);
    model.eval();
    const preds = await take(tf.tidy(() => tf.argMax(model.forward(img), 1)));
    if (long) assert.deepEqual(Array.from(preds), [0, 1, 2, 3, 3, 2, 1, 0], 'memorised the task');
    tf.dispose([img, labels]);
    optimizer.dispose();
    model.dispose();
  });
});
