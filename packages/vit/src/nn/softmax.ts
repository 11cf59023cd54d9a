import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';

/** nn.Softmax over one axis. A module so that hooks can see it (Recorder records `attend`). */
export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }

  forward(x: tf.Tensor): tf.Tensor {
    const axis = this.dim < 0 ? x.rank + this.dim : this.dim;
    if (!(axis >= 0 && axis < x.rank)) throw new Error(`Softmax(dim=${this.dim}): no such axis for shape [${x.shape.join(', ')}]`);
    if (axis === x.rank - 1) return tf.softmax(x);
    return tf.tidy(() => {
      const perm = [...Array(x.rank).keys()];
      [perm[axis], perm[x.rank - 1]] = [perm[x.rank - 1]!, perm[axis]!];
      return tf.transpose(tf.softmax(tf.transpose(x, perm)), perm);
    });
  }

  protected override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
