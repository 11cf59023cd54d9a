/**
 * vit-pytorch's `recorder.py`: runs the ViT and returns the post-softmax attention of every
 * `Attention` layer (vit.py's class, as in vit-pytorch) stacked as [b, depth, heads, n, n].
 */
import * as tf from '@tensorflow/tfjs-core';
import { alias } from '../ops/alias.js';
import { Module, type HookHandle } from '../nn/module.js';
import { Attention } from './vit.js';

/**
 * Ownership: `forward` returns `[logits, attns]`, both new tensors the caller disposes (`attns` is
 * null when the model has no vit.py `Attention` layer, e.g. SimpleViT, as in vit-pytorch). The
 * Recorder owns no model: `dispose()` / `eject()` only remove its hooks; the ViT stays the caller's.
 */
export class Recorder extends Module<[tf.Tensor], [tf.Tensor, tf.Tensor | null]> {
  #hooks: HookHandle[] = [];
  #recordings: tf.Tensor[] = [];
  #ejected = false;
  #running = false;

  constructor(readonly vit: Module & { readonly transformer: Module }) {
    super();
    this.addModule('vit', vit);
  }

  forward(img: tf.Tensor): [tf.Tensor, tf.Tensor | null] {
    if (this.#ejected) throw new Error('recorder has been ejected, cannot be used anymore');
    this.clear();
    if (this.#hooks.length === 0) this.#registerHooks();
    this.#running = true;
    try {
      const pred = this.vit.forward(img) as tf.Tensor;
      const attns = this.#recordings.length > 0 ? tf.stack(this.#recordings, 1) : null;
      return [pred, attns];
    } finally {
      this.#running = false;
      this.clear();
    }
  }

  #registerHooks(): void {
    for (const [, module] of this.vit.transformer.namedModules()) {
      if (!(module instanceof Attention)) continue;
      // The hook sees the softmax output inside the attention's tidy: keep a copy until forward stacks
      // it. Only this Recorder's own forward records, so using the ViT directly keeps nothing.
      this.#hooks.push(module.attend.registerForwardHook((_, __, attn) => {
        if (this.#running) this.#recordings.push(tf.keep(alias(attn)));
      }));
    }
  }

  /** Removes the hooks and returns the ViT, as vit-pytorch's `eject()`. */
  eject(): Module {
    this.#ejected = true;
    this.#hooks.forEach((h) => h.remove());
    this.#hooks = [];
    this.clear();
    return this.vit;
  }

  clear(): void {
    this.#recordings.forEach((t) => t.dispose());
    this.#recordings = [];
  }

  override dispose(): void {
    this.eject();
  }
}
