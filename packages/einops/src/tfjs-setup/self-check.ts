/**
 * Start-up self-check: the gradients this project differentiates through must be registered in
 * the one tfjs-core engine, and the chained ops (`t.reshape()`) some gradients call must exist.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Kernels whose gradients einops and the models use. */
export const REQUIRED_GRADIENTS = [
  'Add', 'AddN', 'Sub', 'Multiply', 'RealDiv', 'Neg', 'Square', 'Sqrt', 'Rsqrt', 'Exp', 'Log', 'Erf', 'Tanh',
  'Maximum', 'Minimum', 'Sum', 'Mean', 'Max', 'Min', 'Prod', 'Reshape', 'Transpose', 'BatchMatMul', 'Cast',
  'Concat', 'Pack', 'Slice', 'SplitV', 'Softmax', 'LogSoftmax', 'Tile', 'Identity', 'Conv2D', 'Pow', 'Relu',
  'Select', 'ClipByValue', 'GatherV2',
] as const;

export function missingGradients(): string[] {
  return REQUIRED_GRADIENTS.filter((name) => tf.getGradient(name) === undefined);
}

export function assertGradientsRegistered(source: string): void {
  const missing = missingGradients();
  const chained = typeof (tf.Tensor.prototype as unknown as Record<string, unknown>)['reshape'] === 'function';
  if (missing.length > 0 || !chained) {
    throw new Error(`@vit/einops: tfjs-core gradients are not registered (${source}): ` +
      `${missing.length > 0 ? `missing ${missing.join(', ')}` : 'chained ops missing'}. ` +
      'Make sure exactly one copy of @tensorflow/tfjs-core is installed (npm ls @tensorflow/tfjs-core).');
  }
}
