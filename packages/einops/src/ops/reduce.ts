import type * as tf from '@tensorflow/tfjs-core';
import type { AxesLengths } from './inputs.js';
import { applyTransform, type ReduceFn, type Reduction, type ReductionName } from './transform.js';
import type { ReduceResult, ReducePattern, ReductionNameArg } from '../typed/checks.js';

/**
 * rearrange plus a reduction over the axes missing on the right: `reduce(x, 'b c (h 2) (w 2) -> b c h w', 'max')`.
 * `reduction` is one of 'sum' | 'mean' | 'max' | 'min' | 'prod' | 'any' | 'all', or a function
 * `(x, reducedAxes) => tensor`. int32 sums and products stay int32; any / all give bool.
 * Literal patterns and reduction names are checked and typed by rank, as for `rearrange`.
 */
export function reduce<X extends tf.Tensor | readonly tf.Tensor[], P extends string, N extends string, L extends AxesLengths = {}>(
  x: X, pattern: ReducePattern<P, X, L>, reduction: ReduceFn | ReductionNameArg<N, ReductionName>,
  axesLengths?: L): ReduceResult<P, X, L>;
export function reduce(x: tf.Tensor | readonly tf.Tensor[], pattern: string, reduction: Reduction,
  axesLengths?: AxesLengths): tf.Tensor {
  return applyTransform('reduce', x, pattern, reduction, axesLengths);
}
