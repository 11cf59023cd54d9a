import * as tf from '@tensorflow/tfjs-core';
import { checkSize } from './check.js';
import { Module } from './module.js';

export interface BatchNormOptions {
  eps?: number;
  /** Running-stat momentum (PyTorch's 0.1). PyTorch's momentum=None (cumulative average) is not supported. */
  momentum?: number;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/**
 * nn.BatchNorm2d over NCHW input. Train mode normalises with the batch statistics (biased variance)
 * and updates the buffers `running_mean` / `running_var` (unbiased variance) with `momentum`, and
 * counts `num_batches_tracked`; eval mode normalises with the running statistics. State-dict keys:
 * weight, bias, running_mean, running_var, num_batches_tracked (int32 here, int64 in PyTorch).
 */
export class BatchNorm2d extends Module {
  readonly eps: number;
  readonly momentum: number;
  readonly weight: tf.Variable | undefined;
  readonly bias: tf.Variable | undefined;
  readonly runningMean: tf.Variable | undefined;
  readonly runningVar: tf.Variable | undefined;
  readonly numBatchesTracked: tf.Variable | undefined;

  constructor(readonly numFeatures: number, { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true }: BatchNormOptions = {}) {
    super();
    checkSize('numFeatures', numFeatures);
    if (!(momentum >= 0 && momentum <= 1)) throw new Error(`BatchNorm2d: momentum must be in [0, 1], got ${String(momentum)}`);
    this.eps = eps;
    this.momentum = momentum;
    this.weight = affine ? this.addParameter('weight', () => tf.ones([numFeatures])) : undefined;
    this.bias = affine ? this.addParameter('bias', () => tf.zeros([numFeatures])) : undefined;
    this.runningMean = trackRunningStats ? this.addBuffer('running_mean', () => tf.zeros([numFeatures])) : undefined;
    this.runningVar = trackRunningStats ? this.addBuffer('running_var', () => tf.ones([numFeatures])) : undefined;
    this.numBatchesTracked = trackRunningStats ? this.addBuffer('num_batches_tracked', () => tf.scalar(0, 'int32')) : undefined;
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.numFeatures) {
      throw new Error(`BatchNorm2d(${this.numFeatures}): expected NCHW input with ${this.numFeatures} channels, got [${x.shape.join(', ')}]`);
    }
    const c = this.numFeatures;
    return tf.tidy(() => {
      const useBatchStats = this.training || this.runningMean === undefined;
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (useBatchStats) {
        const count = x.size / c;
        if (this.training && count <= 1) throw new Error(`BatchNorm2d: expected more than 1 value per channel when training, got input size [${x.shape.join(', ')}]`);
        ({ mean, variance } = tf.moments(x, [0, 2, 3], true));
        if (this.training && this.runningMean !== undefined) this.#track(tf.reshape(mean, [c]), tf.reshape(variance, [c]), count);
      } else {
        mean = tf.reshape(this.runningMean!, [1, c, 1, 1]);
        variance = tf.reshape(this.runningVar!, [1, c, 1, 1]);
      }
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, this.eps)));
      if (this.weight !== undefined) y = tf.add(tf.mul(y, tf.reshape(this.weight, [1, c, 1, 1])), tf.reshape(this.bias!, [1, c, 1, 1]));
      return y;
    });
  }

  /** running ← (1 − m)·running + m·batch (unbiased variance). Assignments are not part of any gradient. */
  #track(mean: tf.Tensor, variance: tf.Tensor, count: number): void {
    const m = this.momentum;
    const update = (running: tf.Variable, batch: tf.Tensor): void => {
      running.assign(tf.add(tf.mul(running, 1 - m), tf.mul(batch, m)));
    };
    update(this.runningMean!, mean);
    update(this.runningVar!, tf.mul(variance, count / (count - 1)));
    this.numBatchesTracked!.assign(tf.add(this.numBatchesTracked!, tf.scalar(1, 'int32')));
  }

  protected override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== undefined}, track_running_stats=${this.runningMean !== undefined}`;
  }
}
