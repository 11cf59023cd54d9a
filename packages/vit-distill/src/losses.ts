/** The distillation losses of vit-pytorch's DistillWrapper (DeiT). */
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy } from '@vit/core';

/**
 * Soft distillation: T² · KL(softmax(teacher / T) ‖ softmax(student / T)), averaged over the batch
 * (torch's `kl_div(log_softmax(s / T), softmax(t / T), reduction='batchmean') * T ** 2`).
 */
export function softDistillationLoss(studentLogits: tf.Tensor, teacherLogits: tf.Tensor, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const logQ = tf.logSoftmax(tf.div(studentLogits, temperature));
    const logP = tf.logSoftmax(tf.div(teacherLogits, temperature));
    const kl = tf.div(tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logQ))), studentLogits.shape[0]!);
    return tf.mul(kl, temperature * temperature) as tf.Scalar;
  });
}

/** Hard distillation (DeiT): cross-entropy against the teacher's argmax. */
export function hardDistillationLoss(studentLogits: tf.Tensor, teacherLogits: tf.Tensor): tf.Scalar {
  return tf.tidy(() => crossEntropy(studentLogits, tf.cast(tf.argMax(teacherLogits, -1), 'int32')));
}
