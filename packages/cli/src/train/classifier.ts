import type * as tf from '@tensorflow/tfjs-core';

/** What the trainer needs of a model: a @vit/core Module mapping NCHW images to logits. */
export interface Classifier {
  training: boolean;
  forward(images: tf.Tensor): tf.Tensor;
  namedParameters(): Record<string, tf.Variable>;
  train(mode?: boolean): unknown;
  eval(): unknown;
}
