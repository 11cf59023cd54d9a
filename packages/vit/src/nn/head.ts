/**
 * A classifier head that is an nn.Sequential in PyTorch (`mlp_head = nn.Sequential(LayerNorm,
 * Linear)`): children '0', '1', ... as Sequential registers them, plus what registry models need,
 * running the layers before the classifier (pre-logits) and replacing the classifier.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Layer } from './containers.js';
import { Module, type Child } from './module.js';

export class SequentialHead extends Module {
  readonly #layers: Layer[] = [];

  constructor(...layers: Layer[]) {
    super();
    layers.forEach((layer, i) => this.#layers.push(this.addModule(String(i), layer as Child) as Layer));
  }

  at(index: number): Layer {
    const layer = this.#layers.at(index);
    if (layer === undefined) throw new RangeError(`SequentialHead index ${index} out of range (length ${this.#layers.length})`);
    return layer;
  }

  get length(): number {
    return this.#layers.length;
  }

  /** Replaces layer `index` (disposing the old one), keeping its state-dict key. */
  replace(index: number, layer: Layer): void {
    this.at(index);
    this.replaceModule(String(index), layer as Child);
    this.#layers[index < 0 ? this.#layers.length + index : index] = layer;
  }

  /** Runs layers [start, end) (negative: from the back): `forwardUntil(x, -1)` gives the pre-logits. */
  forwardUntil(x: tf.Tensor, end: number, start = 0): tf.Tensor {
    return tf.tidy(() => this.#layers.slice(start, end).reduce((h, layer) => layer.forward(h), tf.reshape(x, x.shape)));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.forwardUntil(x, this.#layers.length);
  }
}
