import type * as tf from '@tensorflow/tfjs-core';
import { alias } from '../ops/alias.js';
import { Module } from './module.js';

/** nn.Identity. Returns a new tensor sharing x's data, so the output is the caller's to dispose like any other. */
export class Identity extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return alias(x);
  }
}
