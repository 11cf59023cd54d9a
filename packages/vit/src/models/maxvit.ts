/**
 * vit-pytorch 1.23.6 `max_vit.py` (Tu et al., "MaxViT: Multi-Axis Vision Transformer"): a conv stem,
 * then per block an MBConv (1x1 expand → 3x3 depthwise → squeeze-excitation → 1x1 project, with
 * BatchNorm) followed by window ("block") attention and dilated grid attention, each with a
 * relative position bias and a feed-forward. Keys as max_vit.py: `conv_stem.0.weight`,
 * `layers.0.0.6.gate.1.weight`, `layers.1.0.fn.0.weight` (residual MBConv), `layers.0.2.fn.to_qkv.weight`,
 * `layers.0.2.fn.rel_pos_bias.weight`, `layers.0.3.fn.net.1.weight`, `mlp_head.2.weight`.
 * `rel_pos_indices` is a non-persistent buffer (not in the state dict), as in max_vit.py.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Rearrange, Reduce, rearrange } from '@vit/einops';
import { SiLU, Sigmoid } from '../nn/activations.js';
import { BatchNorm2d } from '../nn/batch-norm.js';
import { ModuleList, Sequential, type Layer } from '../nn/containers.js';
import { Conv2d } from '../nn/conv2d.js';
import { Dropout } from '../nn/dropout.js';
import { GELU } from '../nn/gelu.js';
import { SequentialHead } from '../nn/head.js';
import { Identity } from '../nn/identity.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module, type Child } from '../nn/module.js';
import { Softmax } from '../nn/softmax.js';
import { chunk } from '../ops/chunk.js';
import { matmul } from '../ops/matmul.js';
import { positiveInteger } from './pair.js';
import { LeViTEmbedding } from './levit.js';
import { FeedForward } from './vit.js';

/** max_vit.py's Residual: fn(x) + x, with `fn` as the child. */
export class Residual extends Module {
  readonly fn: Layer;

  constructor(fn: Layer) {
    super();
    this.fn = this.addModule('fn', fn as Child) as Layer;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(this.fn.forward(x), x));
  }
}

/** max_vit.py's SqueezeExcitation: x · gate(x), gate = mean → Linear → SiLU → Linear → Sigmoid (no biases). */
export class SqueezeExcitation extends Module {
  readonly gate: Sequential;

  constructor(dim: number, shrinkageRate = 0.25) {
    super();
    const hiddenDim = Math.trunc(dim * shrinkageRate);
    this.gate = this.addModule('gate', new Sequential(
      new Reduce('b c h w -> b c', 'mean'),
      new Linear(dim, hiddenDim, { bias: false }),
      new SiLU(),
      new Linear(hiddenDim, dim, { bias: false }),
      new Sigmoid(),
      new Rearrange('b c -> b c 1 1'),
    ));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.mul(x, this.gate.forward(x)));
  }
}

/** max_vit.py's Dropsample: drops whole samples in train mode (probability `prob`). */
export class Dropsample extends Module {
  constructor(readonly prob = 0) {
    super();
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (this.prob === 0 || !this.training) return tf.reshape(x, x.shape);
    return tf.tidy(() => {
      const keep = tf.cast(tf.greater(tf.randomUniform([x.shape[0]!, 1, 1, 1]), this.prob), 'float32');
      return tf.div(tf.mul(x, keep), 1 - this.prob);
    });
  }
}

/** max_vit.py's MBConvResidual: dropsample(fn(x)) + x. */
export class MBConvResidual extends Module {
  readonly fn: Sequential;
  readonly dropsample: Dropsample;

  constructor(fn: Sequential, dropout = 0) {
    super();
    this.fn = this.addModule('fn', fn);
    this.dropsample = this.addModule('dropsample', new Dropsample(dropout));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(this.dropsample.forward(this.fn.forward(x)), x));
  }
}

/** max_vit.py's MBConv: the 9-layer Sequential, wrapped in MBConvResidual when it keeps the shape. */
export function MBConv(dimIn: number, dimOut: number, { downsample, expansionRate = 4, shrinkageRate = 0.25, dropout = 0 }:
  { downsample: boolean; expansionRate?: number; shrinkageRate?: number; dropout?: number }): Sequential | MBConvResidual {
  const hiddenDim = Math.trunc(expansionRate * dimOut);
  const stride = downsample ? 2 : 1;
  const net = new Sequential(
    new Conv2d(dimIn, hiddenDim, 1),
    new BatchNorm2d(hiddenDim),
    new GELU(),
    new Conv2d(hiddenDim, hiddenDim, 3, { stride, padding: 1, groups: hiddenDim }),
    new BatchNorm2d(hiddenDim),
    new GELU(),
    new SqueezeExcitation(hiddenDim, shrinkageRate),
    new Conv2d(hiddenDim, dimOut, 1),
    new BatchNorm2d(dimOut),
  );
  return dimIn === dimOut && !downsample ? new MBConvResidual(net, dropout) : net;
}

