import type * as tf from '@tensorflow/tfjs-core';
import { rearrange } from '../ops/rearrange.js';
import { requireAxesLengths, type AxesLengths } from '../ops/inputs.js';
import { validateTransformPattern } from '../lowering/recipe.js';
import type { EinopsLayer } from './layer.js';

/** `rearrange` as a layer, e.g. vit-pytorch's patch embedding `Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', {p1, p2})`. */
export class Rearrange implements EinopsLayer {
  readonly axesLengths: AxesLengths;
  constructor(readonly pattern: string, axesLengths: AxesLengths = {}) {
    this.axesLengths = { ...requireAxesLengths(axesLengths) };
    validateTransformPattern('rearrange', pattern, Object.keys(this.axesLengths), 'rearrange');
  }
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
