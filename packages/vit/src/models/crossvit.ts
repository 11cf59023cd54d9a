/**
 * vit-pytorch 1.23.6 `cross_vit.py`: CrossViT (Chen et al. 2021): two ViT branches on small and
 * large patches; after each pair of encoders, each branch's class token attends to the other
 * branch's patch tokens (projected in and out when the widths differ). Logits = sum of both heads.
 * Same submodule names (state-dict keys) and forward.
 */
import * as tf from '@tensorflow/tfjs-core';
import { alias } from '../ops/alias.js';
import { Rearrange, rearrange, repeat } from '@vit/einops';
import { ModuleList, Sequential } from '../nn/containers.js';
import { Dropout } from '../nn/dropout.js';
import { Identity } from '../nn/identity.js';
import { randn } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { Softmax } from '../nn/softmax.js';
import { chunk } from '../ops/chunk.js';
import { matmul } from '../ops/matmul.js';
import { MlpHead } from './deepvit.js';
import { checkImage } from './image.js';
import { positiveInteger } from './pair.js';
import { FeedForward } from './vit.js';

/**
 * Pre-norm attention with `to_q` / `to_kv`: keys and values from `context` (default: the normalised
 * x), with `kvIncludeSelf` from [norm(x), context] (the context itself is not normalised).
 */
export class CrossAttention extends Module<[tf.Tensor, tf.Tensor?, boolean?]> {
  readonly heads: number;
  readonly scale: number;
  readonly norm: LayerNorm;
  readonly attend: Softmax;
  readonly dropout: Dropout;
  readonly toQ: Linear;
  readonly toKv: Linear;
  readonly toOut: Sequential;

  constructor(dim: number, { heads = 8, dimHead = 64, dropout = 0 }: { heads?: number; dimHead?: number; dropout?: number } = {}) {
    super();
    positiveInteger(heads, 'heads');
    positiveInteger(dimHead, 'dimHead');
    const innerDim = dimHead * heads;
    this.heads = heads;
    this.scale = dimHead ** -0.5;
    this.norm = this.addModule('norm', new LayerNorm(dim));
    this.attend = this.addModule('attend', new Softmax(-1));
    this.dropout = this.addModule('dropout', new Dropout(dropout));
    this.toQ = this.addModule('to_q', new Linear(dim, innerDim, { bias: false }));
    this.toKv = this.addModule('to_kv', new Linear(dim, innerDim * 2, { bias: false }));
    this.toOut = this.addModule('to_out', new Sequential(new Linear(innerDim, dim), new Dropout(dropout)));
  }

  forward(x: tf.Tensor, context?: tf.Tensor, kvIncludeSelf = false): tf.Tensor {
    return tf.tidy(() => {
      const h = this.norm.forward(x);
      let kvInput = context ?? h;
      if (kvIncludeSelf) kvInput = tf.concat([h, kvInput], 1); // the class token also attends to itself
      const split = (t: tf.Tensor): tf.Tensor => rearrange(t, 'b n (h d) -> b h n d', { h: this.heads });
      const q = split(this.toQ.forward(h));
      const [k, v] = chunk(this.toKv.forward(kvInput), 2).map(split) as [tf.Tensor, tf.Tensor];
      const dots = tf.mul(matmul(q, k, { transposeB: true }), this.scale);
      const attn = this.dropout.forward(this.attend.forward(dots));
      return this.toOut.forward(rearrange(matmul(attn, v), 'b h n d -> b n (h d)'));
    });
  }
}

/** `depth` layers of (CrossAttention, FeedForward) as `layers.<i>.0/1`, then `norm`. */
export class CrossViTTransformer extends Module {
  readonly layers: ModuleList<ModuleList>;
  readonly norm: LayerNorm;
  readonly #blocks: [CrossAttention, FeedForward][];

  constructor(dim: number, depth: number, heads: number, dimHead: number, mlpDim: number, dropout = 0) {
    super();
    positiveInteger(depth, 'depth', 0);
    this.#blocks = Array.from({ length: depth }, () => [new CrossAttention(dim, { heads, dimHead, dropout }), new FeedForward(dim, mlpDim, dropout)]);
    this.layers = this.addModule('layers', new ModuleList(this.#blocks.map((pair) => new ModuleList(pair))));
    this.norm = this.addModule('norm', new LayerNorm(dim));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = x;
      for (const [attn, ff] of this.#blocks) {
        h = tf.add(attn.forward(h), h);
        h = tf.add(ff.forward(h), h);
      }
      return this.norm.forward(h);
    });
  }
}

