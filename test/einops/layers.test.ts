/** Rearrange, Reduce and EinMix layers: construction-time validation, forward, parameters, disposal. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { EinMix, EinopsError, Rearrange, Reduce, einsum, rearrange } from '@vit/einops';
import { backendName, useTestBackend } from '../support/backend.js';

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function close(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= 1e-5 + 1e-5 * Math.abs(b[i]!));
}

describe(`einops layers on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('Rearrange and Reduce validate their pattern when constructed', () => {
    // `as string`: invalid literal patterns are compile errors too (test/types); here the run-time checks are tested.
    assert.throws(() => new Rearrange('b c -> b d' as string), EinopsError);
    assert.throws(() => new Rearrange('b (c -> b c' as string), EinopsError);
    assert.throws(() => new Rearrange('b c -> c b' as string, { q: 2 }), EinopsError);
    assert.throws(() => new Reduce('b c -> b', 'median' as never), EinopsError);
    assert.throws(() => new Reduce('b c -> b d' as string, 'sum'), EinopsError);
    assert.equal(String(new Rearrange('b (h p) -> b h p', { p: 2 })), 'Rearrange("b (h p) -> b h p", p=2)');
  });

  it('Rearrange and Reduce forward like the functions and have no parameters', async () => {
    const x = tf.tensor(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    const layer = new Rearrange('b c (h p) -> b (c h) p', { p: 2 });
    const y = layer.forward(x);
    const z = rearrange(x, 'b c (h p) -> b (c h) p', { p: 2 });
    assert.deepEqual(await values(y), await values(z));
    const pool = new Reduce('b c h -> b c', 'mean');
    const m = pool.forward(x);
    assert.deepEqual(await values(m), [1.5, 5.5, 9.5, 13.5, 17.5, 21.5]);
    assert.deepEqual(layer.namedParameters(), {});
    [x, y, z, m].forEach((t) => t.dispose());
  });

  it('EinMix is an einsum with its weight plus a broadcast bias, with composed axes', async () => {
    const before = tf.memory().numTensors;
    const mix = new EinMix('b (h w) c -> b h (w d)', 'c d', 'd', { h: 2, c: 3, d: 4 }, { seed: 1 });
    const params = mix.namedParameters();
    assert.deepEqual(Object.keys(params), ['weight', 'bias']);
    assert.deepEqual(params['weight']!.shape, [3, 4]);
    assert.deepEqual(params['bias']!.shape, [1, 1, 1, 4]);
    assert.ok(params['weight']!.trainable);
    const bound = Math.sqrt(3 / 3);
    assert.ok((await values(mix.weight)).every((v) => Math.abs(v) <= bound));
    const x = tf.tensor(Array.from({ length: 2 * 6 * 3 }, (_, i) => Math.cos(i)), [2, 6, 3]);
    const y = mix.forward(x);
    assert.deepEqual(y.shape, [2, 2, 12]);
    const ref = tf.tidy(() => {
      const flat = rearrange(x, 'b (h w) c -> b h w c', { h: 2 });
      const mixed = tf.add(einsum(flat, mix.weight, 'b h w c, c d -> b h w d'), mix.bias!);
      return rearrange(mixed, 'b h w d -> b h (w d)');
    });
    assert.ok(close(await values(y), await values(ref)));
    [x, y, ref].forEach((t) => t.dispose());
    mix.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('EinMix trains: gradients reach weight and bias', async () => {
    const mix = new EinMix('t b cin -> t b cout', 'cin cout', 'cout', { cin: 3, cout: 2 }, { seed: 2 });
    const x = tf.ones([4, 2, 3]);
    const { value, grads } = tf.variableGrads(() => tf.sum(mix.forward(x)) as tf.Scalar);
    assert.deepEqual(Object.keys(grads).sort(), [mix.bias!.name, mix.weight.name].sort());
    // d sum / d bias = number of (t, b) positions; d sum / d weight[i, j] = sum of x over (t, b) = 8
    assert.deepEqual(await values(grads[mix.bias!.name]!), [8, 8]);
    assert.deepEqual(await values(grads[mix.weight.name]!), [8, 8, 8, 8, 8, 8]);
    [value, x, ...Object.values(grads)].forEach((t) => t.dispose());
    mix.dispose();
  });

  it('EinMix rejects what einops rejects', () => {
    // `as string` turns off the compile-time checks (test/types) so that the run-time ones are tested.
    assert.throws(() => new EinMix('a b -> a c' as string, 'b c', null, { b: 2 }), /Dimension c of weight should be specified/);
    assert.throws(() => new EinMix('a b -> a c' as string, 'b c e', null, { b: 2, c: 2, e: 2 }), /redundant/);
    assert.throws(() => new EinMix('a b -> a c' as string, 'b c', 'a', { b: 2, c: 2 }), /Sizes not provided for bias/);
    assert.throws(() => new EinMix('a b -> a c x' as string, 'b c', null, { b: 2, c: 2 }), /Unrecognized identifiers/);
    assert.throws(() => new EinMix('a ... b -> a c' as string, 'b c', null, { b: 2, c: 2 }), /Ellipsis/);
    assert.throws(() => new EinMix('a b -> a c' as string, 'b (c)', null, { b: 2, c: 2 }), /Parenthesis/);
    assert.throws(() => new EinMix('a b -> a c' as string, 'b c', null, { b: 2, c: 2, z: 1 }), /not used/);
    assert.throws(() => new EinMix('a b 2 -> a c' as string, 'b c', null, { b: 2, c: 2 }), /Anonymous/);
  });
});
