// backends: cpu, wasm
/**
 * The convolutional building blocks: Conv2d with groups / dilation / padding and gradients written
 * from im2col (checked against a float64 reference, its adjoint, tfjs' own gradient on cpu and finite
 * differences), BatchNorm2d (PyTorch's running statistics and buffers), Unfold (PyTorch's order),
 * MaxPool2d, AdaptiveAvgPool2d and the activations.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Flatten, Hardswish, MaxPool2d, ReLU, SiLU, Unfold } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { assertClose, seeded, take, values, withoutLeaks } from '../vit/helpers.js';
import { conv2dRef, stateShapes, type ConvRef } from './helpers.js';

interface ConvCase extends ConvRef { name: string; inC: number; outC: number; k: [number, number]; size: [number, number]; bias: boolean }

const CASES: ConvCase[] = [
  { name: 'dense 3x3 stride 2 pad 1', inC: 3, outC: 5, k: [3, 3], size: [7, 6], stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 1, bias: true },
  { name: 'dense 1x1', inC: 4, outC: 6, k: [1, 1], size: [5, 5], stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1, bias: false },
  { name: 'dense 2x3 dilation 2 pad (1, 2)', inC: 2, outC: 3, k: [2, 3], size: [7, 8], stride: [1, 1], padding: [1, 2], dilation: [2, 2], groups: 1, bias: true },
  { name: 'depthwise 3x3 stride 2 mult 2', inC: 4, outC: 8, k: [3, 3], size: [8, 8], stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 4, bias: true },
  { name: 'depthwise 3x3 stride 1', inC: 3, outC: 3, k: [3, 3], size: [5, 6], stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 3, bias: false },
  { name: 'grouped (groups 2) stride 3', inC: 4, outC: 6, k: [3, 3], size: [9, 7], stride: [3, 3], padding: [0, 0], dilation: [1, 1], groups: 2, bias: true },
];

function makeConv(c: ConvCase): Conv2d {
  return new Conv2d(c.inC, c.outC, c.k, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, bias: c.bias });
}

describe(`conv building blocks on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  for (const c of CASES) {
    it(`Conv2d ${c.name}: forward and gradients against float64 references`, async () => {
      const conv = makeConv(c);
      const xShape = [2, c.inC, ...c.size];
      const x = seeded(xShape, 3);
      const sd = conv.stateDict();
      const w = sd['weight']!;
      assert.deepEqual(w.shape, [c.outC, c.inC / c.groups, ...c.k]);
      const xv = await values(x);
      const wv = await values(w);
      const bv = c.bias ? await values(sd['bias']!) : undefined;
      const ref = conv2dRef(xv, xShape, wv, [...w.shape], c);
      const [, o, oh, ow] = ref.shape as [number, number, number, number];
      const expected = Float64Array.from(ref.y, (v, i) => v + (bv ? bv[Math.floor(i / (oh * ow)) % o]! : 0));
      const y = conv.forward(x);
      assert.deepEqual(y.shape, ref.shape);
      assertClose(await take(y), expected, 1e-5, 'forward');

      // Loss Σ y·r: dW[o, ci, a, e] = Σ_positions r·x, i.e. the loss of a one-hot weight.
      const r = seeded(ref.shape, 5);
      const rv = await values(r);
      const params = conv.namedParameters();
      const live = tf.memory().numTensors;
      const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(conv.forward(x), r)) as tf.Scalar, Object.values(params));
      assert.equal(tf.memory().numTensors, live + 1 + Object.keys(grads).length, 'the gradient step leaks nothing');
      const dW = grads[params['weight']!.name]!;
      // dW in PyTorch layout (the variable is HWIO).
      const dWt = await take(tf.transpose(dW, [3, 2, 0, 1]));
      const dWref = new Float64Array(wv.length);
      for (let i = 0; i < wv.length; i++) {
        const e = new Float64Array(wv.length);
        e[i] = 1;
        const yr = conv2dRef(xv, xShape, e, [...w.shape], c).y;
        dWref[i] = yr.reduce((s, v, j) => s + v * rv[j]!, 0);
      }
      assertClose(dWt, dWref, 1e-4, 'weight gradient');
      if (c.bias) {
        const db = await values(grads[params['bias']!.name]!);
        const dbRef = Array.from({ length: o }, (_, k) => { let s = 0; for (let b = 0; b < 2; b++) for (let p = 0; p < oh * ow; p++) s += rv[(b * o + k) * oh * ow + p]!; return s; });
        assertClose(db, dbRef, 1e-4, 'bias gradient');
      }
      tf.dispose([...Object.values(grads), value]);

      // Input gradient: <dx, u> must equal <r, conv(u)> (the adjoint identity).
      const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(conv.forward(xi), r)))(x);
      const dxv = await take(dx);
      const u = await take(seeded(xShape, 9));
      const lhs = dxv.reduce((s, v, i) => s + v * u[i]!, 0);
      const rhs = conv2dRef(u, xShape, wv, [...w.shape], c).y.reduce((s, v, j) => s + v * rv[j]!, 0);
      assert.ok(Math.abs(lhs - rhs) <= 1e-4 * (1 + Math.abs(rhs)), `input gradient adjoint: ${lhs} vs ${rhs}`);
      if (backendName === 'cpu' && c.groups === 1 && c.dilation[0] === 1) {
        // tfjs' own Conv2D gradients (cpu has Conv2DBackpropFilter).
        const filter = tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D;
        const pad = [[0, 0], [c.padding[0], c.padding[0]], [c.padding[1], c.padding[1]], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
        const rn = tf.transpose(r, [0, 2, 3, 1]);
        const [gx, gw] = tf.grads((xi: tf.Tensor, fi: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xi as tf.Tensor4D, fi as tf.Tensor4D, c.stride, pad), rn)))([tf.transpose(x, [0, 2, 3, 1]), filter]);
        assertClose(await take(tf.transpose(gw!, [3, 2, 0, 1])), dWt, 1e-4, 'weight gradient vs tfjs');
        assertClose(await take(tf.transpose(gx!, [0, 3, 1, 2])), dxv, 1e-4, 'input gradient vs tfjs');
        tf.dispose([filter, rn, gx!, gw!]);
      }
      tf.dispose([x, r, ...Object.values(sd)]);
      conv.dispose();
    });
  }

  it('Conv2d weight gradient matches finite differences (float64 loss of the float32 forward)', async () => {
    const conv = new Conv2d(2, 2, 3, { stride: 2, padding: 1, groups: 2 });
    const x = seeded([1, 2, 5, 5], 4);
    const r = seeded([1, 2, 3, 3], 6);
    const loss = (): tf.Scalar => tf.sum(tf.mul(conv.forward(x), r)) as tf.Scalar;
    const w = conv.weight;
    const { grads, value } = tf.variableGrads(loss, [w]);
    const g = await take(grads[w.name]!);
    value.dispose();
    const w0 = await values(w);
    const eps = 1e-2;
    for (const i of [0, 4, 9, 17]) {
      const at = async (delta: number): Promise<number> => {
        const wv = Float32Array.from(w0);
        wv[i]! += delta;
        w.assign(tf.tensor(wv, w.shape));
        return (await take(loss()))[0]!;
      };
      const fd = ((await at(eps)) - (await at(-eps))) / (2 * eps);
      assert.ok(Math.abs(fd - g[i]!) < 2e-3, `element ${i}: finite difference ${fd} vs gradient ${g[i]}`);
    }
    tf.dispose([x, r]);
    conv.dispose();
  });

  it("Conv2d padding 'same' and the state-dict layout", async () => {
    const conv = new Conv2d(2, 3, [4, 3], { padding: 'same', bias: false });
    assert.deepEqual(stateShapes(conv), { weight: [3, 2, 4, 3] });
    const x = seeded([1, 2, 6, 5], 2);
    const y = conv.forward(x);
    assert.deepEqual(y.shape, [1, 3, 6, 5]);
    // PyTorch's 'same' for an even kernel pads (1 top, 2 bottom): compare with explicit zero padding.
    const w = conv.stateDict()['weight']!;
    const xp = tf.pad(x, [[0, 0], [0, 0], [1, 2], [1, 1]]);
    const ref = conv2dRef(await values(xp), [...xp.shape], await values(w), [...w.shape], { stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 });
    assertClose(await take(y), ref.y, 1e-5, 'same');
    tf.dispose([x, w, xp]);
    conv.dispose();
  });

  it('BatchNorm2d: batch statistics and running stats in train mode, running stats in eval mode', async () => {
    const bn = new BatchNorm2d(3);
    assert.deepEqual(stateShapes(bn), { weight: [3], bias: [3], running_mean: [3], running_var: [3], num_batches_tracked: [] });
    assert.deepEqual(Object.keys(bn.namedParameters()), ['weight', 'bias']);
    assert.deepEqual(Object.keys(bn.namedBuffers()), ['running_mean', 'running_var', 'num_batches_tracked']);
    const x = seeded([2, 3, 2, 2], 7, 2);
    const xv = await values(x);
    const sd = bn.stateDict();
    const w = tf.tensor([1.5, -0.5, 2]);
    const b = tf.tensor([0.1, 0.2, -0.3]);
    bn.loadStateDict({ ...sd, weight: w, bias: b });
    tf.dispose(Object.values(sd));
    const y = await withoutLeaks(async () => take(bn.forward(x)));
    const mean = [0, 1, 2].map((c) => { let s = 0; for (let n = 0; n < 2; n++) for (let p = 0; p < 4; p++) s += xv[(n * 3 + c) * 4 + p]!; return s / 8; });
    const vars = [0, 1, 2].map((c) => { let s = 0; for (let n = 0; n < 2; n++) for (let p = 0; p < 4; p++) s += (xv[(n * 3 + c) * 4 + p]! - mean[c]!) ** 2; return s / 8; });
    const wv = [1.5, -0.5, 2];
    const bv = [0.1, 0.2, -0.3];
    const expected = Array.from(xv, (v, i) => { const c = Math.floor(i / 4) % 3; return (v - mean[c]!) / Math.sqrt(vars[c]! + 1e-5) * wv[c]! + bv[c]!; });
    assertClose(y, expected, 1e-5, 'train-mode output');
    assertClose(await values(bn.runningMean!), mean.map((m) => 0.1 * m), 1e-6, 'running_mean');
    assertClose(await values(bn.runningVar!), vars.map((v) => 0.9 + 0.1 * v * 8 / 7), 1e-6, 'running_var (unbiased)');
    assert.deepEqual(Array.from(await bn.numBatchesTracked!.data()), [1]);
    bn.eval();
    const ye = await take(bn.forward(x));
    const rm = mean.map((m) => 0.1 * m);
    const rv = vars.map((v) => 0.9 + 0.1 * v * 8 / 7);
    assertClose(ye, Array.from(xv, (v, i) => { const c = Math.floor(i / 4) % 3; return (v - rm[c]!) / Math.sqrt(rv[c]! + 1e-5) * wv[c]! + bv[c]!; }), 1e-5, 'eval-mode output');
    assert.deepEqual(Array.from(await bn.numBatchesTracked!.data()), [1], 'eval mode tracks nothing');
    // Gradients flow in train mode (through the batch statistics) and reach weight and bias.
    bn.train();
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.forward(x), x)) as tf.Scalar, bn.parameters());
    for (const g of Object.values(grads)) assert.ok((await values(g)).every(Number.isFinite));
    assert.equal(Object.keys(grads).length, 2);
    tf.dispose([value, ...Object.values(grads), x, w, b]);
    bn.dispose();
  });

  it('Unfold: PyTorch order, padding, stride, dilation, and a gradient', async () => {
    const unfold = new Unfold([2, 3], { stride: [2, 1], padding: [1, 0], dilation: [1, 2] });
    const xs = [2, 3, 5, 7];
    const x = seeded(xs, 8);
    const xv = await values(x);
    const y = unfold.forward(x);
    const [n, c, h, w] = xs as [number, number, number, number];
    const oh = Math.floor((h + 2 - 1 - 1) / 2) + 1;
    const ow = Math.floor((w - 2 * 2 - 1) / 1) + 1;
    assert.deepEqual(y.shape, [n, c * 6, oh * ow]);
    const ref = new Float64Array(n * c * 6 * oh * ow);
    for (let b = 0; b < n; b++) for (let ci = 0; ci < c; ci++) for (let a = 0; a < 2; a++) for (let e = 0; e < 3; e++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
      const yy = i * 2 + a - 1;
      const xx = j + e * 2;
      const row = ci * 6 + a * 3 + e;
      ref[((b * c * 6) + row) * oh * ow + i * ow + j] = yy >= 0 && yy < h ? xv[((b * c + ci) * h + yy) * w + xx]! : 0;
    }
    assertClose(await take(y), ref, 1e-7, 'unfold');
    // The gradient of Σ unfold(x)·r is the adjoint: <dx, u> = <r, unfold(u)>.
    const r = seeded([n, c * 6, oh * ow], 3);
    const dx = await withoutLeaks(async () => take(tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(unfold.forward(xi), r)))(x)), 'unfold gradient');
    const u = seeded(xs, 11);
    const uv = await values(u);
    const ufu = await take(unfold.forward(u));
    const rv = await values(r);
    const a1 = dx.reduce((s, v, i) => s + v * uv[i]!, 0);
    const a2 = ufu.reduce((s, v, i) => s + v * rv[i]!, 0);
    assert.ok(Math.abs(a1 - a2) < 1e-4 * (1 + Math.abs(a2)), `adjoint ${a1} vs ${a2}`);
    tf.dispose([x, r, u]);
  });

  it('MaxPool2d (padding never wins), AdaptiveAvgPool2d, Flatten and the activations', async () => {
    const x = tf.tensor4d([-1, -2, -3, -4, -5, -6, -7, -8, -9], [1, 1, 3, 3]);
    const pooled = new MaxPool2d(3, { stride: 2, padding: 1 }).forward(x);
    assert.deepEqual(pooled.shape, [1, 1, 2, 2]);
    assert.deepEqual(Array.from(await take(pooled)), [-1, -2, -4, -5]);
    const avg = new AdaptiveAvgPool2d(1).forward(x);
    assert.deepEqual(avg.shape, [1, 1, 1, 1]);
    assertClose(await take(avg), [-5], 1e-6, 'avg');
    assert.deepEqual(new Flatten().forward(x).shape, [1, 9]);
    const v = tf.tensor([-4, -1, 0, 2, 5]);
    assert.deepEqual(Array.from(await take(new ReLU().forward(v))), [0, 0, 0, 2, 5]);
    assertClose(await take(new Hardswish().forward(v)), [-0, -1 / 3, 0, 2 * 5 / 6, 5], 1e-6, 'hardswish');
    assertClose(await take(new SiLU().forward(v)), [-4, -1, 0, 2, 5].map((t) => t / (1 + Math.exp(-t))), 1e-6, 'silu');
    tf.dispose([x, v]);
  });
});
