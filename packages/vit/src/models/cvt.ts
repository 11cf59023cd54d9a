/**
 * vit-pytorch 1.23.6 `cvt.py` (Wu et al., "CvT: Introducing Convolutions to Vision Transformers"):
 * three stages of (strided conv token embedding → channel LayerNorm → transformer whose q / kv
 * projections are depthwise-separable convs, kv at a stride), on NCHW feature maps throughout.
 * Keys as cvt.py: `layers.0.0.weight`, `layers.0.1.g`, `layers.0.2.layers.0.0.to_q.net.0.weight`,
 * `layers.0.2.layers.0.0.to_kv.net.1.running_mean`, `layers.0.2.layers.0.1.net.0.g`, `to_logits.2.weight`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rearrange, rearrange } from '@vit/einops';
import { BatchNorm2d } from '../nn/batch-norm.js';
import { ModuleList, Sequential } from '../nn/containers.js';
import { Conv2d } from '../nn/conv2d.js';
import { Dropout } from '../nn/dropout.js';
import { GELU } from '../nn/gelu.js';
import { SequentialHead } from '../nn/head.js';
import { Identity } from '../nn/identity.js';
import { Linear } from '../nn/linear.js';
import { Module, type Child } from '../nn/module.js';
import { AdaptiveAvgPool2d } from '../nn/pooling.js';
import { Softmax } from '../nn/softmax.js';
import { matmul } from '../ops/matmul.js';
import { positiveInteger } from './pair.js';

/** cvt.py's LayerNorm over the channel axis of NCHW input (biased variance); parameters `g`, `b` [1, dim, 1, 1]. */
export class ChanLayerNorm extends Module {
  readonly g: tf.Variable;
  readonly b: tf.Variable;

  constructor(readonly dim: number, readonly eps = 1e-5) {
    super();
    this.g = this.addParameter('g', () => tf.ones([1, dim, 1, 1]));
    this.b = this.addParameter('b', () => tf.zeros([1, dim, 1, 1]));
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4 || x.shape[1] !== this.dim) throw new Error(`ChanLayerNorm(${this.dim}): expected NCHW input with ${this.dim} channels, got [${x.shape.join(', ')}]`);
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, 1, true);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, this.eps))), this.g), this.b);
    });
  }
}

/** cvt.py's FeedForward: ChanLayerNorm → 1x1 conv → GELU → Dropout → 1x1 conv → Dropout (`net.0` ... `net.5`). */
export class CvTFeedForward extends Module {
  readonly net: Sequential;

  constructor(dim: number, mult = 4, dropout = 0) {
    super();
    this.net = this.addModule('net', new Sequential(new ChanLayerNorm(dim), new Conv2d(dim, dim * mult, 1), new GELU(), new Dropout(dropout), new Conv2d(dim * mult, dim, 1), new Dropout(dropout)));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.net.forward(x);
  }
}

/** cvt.py's DepthWiseConv2d: depthwise conv (`net.0`) → BatchNorm2d (`net.1`) → pointwise conv (`net.2`). */
export class CvTDepthWiseConv2d extends Module {
  readonly net: Sequential;

  constructor(dimIn: number, dimOut: number, kernelSize: number, padding: number, stride: number, bias = true) {
    super();
    this.net = this.addModule('net', new Sequential(
      new Conv2d(dimIn, dimIn, kernelSize, { padding, groups: dimIn, stride, bias }),
      new BatchNorm2d(dimIn),
      new Conv2d(dimIn, dimOut, 1, { bias }),
    ));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.net.forward(x);
  }
}

/** cvt.py's Attention: ChanLayerNorm → conv projections (kv at `kvProjStride`) → softmax attention per (batch, head) → 1x1 conv. */
export class CvTAttention extends Module {
  readonly heads: number;
  readonly scale: number;
  readonly norm: ChanLayerNorm;
  readonly attend: Softmax;
  readonly dropout: Dropout;
  readonly toQ: CvTDepthWiseConv2d;
  readonly toKv: CvTDepthWiseConv2d;
  readonly toOut: Sequential;

