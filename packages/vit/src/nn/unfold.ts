import * as tf from '@tensorflow/tfjs-core';
import { planWindows, windows } from '../ops/windows.js';
import { Module } from './module.js';

type Size = number | [number, number];

export interface UnfoldOptions {
  dilation?: Size;
  padding?: Size;
  stride?: Size;
}

function pairOf(value: Size, name: string, min: number): [number, number] {
  const p = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < min)) {
    throw new Error(`Unfold: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`);
  }
  return [p[0]!, p[1]!];
}

/**
 * nn.Unfold (im2col): NCHW [b, c, h, w] → [b, c·kh·kw, L], rows in PyTorch's order (channel-major,
 * then kernel row, kernel column), L = outH·outW sliding blocks in row-major order. Built from
 * slices and pads, so its gradient runs on every backend.
 */
export class Unfold extends Module {
  readonly kernelSize: [number, number];
  readonly dilation: [number, number];
  readonly padding: [number, number];
  readonly stride: [number, number];

  constructor(kernelSize: Size, { dilation = 1, padding = 0, stride = 1 }: UnfoldOptions = {}) {
    super();
    this.kernelSize = pairOf(kernelSize, 'kernelSize', 1);
    this.dilation = pairOf(dilation, 'dilation', 1);
    this.padding = pairOf(padding, 'padding', 0);
    this.stride = pairOf(stride, 'stride', 1);
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4) throw new Error(`Unfold: expected a 4-D input [b, c, h, w], got [${x.shape.join(', ')}]`);
    const [b, c, h, w] = x.shape as [number, number, number, number];
    const [ph, pw] = this.padding;
    const plan = planWindows(h, w, { kernel: this.kernelSize, stride: this.stride, dilation: this.dilation, padding: [ph, ph, pw, pw] });
    return tf.tidy(() => {
      const k = this.kernelSize[0] * this.kernelSize[1];
      const cols = tf.stack(windows(tf.transpose(x, [0, 2, 3, 1]), plan), 4); // [b, oh, ow, c, k]
      return tf.reshape(tf.transpose(cols, [0, 3, 4, 1, 2]), [b, c * k, plan.outHeight * plan.outWidth]);
    });
  }

  protected override extraRepr(): string {
    return `kernel_size=(${this.kernelSize.join(', ')}), dilation=(${this.dilation.join(', ')}), padding=(${this.padding.join(', ')}), stride=(${this.stride.join(', ')})`;
  }
}
