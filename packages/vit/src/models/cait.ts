/**
 * vit-pytorch 1.23.6 `cait.py`: CaiT (Touvron et al. 2021, "Going deeper with Image Transformers"):
 * LayerScale on every residual branch, talking-heads attention (heads mixed before and after the
 * softmax), a patch transformer without class token, then a class-attention stage where the class
 * token attends to itself and the patch tokens. Same submodule names (state-dict keys) and forward.
 *
 * Not timm's CaiT (different patch embedding, no final norm, talking heads in the class stage too):
 * its registry names carry the `vitp_` prefix.
 *
 * One deliberate difference: vit-pytorch drops whole layers (`layer_dropout`) in eval mode too;
 * here layer dropout is active only in train mode (as stochastic depth is meant to be).
 */
import * as tf from '@tensorflow/tfjs-core';
import { einsum, Rearrange, rearrange, repeat } from '@vit/einops';
import { ModuleList, Sequential } from '../nn/containers.js';
import { Dropout } from '../nn/dropout.js';
import { randn } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { Softmax } from '../nn/softmax.js';
import { chunk } from '../ops/chunk.js';
import { matmul } from '../ops/matmul.js';
import { MlpHead } from './deepvit.js';
import { checkImage } from './image.js';
import { pair, positiveInteger } from './pair.js';
import { FeedForward } from './vit.js';

/** The LayerScale initial value for the layer at (1-based) `depth`, section 2 of the paper. */
export function layerScaleInit(depth: number): number {
  return depth <= 18 ? 0.1 : depth <= 24 ? 1e-5 : 1e-6;
}

/** `fn(x, context) * scale`, `scale` [1, 1, dim] (keys `scale`, `fn.*`). */
export class LayerScale<F extends TalkingHeadsAttention | FeedForward> extends Module<[tf.Tensor, tf.Tensor?]> {
  readonly scale: tf.Variable;
  readonly fn: F;

  constructor(dim: number, fn: F, depth: number) {
    super();
    this.scale = this.addParameter('scale', () => tf.fill([1, 1, dim], layerScaleInit(depth)));
    this.fn = this.addModule('fn', fn);
  }

  forward(x: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(this.fn instanceof TalkingHeadsAttention ? this.fn.forward(x, context) : this.fn.forward(x), this.scale));
  }
}

/**
 * Pre-norm attention with separate `to_q` / `to_kv` and talking heads: the logits are mixed across
 * heads by `mix_heads_pre_attn` before the softmax, the weights by `mix_heads_post_attn` after.
 * With a context, keys and values come from [norm(x), context] (the context is not normalised).
 */
export class TalkingHeadsAttention extends Module<[tf.Tensor, tf.Tensor?]> {
  readonly heads: number;
  readonly scale: number;
  readonly mixHeadsPreAttn: tf.Variable;
  readonly mixHeadsPostAttn: tf.Variable;
  readonly norm: LayerNorm;
  readonly toQ: Linear;
  readonly toKv: Linear;
  readonly attend: Softmax;
  readonly dropout: Dropout;
  readonly toOut: Sequential;

  constructor(dim: number, { heads = 8, dimHead = 64, dropout = 0 }: { heads?: number; dimHead?: number; dropout?: number } = {}) {
    super();
    positiveInteger(heads, 'heads');
    positiveInteger(dimHead, 'dimHead');
    const innerDim = dimHead * heads;
    this.heads = heads;
    this.scale = dimHead ** -0.5;
    this.norm = this.addModule('norm', new LayerNorm(dim));
    this.toQ = this.addModule('to_q', new Linear(dim, innerDim, { bias: false }));
    this.toKv = this.addModule('to_kv', new Linear(dim, innerDim * 2, { bias: false }));
    this.attend = this.addModule('attend', new Softmax(-1));
    this.dropout = this.addModule('dropout', new Dropout(dropout));
    this.mixHeadsPreAttn = this.addParameter('mix_heads_pre_attn', () => randn([heads, heads]));
    this.mixHeadsPostAttn = this.addParameter('mix_heads_post_attn', () => randn([heads, heads]));
    this.toOut = this.addModule('to_out', new Sequential(new Linear(innerDim, dim), new Dropout(dropout)));
  }

  forward(x: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const h = this.norm.forward(x);
      const kvInput = context === undefined ? h : tf.concat([h, context], 1);
      const split = (t: tf.Tensor): tf.Tensor => rearrange(t, 'b n (h d) -> b h n d', { h: this.heads });
      const q = split(this.toQ.forward(h));
      const [k, v] = chunk(this.toKv.forward(kvInput), 2).map(split) as [tf.Tensor, tf.Tensor];
      let dots = tf.mul(matmul(q, k, { transposeB: true }), this.scale);
      dots = einsum(dots, this.mixHeadsPreAttn, 'b h i j, h g -> b g i j'); // talking heads, pre-softmax
      let attn = this.dropout.forward(this.attend.forward(dots));
      attn = einsum(attn, this.mixHeadsPostAttn, 'b h i j, h g -> b g i j'); // talking heads, post-softmax
      const out = rearrange(matmul(attn, v), 'b h n d -> b n (h d)');
      return this.toOut.forward(out);
    });
  }
}

type CaiTBlock = [LayerScale<TalkingHeadsAttention>, LayerScale<FeedForward>];

/** `depth` layers of LayerScale(attention), LayerScale(feed-forward); optional layer dropout in train mode. */
export class CaiTTransformer extends Module<[tf.Tensor, tf.Tensor?]> {
  readonly layers: ModuleList<ModuleList>;
  readonly layerDropout: number;
  readonly #blocks: CaiTBlock[];

