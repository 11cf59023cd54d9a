import type * as tf from '@tensorflow/tfjs-core';
import type { AxesLengths } from './inputs.js';
import { applyTransform } from './transform.js';
import type { RepeatPattern, RepeatResult } from '../typed/checks.js';

/**
 * rearrange plus new axes, repeated: `repeat(x, 'h w -> h w c', {c: 3})`. Copies are made by
 * broadcasting in a multiplication; the Tile kernel (slow on WASM) only for tiny results and on cpu.
 * Literal patterns are checked and typed by rank, as for `rearrange`.
 */
export function repeat<X extends tf.Tensor | readonly tf.Tensor[], P extends string, L extends AxesLengths = {}>(
  x: X, pattern: RepeatPattern<P, X, L>, axesLengths?: L): RepeatResult<P, X, L>;
export function repeat(x: tf.Tensor | readonly tf.Tensor[], pattern: string, axesLengths?: AxesLengths): tf.Tensor {
  return applyTransform('repeat', x, pattern, undefined, axesLengths);
}
