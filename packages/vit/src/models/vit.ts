/**
 * vit-pytorch 1.23.6 `vit.py`: FeedForward, Attention, Transformer and ViT, with the same
 * submodule names (and so the same state-dict keys) and the same forward computation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rearrange, reduce, repeat, rearrange } from '@vit/einops';
import { Sequential, type Layer } from '../nn/containers.js';
import { Dropout } from '../nn/dropout.js';
import { GELU } from '../nn/gelu.js';
import { Identity } from '../nn/identity.js';
import { randn } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { Softmax } from '../nn/softmax.js';
import { AttentionBase } from './attention-base.js';
import { checkImage } from './image.js';
import { pair, positiveInteger } from './pair.js';
import { TransformerBase } from './transformer-base.js';

/** LayerNorm → Linear → GELU → Dropout → Linear → Dropout (`net.0` ... `net.5`). */
export class FeedForward extends Module {
  readonly net: Sequential;

  constructor(dim: number, hiddenDim: number, dropout = 0) {
    super();
    this.net = this.addModule('net', new Sequential(
      new LayerNorm(dim), new Linear(dim, hiddenDim), new GELU(), new Dropout(dropout), new Linear(hiddenDim, dim), new Dropout(dropout),
    ));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.net.forward(x);
  }
}

export interface AttentionOptions {
  heads?: number;
  dimHead?: number;
  dropout?: number;
}

/** Pre-norm multi-head self-attention; `to_out` is Linear + Dropout unless heads = 1 and dimHead = dim (then Identity). */
export class Attention extends AttentionBase {
  readonly heads: number;
  readonly scale: number;
  readonly norm: LayerNorm;
  readonly attend: Softmax;
  readonly dropout: Dropout;
  readonly toQkv: Linear;
  readonly toOut: Layer;

  constructor(dim: number, { heads = 8, dimHead = 64, dropout = 0 }: AttentionOptions = {}) {
    super();
    positiveInteger(heads, 'heads');
    positiveInteger(dimHead, 'dimHead');
    const innerDim = dimHead * heads;
    const projectOut = !(heads === 1 && dimHead === dim);
    this.heads = heads;
    this.scale = dimHead ** -0.5;
    this.norm = this.addModule('norm', new LayerNorm(dim));
    this.attend = this.addModule('attend', new Softmax(-1));
    this.dropout = this.addModule('dropout', new Dropout(dropout));
    this.toQkv = this.addModule('to_qkv', new Linear(dim, innerDim * 3, { bias: false }));
    this.toOut = this.addModule('to_out', projectOut ? new Sequential(new Linear(innerDim, dim), new Dropout(dropout)) : new Identity());
  }
}

/** `depth` layers of (Attention, FeedForward) as `layers.<i>.0` / `layers.<i>.1`, then `norm`. */
export class Transformer extends TransformerBase<Attention, FeedForward> {
  constructor(dim: number, depth: number, heads: number, dimHead: number, mlpDim: number, dropout = 0) {
    positiveInteger(depth, 'depth', 0);
    super(dim, Array.from({ length: depth }, () => [new Attention(dim, { heads, dimHead, dropout }), new FeedForward(dim, mlpDim, dropout)]));
  }
}

export interface ViTOptions {
  imageSize: number | [number, number];
  patchSize: number | [number, number];
  /** 0: no `mlp_head`; forward returns the transformer's token sequence [b, n, dim]. */
  numClasses: number;
  dim: number;
  depth: number;
  heads: number;
  mlpDim: number;
  /** 'cls' pools the class token; 'mean' averages the tokens and has a zero-size `cls_token` [0, dim]. */
  pool?: 'cls' | 'mean';
  channels?: number;
  dimHead?: number;
  dropout?: number;
  embDropout?: number;
}

