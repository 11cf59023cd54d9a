import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';

/**
 * Stochastic depth (vit-pytorch's / timm's DropPath): in train mode each sample's whole residual
 * branch is zeroed with probability p and the survivors are scaled by 1/(1 − p).
 */
export class DropPath extends Module {
  constructor(readonly dropProb = 0) {
    super();
    if (!(dropProb >= 0 && dropProb <= 1)) throw new Error(`DropPath: probability must be in [0, 1], got ${dropProb}`);
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (this.dropProb <= 0 || !this.training) return tf.reshape(x, x.shape);
    const keep = 1 - this.dropProb;
    return tf.tidy(() => {
      const mask = tf.cast(tf.less(tf.randomUniform([x.shape[0]!, ...x.shape.slice(1).map(() => 1)]), keep), 'float32');
      return tf.mul(tf.div(x, keep), mask);
    });
  }

  protected override extraRepr(): string {
    return `drop_prob=${this.dropProb}`;
  }
}
