import * as tf from '@tensorflow/tfjs-core';
import { layerNorm } from '../ops/layer-norm.js';
import { checkSize } from './check.js';
import { Module } from './module.js';

/** nn.LayerNorm over the trailing `normalizedShape` axes, biased variance, weight ones and bias zeros. */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly weight: tf.Variable | undefined;
  readonly bias: tf.Variable | undefined;

  constructor(normalizedShape: number | number[], { eps = 1e-5, elementwiseAffine = true, bias = true }:
    { eps?: number; elementwiseAffine?: boolean; bias?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.normalizedShape.forEach((d, i) => checkSize(`normalizedShape[${i}]`, d));
    this.eps = eps;
    this.weight = elementwiseAffine ? this.addParameter('weight', () => tf.ones(this.normalizedShape)) : undefined;
    this.bias = elementwiseAffine && bias ? this.addParameter('bias', () => tf.zeros(this.normalizedShape)) : undefined;
  }

  forward(x: tf.Tensor): tf.Tensor {
    const k = this.normalizedShape.length;
    if (x.rank < k || x.shape.slice(-k).some((d, i) => d !== this.normalizedShape[i])) {
      throw new Error(`LayerNorm([${this.normalizedShape.join(', ')}]): input of shape [${x.shape.join(', ')}] ` +
        `must end in [${this.normalizedShape.join(', ')}]`);
    }
    return layerNorm(x, k, this.weight, this.bias, this.eps);
  }

  protected override extraRepr(): string {
    return `(${this.normalizedShape.join(', ')},), eps=${this.eps}, elementwise_affine=${this.weight !== undefined}`;
  }
}
