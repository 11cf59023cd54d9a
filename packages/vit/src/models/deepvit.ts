/**
 * vit-pytorch 1.23.6 `deepvit.py`: DeepViT (Zhou et al. 2021), a ViT whose attention maps are
 * re-mixed across heads after the softmax ("re-attention": a learnt heads × heads matrix, then a
 * LayerNorm over the heads). Same submodule names, so the same state-dict keys, and the same forward.
 *
 * Also home of `MlpHead`, vit-pytorch's `nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, classes))`
 * classifier, shared with CaiT and CrossViT.
 */
import * as tf from '@tensorflow/tfjs-core';
import { einsum, Rearrange, rearrange, reduce, repeat } from '@vit/einops';
import { Sequential } from '../nn/containers.js';
import { ModuleList } from '../nn/containers.js';
import { Dropout } from '../nn/dropout.js';
import { Identity } from '../nn/identity.js';
import { randn } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { chunk } from '../ops/chunk.js';
import { matmul } from '../ops/matmul.js';
import { checkImage } from './image.js';
import { pair, positiveInteger } from './pair.js';
import { FeedForward } from './vit.js';

/**
 * `mlp_head = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, num_classes))` (keys `0.*`, `1.*`).
 * With 0 classes `1` is an Identity (no keys): the head returns the normalised features.
 */
export class MlpHead extends Module {
  readonly norm: LayerNorm;
  #fc: Linear | Identity;

  constructor(readonly dim: number, numClasses: number) {
    super();
    positiveInteger(numClasses, 'numClasses', 0);
    this.norm = this.addModule('0', new LayerNorm(dim));
    this.#fc = this.addModule('1', numClasses > 0 ? new Linear(dim, numClasses) : new Identity());
  }

  get numClasses(): number {
    return this.#fc instanceof Linear ? this.#fc.outFeatures : 0;
  }

  /** A new, freshly initialised Linear for `numClasses` (0: Identity); the old one is disposed. */
  reset(numClasses: number): void {
    positiveInteger(numClasses, 'numClasses', 0);
    this.#fc = this.replaceModule('1', numClasses > 0 ? new Linear(this.dim, numClasses) : new Identity());
  }

  /** x [b, dim] → logits [b, numClasses]; `preLogits`: only the LayerNorm. */
  forward(x: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    if (preLogits) return this.norm.forward(x);
    return tf.tidy(() => this.#fc.forward(this.norm.forward(x)));
  }
}

/** Pre-norm attention with re-attention: softmax, dropout, head mixing `reattn_weights`, LayerNorm over heads. */
export class ReAttention extends Module {
  readonly heads: number;
  readonly scale: number;
  readonly reattnWeights: tf.Variable;
  readonly norm: LayerNorm;
  readonly toQkv: Linear;
  readonly dropout: Dropout;
  readonly reattnNorm: Sequential;
  readonly toOut: Sequential;

  constructor(dim: number, { heads = 8, dimHead = 64, dropout = 0 }: { heads?: number; dimHead?: number; dropout?: number } = {}) {
    super();
    positiveInteger(heads, 'heads');
    positiveInteger(dimHead, 'dimHead');
    const innerDim = dimHead * heads;
    this.heads = heads;
    this.scale = dimHead ** -0.5;
    this.norm = this.addModule('norm', new LayerNorm(dim));
    this.toQkv = this.addModule('to_qkv', new Linear(dim, innerDim * 3, { bias: false }));
    this.dropout = this.addModule('dropout', new Dropout(dropout));
    this.reattnWeights = this.addParameter('reattn_weights', () => randn([heads, heads]));
    this.reattnNorm = this.addModule('reattn_norm', new Sequential(
      new Rearrange('b h i j -> b i j h'), new LayerNorm(heads), new Rearrange('b i j h -> b h i j'),
    ));
    this.toOut = this.addModule('to_out', new Sequential(new Linear(innerDim, dim), new Dropout(dropout)));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const h = this.norm.forward(x);
      const [q, k, v] = chunk(this.toQkv.forward(h), 3).map((t) => rearrange(t, 'b n (h d) -> b h n d', { h: this.heads })) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const dots = tf.mul(matmul(q, k, { transposeB: true }), this.scale);
      let attn = this.dropout.forward(tf.softmax(dots));
      // re-attention
      attn = einsum(attn, this.reattnWeights, 'b h i j, h g -> b g i j');
      attn = this.reattnNorm.forward(attn);
      const out = rearrange(matmul(attn, v), 'b h n d -> b n (h d)');
      return this.toOut.forward(out);
    });
  }
}

/** `depth` layers of (ReAttention, FeedForward) as `layers.<i>.0` / `layers.<i>.1`; no final norm. */
export class DeepViTTransformer extends Module {
  readonly layers: ModuleList<ModuleList>;
  readonly #blocks: [ReAttention, FeedForward][];

