import type * as tf from '@tensorflow/tfjs-core';
import { gelu, type GeluApproximation } from '../ops/gelu.js';
import { Module } from './module.js';

/** nn.GELU: exact x·Φ(x) with the erf (PyTorch's default), or the tanh approximation. */
export class GELU extends Module {
  constructor(readonly approximate: GeluApproximation = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new Error(`GELU: approximate must be 'none' or 'tanh', got ${String(approximate)}`);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return gelu(x, this.approximate);
  }

  protected override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}