/** max_vit.py's rel_pos_indices for a w × w window: [(w²)², ] row-major over (query, key) pixels. */
export function maxvitRelPosIndices(windowSize: number): Int32Array {
  const w = windowSize;
  const out = new Int32Array(w ** 4);
  let o = 0;
  for (let qi = 0; qi < w; qi++) for (let qj = 0; qj < w; qj++) {
    for (let ki = 0; ki < w; ki++) for (let kj = 0; kj < w; kj++) out[o++] = (qi - ki + w - 1) * (2 * w - 1) + (qj - kj + w - 1);
  }
  return out;
}

/** max_vit.py's Attention on windows [b, x, y, w1, w2, d] with a learned relative position bias. */
export class MaxViTAttention extends Module {
  readonly heads: number;
  readonly scale: number;
  readonly norm: LayerNorm;
  readonly toQkv: Linear;
  readonly attend: Sequential;
  readonly toOut: Sequential;
  /** nn.Embedding((2w − 1)², heads): `rel_pos_bias.weight`. */
  readonly relPosBias: LeViTEmbedding;
  readonly #relPosIndices: tf.Tensor1D;

  constructor(dim: number, { dimHead = 32, dropout = 0, windowSize = 7 } = {}) {
    super();
    if (dim % dimHead !== 0) throw new Error('dimension should be divisible by dimension per head');
    this.heads = dim / dimHead;
    this.scale = dimHead ** -0.5;
    this.norm = this.addModule('norm', new LayerNorm(dim));
    this.toQkv = this.addModule('to_qkv', new Linear(dim, dim * 3, { bias: false }));
    this.attend = this.addModule('attend', new Sequential(new Softmax(-1), new Dropout(dropout)));
    this.toOut = this.addModule('to_out', new Sequential(new Linear(dim, dim, { bias: false }), new Dropout(dropout)));
    this.relPosBias = this.addModule('rel_pos_bias', new LeViTEmbedding((2 * windowSize - 1) ** 2, this.heads));
    // register_buffer(..., persistent = False): kept alive by the module, not in the state dict.
    this.#relPosIndices = this.own(tf.tensor1d(maxvitRelPosIndices(windowSize), 'int32'));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [, height, width, wh, ww] = x.shape as [number, number, number, number, number, number];
      const n = wh * ww;
      if (this.#relPosIndices.shape[0] !== n * n) throw new Error(`MaxViTAttention: windows of ${wh}x${ww} do not match the ${Math.round(Math.sqrt(Math.sqrt(this.#relPosIndices.shape[0])))}-pixel window size`);
      const h = rearrange(this.norm.forward(x), 'b x y w1 w2 d -> (b x y) (w1 w2) d');
      const [q, k, v] = chunk(this.toQkv.forward(h), 3).map((t) => rearrange(t, 'b n (h d) -> b h n d', { h: this.heads })) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const sim = matmul(tf.mul(q, this.scale), k, { transposeB: true });
      const bias = rearrange(tf.reshape(this.relPosBias.lookup(this.#relPosIndices), [n, n, this.heads]), 'i j h -> h i j');
      const attn = this.attend.forward(tf.add(sim, bias));
      const out = rearrange(matmul(attn, v), 'b h (w1 w2) d -> b w1 w2 (h d)', { w1: wh });
      const unflatten: string = '(b x y) w1 w2 d -> b x y w1 w2 d';
      return rearrange(this.toOut.forward(out), unflatten, { x: height, y: width });
    });
  }
}

export interface MaxViTOptions {
  /** 0: `mlp_head.2` is an Identity (forward returns the normed pooled features). */
  numClasses: number;
  dim: number;
  /** Blocks per stage (max_vit.py requires a tuple); stage i has width 2^i · dim. */
  depth: number[];
  dimHead?: number;
  dimConvStem?: number;
  windowSize?: number;
  mbconvExpansionRate?: number;
  mbconvShrinkageRate?: number;
  dropout?: number;
  channels?: number;
}

export class MaxViT extends Module {
  readonly channels: number;
  readonly windowSize: number;
  readonly numStages: number;
  readonly convStem: Sequential;
  readonly layers: ModuleList<Sequential>;
  readonly mlpHead: SequentialHead;
  readonly #lastDim: number;
  #numClasses: number;

  constructor({ numClasses, dim, depth, dimHead = 32, dimConvStem, windowSize = 7, mbconvExpansionRate = 4, mbconvShrinkageRate = 0.25, dropout = 0.1, channels = 3 }: MaxViTOptions) {
    super();
    if (!Array.isArray(depth)) throw new Error('depth needs to be tuple if integers indicating number of transformer blocks at that stage');
    positiveInteger(numClasses, 'numClasses', 0);
    this.channels = positiveInteger(channels, 'channels');
    this.windowSize = positiveInteger(windowSize, 'windowSize');
    this.numStages = depth.length;
    const stem = dimConvStem ?? dim;
    this.convStem = this.addModule('conv_stem', new Sequential(
      new Conv2d(channels, stem, 3, { stride: 2, padding: 1 }),
      new Conv2d(stem, stem, 3, { padding: 1 }),
    ));
    const dims = [stem, ...depth.map((_, i) => 2 ** i * dim)];
    const w = windowSize;
    const blocks: Sequential[] = [];
    depth.forEach((layerDepth, ind) => {
      const [layerDimIn, layerDim] = [dims[ind]!, dims[ind + 1]!];
      for (let stageInd = 0; stageInd < layerDepth; stageInd++) {
        const isFirst = stageInd === 0;
        const attention = (): Residual => new Residual(new MaxViTAttention(layerDim, { dimHead, dropout, windowSize: w }));
        const feedForward = (): Residual => new Residual(new FeedForward(layerDim, Math.trunc(layerDim * 4), dropout));
        blocks.push(new Sequential(
          MBConv(isFirst ? layerDimIn : layerDim, layerDim, { downsample: isFirst, expansionRate: mbconvExpansionRate, shrinkageRate: mbconvShrinkageRate }),
          new Rearrange('b d (x w1) (y w2) -> b x y w1 w2 d', { w1: w, w2: w }), // block-like attention
          attention(),
          feedForward(),
          new Rearrange('b x y w1 w2 d -> b d (x w1) (y w2)'),
          new Rearrange('b d (w1 x) (w2 y) -> b x y w1 w2 d', { w1: w, w2: w }), // grid-like attention
          attention(),
          feedForward(),
          new Rearrange('b x y w1 w2 d -> b d (w1 x) (w2 y)'),
        ));
      }
    });
    this.layers = this.addModule('layers', new ModuleList(blocks));
    this.#lastDim = dims[dims.length - 1]!;
    this.#numClasses = numClasses;
    this.mlpHead = this.addModule('mlp_head', new SequentialHead(new Reduce('b d h w -> b d', 'mean'), new LayerNorm(this.#lastDim), this.#classifier(numClasses)));
  }

  get numClasses(): number {
    return this.#numClasses;
  }

  #classifier(numClasses: number): Linear | Identity {
    return numClasses > 0 ? new Linear(this.#lastDim, numClasses) : new Identity();
  }

  resetClassifier(numClasses: number): void {
    positiveInteger(numClasses, 'numClasses', 0);
    this.mlpHead.replace(2, this.#classifier(numClasses));
    this.#numClasses = numClasses;
  }

  /** The last stage's feature map [b, 2^(stages−1)·dim, h/2^(stages+1), w/2^(stages+1)]. */
  forwardFeatures(img: tf.Tensor): tf.Tensor {
    if (img.rank !== 4 || img.shape[1] !== this.channels) throw new Error(`MaxViT: expected an image batch [b, ${this.channels}, h, w], got [${img.shape.join(', ')}]`);
    // Every stage halves the map (its first MBConv has stride 2) and cuts it into w x w windows.
    let [h, w] = [Math.ceil(img.shape[2]! / 2), Math.ceil(img.shape[3]! / 2)];
    for (let stage = 0; stage < this.numStages; stage++) {
      [h, w] = [Math.ceil(h / 2), Math.ceil(w / 2)];
      if (h % this.windowSize !== 0 || w % this.windowSize !== 0) {
        throw new Error(`MaxViT: stage ${stage} has a ${h}x${w} feature map, not divisible into ${this.windowSize}x${this.windowSize} windows`);
      }
    }
    return tf.tidy(() => {
      let x = this.convStem.forward(img);
      for (const block of this.layers) x = block.forward(x);
      return x;
    });
  }

  /** Mean over the map (`mlp_head.0`), LayerNorm (`mlp_head.1`; the pre-logits), Linear (`mlp_head.2`). */
  forwardHead(features: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return this.mlpHead.forwardUntil(features, preLogits ? 2 : 3);
  }

  forward(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(img)));
  }
}
