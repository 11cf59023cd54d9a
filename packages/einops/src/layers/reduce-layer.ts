import type * as tf from '@tensorflow/tfjs-core';
import { reduce } from '../ops/reduce.js';
import { requireAxesLengths, type AxesLengths } from '../ops/inputs.js';
import { validateTransformPattern } from '../lowering/recipe.js';
import { checkReduction, type ReduceFn, type Reduction, type ReductionName } from '../ops/transform.js';
import type { EinopsLayer } from './layer.js';
import type { ReductionNameArg, TransformLayerInput, TransformLayerPattern, TransformLayerResult } from '../typed/checks.js';
import { describeLengths } from './rearrange-layer.js';

/** `reduce` as a layer, e.g. global average pooling `new Reduce('b n d -> b d', 'mean')`. */
export class Reduce<P extends string = string, L extends AxesLengths = {}, N extends string = ReductionName> implements EinopsLayer {
  /** Types only (see Rearrange). */
  declare private readonly layerKind: 'Reduce';
  readonly axesLengths: AxesLengths;
  /** A literal pattern and reduction name are checked as `reduce` checks them; `forward` then checks the input's rank. */
  constructor(pattern: TransformLayerPattern<'reduce', P, L>, reduction: ReduceFn | ReductionNameArg<N, ReductionName>, axesLengths?: L);
  constructor(readonly pattern: string, readonly reduction: Reduction, axesLengths: AxesLengths = {}) {
    this.axesLengths = { ...requireAxesLengths(axesLengths) };
    checkReduction(reduction);
    validateTransformPattern('reduce', pattern, Object.keys(this.axesLengths), typeof reduction === 'function' ? 'callable' : reduction);
  }
  // Typed through `this` (see Rearrange.forward).
  forward<X extends tf.Tensor, P_ extends string, L_>(this: Reduce<P_, L_ & AxesLengths, string>,
    x: TransformLayerInput<'reduce', P_, L_, X>): TransformLayerResult<'reduce', P_, L_, X>;
  forward(x: tf.Tensor): tf.Tensor {
    return reduce(x, this.pattern, this.reduction, this.axesLengths);
  }
  namedParameters(): Record<string, tf.Variable> {
    return {};
  }
  dispose(): void {}
  toString(): string {
    const r = typeof this.reduction === 'function' ? 'callable' : JSON.stringify(this.reduction);
    return `Reduce(${JSON.stringify(this.pattern)}, ${r}${describeLengths(this.axesLengths)})`;
  }
}
