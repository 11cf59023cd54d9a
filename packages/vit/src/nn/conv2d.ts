import * as tf from '@tensorflow/tfjs-core';
import { fanInUniform, kaimingUniformA5 } from './init.js';
import type { Layout } from './layout.js';
import { checkSize } from './check.js';
import { conv2dGrouped } from '../ops/conv2d.js';
import { Module } from './module.js';

export interface Conv2dOptions {
  stride?: number | [number, number];
  /** Zero padding on each side, as PyTorch's int / (h, w) padding, or 'valid' / 'same'. */
  padding?: number | [number, number] | 'valid' | 'same';
  dilation?: number | [number, number];
  bias?: boolean;
  /** Channel groups (PyTorch's `groups`): groups = inChannels is a depthwise convolution. */
  groups?: number;
}

/** PyTorch's OIHW weight is held as tfjs' HWIO filter. */
const OIHW_AS_HWIO: Layout = {
  torchShape: ([h, w, i, o]) => [o!, i!, h!, w!],
  toTorch: (value) => tf.transpose(value, [3, 2, 0, 1]),
  fromTorch: (value) => tf.transpose(value, [2, 3, 1, 0]),
};

/**
 * nn.Conv2d on NCHW input, with `groups` (depthwise when groups = inChannels). The weight is
 * (out, in / groups, kh, kw) in the state dict. Gradients run on every backend, WASM included
 * (ops/conv2d.ts writes them from im2col and 2-D matMuls).
 */
export class Conv2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly dilation: [number, number];
  readonly padding: [number, number] | 'valid' | 'same';
  readonly groups: number;
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number | [number, number],
    { stride = 1, padding = 0, dilation = 1, bias = true, groups = 1 }: Conv2dOptions = {}) {
    super();
    checkSize('inChannels', inChannels);
    checkSize('outChannels', outChannels);
    this.kernelSize = pair(kernelSize, 'kernelSize');
    this.stride = pair(stride, 'stride');
    this.dilation = pair(dilation, 'dilation');
    this.padding = padding === 'valid' || padding === 'same' ? padding : pair(padding, 'padding', 0);
    if (this.padding === 'same' && this.stride.some((s) => s !== 1)) throw new Error("Conv2d: padding='same' is not supported for strided convolutions");
    if (!Number.isInteger(groups) || groups < 1) throw new Error(`Conv2d: groups must be a positive integer, got ${groups}`);
    if (inChannels % groups !== 0) throw new Error('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new Error('out_channels must be divisible by groups');
    this.groups = groups;
    const [kh, kw] = this.kernelSize;
    const fanIn = (inChannels / groups) * kh * kw;
    this.weight = this.addParameter('weight', () => tf.transpose(kaimingUniformA5([outChannels, inChannels / groups, kh, kw], fanIn), [2, 3, 1, 0]), OIHW_AS_HWIO);
    this.bias = bias ? this.addParameter('bias', () => fanInUniform([outChannels], fanIn)) : undefined;
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.inChannels) {
      throw new Error(`Conv2d(${this.inChannels}, ${this.outChannels}): expected NCHW input with ${this.inChannels} channels, got [${x.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      // tfjs backends agree on NHWC; PyTorch's NCHW is converted at the edges.
      const nhwc = tf.transpose(x, [0, 2, 3, 1]);
      let y = conv2dGrouped(nhwc, this.weight, { kernel: this.kernelSize, stride: this.stride, dilation: this.dilation, padding: this.#explicitPadding() }, this.groups);
      if (this.bias !== undefined) y = tf.add(y, this.bias);
      return tf.transpose(y, [0, 3, 1, 2]);
    });
  }

  /** [top, bottom, left, right]; 'same' puts the odd pixel at the bottom / right, as PyTorch does. */
  #explicitPadding(): [number, number, number, number] {
    if (this.padding === 'valid') return [0, 0, 0, 0];
    if (this.padding === 'same') {
      const [th, tw] = [0, 1].map((a) => this.dilation[a]! * (this.kernelSize[a]! - 1)) as [number, number];
      return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
    }
    return [this.padding[0], this.padding[0], this.padding[1], this.padding[1]];
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize.join(', ')}), stride=(${this.stride.join(', ')})${this.groups === 1 ? '' : `, groups=${this.groups}`}`;
  }
}

function pair(value: number | [number, number], name: string, min = 1): [number, number] {
  const p: [number, number] = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < min)) {
    throw new Error(`Conv2d: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`);
  }
  return [p[0], p[1]];
}
