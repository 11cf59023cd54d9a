import type * as tf from '@tensorflow/tfjs-core';
import { reduce } from '../ops/reduce.js';
import { requireAxesLengths, type AxesLengths } from '../ops/inputs.js';
import { validateTransformPattern } from '../lowering/recipe.js';
import { checkReduction, type Reduction } from '../ops/transform.js';
import type { EinopsLayer } from './layer.js';
import { describeLengths } from './rearrange-layer.js';

/** `reduce` as a layer, e.g. global average pooling `new Reduce('b n d -> b d', 'mean')`. */
export class Reduce implements EinopsLayer {
  readonly axesLengths: AxesLengths;
  constructor(readonly pattern: string, readonly reduction: Reduction, axesLengths: AxesLengths = {}) {
    this.axesLengths = { ...requireAxesLengths(axesLengths) };
    checkReduction(reduction);
    validateTransformPattern('reduce', pattern, Object.keys(this.axesLengths), typeof reduction === 'function' ? 'callable' : reduction);
  }
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