  constructor(dim: number, depth: number, heads: number, dimHead: number, mlpDim: number, dropout = 0) {
    super();
    positiveInteger(depth, 'depth', 0);
    this.#blocks = Array.from({ length: depth }, () => [new ReAttention(dim, { heads, dimHead, dropout }), new FeedForward(dim, mlpDim, dropout)]);
    this.layers = this.addModule('layers', new ModuleList(this.#blocks.map((pair) => new ModuleList(pair))));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = x;
      for (const [attn, ff] of this.#blocks) {
        h = tf.add(attn.forward(h), h);
        h = tf.add(ff.forward(h), h);
      }
      return h;
    });
  }
}

export interface DeepViTOptions {
  imageSize: number | [number, number];
  patchSize: number | [number, number];
  /** 0: no classifier (`mlp_head.1` is an Identity); forward returns the pooled, normalised features. */
  numClasses: number;
  dim: number;
  depth: number;
  heads: number;
  mlpDim: number;
  pool?: 'cls' | 'mean';
  channels?: number;
  dimHead?: number;
  dropout?: number;
  embDropout?: number;
}

export class DeepViT extends Module {
  readonly channels: number;
  readonly patchSize: [number, number];
  readonly pool: 'cls' | 'mean';
  readonly toPatchEmbedding: Sequential;
  /** [1, numPatches + 1, dim] */
  readonly posEmbedding: tf.Variable;
  /** [1, 1, dim] */
  readonly clsToken: tf.Variable;
  readonly dropout: Dropout;
  readonly transformer: DeepViTTransformer;
  readonly toLatent: Identity;
  readonly mlpHead: MlpHead;

  constructor({ imageSize, patchSize, numClasses, dim, depth, heads, mlpDim, pool = 'cls', channels = 3, dimHead = 64, dropout = 0, embDropout = 0 }: DeepViTOptions) {
    super();
    const [ih, iw] = pair(imageSize, 'imageSize');
    const [ph, pw] = (this.patchSize = pair(patchSize, 'patchSize'));
    if (ih % ph !== 0 || iw % pw !== 0) throw new Error('Image dimensions must be divisible by the patch size.');
    if (pool !== 'cls' && pool !== 'mean') throw new Error('pool type must be either cls (cls token) or mean (mean pooling)');
    positiveInteger(dim, 'dim');
    this.channels = positiveInteger(channels, 'channels');
    this.pool = pool;
    const numPatches = (ih / ph) * (iw / pw);
    const patchDim = channels * ph * pw;
    this.toPatchEmbedding = this.addModule('to_patch_embedding', new Sequential(
      new Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', { p1: ph, p2: pw }),
      new LayerNorm(patchDim), new Linear(patchDim, dim), new LayerNorm(dim),
    ));
    this.posEmbedding = this.addParameter('pos_embedding', () => randn([1, numPatches + 1, dim]));
    this.clsToken = this.addParameter('cls_token', () => randn([1, 1, dim]));
    this.dropout = this.addModule('dropout', new Dropout(embDropout));
    this.transformer = this.addModule('transformer', new DeepViTTransformer(dim, depth, heads, dimHead, mlpDim, dropout));
    this.toLatent = this.addModule('to_latent', new Identity());
    this.mlpHead = this.addModule('mlp_head', new MlpHead(dim, numClasses));
  }

  get numClasses(): number {
    return this.mlpHead.numClasses;
  }

  /** img [b, c, h, w] → logits [b, numClasses]. */
  forward(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(img)));
  }

  /** The transformer's tokens [b, 1 + patches, dim] (class token first). */
  forwardFeatures(img: tf.Tensor): tf.Tensor {
    checkImage(img, this.channels, this.patchSize, this.posEmbedding.shape[1]! - 1, 'DeepViT');
    return tf.tidy(() => {
      let x = this.toPatchEmbedding.forward(img);
      const [b, n] = x.shape as [number, number, number];
      x = tf.concat([repeat(this.clsToken, '1 n d -> b n d', { b }), x], 1);
      x = tf.add(x, tf.slice(this.posEmbedding, [0, 0, 0], [1, n + 1, -1]));
      x = this.dropout.forward(x);
      return this.transformer.forward(x);
    });
  }

  /** Pooling (class token or mean), then `mlp_head`; `preLogits` stops after its LayerNorm. */
  forwardHead(features: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      const pooled = this.pool === 'mean' ? reduce(features, 'b n d -> b d', 'mean') : rearrange(tf.slice(features, [0, 0, 0], [-1, 1, -1]), 'b 1 d -> b d');
      return this.mlpHead.forward(this.toLatent.forward(pooled), { preLogits });
    });
  }

  resetClassifier(numClasses: number): void {
    this.mlpHead.reset(numClasses);
  }
}
