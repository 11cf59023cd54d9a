/**
 * Layers with checked patterns: construction, `forward` typed by rank, and assignability to the
 * plain layer types. Never run: test/types/types.test.ts type-checks this file.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { EinMix, Rearrange, Reduce, type EinopsLayer } from '@vit/einops';
import type { Equal, Expect } from '../expect.js';

declare const x3: tf.Tensor3D;
declare const x4: tf.Tensor4D;
declare const any: tf.Tensor;
declare const pattern: string;

const toPatches = new Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', { p1: 16, p2: 16 });
const patches = toPatches.forward(x4);
export type L1 = Expect<Equal<typeof patches, tf.Tensor3D>>;
const pool = new Reduce('b n d -> b d', 'mean');
const pooled: tf.Tensor2D = pool.forward(x3);
const custom = new Reduce('b n d -> b n', (t, axes) => t);
const mix = new EinMix('t b cin -> t b cout', 'cin cout', 'cout', { cin: 10, cout: 20 });
const mixed: tf.Tensor3D = mix.forward(x3);
const mixEll = new EinMix('b ... cin -> b ... cout', 'cin cout', 'cout', { cin: 10, cout: 20 });
const mixedEll: tf.Tensor4D = mixEll.forward(x4);
const composed = new EinMix('b (h w) c -> b h (w d)', 'c d', 'd', { h: 2, c: 3, d: 4 });
const unknownRank: tf.Tensor = composed.forward(any);
const runtime = new Rearrange(pattern);
const runtimeOut = runtime.forward(x3);
export type L2 = Expect<Equal<typeof runtimeOut, tf.Tensor>>;

// Checked layers are still plain layers.
const plain: Rearrange = toPatches;
const plainReduce: Reduce = pool;
const plainMix: EinMix = mix;
const layers: EinopsLayer[] = [toPatches, pool, custom, mix, runtime];
class Model {
  readonly patchify: Rearrange;
  constructor() {
    this.patchify = new Rearrange('b c (h p) (w q) -> b (h w) (p q c)', { p: 4, q: 4 });
  }
}

export const used = [patches, pooled, mixed, mixedEll, unknownRank, runtimeOut, plain, plainReduce, plainMix, layers, Model];