  constructor(dim: number, projKernel: number, kvProjStride: number, { heads = 8, dimHead = 64, dropout = 0 } = {}) {
    super();
    const innerDim = dimHead * heads;
    const padding = Math.floor(projKernel / 2);
    this.heads = positiveInteger(heads, 'heads');
    this.scale = dimHead ** -0.5;
    this.norm = this.addModule('norm', new ChanLayerNorm(dim));
    this.attend = this.addModule('attend', new Softmax(-1));
    this.dropout = this.addModule('dropout', new Dropout(dropout));
    this.toQ = this.addModule('to_q', new CvTDepthWiseConv2d(dim, innerDim, projKernel, padding, 1, false));
    this.toKv = this.addModule('to_kv', new CvTDepthWiseConv2d(dim, innerDim * 2, projKernel, padding, kvProjStride, false));
    this.toOut = this.addModule('to_out', new Sequential(new Conv2d(innerDim, dim, 1), new Dropout(dropout)));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const y = x.shape[3]!;
      const h = this.norm.forward(x);
      const [k0, v0] = tf.split(this.toKv.forward(h), 2, 1) as [tf.Tensor, tf.Tensor]; // .chunk(2, dim = 1)
      const [q, k, v] = [this.toQ.forward(h), k0, v0].map((t) => rearrange(t, 'b (h d) x y -> (b h) (x y) d', { h: this.heads })) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const dots = tf.mul(matmul(q, k, { transposeB: true }), this.scale);
      const attn = this.dropout.forward(this.attend.forward(dots));
      const out = rearrange(matmul(attn, v), '(b h) (x y) d -> b (h d) x y', { h: this.heads, y });
      return this.toOut.forward(out);
    });
  }
}

/** cvt.py's Transformer: `layers.<i>.0` attention and `.1` feed-forward, residual, no final norm. */
export class CvTTransformer extends Module {
  readonly layers: ModuleList<ModuleList>;
  readonly #blocks: [CvTAttention, CvTFeedForward][];

  constructor(dim: number, projKernel: number, kvProjStride: number, depth: number, heads: number, { dimHead = 64, mlpMult = 4, dropout = 0 } = {}) {
    super();
    positiveInteger(depth, 'depth', 0);
    this.#blocks = Array.from({ length: depth }, () => [new CvTAttention(dim, projKernel, kvProjStride, { heads, dimHead, dropout }), new CvTFeedForward(dim, mlpMult, dropout)]);
    this.layers = this.addModule('layers', new ModuleList(this.#blocks.map(([a, f]) => new ModuleList<Child>([a, f]))));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.#blocks.reduce((h, [attn, ff]) => {
      const a = tf.add(attn.forward(h), h);
      return tf.add(ff.forward(a), a);
    }, x));
  }
}

/** One stage's settings (cvt.py's s1_* / s2_* / s3_* keywords). */
interface StageOptions {
  embDim: number;
  embKernel: number;
  embStride: number;
  projKernel: number;
  kvProjStride: number;
  heads: number;
  depth: number;
  mlpMult: number;
}

export interface CvTOptions {
  /** 0: `to_logits.2` is an Identity (forward returns the pooled features). */
  numClasses: number;
  s1EmbDim?: number; s1EmbKernel?: number; s1EmbStride?: number; s1ProjKernel?: number; s1KvProjStride?: number; s1Heads?: number; s1Depth?: number; s1MlpMult?: number;
  s2EmbDim?: number; s2EmbKernel?: number; s2EmbStride?: number; s2ProjKernel?: number; s2KvProjStride?: number; s2Heads?: number; s2Depth?: number; s2MlpMult?: number;
  s3EmbDim?: number; s3EmbKernel?: number; s3EmbStride?: number; s3ProjKernel?: number; s3KvProjStride?: number; s3Heads?: number; s3Depth?: number; s3MlpMult?: number;
  dropout?: number;
  channels?: number;
}

