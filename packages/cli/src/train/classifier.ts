import * as tf from '@tensorflow/tfjs-core';

/** What the trainer needs of a model: a @vit/core Module mapping NCHW images to logits. */
export interface Classifier {
  training: boolean;
  forward(images: tf.Tensor): tf.Tensor;
  namedParameters(): Record<string, tf.Variable>;
  train(mode?: boolean): unknown;
  eval(): unknown;
}

/** How many rows of `logits` have their largest value at the label (a float32 scalar). */
export function countCorrect(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'));
}