/** Runs `fn` in `dimOut` width: `project_in` (Linear or Identity), `fn`, `project_out`. */
export class ProjectInOut extends Module<[tf.Tensor, tf.Tensor?, boolean?]> {
  readonly fn: CrossAttention;
  readonly projectIn: Linear | Identity;
  readonly projectOut: Linear | Identity;

  constructor(dimIn: number, dimOut: number, fn: CrossAttention) {
    super();
    this.fn = this.addModule('fn', fn);
    const needProjection = dimIn !== dimOut;
    this.projectIn = this.addModule('project_in', needProjection ? new Linear(dimIn, dimOut) : new Identity());
    this.projectOut = this.addModule('project_out', needProjection ? new Linear(dimOut, dimIn) : new Identity());
  }

  forward(x: tf.Tensor, context?: tf.Tensor, kvIncludeSelf = false): tf.Tensor {
    return tf.tidy(() => this.projectOut.forward(this.fn.forward(this.projectIn.forward(x), context, kvIncludeSelf)));
  }
}

/** Each branch's class token attends to the other branch's patch tokens, `depth` times. */
export class CrossTransformer extends Module<[tf.Tensor, tf.Tensor], [tf.Tensor, tf.Tensor]> {
  readonly layers: ModuleList<ModuleList>;
  readonly #blocks: [ProjectInOut, ProjectInOut][];

  constructor(smDim: number, lgDim: number, depth: number, heads: number, dimHead: number, dropout: number) {
    super();
    positiveInteger(depth, 'crossAttnDepth', 0);
    this.#blocks = Array.from({ length: depth }, () => [
      new ProjectInOut(smDim, lgDim, new CrossAttention(lgDim, { heads, dimHead, dropout })),
      new ProjectInOut(lgDim, smDim, new CrossAttention(smDim, { heads, dimHead, dropout })),
    ]);
    this.layers = this.addModule('layers', new ModuleList(this.#blocks.map((pair) => new ModuleList(pair))));
  }

  forward(smTokens: tf.Tensor, lgTokens: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const out = tf.tidy(() => {
      let smCls = tf.slice(smTokens, [0, 0, 0], [-1, 1, -1]);
      const smPatch = tf.slice(smTokens, [0, 1, 0], [-1, -1, -1]);
      let lgCls = tf.slice(lgTokens, [0, 0, 0], [-1, 1, -1]);
      const lgPatch = tf.slice(lgTokens, [0, 1, 0], [-1, -1, -1]);
      for (const [smAttendLg, lgAttendSm] of this.#blocks) {
        smCls = tf.add(smAttendLg.forward(smCls, lgPatch, true), smCls);
        lgCls = tf.add(lgAttendSm.forward(lgCls, smPatch, true), lgCls);
      }
      return [tf.concat([smCls, smPatch], 1), tf.concat([lgCls, lgPatch], 1)];
    });
    return out as [tf.Tensor, tf.Tensor];
  }
}

interface EncoderParams {
  depth: number;
  heads: number;
  mlpDim: number;
  dimHead: number;
}

/** `depth` × (small encoder, large encoder, cross transformer) as `layers.<i>.0/1/2`. */
export class MultiScaleEncoder extends Module<[tf.Tensor, tf.Tensor], [tf.Tensor, tf.Tensor]> {
  readonly layers: ModuleList<ModuleList>;
  readonly #blocks: [CrossViTTransformer, CrossViTTransformer, CrossTransformer][];

