import * as tf from '@tensorflow/tfjs-core';
import { linear2d } from '../ops/linear.js';
import { checkSize } from './check.js';
import { fanInUniform, kaimingUniformA5 } from './init.js';
import { TRANSPOSED } from './layout.js';
import { Module } from './module.js';

/**
 * nn.Linear: y = x·Wᵀ + b over the last axis. The variable holds Wᵀ ([in, out]) so that the product
 * is an un-transposed 2-D matMul with a long-lived weight (WASM's XNNPACK fast path); `stateDict()`
 * gives PyTorch's (out, in).
 */
export class Linear extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;

  constructor(readonly inFeatures: number, readonly outFeatures: number, { bias = true }: { bias?: boolean } = {}) {
    super();
    checkSize('inFeatures', inFeatures);
    checkSize('outFeatures', outFeatures);
    this.weight = this.addParameter('weight', () => tf.transpose(kaimingUniformA5([outFeatures, inFeatures], inFeatures)), TRANSPOSED);
    this.bias = bias ? this.addParameter('bias', () => fanInUniform([outFeatures], inFeatures)) : undefined;
  }

  forward(x: tf.Tensor): tf.Tensor {
    const last = x.shape[x.rank - 1];
    if (x.rank < 1 || last !== this.inFeatures) {
      throw new Error(`Linear(${this.inFeatures}, ${this.outFeatures}): input of shape [${x.shape.join(', ')}] ` +
        `must end in ${this.inFeatures} features`);
    }
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      const rows = lead.reduce((a, b) => a * b, 1);
      // Flattened to 2-D: batched matMuls miss WASM's fast path and their gradients break on broadcast batch dims.
      const y = linear2d(tf.reshape(x, [rows, this.inFeatures]) as tf.Tensor2D, this.weight as tf.Tensor2D, this.bias as tf.Tensor1D | undefined);
      return tf.reshape(y, [...lead, this.outFeatures]);
    });
  }

  protected override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== undefined}`;
  }
}
