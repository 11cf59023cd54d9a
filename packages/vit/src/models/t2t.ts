/**
 * vit-pytorch 1.23.6 `t2t.py` (Yuan et al., "Tokens-to-Token ViT"): the patch embedding is a stack
 * of soft splits (Unfold with overlap) each followed by a one-head vit.py Transformer on the
 * unfolded tokens (the last split by none), re-shaped to an image between splits; then a Linear to
 * `dim`, a class token and a vit.py Transformer. Keys as t2t.py: `to_patch_embedding.3.layers.0.0.to_qkv.weight`,
 * `to_patch_embedding.12.weight` (3 splits), `transformer.layers.0.1.net.1.weight`, `mlp_head.weight`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rearrange, rearrange, repeat } from '@vit/einops';
import { Sequential, type Layer } from '../nn/containers.js';
import { Dropout } from '../nn/dropout.js';
import { Identity } from '../nn/identity.js';
import { randn } from '../nn/init.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { Unfold } from '../nn/unfold.js';
import { positiveInteger } from './pair.js';
import { convOutputSize } from './pit.js';
import { Transformer } from './vit.js';

/** t2t.py's RearrangeImage: tokens [b, h·w, c] → image [b, c, h, w] with h = ⌊√n⌋. */
export class RearrangeImage extends Module {
  forward(x: tf.Tensor): tf.Tensor {
    return rearrange(x, 'b (h w) c -> b c h w', { h: Math.floor(Math.sqrt(x.shape[1]!)) });
  }
}

export interface T2TViTOptions {
  imageSize: number;
  /** 0: no `mlp_head` (forward returns the pooled representation). */
  numClasses: number;
  dim: number;
  depth?: number;
  heads?: number;
  mlpDim?: number;
  pool?: 'cls' | 'mean';
  channels?: number;
  dimHead?: number;
  dropout?: number;
  embDropout?: number;
  /** Replaces the built-in vit.py Transformer (then depth / heads / mlpDim are not needed). */
  transformer?: Layer;
  /** [kernel, stride] per soft split (padding stride / 2); default [[7, 4], [3, 2], [3, 2]]. */
  t2tLayers?: [number, number][];
}

export class T2TViT extends Module {
  readonly channels: number;
  readonly pool: 'cls' | 'mean';
  readonly dim: number;
  readonly toPatchEmbedding: Sequential;
  /** [1, outputSize² + 1, dim]. */
  readonly posEmbedding: tf.Variable;
  /** [1, 1, dim]. */
  readonly clsToken: tf.Variable;
  readonly dropout: Dropout;
  readonly transformer: Layer;
  readonly toLatent: Identity;
  #mlpHead: Linear | Identity;
  #numClasses: number;

  constructor({ imageSize, numClasses, dim, depth, heads, mlpDim, pool = 'cls', channels = 3, dimHead = 64, dropout = 0, embDropout = 0,
    transformer, t2tLayers = [[7, 4], [3, 2], [3, 2]] }: T2TViTOptions) {
    super();
    if (pool !== 'cls' && pool !== 'mean') throw new Error('pool type must be either cls (cls token) or mean (mean pooling)');
    positiveInteger(imageSize, 'imageSize');
    positiveInteger(numClasses, 'numClasses', 0);
    this.dim = positiveInteger(dim, 'dim');
    this.channels = positiveInteger(channels, 'channels');
    if (!Array.isArray(t2tLayers) || t2tLayers.length === 0) throw new Error('t2tLayers must be a non-empty list of [kernelSize, stride]');
    const layers: Layer[] = [];
    let layerDim = channels;
    let outputImageSize = imageSize;
    t2tLayers.forEach(([kernelSize, stride], i) => {
      positiveInteger(kernelSize, `t2tLayers[${i}] kernel size`);
      positiveInteger(stride, `t2tLayers[${i}] stride`);
      layerDim *= kernelSize ** 2;
      const isFirst = i === 0;
      const isLast = i === t2tLayers.length - 1;
      const padding = Math.floor(stride / 2);
      outputImageSize = convOutputSize(outputImageSize, kernelSize, stride, padding);
      layers.push(
        isFirst ? new Identity() : new RearrangeImage(),
        new Unfold(kernelSize, { stride, padding }),
        new Rearrange('b c n -> b n c'),
        isLast ? new Identity() : new Transformer(layerDim, 1, 1, layerDim, layerDim, dropout),
      );
    });
    layers.push(new Linear(layerDim, dim));
    this.toPatchEmbedding = this.addModule('to_patch_embedding', new Sequential(...layers));
    this.posEmbedding = this.addParameter('pos_embedding', () => randn([1, outputImageSize ** 2 + 1, dim]));
    this.clsToken = this.addParameter('cls_token', () => randn([1, 1, dim]));
    this.dropout = this.addModule('dropout', new Dropout(embDropout));
    if (transformer === undefined) {
      if (depth === undefined || heads === undefined || mlpDim === undefined) throw new Error('depth, heads, and mlp_dim must be supplied');
      this.transformer = this.addModule('transformer', new Transformer(dim, depth, heads, dimHead, mlpDim, dropout));
    } else {
      this.transformer = this.addModule('transformer', transformer as Module);
    }
    this.pool = pool;
    this.toLatent = this.addModule('to_latent', new Identity());
    this.#numClasses = numClasses;
    this.#mlpHead = this.addModule('mlp_head', this.#newHead(numClasses));
  }

  get numClasses(): number {
    return this.#numClasses;
  }

  #newHead(numClasses: number): Linear | Identity {
    return numClasses > 0 ? new Linear(this.dim, numClasses) : new Identity();
  }

  resetClassifier(numClasses: number): void {
    positiveInteger(numClasses, 'numClasses', 0);
    this.#mlpHead = this.replaceModule('mlp_head', this.#newHead(numClasses));
    this.#numClasses = numClasses;
  }

  /** The transformer's output [b, 1 + n, dim] (class token first). */
  forwardFeatures(img: tf.Tensor): tf.Tensor {
    if (img.rank !== 4 || img.shape[1] !== this.channels) throw new Error(`T2TViT: expected an image batch [b, ${this.channels}, h, w], got [${img.shape.join(', ')}]`);
    return tf.tidy(() => {
      let x = this.toPatchEmbedding.forward(img);
      const [b, n] = x.shape as [number, number];
      if (n + 1 > this.posEmbedding.shape[1]!) throw new Error(`T2TViT: ${n} tokens, more than the ${this.posEmbedding.shape[1]! - 1} position embeddings`);
      x = tf.concat([repeat(this.clsToken, '1 n d -> b n d', { b }), x], 1);
      x = tf.add(x, tf.slice(this.posEmbedding, [0, 0, 0], [1, n + 1, -1]));
      return this.transformer.forward(this.dropout.forward(x));
    });
  }

  /** Mean of the tokens or the class token, to_latent, mlp_head. */
  forwardHead(features: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      const [b, , d] = features.shape as [number, number, number];
      const pooled = this.pool === 'mean' ? tf.mean(features, 1) : tf.reshape(tf.slice(features, [0, 0, 0], [b, 1, d]), [b, d]);
      const latent = this.toLatent.forward(pooled);
      return preLogits ? latent : this.#mlpHead.forward(latent);
    });
  }

  /** img [b, channels, h, w] → logits [b, numClasses]. */
  forward(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(img)));
  }
}
