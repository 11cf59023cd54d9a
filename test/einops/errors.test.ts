// backends: cpu
/** Error messages say what einops' say: the pattern, the shape, the lengths, the reason, the column. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { EinopsError, rearrange, reduce } from '@vit/einops';
import { useTestBackend } from '../support/backend.js';

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof EinopsError);
    assert.equal(e.name, 'EinopsError');
    return e.message;
  }
  assert.fail('expected an EinopsError');
}

describe('einops errors', () => {
  before(async () => {
    await useTestBackend();
  });

  it('name the pattern, the input shape, the given lengths and the reason', () => {
    const x = tf.zeros([2, 7]);
    const m = messageOf(() => rearrange(x, 'a (b c) -> a b c', { b: 2 }));
    assert.match(m, /rearrange-reduction pattern "a \(b c\) -> a b c"/);
    assert.match(m, /Input tensor shape: \[2, 7\]/);
    assert.match(m, /Additional info: \{b: 2\}/);
    assert.match(m, /can't divide axis of length 7 in chunks of 2/);
    x.dispose();
  });

  it('point at the column of a syntax error', () => {
    // `as string`: these patterns are compile errors too (test/types); here the run-time message is tested.
    const x = tf.zeros([2, 3]);
    const m = messageOf(() => rearrange(x, 'a b -> a b$' as string));
    assert.match(m, /Unknown character '\$'/);
    const lines = m.split('\n');
    const caret = lines[lines.length - 1]!;
    const patternLine = lines[lines.length - 2]!;
    assert.equal(patternLine.indexOf('a b -> a b$') + 'a b -> a b'.length, caret.indexOf('^'));
    assert.match(messageOf(() => rearrange(x, 'a ((b) -> a b' as string)), /brackets inside brackets/);
    assert.match(messageOf(() => rearrange(x, 'a b) -> a b' as string)), /not balanced/);
    assert.match(messageOf(() => rearrange(x, 'a (b -> a b' as string)), /Imbalanced parentheses/);
    assert.match(messageOf(() => rearrange(x, 'a b -> b a -> a' as string)), /exactly one '->'/);
    x.dispose();
  });

  it('reject mean of integers and unknown reductions like einops', () => {
    const x = tf.zeros([2, 3], 'int32');
    assert.match(messageOf(() => reduce(x, 'a b -> a', 'mean')), /reduce_mean is not available for non-floating/);
    assert.match(messageOf(() => reduce(x, 'a b -> a', 'Sum' as never)), /Unknown reduction Sum/);
    x.dispose();
  });

  it('is one class however the package is loaded', () => {
    const registered = (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('@vit/einops.EinopsError')];
    assert.equal(registered, EinopsError);
  });
});
