/**
 * vit-pytorch's DistillableViT: a ViT whose forward can take a distillation token, appended after
 * the class and patch tokens (with no position embedding), carried through the transformer and
 * returned beside the logits after it is removed again before pooling.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ViT, type ViTOptions } from '@vit/core';
import { rearrange, repeat } from '@vit/einops';

export interface DistillOptions {
  /** A [1, dim] token (DistillWrapper's `distillation_token`). */
  distillToken: tf.Tensor;
}

export class DistillableViT extends ViT {
  readonly options: Readonly<ViTOptions>;
  readonly dim: number;
  readonly numClasses: number;

  constructor(options: ViTOptions) {
    super(options);
    if (!(options.numClasses > 0)) throw new Error('DistillableViT: numClasses must be positive (the distillation head needs classes)');
    this.options = { ...options };
    this.dim = options.dim;
    this.numClasses = options.numClasses;
  }

  /** Logits; with `{ distillToken }`, `[logits, distillTokenOut]` where distillTokenOut is [b, dim]. */
  override forward(img: tf.Tensor): tf.Tensor;
  override forward(img: tf.Tensor, options: DistillOptions): [tf.Tensor, tf.Tensor];
  override forward(img: tf.Tensor, options?: DistillOptions): tf.Tensor | [tf.Tensor, tf.Tensor] {
    if (options?.distillToken === undefined) return super.forward(img);
    const token = options.distillToken;
    if (!(token instanceof tf.Tensor) || token.rank !== 2 || token.shape[0] !== 1 || token.shape[1] !== this.dim) {
      throw new Error(`DistillableViT: distillToken must be a [1, ${this.dim}] tensor, got ${token instanceof tf.Tensor ? `[${token.shape.join(', ')}]` : typeof token}`);
    }
    if (img.rank !== 4) throw new Error(`DistillableViT: expected an NCHW image batch [b, c, h, w], got [${img.shape.join(', ')}]`);
    return tf.tidy(() => {
      const batch = img.shape[0]!;
      let x = this.embedPatches(img);
      const patches = x.shape[1]! - this.clsToken.shape[0]!;
      // `x += pos_embedding[:(n + 1)]`, n = number of patches, exactly as vit-pytorch writes it.
      const posRows = Math.min(patches + 1, this.posEmbedding.shape[0]!);
      if (posRows !== x.shape[1]) {
        throw new Error(`DistillableViT: ${x.shape[1]} tokens but pos_embedding[:${patches + 1}] has ${posRows} rows ` +
          '(vit-pytorch fails the same way for mean pooling on smaller images)');
      }
      x = tf.add(x, tf.slice(this.posEmbedding, [0, 0], [posRows, -1]));
      x = tf.concat([x, repeat(token, 'n d -> b n d', { b: batch })], 1);
      x = this.transformer.forward(this.dropout.forward(x));
      const seq = x.shape[1]!;
      const tokens = tf.slice(x, [0, 0, 0], [-1, seq - 1, -1]);
      const distillTokenOut = rearrange(tf.slice(x, [0, seq - 1, 0], [-1, 1, -1]), 'b 1 d -> b d');
      return [this.classify(tokens), distillTokenOut] as [tf.Tensor, tf.Tensor];
    });
  }

  /** A plain ViT with this model's weights (vit-pytorch's `to_vit`). */
  toVit(): ViT {
    const vit = new ViT(this.options);
    const state = this.stateDict();
    try {
      vit.loadStateDict(state);
    } finally {
      tf.dispose(Object.values(state));
    }
    return vit.train(this.training);
  }
}
