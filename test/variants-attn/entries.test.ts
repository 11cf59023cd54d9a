// backends: cpu, wasm
/** The registry entries of the attention variants: names, families, options overriding defaults, the RegistryModel methods. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { CAIT_ENTRIES, CROSSVIT_ENTRIES, DEEPVIT_ENTRIES, SWIN_ENTRIES, type ModelEntry } from '@vit/core';
import { backendName, useTestBackend } from '../support/backend.js';
import { seeded } from './helpers.js';

const ALL: ModelEntry[] = [...DEEPVIT_ENTRIES, ...CAIT_ENTRIES, ...CROSSVIT_ENTRIES, ...SWIN_ENTRIES];

// Small overrides per family, so every entry's factory runs quickly.
const SMALL: Record<string, Record<string, unknown>> = {
  deepvit: { imageSize: 32, patchSize: 16, dim: 32, depth: 1, heads: 2, dimHead: 16, mlpDim: 64, numClasses: 4 },
  cait: { imageSize: 32, patchSize: 16, dim: 32, depth: 1, clsDepth: 1, heads: 2, dimHead: 16, mlpDim: 64, numClasses: 4 },
  crossvit: { imageSize: 48, smDim: 16, lgDim: 32, smEncMlpDim: 32, lgEncMlpDim: 64, depth: 1, numClasses: 4 },
  swin: { imgSize: 32, embedDim: 8, depths: [1, 1], numHeads: [1, 2], windowSize: 4, numClasses: 4 },
};

describe(`attention-variant registry entries on ${backendName}`, () => {
  before(async () => {
    await useTestBackend();
  });

  it('names are unique, families set; the names follow the documented scheme', () => {
    const names = ALL.map((e) => e.name);
    assert.equal(new Set(names).size, names.length);
    for (const e of ALL) assert.ok(['deepvit', 'cait', 'crossvit', 'swin'].includes(e.family), e.name);
    // vit-pytorch architectures that timm also has under other weights get the vitp_ prefix.
    for (const e of [...CAIT_ENTRIES, ...CROSSVIT_ENTRIES]) assert.match(e.name, /^vitp_/);
    assert.ok(SWIN_ENTRIES.some((e) => e.name === 'swin_tiny_patch4_window7_224'));
  });

  for (const entry of ALL) {
    it(`${entry.name}: create(options) overrides defaults and offers the RegistryModel methods`, async () => {
      const model = entry.create(SMALL[entry.family]!);
      const size = entry.family === 'crossvit' ? 48 : 32;
      const img = seeded([1, 3, size, size], 7);
      const start = tf.memory().numTensors;
      model.eval();
      const logits = model.forward(img);
      assert.deepEqual(logits.shape, [1, 4]);
      const features = model.forwardFeatures(img);
      const viaHead = model.forwardHead(features);
      const a = await logits.data();
      const b = await viaHead.data();
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-5, `forwardHead(forwardFeatures(x)) = forward(x) at ${i}`));
      const pre = model.forwardHead(features, { preLogits: true });
      assert.equal(pre.rank, 2);
      tf.dispose([logits, features, viaHead, pre]);
      assert.equal(tf.memory().numTensors, start);
      assert.equal(model.numClasses, 4);
      model.resetClassifier(2);
      assert.equal(model.numClasses, 2);
      model.dispose();
      img.dispose();
    });
  }
});