  constructor({ depth, smDim, lgDim, smEncParams, lgEncParams, crossAttnHeads, crossAttnDepth, crossAttnDimHead = 64, dropout = 0 }: {
    depth: number; smDim: number; lgDim: number; smEncParams: EncoderParams; lgEncParams: EncoderParams;
    crossAttnHeads: number; crossAttnDepth: number; crossAttnDimHead?: number; dropout?: number;
  }) {
    super();
    positiveInteger(depth, 'depth', 0);
    const encoder = (dim: number, p: EncoderParams): CrossViTTransformer => new CrossViTTransformer(dim, p.depth, p.heads, p.dimHead, p.mlpDim, dropout);
    this.#blocks = Array.from({ length: depth }, () => [
      encoder(smDim, smEncParams), encoder(lgDim, lgEncParams),
      new CrossTransformer(smDim, lgDim, crossAttnDepth, crossAttnHeads, crossAttnDimHead, dropout),
    ]);
    this.layers = this.addModule('layers', new ModuleList(this.#blocks.map((triple) => new ModuleList(triple))));
  }

  forward(smTokens: tf.Tensor, lgTokens: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const out = tf.tidy(() => {
      let sm = smTokens;
      let lg = lgTokens;
      for (const [smEnc, lgEnc, crossAttend] of this.#blocks) {
        [sm, lg] = crossAttend.forward(smEnc.forward(sm), lgEnc.forward(lg));
      }
      return [alias(sm), alias(lg)];
    });
    return out as [tf.Tensor, tf.Tensor];
  }
}

/** Patches → LayerNorm → Linear → LayerNorm, class token prepended, position embedding added, dropout. */
export class ImageEmbedder extends Module {
  readonly channels: number;
  readonly patchSize: number;
  readonly toPatchEmbedding: Sequential;
  /** [1, numPatches + 1, dim] */
  readonly posEmbedding: tf.Variable;
  /** [1, 1, dim] */
  readonly clsToken: tf.Variable;
  readonly dropout: Dropout;

  constructor({ dim, imageSize, patchSize, dropout = 0, channels = 3 }: { dim: number; imageSize: number; patchSize: number; dropout?: number; channels?: number }) {
    super();
    positiveInteger(imageSize, 'imageSize');
    positiveInteger(patchSize, 'patchSize');
    if (imageSize % patchSize !== 0) throw new Error('Image dimensions must be divisible by the patch size.');
    this.channels = positiveInteger(channels, 'channels');
    this.patchSize = patchSize;
    const numPatches = (imageSize / patchSize) ** 2;
    const patchDim = channels * patchSize ** 2;
    this.toPatchEmbedding = this.addModule('to_patch_embedding', new Sequential(
      new Rearrange('b c (h p1) (w p2) -> b (h w) (p1 p2 c)', { p1: patchSize, p2: patchSize }),
      new LayerNorm(patchDim), new Linear(patchDim, dim), new LayerNorm(dim),
    ));
    this.posEmbedding = this.addParameter('pos_embedding', () => randn([1, numPatches + 1, dim]));
    this.clsToken = this.addParameter('cls_token', () => randn([1, 1, dim]));
    this.dropout = this.addModule('dropout', new Dropout(dropout));
  }

  forward(img: tf.Tensor): tf.Tensor {
    checkImage(img, this.channels, [this.patchSize, this.patchSize], this.posEmbedding.shape[1]! - 1, 'CrossViT');
    return tf.tidy(() => {
      const x = this.toPatchEmbedding.forward(img);
      const [b, n] = x.shape as [number, number, number];
      const tokens = tf.add(tf.concat([repeat(this.clsToken, '1 n d -> b n d', { b }), x], 1), tf.slice(this.posEmbedding, [0, 0, 0], [1, n + 1, -1]));
      return this.dropout.forward(tokens);
    });
  }
}

export interface CrossViTOptions {
  imageSize: number;
  /** 0: no classifiers; forward returns the concatenated, normalised class tokens [b, smDim + lgDim]. */
  numClasses: number;
  smDim: number;
  lgDim: number;
  smPatchSize?: number;
  smEncDepth?: number;
  smEncHeads?: number;
  smEncMlpDim?: number;
  smEncDimHead?: number;
  lgPatchSize?: number;
  lgEncDepth?: number;
  lgEncHeads?: number;
  lgEncMlpDim?: number;
  lgEncDimHead?: number;
  crossAttnDepth?: number;
  crossAttnHeads?: number;
  crossAttnDimHead?: number;
  depth?: number;
  /** vit-pytorch's default is 0.1 (dropout is active in train mode only). */
  dropout?: number;
  /** vit-pytorch's default is 0.1. */
  embDropout?: number;
  channels?: number;
}

