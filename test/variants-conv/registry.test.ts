// backends: cpu, wasm
/** The family registry entries: names, families, and models built from them (defaults and overrides) with the RegistryModel methods. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CCT_ENTRIES, CVT_ENTRIES, LEVIT_ENTRIES, MAXVIT_ENTRIES, MOBILEVIT_ENTRIES, PIT_ENTRIES, T2T_ENTRIES, type ModelEntry } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { seeded, values } from '../vit/helpers.js';

const FAMILIES: [string, readonly ModelEntry[]][] = [
  ['cct', CCT_ENTRIES], ['pit', PIT_ENTRIES], ['t2t', T2T_ENTRIES], ['mobilevit', MOBILEVIT_ENTRIES],
  ['levit', LEVIT_ENTRIES], ['cvt', CVT_ENTRIES], ['maxvit', MAXVIT_ENTRIES],
];

/** One entry per family with options that make it small, and the image it takes. */
const SMALL: Record<string, { name: string; options: Record<string, unknown>; image: number }> = {
  cct: { name: 'cct_7_3x1_32', options: { numLayers: 1, embeddingDim: 16, numHeads: 2 }, image: 32 },
  pit: { name: 'vitp_pit_ti_224', options: { imageSize: 32, dim: 8, depth: [1, 1, 1], dimHead: 4, mlpDim: 16 }, image: 32 },
  t2t: { name: 't2t_vit_7', options: { imageSize: 32, dim: 16, depth: 1, heads: 2, dimHead: 8, mlpDim: 16, t2tLayers: [[3, 2], [3, 2]] }, image: 32 },
  mobilevit: { name: 'vitp_mobilevit_xxs', options: { imageSize: 64, dims: [8, 8, 8], channels: [4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 16], depths: [1, 1, 1] }, image: 64 },
  levit: { name: 'vitp_levit_128s', options: { imageSize: 32, dim: [16, 24, 32], depth: 1, dimKey: 4, dimValue: 8 }, image: 32 },
  cvt: { name: 'cvt_13', options: { s1EmbDim: 8, s2EmbDim: 8, s3EmbDim: 8, s3Depth: 1, s2Depth: 1 }, image: 32 },
  maxvit: { name: 'vitp_maxvit_tiny', options: { dim: 8, depth: [1, 1], dimConvStem: 4, dimHead: 4, windowSize: 2 }, image: 16 },
};

describe(`conv-variant registry entries on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('names are unique and carry their family', () => {
    const names = FAMILIES.flatMap(([, entries]) => entries.map((e) => e.name));
    assert.equal(new Set(names).size, names.length);
    for (const [family, entries] of FAMILIES) {
      assert.ok(entries.length > 0);
      for (const e of entries) assert.equal(e.family, family, e.name);
    }
    for (const name of ['cct_7_3x1_32', 'vitp_pit_ti_224', 't2t_vit_7', 'vitp_mobilevit_xs', 'vitp_levit_128s', 'cvt_13', 'vitp_maxvit_tiny']) assert.ok(names.includes(name), name);
  });

  for (const [family, entries] of FAMILIES) {
    it(`${family}: create(options) merges options into the defaults; forward / forwardFeatures / forwardHead / resetClassifier`, async () => {
      const small = SMALL[family]!;
      const entry = entries.find((e) => e.name === small.name)!;
      const live = tf.memory().numTensors;
      const model = entry.create({ ...small.options, numClasses: 5 });
      model.eval();
      assert.equal(model.numClasses, 5);
      const x = seeded([1, 3, small.image, small.image], 1);
      const y = model.forward(x);
      assert.deepEqual(y.shape, [1, 5]);
      assert.ok((await values(y)).every(Number.isFinite));
      const features = model.forwardFeatures(x);
      const pre = model.forwardHead(features, { preLogits: true });
      assert.equal(pre.rank, 2);
      model.resetClassifier(2);
      assert.equal(model.numClasses, 2);
      const y2 = model.forward(x);
      assert.deepEqual(y2.shape, [1, 2]);
      model.resetClassifier(0);
      const y0 = model.forward(x);
      assert.deepEqual(y0.shape, pre.shape);
      tf.dispose([x, y, features, pre, y2, y0]);
      model.dispose();
      assert.equal(tf.memory().numTensors, live, 'the model and its outputs are all freed');
    });
  }

  it('the smallest default models build with their paper-size parameter counts', () => {
    const count = (entries: readonly ModelEntry[], name: string): number => {
      const model = entries.find((e) => e.name === name)!.create({});
      const n = model.numParameters();
      model.dispose();
      return n;
    };
    // vit-pytorch's MobileViT-XXS / XS match the paper's 1.3 M / 2.3 M within rounding.
    assert.ok(Math.abs(count(MOBILEVIT_ENTRIES, 'vitp_mobilevit_xxs') / 1e6 - 1.3) < 0.1);
    assert.ok(Math.abs(count(MOBILEVIT_ENTRIES, 'vitp_mobilevit_xs') / 1e6 - 2.3) < 0.15);
    // CCT-7/3x1 (CIFAR): 3.76 M in the paper.
    assert.ok(Math.abs(count(CCT_ENTRIES, 'cct_7_3x1_32') / 1e6 - 3.76) < 0.1);
  });
});
