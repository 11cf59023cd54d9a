/**
 * How patterns lower to kernels: no-op patterns move no data, repeat uses Tile only where it is fast, rank-8
 * patterns run within the backends' rank limits, einsum never calls tf.einsum.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { einsum, rearrange, reduce, repeat } from '@vit/einops';
import { backendName, useTestBackend } from '../support/backend.js';

async function kernelsOf(f: () => tf.Tensor): Promise<string[]> {
  const info = await tf.profile(() => f());
  (info.result as tf.Tensor).dispose();
  return info.kernels.map((k) => k.name);
}

/** Shapes each data-moving kernel saw (Reshape only relabels a buffer, so it has no rank limit). */
function programShapes(kernels: Awaited<ReturnType<typeof tf.profile>>['kernels']): Array<[string, number[]]> {
  return kernels.filter((k) => k.name !== 'Reshape')
    .flatMap((k) => [...k.inputShapes, ...k.outputShapes].map((s): [string, number[]] => [k.name, s ?? []]));
}

/** Row-major reference permutation in plain JS. */
function permuteReference(values: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]!);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(values.length);
  const idx = new Array(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < perm.length; d++) src += idx[d] * strides[perm[d]!]!;
    out[o] = values[src]!;
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

describe(`einops lowering on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('identity patterns and pure reshapes move no data', async () => {
    const x = tf.ones([2, 3, 4, 5]);
    for (const pattern of ['b c h w -> b c h w', 'b c h w -> b c (h w)', 'b ... -> b ...', '(b) c h w -> b (c h w)']) {
      const kernels = await kernelsOf(() => rearrange(x, pattern));
      assert.ok(kernels.every((k) => k === 'Reshape' || k === 'Identity'), `${pattern}: ${kernels.join(', ')}`);
    }
    x.dispose();
  });

  it('a permutation is one Transpose', async () => {
    const x = tf.ones([2, 3, 4, 5]);
    const kernels = await kernelsOf(() => rearrange(x, 'b c h w -> b h w c'));
    assert.deepEqual(kernels.filter((k) => k !== 'Reshape'), ['Transpose']);
    x.dispose();
  });

  it('repeat broadcasts instead of using Tile (slow on WASM and WebGPU) beyond small sizes; on cpu Tile is the fast one', async () => {
    const small = tf.ones([1, 1, 8]);
    assert.deepEqual(await kernelsOf(() => repeat(small, '1 n d -> b n d', { b: 2 })), ['Tile']);
    small.dispose();
    const x = tf.ones([64, 48]);
    for (const [pattern, lengths] of [['h w -> h w c', { c: 3 }], ['h w -> (r h) w', { r: 2 }], ['h w -> c h r w', { c: 3, r: 2 }]] as const) {
      const kernels = (await kernelsOf(() => repeat(x, pattern, lengths))).filter((k) => k !== 'Reshape');
      if (backendName === 'cpu') assert.deepEqual(kernels, ['Tile'], pattern);
      else assert.ok(!kernels.includes('Tile') && !kernels.includes('BroadcastTo'), `${pattern}: ${kernels.join(', ')}`);
    }
    x.dispose();
  });

  it("einsum hands matMul an operand's transposed layout instead of moving its data", async () => {
    const cases: Array<[string, number[], number[]]> = [
      ['b h i d, b h j d -> b h i j', [2, 3, 5, 4], [2, 3, 6, 4]], // attention scores: b as [n, k]
      ['b k m, b k n -> b m n', [2, 4, 5], [2, 4, 6]], // a as [k, m]
      ['k m, n k -> m n', [4, 5], [6, 4]], // both, un-batched
    ];
    for (const [pattern, sa, sb] of cases) {
      const a = tf.randomNormal(sa, 0, 1, 'float32', 1);
      const b = tf.randomNormal(sb, 0, 1, 'float32', 2);
      const kernels = (await kernelsOf(() => einsum(a, b, pattern))).filter((k) => k !== 'Reshape');
      const transposes = kernels.filter((k) => k === 'Transpose').length;
      // WASM's fast path multiplies 2-D products in [m, k] x [k, n] layout only: there data moves instead.
      if (backendName === 'wasm') assert.ok(transposes >= 1, `${pattern}: ${kernels.join(', ')}`);
      else assert.equal(transposes, 0, `${pattern}: ${kernels.join(', ')}`);
      tf.dispose([a, b]);
    }
  });

  it('einsum lowers to matMul, never to the Einsum kernel', async () => {
    const q = tf.ones([2, 3, 5, 4]);
    const k = tf.ones([2, 3, 6, 4]);
    const kernels = await kernelsOf(() => einsum(q, k, 'b h i d, b h j d -> b h i j'));
    assert.ok(!kernels.includes('Einsum'), kernels.join(', '));
    assert.ok(kernels.includes('BatchMatMul'), kernels.join(', '));
    q.dispose();
    k.dispose();
  });

  it('rank-8 permutations of axes longer than 1 stay within rank 6 and are exact', async () => {
    const shape = [2, 3, 2, 3, 2, 2, 3, 2];
    const size = shape.reduce((a, b) => a * b, 1);
    const values = Float32Array.from({ length: size }, (_, i) => i);
    const x = tf.tensor(values, shape);
    const perms = [[7, 6, 5, 4, 3, 2, 1, 0], [1, 3, 5, 7, 0, 2, 4, 6], [2, 0, 7, 1, 5, 3, 6, 4]];
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (const perm of perms) {
      const pattern = `${names.join(' ')} -> ${perm.map((p) => names[p]).join(' ')}`;
      const info = await tf.profile(() => rearrange(x, pattern));
      const y = info.result as tf.Tensor;
      for (const [name, s] of programShapes(info.kernels)) assert.ok(s.length <= 6, `${name} saw rank ${s.length}`);
      assert.deepEqual(y.shape, perm.map((p) => shape[p]));
      assert.deepEqual(Array.from(await y.data()), Array.from(permuteReference(values, shape, perm)), pattern);
      y.dispose();
    }
    x.dispose();
  });

  it('rank-8 repeat and reduce stay within rank 6 and are exact', async () => {
    const x = tf.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [2, 2, 2, 2]);
    const info = await tf.profile(() => repeat(x, 'a b c d -> a r1 b r2 c r3 d r4', { r1: 2, r2: 3, r3: 2, r4: 2 }));
    const y = info.result as tf.Tensor;
    for (const [name, s] of programShapes(info.kernels)) assert.ok(s.length <= 6, `${name} saw rank ${s.length}`);
    assert.deepEqual(y.shape, [2, 2, 2, 3, 2, 2, 2, 2]);
    const back = reduce(y, 'a r1 b r2 c r3 d r4 -> a b c d', 'mean');
    assert.deepEqual(Array.from(await back.data()), Array.from(await x.data()));
    const sum = reduce(y, 'a r1 b r2 c r3 d r4 -> d b', 'sum');
    const expected = reduce(x, 'a b c d -> d b', 'sum');
    assert.deepEqual(Array.from(await sum.data()), Array.from(await expected.data()).map((v) => v * 24));
    [x, y, back, sum, expected].forEach((t) => t.dispose());
  });

  it('cached calls keep returning fresh tensors the caller owns; inputs are never disposed', async () => {
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const before = tf.memory().numTensors;
    const a = rearrange(x, 'a b -> a b');
    const b = rearrange(x, 'a b -> a b');
    assert.notEqual(a, x);
    assert.notEqual(a, b);
    a.dispose();
    assert.ok(!x.isDisposed && !b.isDisposed);
    assert.deepEqual(Array.from(await b.data()), [1, 2, 3, 4, 5, 6]);
    b.dispose();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
});
