/** Pooling and reshaping layers on NCHW input: nn.MaxPool2d, nn.AdaptiveAvgPool2d, nn.Flatten. */
import * as tf from '@tensorflow/tfjs-core';
import { Module } from './module.js';

/** nn.MaxPool2d(kernel, stride = kernel, padding = 0) (padding never wins the max; floor mode). */
export class MaxPool2d extends Module {
  readonly stride: number;
  readonly padding: number;

  constructor(readonly kernelSize: number, { stride, padding = 0 }: { stride?: number; padding?: number } = {}) {
    super();
    this.stride = stride ?? kernelSize;
    if (![kernelSize, this.stride].every((v) => Number.isInteger(v) && v >= 1) || !Number.isInteger(padding) || padding < 0 || padding > kernelSize / 2) {
      throw new Error(`MaxPool2d: kernel ${kernelSize}, stride ${this.stride} and padding ${padding} must be positive integers with padding <= kernel / 2`);
    }
    this.padding = padding;
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4) throw new Error(`MaxPool2d: expected NCHW input, got [${x.shape.join(', ')}]`);
    return tf.tidy(() => {
      const nhwc = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
      return tf.transpose(tf.maxPool(nhwc, this.kernelSize, this.stride, this.padding), [0, 3, 1, 2]);
    });
  }

  protected override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}`;
  }
}

/** nn.AdaptiveAvgPool2d for output sizes that divide the input (1 is global average pooling). */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: [number, number];

  constructor(outputSize: number | [number, number]) {
    super();
    this.outputSize = typeof outputSize === 'number' ? [outputSize, outputSize] : [outputSize[0], outputSize[1]];
  }

  forward(x: tf.Tensor): tf.Tensor {
    const [b, c, h, w] = x.shape as [number, number, number, number];
    const [oh, ow] = this.outputSize;
    if (x.rank !== 4 || h % oh !== 0 || w % ow !== 0) {
      throw new Error(`AdaptiveAvgPool2d(${oh}, ${ow}): expected NCHW input whose height and width the output size divides, got [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => tf.mean(tf.reshape(x, [b, c, oh, h / oh, ow, w / ow]), [3, 5]));
  }
}

/** nn.Flatten(startDim = 1, endDim = -1). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  forward(x: tf.Tensor): tf.Tensor {
    const end = this.endDim < 0 ? x.rank + this.endDim : this.endDim;
    const start = this.startDim < 0 ? x.rank + this.startDim : this.startDim;
    const shape = [...x.shape.slice(0, start), x.shape.slice(start, end + 1).reduce((a, d) => a * d, 1), ...x.shape.slice(end + 1)];
    return tf.reshape(x, shape);
  }
}
