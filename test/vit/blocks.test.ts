/**
 * Building blocks against float64 references written here: Linear, LayerNorm (eps, affine),
 * exact GELU, Dropout, Softmax, Identity, Conv2d, Sequential, and PyTorch's initialisations.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { Conv2d, Dropout, GELU, gelu, Identity, LayerNorm, Linear, Sequential, Softmax, ViT } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, erf64, gelu64, seeded, seededArray, values, withoutLeaks } from './helpers.js';

/** y = x·Wᵀ + b with W in PyTorch's (out, in) layout, in float64. */
function linearRef(x: ArrayLike<number>, rows: number, w: ArrayLike<number>, b: ArrayLike<number> | undefined, inF: number, outF: number): number[] {
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let acc = b === undefined ? 0 : b[o]!;
      for (let i = 0; i < inF; i++) acc += x[r * inF + i]! * w[o * inF + i]!;
      y.push(acc);
    }
  }
  return y;
}

function layerNormRef(x: ArrayLike<number>, rows: number, size: number, eps: number, w?: ArrayLike<number>, b?: ArrayLike<number>): number[] {
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let i = 0; i < size; i++) mean += x[r * size + i]! / size;
    let variance = 0;
    for (let i = 0; i < size; i++) variance += (x[r * size + i]! - mean) ** 2 / size;
    for (let i = 0; i < size; i++) y.push(((x[r * size + i]! - mean) / Math.sqrt(variance + eps)) * (w?.[i] ?? 1) + (b?.[i] ?? 0));
  }
  return y;
}

