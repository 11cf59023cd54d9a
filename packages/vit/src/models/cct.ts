/**
 * vit-pytorch 1.23.6 `cct.py` (Hassani et al., "Escaping the Big Data Paradigm with Compact
 * Transformers"): a convolutional tokenizer (Conv2d → ReLU → MaxPool2d per layer), a post-norm-free
 * transformer encoder with stochastic depth, and sequence pooling (an attention-weighted mean of the
 * tokens) before the classifier. Submodule names follow cct.py, so state-dict keys are the same
 * (`tokenizer.conv_layers.0.0.weight`, `classifier.blocks.0.self_attn.qkv.weight`, `classifier.fc.bias`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { rearrange } from '@vit/einops';
import { ReLU } from '../nn/activations.js';
import { Sequential, ModuleList } from '../nn/containers.js';
import { Conv2d } from '../nn/conv2d.js';
import { DropPath } from '../nn/drop-path.js';
import { Dropout } from '../nn/dropout.js';
import { gelu } from '../ops/gelu.js';
import { Identity } from '../nn/identity.js';
import { kaimingNormal, reinit, truncNormal } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { MaxPool2d } from '../nn/pooling.js';
import { chunk } from '../ops/chunk.js';
import { matmul } from '../ops/matmul.js';
import { pair, positiveInteger } from './pair.js';

/** cct.py's sinusoidal_embedding(n, dim): [1, n, dim], pe[p, i] = sin / cos(p / 10000^(2·⌊i/2⌋/dim)) for even / odd i. */
export function sinusoidalEmbedding(nChannels: number, dim: number): tf.Tensor3D {
  const values = new Float32Array(nChannels * dim);
  for (let p = 0; p < nChannels; p++) {
    for (let i = 0; i < dim; i++) {
      const angle = Math.fround(p / 10000 ** ((2 * Math.floor(i / 2)) / dim));
      values[p * dim + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return tf.tensor3d(values, [1, nChannels, dim]);
}

/** Linear layers as cct.py's init_weight: trunc_normal(std 0.02) weights, zero biases. */
function initLinear(linear: Linear): Linear {
  reinit(linear.weight, () => truncNormal(linear.weight.shape, 0.02));
  if (linear.bias !== undefined) reinit(linear.bias, () => tf.zerosLike(linear.bias!));
  return linear;
}

/** cct.py's Attention: `qkv` (no bias) → softmax(q·kᵀ·scale) → attn_drop → ·v → `proj` → proj_drop; head_dim = dim / heads. */
export class CCTAttention extends Module {
  readonly heads: number;
  readonly scale: number;
  readonly qkv: Linear;
  readonly attnDrop: Dropout;
  readonly proj: Linear;
  readonly projDrop: Dropout;

  constructor(dim: number, { numHeads = 8, attentionDropout = 0.1, projectionDropout = 0.1 } = {}) {
    super();
    this.heads = positiveInteger(numHeads, 'numHeads');
    this.scale = Math.floor(dim / numHeads) ** -0.5;
    this.qkv = this.addModule('qkv', initLinear(new Linear(dim, dim * 3, { bias: false })));
    this.attnDrop = this.addModule('attn_drop', new Dropout(attentionDropout));
    this.proj = this.addModule('proj', initLinear(new Linear(dim, dim)));
    this.projDrop = this.addModule('proj_drop', new Dropout(projectionDropout));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [q, k, v] = chunk(this.qkv.forward(x), 3).map((t) => rearrange(t, 'b n (h d) -> b h n d', { h: this.heads })) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const attn = this.attnDrop.forward(tf.softmax(matmul(tf.mul(q, this.scale), k, { transposeB: true })));
      const out = rearrange(matmul(attn, v), 'b h n d -> b n (h d)');
      return this.projDrop.forward(this.proj.forward(out));
    });
  }
}

/** cct.py's TransformerEncoderLayer: x + drop_path(attn(pre_norm(x))) → norm1 → + drop_path(dropout2(linear2(dropout1(gelu(linear1(·)))))). */
export class TransformerEncoderLayer extends Module {
  readonly preNorm: LayerNorm;
  readonly selfAttn: CCTAttention;
  readonly linear1: Linear;
  readonly dropout1: Dropout;
  readonly norm1: LayerNorm;
  readonly linear2: Linear;
  readonly dropout2: Dropout;
  readonly dropPath: DropPath;

  constructor(dModel: number, nhead: number, { dimFeedforward = 2048, dropout = 0.1, attentionDropout = 0.1, dropPathRate = 0.1 } = {}) {
    super();
    this.preNorm = this.addModule('pre_norm', new LayerNorm(dModel));
    this.selfAttn = this.addModule('self_attn', new CCTAttention(dModel, { numHeads: nhead, attentionDropout, projectionDropout: dropout }));
    this.linear1 = this.addModule('linear1', initLinear(new Linear(dModel, dimFeedforward)));
    this.dropout1 = this.addModule('dropout1', new Dropout(dropout));
    this.norm1 = this.addModule('norm1', new LayerNorm(dModel));
    this.linear2 = this.addModule('linear2', initLinear(new Linear(dimFeedforward, dModel)));
    this.dropout2 = this.addModule('dropout2', new Dropout(dropout));
    this.dropPath = this.addModule('drop_path', new DropPath(dropPathRate));
  }

  forward(src: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let x = tf.add(src, this.dropPath.forward(this.selfAttn.forward(this.preNorm.forward(src))));
      x = this.norm1.forward(x);
      const x2 = this.linear2.forward(this.dropout1.forward(gelu(this.linear1.forward(x))));
      return tf.add(x, this.dropPath.forward(this.dropout2.forward(x2)));
    });
  }
}