export class CrossViT extends Module {
  readonly smDim: number;
  readonly lgDim: number;
  readonly smImageEmbedder: ImageEmbedder;
  readonly lgImageEmbedder: ImageEmbedder;
  readonly multiScaleEncoder: MultiScaleEncoder;
  readonly smMlpHead: MlpHead;
  readonly lgMlpHead: MlpHead;

  constructor({
    imageSize, numClasses, smDim, lgDim,
    smPatchSize = 12, smEncDepth = 1, smEncHeads = 8, smEncMlpDim = 2048, smEncDimHead = 64,
    lgPatchSize = 16, lgEncDepth = 4, lgEncHeads = 8, lgEncMlpDim = 2048, lgEncDimHead = 64,
    crossAttnDepth = 2, crossAttnHeads = 8, crossAttnDimHead = 64, depth = 3, dropout = 0.1, embDropout = 0.1, channels = 3,
  }: CrossViTOptions) {
    super();
    this.smDim = positiveInteger(smDim, 'smDim');
    this.lgDim = positiveInteger(lgDim, 'lgDim');
    this.smImageEmbedder = this.addModule('sm_image_embedder', new ImageEmbedder({ dim: smDim, channels, imageSize, patchSize: smPatchSize, dropout: embDropout }));
    this.lgImageEmbedder = this.addModule('lg_image_embedder', new ImageEmbedder({ dim: lgDim, channels, imageSize, patchSize: lgPatchSize, dropout: embDropout }));
    this.multiScaleEncoder = this.addModule('multi_scale_encoder', new MultiScaleEncoder({
      depth, smDim, lgDim, crossAttnHeads, crossAttnDimHead, crossAttnDepth, dropout,
      smEncParams: { depth: smEncDepth, heads: smEncHeads, mlpDim: smEncMlpDim, dimHead: smEncDimHead },
      lgEncParams: { depth: lgEncDepth, heads: lgEncHeads, mlpDim: lgEncMlpDim, dimHead: lgEncDimHead },
    }));
    this.smMlpHead = this.addModule('sm_mlp_head', new MlpHead(smDim, numClasses));
    this.lgMlpHead = this.addModule('lg_mlp_head', new MlpHead(lgDim, numClasses));
  }

  get numClasses(): number {
    return this.smMlpHead.numClasses;
  }

  /** img [b, c, h, w] → sm_mlp_head(sm_cls) + lg_mlp_head(lg_cls). */
  forward(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(img)));
  }

  /** Both branches' class tokens after the encoder, concatenated: [b, smDim + lgDim]. */
  forwardFeatures(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [sm, lg] = this.multiScaleEncoder.forward(this.smImageEmbedder.forward(img), this.lgImageEmbedder.forward(img));
      return tf.concat([rearrange(tf.slice(sm, [0, 0, 0], [-1, 1, -1]), 'b 1 d -> b d'), rearrange(tf.slice(lg, [0, 0, 0], [-1, 1, -1]), 'b 1 d -> b d')], 1);
    });
  }

  /**
   * Sum of both heads' logits; `preLogits` (and 0 classes): both heads' normalised class tokens,
   * concatenated [b, smDim + lgDim] (as timm's CrossViT concatenates its branches' pre-logits).
   */
  forwardHead(features: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    if (features.rank !== 2 || features.shape[1] !== this.smDim + this.lgDim) {
      throw new Error(`CrossViT.forwardHead: expected features [b, ${this.smDim + this.lgDim}], got [${features.shape.join(', ')}]`);
    }
    return tf.tidy(() => {
      const [smCls, lgCls] = tf.split(features, [this.smDim, this.lgDim], 1) as [tf.Tensor, tf.Tensor];
      const sm = this.smMlpHead.forward(smCls, { preLogits });
      const lg = this.lgMlpHead.forward(lgCls, { preLogits });
      return preLogits || this.numClasses === 0 ? tf.concat([sm, lg], 1) : tf.add(sm, lg);
    });
  }

  resetClassifier(numClasses: number): void {
    this.smMlpHead.reset(numClasses);
    this.lgMlpHead.reset(numClasses);
  }
}