describe(`nn building blocks on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('Linear: x·Wᵀ + b over the last axis of a rank-3 input, with and without bias', async () => {
    for (const bias of [true, false]) {
      const layer = new Linear(5, 7, { bias });
      await withoutLeaks(async () => {
        const x = seeded([2, 3, 5], 1);
        const y = layer.forward(x);
        assert.deepEqual(y.shape, [2, 3, 7]);
        const state = layer.stateDict();
        const want = linearRef(await values(x), 6, await values(state['weight']!), bias ? await values(state['bias']!) : undefined, 5, 7);
        assertClose(await values(y), want, 1e-5, `Linear bias=${bias}`);
        tf.dispose([x, y, ...Object.values(state)]);
      });
      assert.throws(() => layer.forward(tf.zeros([2, 4])), /must end in 5 features/);
      layer.dispose();
    }
  });

  it('LayerNorm: biased variance, eps inside the square root, weight and bias', async () => {
    const norm = new LayerNorm(6);
    const w = tf.tensor1d([1, 2, 3, 4, 5, 6].map((v) => v / 4));
    const b = tf.tensor1d([-1, 0, 1, 2, 3, 4].map((v) => v / 8));
    norm.loadStateDict({ weight: w, bias: b });
    await withoutLeaks(async () => {
      // rows with a tiny variance make eps matter: 1e-6 instead of 1e-5 would move them by ~30%
      const xs = seededArray(24, 3).map((v, i) => (i < 12 ? v * 3e-3 : v * 2 + 1));
      const x = tf.tensor(xs, [2, 2, 6]);
      const y = norm.forward(x);
      assertClose(await values(y), layerNormRef(xs, 4, 6, 1e-5, await values(w), await values(b)), 1e-4, 'LayerNorm');
      tf.dispose([x, y]);
    });
    const plain = new LayerNorm([2, 3], { eps: 1e-3, elementwiseAffine: false });
    assert.deepEqual(plain.parameters(), []);
    const xs = seededArray(12, 4);
    const x = tf.tensor(xs, [2, 2, 3]);
    const y = plain.forward(x);
    assertClose(await values(y), layerNormRef(xs, 2, 6, 1e-3), 1e-4, 'LayerNorm over two axes');
    assert.throws(() => plain.forward(tf.zeros([2, 3, 2])), /must end in \[2, 3\]/);
    tf.dispose([x, y, w, b]);
    norm.dispose();
  });

  it('GELU is the exact erf GELU (not the tanh approximation) over the whole float range', async () => {
    const xs = Float32Array.from({ length: 2001 }, (_, i) => -10 + i / 100);
    await withoutLeaks(async () => {
      const x = tf.tensor1d(xs);
      const exact = new GELU().forward(x);
      const got = await values(exact);
      for (let i = 0; i < xs.length; i++) {
        const want = gelu64(xs[i]!);
        assert.ok(Math.abs(got[i]! - want) <= 2e-6 * Math.max(1, Math.abs(want)), `gelu(${xs[i]}) = ${got[i]}, want ${want}`);
      }
      const tanh = gelu(x, 'tanh');
      const t = await values(tanh);
      const maxDiff = Math.max(...xs.map((v, i) => Math.abs(t[i]! - gelu64(v))));
      assert.ok(maxDiff > 1e-4, 'the tanh approximation is a different function');
      tf.dispose([x, exact, tanh]);
    });
    assert.ok(Math.abs(erf64(0.5) - 0.5204998778130465) < 1e-15, 'the float64 reference erf');
  });

  it('Dropout: identity in eval and for p = 0; in train zeroes about p and scales the rest by 1/(1-p)', async () => {
    const x = tf.ones([4000]);
    const drop = new Dropout(0.25);
    await withoutLeaks(async () => {
      const e = drop.eval().forward(x);
      assert.deepEqual(Array.from(await e.data()), new Array(4000).fill(1));
      const t = drop.train().forward(x);
      const v = await t.data();
      const zeros = v.filter((a) => a === 0).length;
      assert.ok(zeros > 800 && zeros < 1200, `${zeros} of 4000 dropped at p = 0.25`);
      assert.ok(v.every((a) => a === 0 || Math.abs(a - 4 / 3) < 1e-6), 'survivors scaled by 1/(1-p)');
      const none = new Dropout(0).forward(x);
      const all = new Dropout(1).forward(x);
      assert.deepEqual(Array.from(await all.data()), new Array(4000).fill(0));
      assert.deepEqual(Array.from(await none.data()), new Array(4000).fill(1));
      tf.dispose([e, t, none, all]);
    });
    assert.throws(() => new Dropout(1.5), /between 0 and 1/);
    x.dispose();
  });

  it('Softmax over any axis; Identity returns a new tensor sharing the values', async () => {
    await withoutLeaks(async () => {
      const xs = seededArray(24, 5, 3);
      const x = tf.tensor(xs, [2, 3, 4]);
      const s = new Softmax(1).forward(x);
      const v = await values(s);
      for (let a = 0; a < 2; a++) {
        for (let c = 0; c < 4; c++) {
          const col = [0, 1, 2].map((j) => Math.exp(xs[a * 12 + j * 4 + c]!));
          const total = col.reduce((p, q) => p + q, 0);
          col.forEach((e, j) => assert.ok(Math.abs(v[a * 12 + j * 4 + c]! - e / total) < 1e-6));
        }
      }
      const id = new Identity().forward(x);
      assert.notEqual(id, x);
      id.dispose();
      assert.ok(!x.isDisposed);
      tf.dispose([x, s]);
    });
  });

  it('Conv2d on NCHW input with OIHW weights, stride and padding, as torch.nn.Conv2d', async () => {
    const conv = new Conv2d(2, 3, 3, { stride: 2, padding: 1 });
    const state = conv.stateDict();
    assert.deepEqual(state['weight']!.shape, [3, 2, 3, 3]);
    const w = await values(state['weight']!);
    const b = await values(state['bias']!);
    tf.dispose(Object.values(state));
    await withoutLeaks(async () => {
      const xs = seededArray(2 * 2 * 5 * 6, 7);
      const x = tf.tensor(xs, [2, 2, 5, 6]);
      const y = conv.forward(x);
      assert.deepEqual(y.shape, [2, 3, 3, 3]);
      const want: number[] = [];
      for (let n = 0; n < 2; n++) for (let o = 0; o < 3; o++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        let acc = b[o]!;
        for (let c = 0; c < 2; c++) for (let ki = 0; ki < 3; ki++) for (let kj = 0; kj < 3; kj++) {
          const r = i * 2 - 1 + ki;
          const q = j * 2 - 1 + kj;
          if (r >= 0 && r < 5 && q >= 0 && q < 6) acc += xs[((n * 2 + c) * 5 + r) * 6 + q]! * w[((o * 2 + c) * 3 + ki) * 3 + kj]!;
        }
        want.push(acc);
      }
      assertClose(await values(y), want, 1e-5, 'Conv2d');
      tf.dispose([x, y]);
    });
    conv.dispose();
  });

  it('Sequential chains its layers; an empty one is the identity', async () => {
    const seq = new Sequential(new Linear(4, 4), new GELU(), new Linear(4, 2));
    await withoutLeaks(async () => {
      const x = seeded([3, 4], 8);
      const y = seq.forward(x);
      const step = tf.tidy(() => seq.at(2).forward(seq.at(1).forward(seq.at(0).forward(x))));
      assert.deepEqual(Array.from(await y.data()), Array.from(await step.data()));
      const same = new Sequential().forward(x);
      assert.deepEqual(Array.from(await same.data()), Array.from(await x.data()));
      tf.dispose([x, y, step, same]);
    });
    seq.dispose();
  });

  it("initialisation follows PyTorch's distributions", async () => {
    const layer = new Linear(100, 60);
    const w = await values(layer.weight);
    const bound = 1 / Math.sqrt(100);
    assert.ok(w.every((v) => Math.abs(v) <= bound), 'kaiming_uniform(a=√5): U(±1/√fan_in)');
    assert.ok(Math.max(...w.map(Math.abs)) > 0.95 * bound, 'and it fills the interval');
    const b = await values(layer.bias!);
    assert.ok(b.every((v) => Math.abs(v) <= bound) && new Set(b).size > 50);
    const norm = new LayerNorm(5);
    assert.deepEqual(Array.from(await norm.weight!.data()), [1, 1, 1, 1, 1]);
    assert.deepEqual(Array.from(await norm.bias!.data()), [0, 0, 0, 0, 0]);
    const vit = new ViT({ imageSize: 32, patchSize: 4, numClasses: 2, dim: 64, depth: 0, heads: 1, mlpDim: 8 });
    const pos = await values(vit.posEmbedding);
    const mean = pos.reduce((p, q) => p + q, 0) / pos.length;
    const std = Math.sqrt(pos.reduce((p, q) => p + (q - mean) ** 2, 0) / pos.length);
    assert.ok(Math.abs(mean) < 0.1 && Math.abs(std - 1) < 0.1, `pos_embedding ~ N(0, 1): mean ${mean}, std ${std}`);
    [layer, norm, vit].forEach((m) => m.dispose());
  });
});
