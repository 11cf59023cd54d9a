import type * as tf from '@tensorflow/tfjs-core';
import type { AxesLengths } from './inputs.js';
import { applyTransform } from './transform.js';
import type { RearrangePattern, RearrangeResult } from '../typed/checks.js';

/**
 * Reorders, composes and decomposes axes: `rearrange(x, 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)', {p1: 16, p2: 16})`.
 * A list of tensors is stacked on a new leading axis first. Returns a new tensor the caller owns.
 *
 * With a literal pattern the type checker applies einops' rules (see typed/checks.ts) and types
 * the result by rank (`tf.Tensor4D` in, `tf.Tensor3D` out for the pattern above); a pattern typed
 * `string` or a tensor of unknown rank is checked at run time only.
 */
export function rearrange<X extends tf.Tensor | readonly tf.Tensor[], P extends string, L extends AxesLengths = {}>(
  x: X, pattern: RearrangePattern<P, X, L>, axesLengths?: L): RearrangeResult<P, X, L>;
export function rearrange(x: tf.Tensor | readonly tf.Tensor[], pattern: string, axesLengths?: AxesLengths): tf.Tensor {
  return applyTransform('rearrange', x, pattern, undefined, axesLengths);
}