  constructor(dim: number, depth: number, heads: number, dimHead: number, mlpDim: number, dropout = 0, layerDropout = 0) {
    super();
    positiveInteger(depth, 'depth', 0);
    if (!(layerDropout >= 0 && layerDropout <= 1)) throw new Error(`layerDropout must be in [0, 1], got ${layerDropout}`);
    this.layerDropout = layerDropout;
    this.#blocks = Array.from({ length: depth }, (_, ind) => [
      new LayerScale(dim, new TalkingHeadsAttention(dim, { heads, dimHead, dropout }), ind + 1),
      new LayerScale(dim, new FeedForward(dim, mlpDim, dropout), ind + 1),
    ]);
    this.layers = this.addModule('layers', new ModuleList(this.#blocks.map((pair) => new ModuleList(pair))));
  }

  /** vit-pytorch's `dropout_layers`: each layer dropped with probability layerDropout, at least one kept. */
  #activeBlocks(): CaiTBlock[] {
    if (!this.training || this.layerDropout === 0 || this.#blocks.length === 0) return this.#blocks;
    const drop = this.#blocks.map(() => Math.random() < this.layerDropout);
    if (drop.every(Boolean)) drop[Math.floor(Math.random() * drop.length)] = false;
    return this.#blocks.filter((_, i) => !drop[i]);
  }

  forward(x: tf.Tensor, context?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = x;
      for (const [attn, ff] of this.#activeBlocks()) {
        h = tf.add(attn.forward(h, context), h);
        h = tf.add(ff.forward(h), h);
      }
      return h;
    });
  }
}

export interface CaiTOptions {
  imageSize: number | [number, number];
  patchSize: number | [number, number];
  /** 0: no classifier (`mlp_head.1` is an Identity). */
  numClasses: number;
  dim: number;
  depth: number;
  clsDepth: number;
  heads: number;
  mlpDim: number;
  dimHead?: number;
  dropout?: number;
  embDropout?: number;
  layerDropout?: number;
}

export class CaiT extends Module {
  readonly patchSize: [number, number];
  readonly toPatchEmbedding: Sequential;
  /** [1, numPatches, dim] (no class-token row). */
  readonly posEmbedding: tf.Variable;
  /** [1, 1, dim] */
  readonly clsToken: tf.Variable;
  readonly dropout: Dropout;
  readonly patchTransformer: CaiTTransformer;
  readonly clsTransformer: CaiTTransformer;
  readonly mlpHead: MlpHead;

  constructor({ imageSize, patchSize, numClasses, dim, depth, clsDepth, heads, mlpDim, dimHead = 64, dropout = 0, embDropout = 0, layerDropout = 0 }: CaiTOptions) {
    super();
    const [ih, iw] = pair(imageSize, 'imageSize');
    const [ph, pw] = (this.patchSize = pair(patchSize, 'patchSize'));
    if (ih % ph !== 0 || iw % pw !== 0) throw new Error('Image dimensions must be divisible by the patch size.');
    positiveInteger(dim, 'dim');
    const numPatches = (ih / ph) * (iw / pw);
    const patchDim = 3 * ph * pw; // vit-pytorch's CaiT is fixed to 3 channels
    this.toPatchEmbedding = this.addModule('to_patch_embedding', new Sequential(
      new Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', { p1: ph, p2: pw }),
      new LayerNorm(patchDim), new Linear(patchDim, dim), new LayerNorm(dim),
    ));
    this.posEmbedding = this.addParameter('pos_embedding', () => randn([1, numPatches, dim]));
    this.clsToken = this.addParameter('cls_token', () => randn([1, 1, dim]));
    this.dropout = this.addModule('dropout', new Dropout(embDropout));
    this.patchTransformer = this.addModule('patch_transformer', new CaiTTransformer(dim, depth, heads, dimHead, mlpDim, dropout, layerDropout));
    this.clsTransformer = this.addModule('cls_transformer', new CaiTTransformer(dim, clsDepth, heads, dimHead, mlpDim, dropout, layerDropout));
    this.mlpHead = this.addModule('mlp_head', new MlpHead(dim, numClasses));
  }

  get numClasses(): number {
    return this.mlpHead.numClasses;
  }

  forward(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(img)));
  }

  /** The class token after the class-attention stage, [b, 1, dim]. */
  forwardFeatures(img: tf.Tensor): tf.Tensor {
    checkImage(img, 3, this.patchSize, this.posEmbedding.shape[1]!, 'CaiT');
    return tf.tidy(() => {
      let x = this.toPatchEmbedding.forward(img);
      const [b, n] = x.shape as [number, number, number];
      x = tf.add(x, tf.slice(this.posEmbedding, [0, 0, 0], [1, n, -1]));
      x = this.dropout.forward(x);
      x = this.patchTransformer.forward(x);
      const clsTokens = repeat(this.clsToken, '1 n d -> b n d', { b });
      return this.clsTransformer.forward(clsTokens, x);
    });
  }

  /** `mlp_head(x[:, 0])`; `preLogits` stops after the head's LayerNorm. */
  forwardHead(features: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => this.mlpHead.forward(rearrange(tf.slice(features, [0, 0, 0], [-1, 1, -1]), 'b 1 d -> b d'), { preLogits }));
  }

  resetClassifier(numClasses: number): void {
    this.mlpHead.reset(numClasses);
  }
}