export interface TokenizerOptions {
  kernelSize: number;
  stride: number;
  padding: number;
  poolingKernelSize?: number;
  poolingStride?: number;
  poolingPadding?: number;
  nConvLayers?: number;
  nInputChannels?: number;
  nOutputChannels?: number;
  inPlanes?: number;
  /** CCT uses ReLU; undefined: Identity. */
  activation?: (() => Module) | undefined;
  maxPool?: boolean;
  convBias?: boolean;
}

/** cct.py's Tokenizer: `conv_layers.<i>` = Sequential(Conv2d, activation | Identity, MaxPool2d | Identity), then 'b c h w -> b (h w) c'. */
export class Tokenizer extends Module {
  readonly convLayers: Sequential;
  readonly #geometry: { k: number; s: number; p: number; pk: number; ps: number; pp: number; maxPool: boolean; layers: number };

  constructor({ kernelSize, stride, padding, poolingKernelSize = 3, poolingStride = 2, poolingPadding = 1, nConvLayers = 1,
    nInputChannels = 3, nOutputChannels = 64, inPlanes = 64, activation, maxPool = true, convBias = false }: TokenizerOptions) {
    super();
    positiveInteger(nConvLayers, 'nConvLayers');
    const filters = [nInputChannels, ...Array.from({ length: nConvLayers - 1 }, () => inPlanes), nOutputChannels];
    this.convLayers = this.addModule('conv_layers', new Sequential(...filters.slice(0, -1).map((chanIn, i) => {
      const conv = new Conv2d(chanIn, filters[i + 1]!, kernelSize, { stride, padding, bias: convBias });
      reinit(conv.weight, () => tf.transpose(kaimingNormal([filters[i + 1]!, chanIn, kernelSize, kernelSize], chanIn * kernelSize ** 2), [2, 3, 1, 0]));
      return new Sequential(conv, activation === undefined ? new Identity() : activation(),
        maxPool ? new MaxPool2d(poolingKernelSize, { stride: poolingStride, padding: poolingPadding }) : new Identity());
    })));
    this.#geometry = { k: kernelSize, s: stride, p: padding, pk: poolingKernelSize, ps: poolingStride, pp: poolingPadding, maxPool, layers: nConvLayers };
  }

  /** The number of tokens for an image of height × width (what cct.py measures with a forward pass). */
  sequenceLength(height: number, width: number): number {
    const g = this.#geometry;
    const out = (n: number): number => {
      for (let i = 0; i < g.layers; i++) {
        n = Math.floor((n + 2 * g.p - g.k) / g.s) + 1;
        if (g.maxPool) n = Math.floor((n + 2 * g.pp - g.pk) / g.ps) + 1;
      }
      return n;
    };
    return out(height) * out(width);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => rearrange(this.convLayers.forward(x), 'b c h w -> b (h w) c'));
  }
}

export type PositionalEmbedding = 'sine' | 'learnable' | 'none';

