/** nn.Sequential and nn.ModuleList: children registered as '0', '1', ... as PyTorch names them. */
import * as tf from '@tensorflow/tfjs-core';
import type { EinopsLayer } from '@vit/einops';
import { Module, type Child } from './module.js';

/** A child that maps one tensor to one tensor. */
export type Layer = Module<[tf.Tensor], tf.Tensor> | EinopsLayer;

export class Sequential extends Module {
  readonly #layers: Layer[] = [];

  constructor(...layers: Layer[]) {
    super();
    layers.forEach((layer) => this.append(layer));
  }

  append(layer: Layer): this {
    this.addModule(String(this.#layers.length), layer as Child);
    this.#layers.push(layer);
    return this;
  }

  at(index: number): Layer {
    const layer = this.#layers.at(index);
    if (layer === undefined) throw new RangeError(`Sequential index ${index} out of range (length ${this.#layers.length})`);
    return layer;
  }

  get length(): number {
    return this.#layers.length;
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (this.#layers.length === 0) return tf.clone(x);
    return tf.tidy(() => this.#layers.reduce((h, layer) => layer.forward(h), x));
  }
}

export class ModuleList<T extends Child = Child> extends Module<never[], never> {
  readonly #items: T[] = [];

  constructor(items: Iterable<T> = []) {
    super();
    for (const item of items) this.append(item);
  }

  append(item: T): this {
    this.addModule(String(this.#items.length), item);
    this.#items.push(item);
    return this;
  }

  at(index: number): T {
    const item = this.#items.at(index);
    if (item === undefined) throw new RangeError(`ModuleList index ${index} out of range (length ${this.#items.length})`);
    return item;
  }

  get length(): number {
    return this.#items.length;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.#items[Symbol.iterator]();
  }

  /** As in PyTorch, a ModuleList is a container, not a layer. */
  forward(): never {
    throw new Error('ModuleList is a container and has no forward(); iterate over it instead');
  }
}
