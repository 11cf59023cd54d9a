/** Gradients keyed by PyTorch parameter names (tf.variableGrads keys them by tfjs variable names). */
import * as tf from '@tensorflow/tfjs-core';

export type NamedTensors = Record<string, tf.Tensor>;

/**
 * Runs `loss()` under a gradient tape and returns its value and the gradient of every parameter in
 * `params` (e.g. `model.namedParameters()`), keyed by the same names and in the variables' layouts.
 * Parameters the loss does not depend on get zeros. The caller owns `value` and `grads`.
 */
export function valueAndGrads(loss: () => tf.Scalar, params: Record<string, tf.Variable>): { value: tf.Scalar; grads: NamedTensors } {
  const entries = Object.entries(params).filter(([, v]) => v.trainable);
  const { value, grads } = tf.variableGrads(loss, entries.map(([, v]) => v));
  const named: NamedTensors = {};
  for (const [name, variable] of entries) named[name] = grads[variable.name] ?? tf.zerosLike(variable);
  return { value, grads: named };
}