export class CvT extends Module {
  readonly channels: number;
  readonly layers: Sequential;
  readonly toLogits: SequentialHead;
  readonly #dim: number;
  #numClasses: number;

  constructor({
    numClasses,
    s1EmbDim = 64, s1EmbKernel = 7, s1EmbStride = 4, s1ProjKernel = 3, s1KvProjStride = 2, s1Heads = 1, s1Depth = 1, s1MlpMult = 4,
    s2EmbDim = 192, s2EmbKernel = 3, s2EmbStride = 2, s2ProjKernel = 3, s2KvProjStride = 2, s2Heads = 3, s2Depth = 2, s2MlpMult = 4,
    s3EmbDim = 384, s3EmbKernel = 3, s3EmbStride = 2, s3ProjKernel = 3, s3KvProjStride = 2, s3Heads = 6, s3Depth = 10, s3MlpMult = 4,
    dropout = 0, channels = 3,
  }: CvTOptions) {
    super();
    positiveInteger(numClasses, 'numClasses', 0);
    this.channels = positiveInteger(channels, 'channels');
    const stages: StageOptions[] = [
      { embDim: s1EmbDim, embKernel: s1EmbKernel, embStride: s1EmbStride, projKernel: s1ProjKernel, kvProjStride: s1KvProjStride, heads: s1Heads, depth: s1Depth, mlpMult: s1MlpMult },
      { embDim: s2EmbDim, embKernel: s2EmbKernel, embStride: s2EmbStride, projKernel: s2ProjKernel, kvProjStride: s2KvProjStride, heads: s2Heads, depth: s2Depth, mlpMult: s2MlpMult },
      { embDim: s3EmbDim, embKernel: s3EmbKernel, embStride: s3EmbStride, projKernel: s3ProjKernel, kvProjStride: s3KvProjStride, heads: s3Heads, depth: s3Depth, mlpMult: s3MlpMult },
    ];
    let dim = channels;
    const layers: Sequential[] = [];
    for (const s of stages) {
      layers.push(new Sequential(
        new Conv2d(dim, s.embDim, s.embKernel, { padding: Math.floor(s.embKernel / 2), stride: s.embStride }),
        new ChanLayerNorm(s.embDim),
        new CvTTransformer(s.embDim, s.projKernel, s.kvProjStride, s.depth, s.heads, { mlpMult: s.mlpMult, dropout }),
      ));
      dim = s.embDim;
    }
    this.#dim = dim;
    this.layers = this.addModule('layers', new Sequential(...layers));
    this.#numClasses = numClasses;
    this.toLogits = this.addModule('to_logits', new SequentialHead(new AdaptiveAvgPool2d(1), new Rearrange('... 1 1 -> ...'), this.#classifier(numClasses)));
  }

  get numClasses(): number {
    return this.#numClasses;
  }

  #classifier(numClasses: number): Linear | Identity {
    return numClasses > 0 ? new Linear(this.#dim, numClasses) : new Identity();
  }

  resetClassifier(numClasses: number): void {
    positiveInteger(numClasses, 'numClasses', 0);
    this.toLogits.replace(2, this.#classifier(numClasses));
    this.#numClasses = numClasses;
  }

  /** The last stage's feature map [b, s3EmbDim, h', w']. */
  forwardFeatures(img: tf.Tensor): tf.Tensor {
    if (img.rank !== 4 || img.shape[1] !== this.channels) throw new Error(`CvT: expected an image batch [b, ${this.channels}, h, w], got [${img.shape.join(', ')}]`);
    return this.layers.forward(img);
  }

  forwardHead(features: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return this.toLogits.forwardUntil(features, preLogits ? 2 : 3);
  }

  forward(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(img)));
  }
}
