/** Element-wise activation layers (nn.ReLU, nn.Hardswish, nn.SiLU, nn.Sigmoid). */
import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';

export class ReLU extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
}

/** x·relu6(x + 3)/6. */
export class Hardswish extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(x, tf.div(tf.relu6(tf.add(x, 3)), 6)));
  }
}

/** x·σ(x) (swish). */
export class SiLU extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(x, tf.sigmoid(x)));
  }
}

export class Sigmoid extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }
}
