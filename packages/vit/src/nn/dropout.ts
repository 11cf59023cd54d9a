import * as tf from '@tensorflow/tfjs-core';
import { alias } from '../ops/alias.js';
import { Module } from './module.js';

/** nn.Dropout: in train mode zeroes elements with probability p and scales the rest by 1/(1-p). */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout probability has to be between 0 and 1, but got ${p}`);
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return alias(x);
    if (this.p === 1) return tf.zerosLike(x);
    return tf.dropout(x, this.p);
  }

  protected override extraRepr(): string {
    return `p=${this.p}`;
  }
}
