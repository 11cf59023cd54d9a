/** Runs a corpus of einops cases (the format of ../shared/fixtures/einops/cases.json) as tests. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { EinopsError } from '@vit/einops';
import { backendName, useTestBackend } from '../support/backend.js';
import { buildInput, runCase, valuesMismatch, type EinopsCase } from './fixture-cases.js';

const OPTIONAL_TAGS = ['unicode_name', 'python_keyword_name'];

export function describeCorpus(title: string, cases: EinopsCase[]): void {
describe(`${title} on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  for (const c of cases) {
    it(`${c.id}: ${c.op} '${c.pattern}'`, async () => {
      const before = tf.memory().numTensors;
      const inputs = c.inputs.map(buildInput);
      try {
        if (c.expect.error) {
          assert.throws(() => runCase(c, inputs), (e: unknown) => {
            assert.ok(e instanceof EinopsError, `expected EinopsError, got ${String(e)}`);
            return true;
          }, c.expect.why);
          return;
        }
        let result: ReturnType<typeof runCase>;
        try {
          result = runCase(c, inputs);
        } catch (e) {
          // Optional cases may be rejected, as long as it is with an EinopsError.
          if (e instanceof EinopsError && c.tags?.some((t) => OPTIONAL_TAGS.includes(t))) return;
          throw e;
        }
        try {
          if (c.op === 'parse_shape') {
            assert.deepEqual(result.dict, c.expect.dict);
            return;
          }
          const expected = c.op === 'unpack' ? c.expect.outputs! : [c.expect];
          assert.equal(result.tensors.length, expected.length, 'number of outputs');
          for (let i = 0; i < expected.length; i++) {
            const got = result.tensors[i]!;
            assert.deepEqual(got.shape, expected[i]!.shape, `shape of output #${i}`);
            assert.equal(got.dtype, expected[i]!.dtype, `dtype of output #${i}`);
            const mismatch = valuesMismatch(await got.data() as ArrayLike<number>, expected[i]!);
            assert.equal(mismatch, undefined, `output #${i}: ${mismatch}`);
          }
          if (c.op === 'pack') assert.deepEqual(result.ps, c.expect.ps);
        } finally {
          result.tensors.forEach((t) => t.dispose());
        }
      } finally {
        inputs.forEach((t) => t.dispose());
        assert.equal(tf.memory().numTensors, before, 'leaked tensors');
      }
    });
  }
});
}
