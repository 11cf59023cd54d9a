/**
 * vit-pytorch's `extractor.py`: runs the ViT and also returns the output (or the inputs) of one of
 * its layers, by default `transformer` (the token embeddings after the final LayerNorm).
 */
import * as tf from '@tensorflow/tfjs-core';
import { alias } from '../ops/alias.js';
import { Module, type AnyModule, type HookHandle } from '../nn/module.js';

export interface ExtractorOptions {
  /** The layer to read; default: the ViT's child named `layerName`. */
  layer?: AnyModule;
  layerName?: string;
  /** Return the layer's inputs (an array) instead of its output. */
  layerSaveInput?: boolean;
  returnEmbeddingsOnly?: boolean;
}

type Latents = tf.Tensor | tf.Tensor[];

/**
 * Ownership: `forward` returns `[pred, latents]` (or `latents` alone), new tensors the caller
 * disposes. The Extractor owns no model: `dispose()` / `eject()` only remove its hook.
 */
export class Extractor extends Module<[tf.Tensor, { returnEmbeddingsOnly?: boolean }?], [tf.Tensor, Latents] | Latents> {
  readonly layerName: string;
  readonly layerSaveInput: boolean;
  readonly returnEmbeddingsOnly: boolean;
  readonly #layer: AnyModule | undefined;
  #hook: HookHandle | undefined;
  #latents: tf.Tensor[] | undefined;
  #latentsWereArray = false;
  #ejected = false;
  #running = false;

  constructor(readonly vit: Module, { layer, layerName = 'transformer', layerSaveInput = false, returnEmbeddingsOnly = false }: ExtractorOptions = {}) {
    super();
    this.addModule('vit', vit);
    this.#layer = layer;
    this.layerName = layerName;
    this.layerSaveInput = layerSaveInput;
    this.returnEmbeddingsOnly = returnEmbeddingsOnly;
  }

  forward(img: tf.Tensor, { returnEmbeddingsOnly = false }: { returnEmbeddingsOnly?: boolean } = {}): [tf.Tensor, Latents] | Latents {
    if (this.#ejected) throw new Error('extractor has been ejected, cannot be used anymore');
    this.clear();
    if (this.#hook === undefined) this.#registerHook();
    let pred: tf.Tensor | undefined;
    this.#running = true;
    try {
      pred = this.vit.forward(img);
      if (this.#latents === undefined) throw new Error(`Extractor: layer '${this.layerName}' did not run during the forward pass`);
      // Hand out fresh (un-kept) handles, so they belong to the caller's tidy scope like any output.
      const copies = this.#latents.map((t) => alias(t));
      const latents = this.#latentsWereArray ? copies : copies[0]!;
      if (returnEmbeddingsOnly || this.returnEmbeddingsOnly) {
        pred.dispose();
        return latents;
      }
      return [pred, latents];
    } catch (err) {
      pred?.dispose();
      throw err;
    } finally {
      this.#running = false;
      this.clear();
    }
  }

  #registerHook(): void {
    let layer = this.#layer;
    if (layer === undefined) {
      const found = this.vit.namedChildren().find(([name]) => name === this.layerName)?.[1];
      if (!(found instanceof Module)) throw new Error(`layer whose output to take as embedding not found in vision transformer: '${this.layerName}'`);
      layer = found as AnyModule;
    }
    // Only this Extractor's own forward keeps latents, so using the ViT directly keeps nothing.
    this.#hook = layer.registerForwardHook((_, inputs, output) => {
      if (!this.#running) return;
      this.clear();
      const value = this.layerSaveInput ? inputs as unknown : output;
      this.#latentsWereArray = Array.isArray(value);
      const tensors = (Array.isArray(value) ? value : [value]).filter((t): t is tf.Tensor => t instanceof tf.Tensor);
      this.#latents = tensors.map((t) => tf.keep(alias(t)));
    });
  }

  /** Removes the hook and returns the ViT, as vit-pytorch's `eject()`. */
  eject(): Module {
    this.#ejected = true;
    this.#hook?.remove();
    this.#hook = undefined;
    this.clear();
    return this.vit;
  }

  clear(): void {
    this.#latents?.forEach((t) => t.dispose());
    this.#latents = undefined;
  }

  override dispose(): void {
    this.eject();
  }
}
