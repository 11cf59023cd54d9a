// Smoke test for the test backends: forward ops on cpu / wasm / webgpu (see test/README.md).
// Functional ops only (tf.reshape(x), not x.reshape()): tfjs-core's Node entry registers no
// chained ops and no gradients.
import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';

import * as tf from '@tensorflow/tfjs-core';

import {backendName, readValues, useTestBackend, webgpuAdapterInfo, webgpuErrors} from './backend.js';

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  assert.equal(actual.length, expected.length, 'length');
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)))) {
      assert.fail(`element ${i}: got ${a}, expected ${e} (tol ${tol})`);
    }
  }
}

/** Deterministic pseudo-random floats in [-1, 1). */
function seeded(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Runs `fn`, disposes what it returns, and checks no tensor leaked. */
async function noLeaks(fn: () => Promise<tf.Tensor[]>): Promise<void> {
  const before = tf.memory().numTensors;
  const tensors = await fn();
  tf.dispose(tensors);
  assert.equal(tf.memory().numTensors, before, 'tf.memory().numTensors after disposal');
}

describe(`tfjs backend '${backendName}'`, () => {
  before(async () => {
    const t0 = performance.now();
    await useTestBackend();
    const ms = (performance.now() - t0).toFixed(0);
    const info = webgpuAdapterInfo();
    console.log(`# backend ${tf.getBackend()} ready in ${ms} ms` +
                (info ? `; adapter ${JSON.stringify(info)}` : ''));
  });

  after(() => {
    assert.deepEqual(webgpuErrors, [], 'uncaptured WebGPU errors');
  });

  it('is the requested backend', () => {
    assert.equal(tf.getBackend(), backendName);
    if (backendName === 'webgpu') {
      assert.equal(tf.env().getBool('WEBGPU_CPU_FORWARD'), false);
      assert.ok(webgpuAdapterInfo(), 'adapter info recorded');
    }
  });

  it('matMul (small, exact)', () => noLeaks(async () => {
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = tf.tensor2d([7, 8, 9, 10, 11, 12], [3, 2]);
    const c = tf.matMul(a, b);
    assert.deepEqual(c.shape, [2, 2]);
    assert.deepEqual(await readValues(c), [58, 64, 139, 154]);
    return [a, b, c];
  }));

  it('matMul (larger, batched, transposeB) against a JS reference', () => noLeaks(async () => {
    const [B, M, K, N] = [3, 33, 70, 45];
    const av = seeded(B * M * K, 1);
    const bv = seeded(B * N * K, 2);
    const a = tf.tensor3d(av, [B, M, K]);
    const b = tf.tensor3d(bv, [B, N, K]);
    const c = tf.matMul(a, b, false, true);
    const expected = new Float32Array(B * M * N);
    for (let p = 0; p < B; p++) {
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let acc = 0;
          for (let k = 0; k < K; k++) acc += av[(p * M + i) * K + k]! * bv[(p * N + j) * K + k]!;
          expected[(p * M + i) * N + j] = acc;
        }
      }
    }
    assert.deepEqual(c.shape, [B, M, N]);
    assertClose(await readValues(c), expected, 1e-4);
    return [a, b, c];
  }));

  it('transpose of rank 6', () => noLeaks(async () => {
    const shape = [2, 3, 1, 4, 2, 5];
    const perm = [5, 3, 0, 4, 1, 2];
    const size = shape.reduce((x, y) => x * y, 1);
    const x = tf.tidy(() => tf.reshape(tf.range(0, size, 1, 'float32'), shape));
    const y = tf.transpose(x, perm);
    const outShape = perm.map((p) => shape[p]!);
    assert.deepEqual(y.shape, outShape);

    const strides = shape.map((_, i) => shape.slice(i + 1).reduce((p, q) => p * q, 1));
    const expected: number[] = [];
    const idx = new Array<number>(6).fill(0);
    for (let flat = 0; flat < size; flat++) {
      let rem = flat;
      for (let d = 5; d >= 0; d--) {
        idx[d] = rem % outShape[d]!;
        rem = Math.floor(rem / outShape[d]!);
      }
      // output coordinate d walks input axis perm[d]
      expected.push(idx.reduce((acc, v, d) => acc + v * strides[perm[d]!]!, 0));
    }
    assert.deepEqual(await readValues(y), expected);
    return [x, y];
  }));

  it('reductions: sum / mean / max over axes', () => noLeaks(async () => {
    const x = tf.tensor3d(seeded(4 * 300 * 7, 3), [4, 300, 7]);
    const v = await readValues(x);
    const s = tf.sum(x, 1);
    const m = tf.mean(x, [0, 2]);
    const mx = tf.max(x, -1);
    const total = tf.sum(x);

    const es = new Array<number>(4 * 7).fill(0);
    const em = new Array<number>(300).fill(0);
    const emx = new Array<number>(4 * 300).fill(-Infinity);
    let et = 0;
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 300; j++) {
        for (let k = 0; k < 7; k++) {
          const e = v[(i * 300 + j) * 7 + k]!;
          es[i * 7 + k] += e;
          em[j] += e / 28;
          emx[i * 300 + j] = Math.max(emx[i * 300 + j]!, e);
          et += e;
        }
      }
    }
    assert.deepEqual(s.shape, [4, 7]);
    assertClose(await readValues(s), es, 1e-4);
    assert.deepEqual(m.shape, [300]);
    assertClose(await readValues(m), em, 1e-5);
    assertClose(await readValues(mx), emx, 0);
    assertClose(await readValues(total), [et], 1e-4);
    return [x, s, m, mx, total];
  }));

  it('elementwise + broadcasting + tidy', () => noLeaks(async () => {
    const a = tf.tensor2d([[1, -2, 3], [-4, 5, -6]]);
    const b = tf.tensor1d([0.5, 0.25, 0.125]);
    const y = tf.tidy(() => tf.log(tf.exp(tf.relu(tf.add(tf.mul(a, b), 1)))));
    assertClose(await readValues(y), [1.5, 0.5, 1.375, 0, 2.25, 0.25], 1e-5);
    return [a, b, y];
  }));
});
