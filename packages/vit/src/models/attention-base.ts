/**
 * The multi-head self-attention shared by vit.py's and simple_vit.py's `Attention` (they differ only
 * in their children): pre-norm, one qkv projection, softmax(q·kᵀ·scale)·v per head, output projection.
 */
import * as tf from '@tensorflow/tfjs-core';
import { rearrange } from '@vit/einops';
import type { Layer } from '../nn/containers.js';
import type { Dropout } from '../nn/dropout.js';
import type { LayerNorm } from '../nn/layer-norm.js';
import type { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import type { Softmax } from '../nn/softmax.js';
import { chunk } from '../ops/chunk.js';
import { matmul } from '../ops/matmul.js';

export abstract class AttentionBase extends Module {
  abstract readonly heads: number;
  abstract readonly scale: number;
  abstract readonly norm: LayerNorm;
  /** The softmax; its output is what `Recorder` records. */
  abstract readonly attend: Softmax;
  abstract readonly dropout: Dropout | undefined;
  abstract readonly toQkv: Linear;
  abstract readonly toOut: Layer;

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const h = this.norm.forward(x);
      const [q, k, v] = chunk(this.toQkv.forward(h), 3).map((t) => rearrange(t, 'b n (h d) -> b h n d', { h: this.heads })) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const dots = tf.mul(matmul(q, k, { transposeB: true }), this.scale);
      let attn = this.attend.forward(dots);
      if (this.dropout !== undefined) attn = this.dropout.forward(attn);
      const out = rearrange(matmul(attn, v), 'b h n d -> b n (h d)');
      return this.toOut.forward(out);
    });
  }
}
