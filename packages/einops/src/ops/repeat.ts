import type * as tf from '@tensorflow/tfjs-core';
import type { AxesLengths } from './inputs.js';
import { applyTransform } from './transform.js';

/**
 * rearrange plus new axes, repeated: `repeat(x, 'h w -> h w c', {c: 3})`. Copies are made by
 * broadcasting in a multiplication, never by the (slow on WASM) Tile kernel.
 */
export function repeat(x: tf.Tensor | readonly tf.Tensor[], pattern: string, axesLengths?: AxesLengths): tf.Tensor {
  return applyTransform('repeat', x, pattern, undefined, axesLengths);
}
