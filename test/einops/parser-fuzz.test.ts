// backends: cpu, wasm
/**
 * Fuzz: any pattern string, any shape, any lengths give a correct-looking result or an EinopsError:
 * never a TypeError, a RangeError, a hang or a leaked tensor. Seeded, so failures reproduce.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { EinopsError, einsum, pack, parseShape, rearrange, reduce, repeat, unpack } from '@vit/einops';
import { backendName, useTestBackend } from '../support/backend.js';

/** Small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a', 'b', 'c', 'h', 'w', 'x1', 'ab', '_', '__', 'a_', '_a', '1', '2', '3', '0', '01', '...', '..', '.', '(', ')', '()',
  ' ', ' ', ' ', '->', ',', '*', '-', '>', '\t', 'é', '∑', '…', '😀', '9a', 'A', 'Z9', '(a b)', '(...)', '(1)', ' -> '];

function randomPattern(rand: () => number): string {
  const n = Math.floor(rand() * 10);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(rand() * PIECES.length)];
  if (rand() < 0.6 && !s.includes('->')) s += ' -> ' + randomPattern(rand).replace(/->/g, '');
  return s;
}

/** Valid calls to start from: op, pattern, shape, lengths. Mutating them reaches the parser's corners. */
const TEMPLATES: Array<[number, string, number[], Record<string, number>]> = [
  [0, 'b c (h p) w -> b (c h) p w', [2, 3, 4, 2], { p: 2 }],
  [0, 'a ... -> ... a', [2, 3, 1], {}],
  [0, '(a b) c -> c (b a)', [6, 2], { a: 3 }],
  [0, 'a 1 b -> b () a', [2, 1, 3], {}],
  [1, 'b (h 2) w -> b h', [2, 4, 3], {}],
  [1, 'a b c -> c a', [2, 3, 4], {}],
  [2, 'h w -> h w c', [2, 3], { c: 2 }],
  [2, '... -> r ...', [2], { r: 3 }],
  [3, 'i j, j k -> i k', [2, 3], {}],
  [4, 'i i -> i', [3, 3], {}],
  [5, 'a *', [2, 3], {}],
  [6, 'a *', [2, 3], {}],
  [7, 'a _ ...', [2, 3, 4], {}],
];

function mutate(pattern: string, rand: () => number): string {
  const at = Math.floor(rand() * (pattern.length + 1));
  const piece = PIECES[Math.floor(rand() * PIECES.length)]!;
  switch (Math.floor(rand() * 3)) {
    case 0: return pattern.slice(0, at) + piece + pattern.slice(at);
    case 1: return pattern.slice(0, at) + pattern.slice(at + 1 + Math.floor(rand() * 3));
    default: return pattern.slice(0, at) + piece + pattern.slice(at + piece.length);
  }
}

function randomShape(rand: () => number): number[] {
  return Array.from({ length: Math.floor(rand() * 5) }, () => Math.floor(rand() * 4));
}

function randomLengths(rand: () => number): Record<string, number> {
  const out: Record<string, number> = {};
  const names = ['a', 'b', 'c', 'h', 'w', '_x', 'x1'];
  for (let i = Math.floor(rand() * 3); i > 0; i--) out[names[Math.floor(rand() * names.length)]!] = Math.floor(rand() * 4) - (rand() < 0.1 ? 2 : 0);
  return out;
}

const REDUCTIONS = ['sum', 'mean', 'max', 'min', 'prod', 'any', 'all', 'Sum', 'median'];

describe(`einops fuzz on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('random patterns, shapes and lengths: a result or an EinopsError, never another error or a leak', () => {
    const rand = prng(20261121);
    const runs = backendName === 'cpu' ? 4000 : 1500;
    let ok = 0;
    let rejected = 0;
    for (let i = 0; i < runs; i++) {
      const template = TEMPLATES[Math.floor(rand() * TEMPLATES.length)]!;
      const fromTemplate = rand() < 0.7;
      let pattern = fromTemplate ? template[1] : randomPattern(rand);
      for (let m = fromTemplate ? Math.floor(rand() * 3) : 0; m > 0; m--) pattern = mutate(pattern, rand);
      const shape = fromTemplate && rand() < 0.8 ? template[2] : randomShape(rand);
      const lengths = fromTemplate && rand() < 0.8 ? template[3] : randomLengths(rand);
      const dtype = (['float32', 'int32', 'bool'] as const)[Math.floor(rand() * 3)]!;
      const before = tf.memory().numTensors;
      const x = tf.zeros(shape, dtype);
      const y = tf.ones(fromTemplate && rand() < 0.8 ? [3, 2] : randomShape(rand), 'float32');
      const which = fromTemplate ? template[0] : Math.floor(rand() * 8);
      try {
        const out: tf.Tensor[] = [];
        switch (which) {
          case 0: out.push(rearrange(x, pattern, lengths)); break;
          case 1: out.push(reduce(x, pattern, REDUCTIONS[Math.floor(rand() * REDUCTIONS.length)] as 'sum', lengths)); break;
          case 2: out.push(repeat(x, pattern, lengths)); break;
          case 3: out.push(einsum(x, y, pattern)); break;
          case 4: out.push(einsum(x, pattern)); break;
          case 5: out.push(pack([x, y], pattern)[0]); break;
          case 6: out.push(...unpack(x, rand() < 0.5 ? [[1], [-1]] : [randomShape(rand).map((d) => d - 1)], pattern)); break;
          case 7: assert.equal(typeof parseShape(x, pattern), 'object'); break;
        }
        for (const t of out) {
          assert.ok(t instanceof tf.Tensor && !t.isDisposed, `op ${which} '${pattern}' returned a live tensor`);
          t.dispose();
        }
        ok++;
      } catch (e) {
        if (!(e instanceof EinopsError)) {
          assert.fail(`op ${which} on pattern ${JSON.stringify(pattern)}, shape ${JSON.stringify(shape)}, lengths ${JSON.stringify(lengths)} threw ${String(e)}`);
        }
        assert.ok(e.message.length > 0);
        rejected++;
      } finally {
        x.dispose();
        y.dispose();
      }
      assert.equal(tf.memory().numTensors, before, `leak after op ${which} on ${JSON.stringify(pattern)}`);
    }
    // The generator must exercise both outcomes, or the test proves nothing.
    assert.ok(ok > runs / 20 && rejected > runs / 20, `ok ${ok}, rejected ${rejected}`);
  });

  it('bad argument types are EinopsErrors too', () => {
    const x = tf.zeros([2, 3]);
    const bad: Array<() => unknown> = [
      () => rearrange(null as never, 'a b -> b a'),
      () => rearrange(x, 42 as never),
      () => rearrange(x, 'a b -> b a', [] as never),
      () => rearrange(x, 'a b -> b a', { a: 2.5 }),
      () => rearrange(x, 'a b -> b a', { a: -1 }),
      () => rearrange([], 'a b -> b a'),
      () => rearrange([x, tf.zeros([3, 2])], 'n a b -> n b a'),
      () => reduce(x, 'a b -> a', undefined as never),
      () => einsum('a -> a' as never),
      () => einsum(x, 3 as never),
      () => pack(x as never, 'a *'),
      () => pack([], 'a *'),
      () => unpack(x, 'x' as never, 'a *'),
      () => unpack(x, [[1.5]], 'a *'),
      () => parseShape({} as never, 'a b'),
    ];
    try {
      for (const call of bad) assert.throws(call, EinopsError);
    } finally {
      x.dispose();
    }
  });
});
