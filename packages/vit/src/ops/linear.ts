/**
 * y = x·W (+ b) for x [n, in] and W [in, out].
 */
import * as tf from '@tensorflow/tfjs-core';
import { columnSum } from './column-sum.js';
import { customGrad } from './custom-grad.js';
import { prefersPlain2dMatMul } from './strategy.js';

export function linear2d(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor {
  if (x.size === 0 || w.size === 0) {
    // Nothing to multiply (XNNPACK rejects empty operands): zeros, plus the bias.
    return tf.tidy(() => {
      const zeros = tf.zeros([x.shape[0], w.shape[1]]);
      return b === undefined ? zeros : tf.add(zeros, b);
    });
  }
  if (prefersPlain2dMatMul()) return b === undefined ? matMulFast(x, w) : matMulBiasFast(x, w, b);
  return tf.tidy(() => {
    const y: tf.Tensor = tf.matMul(x, w);
    return b === undefined ? y : tf.add(y, b);
  });
}

/**
 * tfjs' MatMul gradient uses transposeA / transposeB products, which WASM runs in a scalar loop
 * (~10x slower); here each gradient transposes explicitly (a cheap copy) and calls an
 * un-transposed 2-D matMul: dx = dy·Wᵀ, dW = xᵀ·dy.
 */
function matMulGrads(dy: tf.Tensor2D, x: tf.Tensor2D, w: tf.Tensor2D): [tf.Tensor, tf.Tensor] {
  return [tf.matMul(dy, tf.transpose(w)), tf.matMul(tf.transpose(x), dy)];
}

const matMulFast = customGrad((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => matMulGrads(dy as tf.Tensor2D, xs as tf.Tensor2D, ws as tf.Tensor2D),
  };
});

// The bias rides in XNNPACK's fully-connected operator (fused), saving a pass over the output.
const matMulBiasFast = customGrad((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b }),
    gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [...matMulGrads(dy as tf.Tensor2D, xs as tf.Tensor2D, ws as tf.Tensor2D), columnSum(dy)],
  };
});
