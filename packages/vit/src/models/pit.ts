/**
 * vit-pytorch 1.23.6 `pit.py` (Heo et al., "Rethinking Spatial Dimensions of Vision Transformers"):
 * overlapping patches (Unfold with stride patch/2), stages of vit.py-style Transformers (no final
 * norm) separated by pooling layers that halve the token grid with a depthwise-separable conv and
 * double the width (the class token goes through a Linear). Keys as pit.py:
 * `to_patch_embedding.2.weight`, `layers.0.layers.0.0.to_qkv.weight`, `layers.1.downsample.net.0.weight`,
 * `layers.1.cls_ff.weight`, `mlp_head.0.weight`, `mlp_head.1.weight`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rearrange, rearrange, repeat } from '@vit/einops';
import { Sequential, ModuleList, type Layer } from '../nn/containers.js';
import { Conv2d } from '../nn/conv2d.js';
import { Dropout } from '../nn/dropout.js';
import { SequentialHead } from '../nn/head.js';
import { Identity } from '../nn/identity.js';
import { randn } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module, type Child } from '../nn/module.js';
import { Unfold } from '../nn/unfold.js';
import { positiveInteger } from './pair.js';
import { Attention, FeedForward } from './vit.js';

/** pit.py's Transformer: vit.py's Attention / FeedForward pairs (`layers.<i>.0` / `.1`), without a final norm. */
export class PiTTransformer extends Module {
  readonly layers: ModuleList<ModuleList>;
  readonly #blocks: [Attention, FeedForward][];

  constructor(dim: number, depth: number, heads: number, dimHead: number, mlpDim: number, dropout = 0) {
    super();
    positiveInteger(depth, 'depth', 0);
    this.#blocks = Array.from({ length: depth }, () => [new Attention(dim, { heads, dimHead, dropout }), new FeedForward(dim, mlpDim, dropout)]);
    this.layers = this.addModule('layers', new ModuleList(this.#blocks.map(([a, f]) => new ModuleList([a as Child, f as Child]))));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.#blocks.reduce((h, [attn, ff]) => {
      const a = tf.add(attn.forward(h), h);
      return tf.add(ff.forward(a), a);
    }, x));
  }
}

/** pit.py's DepthWiseConv2d: `net.0` depthwise conv (groups = dimIn) → `net.1` pointwise conv. */
export class DepthWiseConv2d extends Module {
  readonly net: Sequential;

  constructor(dimIn: number, dimOut: number, kernelSize: number, padding: number, stride: number, bias = true) {
    super();
    this.net = this.addModule('net', new Sequential(
      new Conv2d(dimIn, dimOut, kernelSize, { padding, groups: dimIn, stride, bias }),
      new Conv2d(dimOut, dimOut, 1, { bias }),
    ));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.net.forward(x);
  }
}

/** pit.py's Pool: class token → `cls_ff` (dim → 2·dim); tokens → image → `downsample` (stride 2) → tokens. */
export class Pool extends Module {
  readonly downsample: DepthWiseConv2d;
  readonly clsFf: Linear;

  constructor(dim: number) {
    super();
    this.downsample = this.addModule('downsample', new DepthWiseConv2d(dim, dim * 2, 3, 1, 2));
    this.clsFf = this.addModule('cls_ff', new Linear(dim, dim * 2));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [b, n, d] = x.shape as [number, number, number];
      const cls = this.clsFf.forward(tf.slice(x, [0, 0, 0], [b, 1, d]));
      const tokens = tf.slice(x, [0, 1, 0], [b, n - 1, d]);
      const image = rearrange(tokens, 'b (h w) c -> b c h w', { h: Math.floor(Math.sqrt(n - 1)) });
      return tf.concat([cls, rearrange(this.downsample.forward(image), 'b c h w -> b (h w) c')], 1);
    });
  }
}

/** pit.py's conv_output_size: int((size − kernel + 2·padding) / stride + 1). */
export function convOutputSize(imageSize: number, kernelSize: number, stride: number, padding = 0): number {
  return Math.trunc((imageSize - kernelSize + 2 * padding) / stride + 1);
}

export interface PiTOptions {
  imageSize: number;
  patchSize: number;
  /** 0: `mlp_head.1` is an Identity and forward returns the normed class token. */
  numClasses: number;
  dim: number;
  /** Blocks per stage: a pooling layer follows every stage but the last (pit.py requires a tuple). */
  depth: number[];
  /** Heads per stage (one number: the same for every stage). */
  heads: number | number[];
  mlpDim: number;
  dimHead?: number;
  dropout?: number;
  embDropout?: number;
  channels?: number;
}

