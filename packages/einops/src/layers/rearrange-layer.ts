import type * as tf from '@tensorflow/tfjs-core';
import { rearrange } from '../ops/rearrange.js';
import { requireAxesLengths, type AxesLengths } from '../ops/inputs.js';
import { validateTransformPattern } from '../lowering/recipe.js';
import type { EinopsLayer } from './layer.js';
import type { TransformLayerInput, TransformLayerPattern, TransformLayerResult } from '../typed/checks.js';

/** `rearrange` as a layer, e.g. vit-pytorch's patch embedding `Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', {p1, p2})`. */
export class Rearrange<P extends string = string, L extends AxesLengths = {}> implements EinopsLayer {
  /** Types only (no field at run time): makes the layer classes distinct, so comparing two of them stops here. */
  declare private readonly layerKind: 'Rearrange';
  readonly axesLengths: AxesLengths;
  /** A literal pattern is checked as `rearrange` checks it; `forward` then checks the input's rank. */
  constructor(pattern: TransformLayerPattern<'rearrange', P, L>, axesLengths?: L);
  constructor(readonly pattern: string, axesLengths: AxesLengths = {}) {
    this.axesLengths = { ...requireAxesLengths(axesLengths) };
    validateTransformPattern('rearrange', pattern, Object.keys(this.axesLengths), 'rearrange');
  }
  // The pattern's types come through `this`, not the class parameters, so that any Rearrange<...>
  // is assignable to a plain `Rearrange` (class parameters used in a method would be invariant).
  forward<X extends tf.Tensor, P_ extends string, L_>(this: Rearrange<P_, L_ & AxesLengths>,
    x: TransformLayerInput<'rearrange', P_, L_, X>): TransformLayerResult<'rearrange', P_, L_, X>;
  forward(x: tf.Tensor): tf.Tensor {
    return rearrange(x, this.pattern, this.axesLengths);
  }
  namedParameters(): Record<string, tf.Variable> {
    return {};
  }
  dispose(): void {}
  toString(): string {
    return `Rearrange(${JSON.stringify(this.pattern)}${describeLengths(this.axesLengths)})`;
  }
}

export function describeLengths(lengths: AxesLengths): string {
  return Object.entries(lengths).map(([k, v]) => `, ${k}=${v}`).join('');
}
