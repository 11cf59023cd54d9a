/**
 * How a parameter's `tf.Variable` is laid out compared with PyTorch's state-dict layout.
 * A variable may hold a faster layout (a Linear weight as [in, out], so WASM's XNNPACK fast path
 * sees an un-transposed 2-D matMul); `stateDict()` / `loadStateDict()` convert through the layout.
 */
import * as tf from '@tensorflow/tfjs-core';
import { alias } from '../ops/alias.js';

export interface Layout {
  /** PyTorch's shape for a variable of `shape`. */
  torchShape(shape: readonly number[]): number[];
  /** A new tensor in PyTorch's layout. */
  toTorch(value: tf.Tensor): tf.Tensor;
  /** A new tensor in the variable's layout. */
  fromTorch(value: tf.Tensor): tf.Tensor;
}

/** The variable is stored exactly as PyTorch stores it. */
export const AS_IS: Layout = {
  torchShape: (shape) => [...shape],
  toTorch: (value) => alias(value),
  fromTorch: (value) => alias(value),
};

/** A 2-D variable stored transposed: PyTorch (out, in) is held as [in, out]. */
export const TRANSPOSED: Layout = {
  torchShape: (shape) => [...shape].reverse(),
  toTorch: (value) => tf.transpose(value),
  fromTorch: (value) => tf.transpose(value),
};