export class PiT extends Module {
  readonly channels: number;
  readonly imageSize: number;
  readonly toPatchEmbedding: Sequential;
  /** [1, numPatches + 1, dim]. */
  readonly posEmbedding: tf.Variable;
  /** [1, 1, dim]. */
  readonly clsToken: tf.Variable;
  readonly dropout: Dropout;
  readonly layers: Sequential;
  readonly mlpHead: SequentialHead;
  readonly finalDim: number;
  #numClasses: number;

  constructor({ imageSize, patchSize, numClasses, dim, depth, heads, mlpDim, dimHead = 64, dropout = 0, embDropout = 0, channels = 3 }: PiTOptions) {
    super();
    positiveInteger(imageSize, 'imageSize');
    positiveInteger(patchSize, 'patchSize');
    if (imageSize % patchSize !== 0) throw new Error('Image dimensions must be divisible by the patch size.');
    if (!Array.isArray(depth)) throw new Error('depth must be a tuple of integers, specifying the number of blocks before each downsizing');
    const stageHeads = typeof heads === 'number' ? depth.map(() => heads) : heads;
    if (stageHeads.length !== depth.length) throw new Error(`heads must have one entry per stage (${depth.length}), got ${stageHeads.length}`);
    positiveInteger(numClasses, 'numClasses', 0);
    this.channels = positiveInteger(channels, 'channels');
    this.imageSize = imageSize;
    const patchDim = channels * patchSize ** 2;
    this.toPatchEmbedding = this.addModule('to_patch_embedding', new Sequential(
      new Unfold(patchSize, { stride: Math.floor(patchSize / 2) }),
      new Rearrange('b c n -> b n c'),
      new Linear(patchDim, dim),
    ));
    const outputSize = convOutputSize(imageSize, patchSize, Math.floor(patchSize / 2));
    const numPatches = outputSize ** 2;
    this.posEmbedding = this.addParameter('pos_embedding', () => randn([1, numPatches + 1, dim]));
    this.clsToken = this.addParameter('cls_token', () => randn([1, 1, dim]));
    this.dropout = this.addModule('dropout', new Dropout(embDropout));
    const layers: Layer[] = [];
    let d = dim;
    depth.forEach((layerDepth, ind) => {
      layers.push(new PiTTransformer(d, layerDepth, stageHeads[ind]!, dimHead, mlpDim, dropout));
      if (ind < depth.length - 1) {
        layers.push(new Pool(d));
        d *= 2;
      }
    });
    this.finalDim = d;
    this.layers = this.addModule('layers', new Sequential(...layers));
    this.#numClasses = numClasses;
    this.mlpHead = this.addModule('mlp_head', new SequentialHead(new LayerNorm(d), this.#classifier(numClasses)));
  }

  get numClasses(): number {
    return this.#numClasses;
  }

  #classifier(numClasses: number): Linear | Identity {
    return numClasses > 0 ? new Linear(this.finalDim, numClasses) : new Identity();
  }

  resetClassifier(numClasses: number): void {
    positiveInteger(numClasses, 'numClasses', 0);
    this.mlpHead.replace(1, this.#classifier(numClasses));
    this.#numClasses = numClasses;
  }

  /** The token sequence after the last stage [b, 1 + n, finalDim] (class token first). */
  forwardFeatures(img: tf.Tensor): tf.Tensor {
    if (img.rank !== 4 || img.shape[1] !== this.channels) throw new Error(`PiT: expected an image batch [b, ${this.channels}, h, w], got [${img.shape.join(', ')}]`);
    return tf.tidy(() => {
      let x = this.toPatchEmbedding.forward(img);
      const [b, n] = x.shape as [number, number];
      if (n + 1 > this.posEmbedding.shape[1]!) throw new Error(`PiT: ${n} patches, more than the ${this.posEmbedding.shape[1]! - 1} position embeddings`);
      x = tf.concat([repeat(this.clsToken, '1 n d -> b n d', { b }), x], 1);
      x = tf.add(x, tf.slice(this.posEmbedding, [0, 0, 0], [1, n + 1, -1]));
      return this.layers.forward(this.dropout.forward(x));
    });
  }

  /** mlp_head(x[:, 0]); `preLogits`: the normed class token. */
  forwardHead(features: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      const [b, , d] = features.shape as [number, number, number];
      const cls = tf.reshape(tf.slice(features, [0, 0, 0], [b, 1, d]), [b, d]);
      return preLogits ? this.mlpHead.forwardUntil(cls, -1) : this.mlpHead.forward(cls);
    });
  }

  /** img [b, channels, h, w] → logits [b, numClasses]. */
  forward(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(img)));
  }
}
