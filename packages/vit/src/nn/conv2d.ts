import * as tf from '@tensorflow/tfjs-core';
import { fanInUniform, kaimingUniformA5 } from './init.js';
import type { Layout } from './layout.js';
import { checkSize } from './check.js';
import { Module } from './module.js';

export interface Conv2dOptions {
  stride?: number | [number, number];
  /** Zero padding on each side, as PyTorch's int / (h, w) padding, or 'valid' / 'same'. */
  padding?: number | [number, number] | 'valid' | 'same';
  dilation?: number | [number, number];
  bias?: boolean;
}

/** PyTorch's OIHW weight is held as tfjs' HWIO filter. */
const OIHW_AS_HWIO: Layout = {
  torchShape: ([h, w, i, o]) => [o!, i!, h!, w!],
  toTorch: (value) => tf.transpose(value, [3, 2, 0, 1]),
  fromTorch: (value) => tf.transpose(value, [2, 3, 1, 0]),
};

/**
 * nn.Conv2d on NCHW input (groups = 1). Note: tfjs-backend-wasm has no Conv2DBackpropFilter, so
 * the weight gradient is unavailable on wasm.
 */
export class Conv2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly dilation: [number, number];
  readonly padding: [number, number] | 'valid' | 'same';
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number | [number, number],
    { stride = 1, padding = 0, dilation = 1, bias = true }: Conv2dOptions = {}) {
    super();
    checkSize('inChannels', inChannels);
    checkSize('outChannels', outChannels);
    this.kernelSize = pair(kernelSize, 'kernelSize');
    this.stride = pair(stride, 'stride');
    this.dilation = pair(dilation, 'dilation');
    this.padding = padding === 'valid' || padding === 'same' ? padding : pair(padding, 'padding', 0);
    if (this.padding === 'same' && this.stride.some((s) => s !== 1)) throw new Error("Conv2d: padding='same' is not supported for strided convolutions");
    const [kh, kw] = this.kernelSize;
    const fanIn = inChannels * kh * kw;
    this.weight = this.addParameter('weight', () => tf.transpose(kaimingUniformA5([outChannels, inChannels, kh, kw], fanIn), [2, 3, 1, 0]), OIHW_AS_HWIO);
    this.bias = bias ? this.addParameter('bias', () => fanInUniform([outChannels], fanIn)) : undefined;
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      throw new Error(`Conv2d(${this.inChannels}, ${this.outChannels}): expected NCHW input with ${this.inChannels} channels, got [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const pad = typeof this.padding === 'string' ? this.padding
        : [[0, 0], [this.padding[0], this.padding[0]], [this.padding[1], this.padding[1]], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
      // tfjs backends agree on NHWC; PyTorch's NCHW is converted at the edges.
      const nhwc = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;
      let y: tf.Tensor = tf.conv2d(nhwc, this.weight as tf.Tensor4D, this.stride, pad, 'NHWC', this.dilation);
      if (this.bias !== undefined) y = tf.add(y, this.bias);
      return tf.transpose(y, [0, 3, 1, 2]);
    });
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize.join(', ')}), stride=(${this.stride.join(', ')})`;
  }
}

function pair(value: number | [number, number], name: string, min = 1): [number, number] {
  const p: [number, number] = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < min)) {
    throw new Error(`Conv2d: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`);
  }
  return [p[0], p[1]];
}
