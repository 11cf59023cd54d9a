/**
 * Gradient accumulation: sum the gradients of several micro-batches, then step once with their mean
 * (the gradient of the mean loss over the whole batch, when micro-batches are equal in size).
 */
import * as tf from '@tensorflow/tfjs-core';
import { alias } from '../ops/alias.js';
import type { NamedTensors } from './grads.js';

export class GradientAccumulator {
  #sums = new Map<string, tf.Tensor>();
  #count = 0;

  /** Adds one micro-batch's gradients (they stay the caller's). */
  add(grads: NamedTensors): void {
    for (const [name, grad] of Object.entries(grads)) {
      const previous = this.#sums.get(name);
      if (previous !== undefined && !sameShape(previous.shape, grad.shape)) {
        throw new Error(`GradientAccumulator: '${name}' has shape [${grad.shape}], previously [${previous.shape}]`);
      }
      // The first micro-batch's gradient is held as a handle on the same data (tensors are immutable),
      // not a copy: with one micro-batch per step, as by default, nothing is copied at all.
      this.#sums.set(name, tf.keep(previous === undefined ? alias(grad) : tf.add(previous, grad)));
      previous?.dispose();
    }
    this.#count += 1;
  }

  /** Number of micro-batches added since the last reset. */
  get count(): number {
    return this.#count;
  }

  /** The mean gradients as new tensors the caller owns. */
  mean(): NamedTensors {
    if (this.#count === 0) throw new Error('GradientAccumulator.mean: no gradients added');
    const out: NamedTensors = {};
    for (const [name, sum] of this.#sums) out[name] = this.#count === 1 ? alias(sum) : tf.div(sum, this.#count);
    return out;
  }

  /** Frees the sums and starts over. */
  reset(): void {
    for (const t of this.#sums.values()) t.dispose();
    this.#sums.clear();
    this.#count = 0;
  }

  dispose(): void {
    this.reset();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
