/**
 * vit-pytorch 1.23.6 `simple_vit.py` (Beyer et al., "Better plain ViT baselines"): fixed 2-D sincos
 * position embedding (not a parameter), no class token, mean pooling, bias-free attention output,
 * no dropout, `linear_head`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rearrange, reduce } from '@vit/einops';
import { Sequential } from '../nn/containers.js';
import { GELU } from '../nn/gelu.js';
import { Identity } from '../nn/identity.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { Softmax } from '../nn/softmax.js';
import { AttentionBase } from './attention-base.js';
import { checkImage } from './image.js';
import { pair, positiveInteger } from './pair.js';
import { TransformerBase } from './transformer-base.js';

/**
 * posemb_sincos_2d(h, w, dim): [h·w, dim], rows in (h w) order, columns
 * [sin(x·ω), cos(x·ω), sin(y·ω), cos(y·ω)] with ω_i = temperature^-(i/(dim/4 - 1)).
 * Computed step by step in float32, as PyTorch does.
 */
export function posembSincos2d(h: number, w: number, dim: number, temperature = 10000): tf.Tensor2D {
  if (dim % 4 !== 0) throw new Error('feature dimension must be multiple of 4 for sincos emb');
  const f = Math.fround;
  const quarter = dim / 4;
  const omega = Array.from({ length: quarter }, (_, i) => f(1 / f(temperature ** f(i / (quarter - 1)))));
  const values = new Float32Array(h * w * dim);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const row = (y * w + x) * dim;
      for (let i = 0; i < quarter; i++) {
        const xo = f(x * omega[i]!);
        const yo = f(y * omega[i]!);
        values[row + i] = Math.sin(xo);
        values[row + quarter + i] = Math.cos(xo);
        values[row + 2 * quarter + i] = Math.sin(yo);
        values[row + 3 * quarter + i] = Math.cos(yo);
      }
    }
  }
  return tf.tensor2d(values, [h * w, dim]);
}

class FeedForward extends Module {
  readonly net: Sequential;

  constructor(dim: number, hiddenDim: number) {
    super();
    this.net = this.addModule('net', new Sequential(new LayerNorm(dim), new Linear(dim, hiddenDim), new GELU(), new Linear(hiddenDim, dim)));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.net.forward(x);
  }
}

class Attention extends AttentionBase {
  readonly heads: number;
  readonly scale: number;
  readonly norm: LayerNorm;
  readonly attend: Softmax;
  readonly dropout = undefined;
  readonly toQkv: Linear;
  readonly toOut: Linear;

  constructor(dim: number, heads = 8, dimHead = 64) {
    super();
    positiveInteger(heads, 'heads');
    positiveInteger(dimHead, 'dimHead');
    const innerDim = dimHead * heads;
    this.heads = heads;
    this.scale = dimHead ** -0.5;
    this.norm = this.addModule('norm', new LayerNorm(dim));
    this.attend = this.addModule('attend', new Softmax(-1));
    this.toQkv = this.addModule('to_qkv', new Linear(dim, innerDim * 3, { bias: false }));
    this.toOut = this.addModule('to_out', new Linear(innerDim, dim, { bias: false }));
  }
}

class Transformer extends TransformerBase<Attention, FeedForward> {
  constructor(dim: number, depth: number, heads: number, dimHead: number, mlpDim: number) {
    positiveInteger(depth, 'depth', 0);
    super(dim, Array.from({ length: depth }, () => [new Attention(dim, heads, dimHead), new FeedForward(dim, mlpDim)]));
  }
}

export interface SimpleViTOptions {
  imageSize: number | [number, number];
  patchSize: number | [number, number];
  numClasses: number;
  dim: number;
  depth: number;
  heads: number;
  mlpDim: number;
  channels?: number;
  dimHead?: number;
}

export class SimpleViT extends Module {
  readonly imageSize: [number, number];
  readonly patchSize: [number, number];
  readonly channels: number;
  readonly pool = 'mean';
  readonly toPatchEmbedding: Sequential;
  /** Fixed [numPatches, dim] sincos embedding: owned by the model, not a parameter, not in the state dict. */
  readonly posEmbedding: tf.Tensor2D;
  readonly transformer: TransformerBase<Attention, FeedForward>;
  readonly toLatent: Identity;
  readonly linearHead: Linear;

  constructor({ imageSize, patchSize, numClasses, dim, depth, heads, mlpDim, channels = 3, dimHead = 64 }: SimpleViTOptions) {
    super();
    const [imageHeight, imageWidth] = (this.imageSize = pair(imageSize, 'imageSize'));
    const [patchHeight, patchWidth] = (this.patchSize = pair(patchSize, 'patchSize'));
    if (imageHeight % patchHeight !== 0 || imageWidth % patchWidth !== 0) throw new Error('Image dimensions must be divisible by the patch size.');
    positiveInteger(numClasses, 'numClasses', 0);
    this.channels = positiveInteger(channels, 'channels');
    const patchDim = channels * patchHeight * patchWidth;

    this.toPatchEmbedding = this.addModule('to_patch_embedding', new Sequential(
      new Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', { p1: patchHeight, p2: patchWidth }),
      new LayerNorm(patchDim), new Linear(patchDim, dim), new LayerNorm(dim),
    ));
    this.posEmbedding = this.own(posembSincos2d(imageHeight / patchHeight, imageWidth / patchWidth, dim));
    this.transformer = this.addModule('transformer', new Transformer(dim, depth, heads, dimHead, mlpDim));
    this.toLatent = this.addModule('to_latent', new Identity());
    this.linearHead = this.addModule('linear_head', new Linear(dim, numClasses));
  }

  forward(img: tf.Tensor): tf.Tensor {
    checkImage(img, this.channels, this.patchSize, this.posEmbedding.shape[0], 'SimpleViT');
    const [, , h, w] = img.shape;
    if (h !== this.imageSize[0] || w !== this.imageSize[1]) {
      throw new Error(`SimpleViT: its sincos position embedding is fixed to ${this.imageSize.join('x')} images, got ${h}x${w}`);
    }
    return tf.tidy(() => {
      let x = this.toPatchEmbedding.forward(img);
      x = tf.add(x, this.posEmbedding);
      x = this.transformer.forward(x);
      x = reduce(x, 'b n d -> b d', 'mean');
      return this.linearHead.forward(this.toLatent.forward(x));
    });
  }
}
