import type * as tf from '@tensorflow/tfjs-core';
import type { AxesLengths } from './inputs.js';
import { applyTransform } from './transform.js';

/**
 * Reorders, composes and decomposes axes: `rearrange(x, 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)', {p1: 16, p2: 16})`.
 * A list of tensors is stacked on a new leading axis first. Returns a new tensor the caller owns.
 */
export function rearrange(x: tf.Tensor | readonly tf.Tensor[], pattern: string, axesLengths?: AxesLengths): tf.Tensor {
  return applyTransform('rearrange', x, pattern, undefined, axesLengths);
}
