/**
 * PyTorch's default initialisations (torch.nn.init), with tfjs' random generators.
 */
import * as tf from '@tensorflow/tfjs-core';

/** U(-bound, bound). */
export function uniform(shape: number[], bound: number): tf.Tensor {
  return tf.randomUniform(shape, -bound, bound, 'float32');
}

/** torch.randn: N(0, 1). */
export function randn(shape: number[]): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32');
}

/**
 * nn.Linear / nn.Conv2d weight: kaiming_uniform_(a=√5), i.e. U(±gain·√(3/fan_in)) with
 * gain = √(2/(1+a²)), which is U(±1/√fan_in). Zero-element tensors are left at zero, as PyTorch does.
 */
export function kaimingUniformA5(shape: number[], fanIn: number): tf.Tensor {
  if (fanIn === 0 || shape.includes(0)) return tf.zeros(shape);
  const gain = Math.sqrt(2 / (1 + 5));
  return uniform(shape, gain * Math.sqrt(3 / fanIn));
}

/** nn.Linear / nn.Conv2d bias: U(±1/√fan_in) (0 when fan_in is 0). */
export function fanInUniform(shape: number[], fanIn: number): tf.Tensor {
  return fanIn > 0 ? uniform(shape, 1 / Math.sqrt(fanIn)) : tf.zeros(shape);
}
