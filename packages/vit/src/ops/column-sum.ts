import * as tf from '@tensorflow/tfjs-core';

/**
 * Σ over the rows of a 2-D [n, d] tensor, as ones[1, n]·m: on WASM a reduction over axis 0 is a
 * transpose plus a scalar loop (~2-4 ms for [4160, 192]), the product runs on XNNPACK (~0.2 ms).
 */
export function columnSum(m: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [n, d] = m.shape as [number, number];
    return tf.reshape(tf.matMul(tf.ones([1, n]), m as tf.Tensor2D), [d]);
  });
}