export class ViT extends Module {
  readonly imageSize: [number, number];
  readonly patchSize: [number, number];
  readonly channels: number;
  readonly pool: 'cls' | 'mean';
  readonly toPatchEmbedding: Sequential;
  /** [1, dim], or [0, dim] with mean pooling. */
  readonly clsToken: tf.Variable;
  /** [numPatches + numClsTokens, dim]. */
  readonly posEmbedding: tf.Variable;
  readonly dropout: Dropout;
  readonly transformer: Transformer;
  readonly toLatent: Identity;
  readonly mlpHead: Linear | undefined;

  constructor({ imageSize, patchSize, numClasses, dim, depth, heads, mlpDim, pool = 'cls', channels = 3, dimHead = 64, dropout = 0, embDropout = 0 }: ViTOptions) {
    super();
    const [imageHeight, imageWidth] = (this.imageSize = pair(imageSize, 'imageSize'));
    const [patchHeight, patchWidth] = (this.patchSize = pair(patchSize, 'patchSize'));
    if (imageHeight % patchHeight !== 0 || imageWidth % patchWidth !== 0) throw new Error('Image dimensions must be divisible by the patch size.');
    if (pool !== 'cls' && pool !== 'mean') throw new Error('pool type must be either cls (cls token) or mean (mean pooling)');
    positiveInteger(numClasses, 'numClasses', 0);
    positiveInteger(dim, 'dim');
    this.channels = positiveInteger(channels, 'channels');
    this.pool = pool;
    const numPatches = (imageHeight / patchHeight) * (imageWidth / patchWidth);
    const patchDim = channels * patchHeight * patchWidth;
    const numClsTokens = pool === 'cls' ? 1 : 0;

    this.toPatchEmbedding = this.addModule('to_patch_embedding', new Sequential(
      new Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', { p1: patchHeight, p2: patchWidth }),
      new LayerNorm(patchDim), new Linear(patchDim, dim), new LayerNorm(dim),
    ));
    this.clsToken = this.addParameter('cls_token', () => randn([numClsTokens, dim]));
    this.posEmbedding = this.addParameter('pos_embedding', () => randn([numPatches + numClsTokens, dim]));
    this.dropout = this.addModule('dropout', new Dropout(embDropout));
    this.transformer = this.addModule('transformer', new Transformer(dim, depth, heads, dimHead, mlpDim, dropout));
    this.toLatent = this.addModule('to_latent', new Identity());
    this.mlpHead = numClasses > 0 ? this.addModule('mlp_head', new Linear(dim, numClasses)) : undefined;
  }

  /** img [b, channels, h, w] float32 → logits [b, numClasses] (or tokens [b, n, dim] when numClasses is 0). */
  forward(img: tf.Tensor): tf.Tensor {
    checkImage(img, this.channels, this.patchSize, this.posEmbedding.shape[0]! - this.clsToken.shape[0]!, 'ViT');
    return tf.tidy(() => {
      let x = this.embedPatches(img);
      const seq = x.shape[1]!;
      // Smaller images use the first rows of the position embedding (`pos_embedding[:seq]`).
      x = tf.add(x, tf.slice(this.posEmbedding, [0, 0], [seq, -1]));
      x = this.dropout.forward(x);
      x = this.transformer.forward(x);
      return this.mlpHead === undefined ? x : this.classify(x);
    });
  }

  /** Patch embeddings [b, n, dim] with the class token in front, before the position embedding. */
  protected embedPatches(img: tf.Tensor): tf.Tensor {
    const x = this.toPatchEmbedding.forward(img);
    // vit-pytorch also concatenates the (0, dim) token of mean pooling: a no-op, skipped.
    if (this.clsToken.shape[0]! === 0) return x;
    return tf.concat([repeat(this.clsToken, '... d -> b ... d', { b: img.shape[0]! }), x], 1);
  }

  /** The transformer's tokens pooled (class token or mean) through `to_latent` and `mlp_head`: logits. */
  protected classify(tokens: tf.Tensor): tf.Tensor {
    const pooled = this.pool === 'mean' ? reduce(tokens, 'b n d -> b d', 'mean') : rearrange(tf.slice(tokens, [0, 0, 0], [-1, 1, -1]), 'b 1 d -> b d');
    return this.mlpHead!.forward(this.toLatent.forward(pooled));
  }
}
