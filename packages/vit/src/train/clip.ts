/** torch.nn.utils.clip_grad_norm_: scale all gradients together so their global 2-norm is at most maxNorm. */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensors } from './grads.js';

/**
 * Returns new (possibly scaled) gradients and the total norm before clipping, both owned by the
 * caller; the input gradients are left alone. As PyTorch: coefficient = min(1, maxNorm / (norm + 1e-6)).
 * Stays on the device (no read-back), so it also suits webgpu.
 */
export function clipGradNorm(grads: NamedTensors, maxNorm: number): { grads: NamedTensors; totalNorm: tf.Scalar } {
  if (!(maxNorm > 0)) throw new Error(`maxNorm must be positive, got ${maxNorm}`);
  const names = Object.keys(grads);
  return tf.tidy(() => {
    const squares = names.map((name) => tf.sum(tf.square(grads[name]!)));
    const totalNorm = tf.sqrt(sumAll(squares)) as tf.Scalar;
    const coefficient = tf.minimum(tf.div(maxNorm, tf.add(totalNorm, 1e-6)), 1);
    const clipped: NamedTensors = {};
    for (const name of names) clipped[name] = tf.mul(grads[name]!, coefficient);
    return { grads: clipped, totalNorm };
  });
}

/**
 * Sum of scalars as a tree of binary adds: tf.addN of many tensors is one WebGPU program with a
 * storage buffer per input, beyond the adapter's per-stage limit (8 in compatibility mode).
 */
function sumAll(terms: tf.Tensor[]): tf.Tensor {
  if (terms.length === 0) return tf.scalar(0);
  let level = terms;
  while (level.length > 1) {
    const next: tf.Tensor[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? tf.add(level[i]!, level[i + 1]!) : level[i]!);
    level = next;
  }
  return level[0]!;
}
