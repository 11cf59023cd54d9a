/**
 * The pre-norm residual stack shared by vit.py's and simple_vit.py's `Transformer`:
 * `x = attn(x) + x; x = ff(x) + x` per layer, then a final LayerNorm.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from '../nn/containers.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Module, type Child } from '../nn/module.js';
import { ModuleList } from '../nn/containers.js';

export class TransformerBase<A extends Layer, F extends Layer> extends Module {
  readonly norm: LayerNorm;
  readonly layers: ModuleList<ModuleList>;
  readonly #blocks: [A, F][];

  constructor(dim: number, blocks: [A, F][]) {
    super();
    this.norm = this.addModule('norm', new LayerNorm(dim));
    this.layers = this.addModule('layers', new ModuleList(blocks.map(([attn, ff]) => new ModuleList([attn as Child, ff as Child]))));
    this.#blocks = blocks;
  }

  /** The (attention, feed-forward) pair of every layer. */
  get blocks(): readonly [A, F][] {
    return this.#blocks;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = x;
      for (const [attn, ff] of this.#blocks) {
        h = tf.add(attn.forward(h), h);
        h = tf.add(ff.forward(h), h);
      }
      return this.norm.forward(h);
    });
  }
}