export interface TransformerClassifierOptions {
  seqPool?: boolean;
  embeddingDim?: number;
  numLayers?: number;
  numHeads?: number;
  mlpRatio?: number;
  /** 0: no `fc` (forward returns the pooled features). */
  numClasses?: number;
  dropoutRate?: number;
  attentionDropout?: number;
  stochasticDepthRate?: number;
  positionalEmbedding?: PositionalEmbedding;
  sequenceLength?: number;
}

/**
 * cct.py's TransformerClassifier. Own parameters (`class_emb` without sequence pooling,
 * `positional_emb`: a frozen sinusoid with 'sine', learnable with 'learnable'), then
 * `attention_pool` (sequence pooling), `blocks.<i>`, `norm`, `fc`.
 */
export class TransformerClassifier extends Module {
  readonly seqPool: boolean;
  readonly embeddingDim: number;
  readonly sequenceLength: number | undefined;
  readonly classEmb: tf.Variable | undefined;
  readonly positionalEmb: tf.Variable | undefined;
  readonly attentionPool: Linear | undefined;
  readonly dropout: Dropout;
  readonly blocks: ModuleList<TransformerEncoderLayer>;
  readonly norm: LayerNorm;
  #fc: Linear | Identity;
  #numClasses: number;

  constructor({ seqPool = true, embeddingDim = 768, numLayers = 12, numHeads = 12, mlpRatio = 4.0, numClasses = 1000, dropoutRate = 0.1,
    attentionDropout = 0.1, stochasticDepthRate = 0.1, positionalEmbedding = 'sine', sequenceLength }: TransformerClassifierOptions = {}) {
    super();
    if (!['sine', 'learnable', 'none'].includes(positionalEmbedding)) throw new Error(`positionalEmbedding must be 'sine', 'learnable' or 'none', got ${String(positionalEmbedding)}`);
    if (sequenceLength === undefined && positionalEmbedding !== 'none') {
      throw new Error(`Positional embedding is set to ${positionalEmbedding} and the sequence length was not specified.`);
    }
    positiveInteger(numClasses, 'numClasses', 0);
    const dimFeedforward = Math.trunc(embeddingDim * mlpRatio);
    this.embeddingDim = positiveInteger(embeddingDim, 'embeddingDim');
    this.seqPool = seqPool;
    let seqLen = sequenceLength;
    if (!seqPool) {
      if (seqLen !== undefined) seqLen += 1;
      this.classEmb = this.addParameter('class_emb', () => tf.zeros([1, 1, embeddingDim]));
    }
    this.sequenceLength = seqLen;
    if (positionalEmbedding === 'learnable') this.positionalEmb = this.addParameter('positional_emb', () => truncNormal([1, seqLen!, embeddingDim], 0.2));
    else if (positionalEmbedding === 'sine') this.positionalEmb = this.addParameter('positional_emb', () => sinusoidalEmbedding(seqLen!, embeddingDim), undefined, { trainable: false });
    this.attentionPool = seqPool ? this.addModule('attention_pool', initLinear(new Linear(embeddingDim, 1))) : undefined;
    this.dropout = this.addModule('dropout', new Dropout(dropoutRate));
    const dpr = Array.from({ length: numLayers }, (_, i) => (numLayers === 1 ? 0 : (stochasticDepthRate * i) / (numLayers - 1)));
    this.blocks = this.addModule('blocks', new ModuleList(dpr.map((dropPathRate) => new TransformerEncoderLayer(embeddingDim, numHeads,
      { dimFeedforward, dropout: dropoutRate, attentionDropout, dropPathRate }))));
    this.norm = this.addModule('norm', new LayerNorm(embeddingDim));
    this.#numClasses = numClasses;
    this.#fc = this.addModule('fc', this.#newFc(numClasses));
  }

  get numClasses(): number {
    return this.#numClasses;
  }

  get fc(): Linear | Identity {
    return this.#fc;
  }

