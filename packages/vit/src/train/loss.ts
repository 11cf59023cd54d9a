/** torch.nn.functional.cross_entropy for class indices: mean over the batch of −log softmax(logits)[label]. */
import * as tf from '@tensorflow/tfjs-core';

export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  if (logits.rank !== 2) throw new Error(`crossEntropy: logits must be [batch, classes], got [${logits.shape.join(', ')}]`);
  if (labels.rank !== 1 || labels.shape[0] !== logits.shape[0] || labels.dtype !== 'int32') {
    throw new Error(`crossEntropy: labels must be int32 [${logits.shape[0]}], got ${labels.dtype} [${labels.shape.join(', ')}]`);
  }
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    const picked = tf.sum(tf.mul(logProbs, tf.oneHot(labels, logits.shape[1]!)), 1);
    return tf.neg(tf.mean(picked)) as tf.Scalar;
  });
}