  #newFc(numClasses: number): Linear | Identity {
    return numClasses > 0 ? initLinear(new Linear(this.embeddingDim, numClasses)) : new Identity();
  }

  resetClassifier(numClasses: number): void {
    positiveInteger(numClasses, 'numClasses', 0);
    this.#fc = this.replaceModule('fc', this.#newFc(numClasses));
    this.#numClasses = numClasses;
  }

  /** Tokens [b, n, d] → the normed encoder output [b, n (+1), d]. */
  forwardFeatures(x: tf.Tensor): tf.Tensor {
    if (this.positionalEmb !== undefined && x.shape[1]! + (this.seqPool ? 0 : 1) !== this.sequenceLength) {
      throw new Error(`TransformerClassifier: ${x.shape[1]} tokens, but the positional embedding was built for ${this.sequenceLength}`);
    }
    return tf.tidy(() => {
      const b = x.shape[0]!;
      let h = x;
      if (this.classEmb !== undefined) h = tf.concat([tf.tile(this.classEmb, [b, 1, 1]), h], 1);
      if (this.positionalEmb !== undefined) h = tf.add(h, this.positionalEmb);
      h = this.dropout.forward(h);
      for (const blk of this.blocks) h = blk.forward(h);
      return this.norm.forward(h);
    });
  }

  /** Sequence pooling (softmax(attention_pool(x)) over the tokens, then their weighted sum) or the class token, then `fc`. */
  forwardHead(x: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      let pooled: tf.Tensor;
      if (this.attentionPool !== undefined) {
        const weights = tf.softmax(rearrange(this.attentionPool.forward(x), 'b n 1 -> b 1 n'));
        pooled = rearrange(matmul(weights, x), 'b 1 d -> b d');
      } else {
        pooled = tf.squeeze(tf.slice(x, [0, 0, 0], [x.shape[0]!, 1, x.shape[2]!]), [1]);
      }
      return preLogits ? pooled : this.#fc.forward(pooled);
    });
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(x)));
  }
}

export interface CCTOptions extends Omit<TransformerClassifierOptions, 'seqPool' | 'sequenceLength' | 'embeddingDim'> {
  imgSize?: number | [number, number];
  embeddingDim?: number;
  nInputChannels?: number;
  nConvLayers?: number;
  kernelSize?: number;
  stride?: number;
  padding?: number;
  poolingKernelSize?: number;
  poolingStride?: number;
  poolingPadding?: number;
}

/** vit-pytorch's CCT: `tokenizer` then `classifier` (sequence pooling). Defaults are cct.py's. */
export class CCT extends Module {
  readonly imgSize: [number, number];
  readonly nInputChannels: number;
  readonly tokenizer: Tokenizer;
  readonly classifier: TransformerClassifier;

  constructor({ imgSize = 224, embeddingDim = 768, nInputChannels = 3, nConvLayers = 1, kernelSize = 7, stride = 2, padding = 3,
    poolingKernelSize = 3, poolingStride = 2, poolingPadding = 1, dropoutRate = 0, attentionDropout = 0.1, stochasticDepthRate = 0.1,
    ...rest }: CCTOptions = {}) {
    super();
    this.imgSize = pair(imgSize, 'imgSize');
    this.nInputChannels = positiveInteger(nInputChannels, 'nInputChannels');
    this.tokenizer = this.addModule('tokenizer', new Tokenizer({ nInputChannels, nOutputChannels: embeddingDim, kernelSize, stride, padding,
      poolingKernelSize, poolingStride, poolingPadding, maxPool: true, activation: () => new ReLU(), nConvLayers, convBias: false }));
    this.classifier = this.addModule('classifier', new TransformerClassifier({ ...rest,
      sequenceLength: this.tokenizer.sequenceLength(...this.imgSize), embeddingDim, seqPool: true, dropoutRate, attentionDropout, stochasticDepthRate }));
  }

  get numClasses(): number {
    return this.classifier.numClasses;
  }

  #check(img: tf.Tensor): void {
    if (img.rank !== 4 || img.shape[1] !== this.nInputChannels) {
      throw new Error(`CCT: expected an image batch [b, ${this.nInputChannels}, h, w], got [${img.shape.join(', ')}]`);
    }
  }

  /** The normed token sequence [b, n, embeddingDim] (before sequence pooling). */
  forwardFeatures(img: tf.Tensor): tf.Tensor {
    this.#check(img);
    return tf.tidy(() => this.classifier.forwardFeatures(this.tokenizer.forward(img)));
  }

  forwardHead(features: tf.Tensor, options: { preLogits?: boolean } = {}): tf.Tensor {
    return this.classifier.forwardHead(features, options);
  }

  resetClassifier(numClasses: number): void {
    this.classifier.resetClassifier(numClasses);
  }

  /** img [b, c, h, w] → logits [b, numClasses] (pooled features when numClasses is 0). */
  forward(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(img)));
  }
}
