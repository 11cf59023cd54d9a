/**
 * vit-pytorch 1.23.6 `mobile_vit.py` (Mehta & Rastegari, "MobileViT"): MobileNetV2 blocks (conv +
 * BatchNorm + SiLU) and MobileViT blocks, which unfold the feature map into patches, run a
 * transformer across the patches that share a pixel position, fold back and fuse with the input.
 * Keys as mobile_vit.py: `conv1.0.weight`, `conv1.1.running_mean`, `stem.0.conv.0.weight`,
 * `trunk.0.1.transformer.layers.0.0.to_qkv.weight`, `to_logits.0.0.weight`, `to_logits.2.weight`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { Reduce, rearrange } from '@vit/einops';
import { SiLU } from '../nn/activations.js';
import { BatchNorm2d } from '../nn/batch-norm.js';
import { ModuleList, Sequential } from '../nn/containers.js';
import { Conv2d } from '../nn/conv2d.js';
import { Dropout } from '../nn/dropout.js';
import { SequentialHead } from '../nn/head.js';
import { Identity } from '../nn/identity.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module, type Child } from '../nn/module.js';
import { pair, positiveInteger } from './pair.js';
import { Attention } from './vit.js';

/** conv_1x1_bn: Conv2d(1x1, no bias) → BatchNorm2d → SiLU. */
export function conv1x1Bn(inp: number, oup: number): Sequential {
  return new Sequential(new Conv2d(inp, oup, 1, { stride: 1, padding: 0, bias: false }), new BatchNorm2d(oup), new SiLU());
}

/** conv_nxn_bn: Conv2d(k, stride, padding 1, no bias) → BatchNorm2d → SiLU. */
export function convNxnBn(inp: number, oup: number, kernelSize = 3, stride = 1): Sequential {
  return new Sequential(new Conv2d(inp, oup, kernelSize, { stride, padding: 1, bias: false }), new BatchNorm2d(oup), new SiLU());
}

/** mobile_vit.py's FeedForward: LayerNorm → Linear → SiLU → Dropout → Linear → Dropout (`net.0` ... `net.5`). */
export class MobileViTFeedForward extends Module {
  readonly net: Sequential;

  constructor(dim: number, hiddenDim: number, dropout = 0) {
    super();
    this.net = this.addModule('net', new Sequential(new LayerNorm(dim), new Linear(dim, hiddenDim), new SiLU(), new Dropout(dropout), new Linear(hiddenDim, dim), new Dropout(dropout)));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.net.forward(x);
  }
}

/**
 * mobile_vit.py's Transformer on [b, p, n, d] (attention within each of the p pixel positions): no
 * final norm. Its Attention is vit.py's (always projecting: heads = 4), run on [b·p, n, d].
 */
export class MobileViTTransformer extends Module {
  readonly layers: ModuleList<ModuleList>;
  readonly #blocks: [Attention, MobileViTFeedForward][];

  constructor(dim: number, depth: number, heads: number, dimHead: number, mlpDim: number, dropout = 0) {
    super();
    positiveInteger(depth, 'depth', 0);
    this.#blocks = Array.from({ length: depth }, () => [new Attention(dim, { heads, dimHead, dropout }), new MobileViTFeedForward(dim, mlpDim, dropout)]);
    this.layers = this.addModule('layers', new ModuleList(this.#blocks.map(([a, f]) => new ModuleList([a as Child, f as Child]))));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [b, p, n, d] = x.shape as [number, number, number, number];
      let h = tf.reshape(x, [b * p, n, d]);
      for (const [attn, ff] of this.#blocks) {
        h = tf.add(attn.forward(h), h);
        h = tf.add(ff.forward(h), h);
      }
      return tf.reshape(h, [b, p, n, d]);
    });
  }
}

/** MobileNetV2's inverted residual: (1x1 expand →) 3x3 depthwise (stride) → 1x1 project, BatchNorm after each conv; residual when shapes allow. */
export class MV2Block extends Module {
  readonly useResConnect: boolean;
  readonly conv: Sequential;

  constructor(inp: number, oup: number, readonly stride = 1, expansion = 4) {
    super();
    if (stride !== 1 && stride !== 2) throw new Error(`MV2Block: stride must be 1 or 2, got ${stride}`);
    const hiddenDim = Math.trunc(inp * expansion);
    this.useResConnect = stride === 1 && inp === oup;
    const dw = [new Conv2d(hiddenDim, hiddenDim, 3, { stride, padding: 1, groups: hiddenDim, bias: false }), new BatchNorm2d(hiddenDim), new SiLU()];
    const pwLinear = [new Conv2d(hiddenDim, oup, 1, { stride: 1, padding: 0, bias: false }), new BatchNorm2d(oup)];
    this.conv = this.addModule('conv', expansion === 1
      ? new Sequential(...dw, ...pwLinear)
      : new Sequential(new Conv2d(inp, hiddenDim, 1, { stride: 1, padding: 0, bias: false }), new BatchNorm2d(hiddenDim), new SiLU(), ...dw, ...pwLinear));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const out = this.conv.forward(x);
      return this.useResConnect ? tf.add(out, x) : out;
    });
  }
}

/** Local conv (conv1, conv2) → transformer over 'b d (h ph) (w pw) -> b (ph pw) (h w) d' → fold → conv3 → concat with the input → conv4. */
export class MobileViTBlock extends Module {
  readonly ph: number;
  readonly pw: number;
  readonly conv1: Sequential;
  readonly conv2: Sequential;
  readonly transformer: MobileViTTransformer;
  readonly conv3: Sequential;
  readonly conv4: Sequential;

  constructor(dim: number, depth: number, channel: number, kernelSize: number, patchSize: [number, number], mlpDim: number, dropout = 0) {
    super();
    [this.ph, this.pw] = patchSize;
    this.conv1 = this.addModule('conv1', convNxnBn(channel, channel, kernelSize));
    this.conv2 = this.addModule('conv2', conv1x1Bn(channel, dim));
    this.transformer = this.addModule('transformer', new MobileViTTransformer(dim, depth, 4, 8, mlpDim, dropout));
    this.conv3 = this.addModule('conv3', conv1x1Bn(dim, channel));
    this.conv4 = this.addModule('conv4', convNxnBn(2 * channel, channel, kernelSize));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = this.conv2.forward(this.conv1.forward(x));
      const [, , height, width] = h.shape as [number, number, number, number];
      if (height % this.ph !== 0 || width % this.pw !== 0) {
        throw new Error(`MobileViTBlock: a ${height}x${width} feature map is not divisible by the patch size ${this.ph}x${this.pw}`);
      }
      h = rearrange(h, 'b d (h ph) (w pw) -> b (ph pw) (h w) d', { ph: this.ph, pw: this.pw });
      h = this.transformer.forward(h);
      // (typed as a plain string: the pattern type checker mis-reads this inverse pattern)
      const fold: string = 'b (ph pw) (h w) d -> b d (h ph) (w pw)';
      h = rearrange(h, fold, { h: height / this.ph, w: width / this.pw, ph: this.ph, pw: this.pw });
      h = this.conv3.forward(h);
      return this.conv4.forward(tf.concat([h, x], 1));
    });
  }
}

export interface MobileViTOptions {
  /** [height, width] (a number: square). */
  imageSize: number | [number, number];
  /** Transformer widths of the three MobileViT blocks. */
  dims: [number, number, number] | number[];
  /** The 11 channel counts of mobile_vit.py (stem, trunk, last conv). */
  channels: number[];
  /** 0: `to_logits.2` is an Identity and forward returns the pooled features. */
  numClasses: number;
  expansion?: number;
  kernelSize?: number;
  patchSize?: [number, number];
  depths?: [number, number, number] | number[];
}

export class MobileViT extends Module {
  readonly conv1: Sequential;
  readonly stem: ModuleList<MV2Block>;
  readonly trunk: ModuleList<ModuleList>;
  readonly toLogits: SequentialHead;
  readonly #trunk: [MV2Block, MobileViTBlock][];
  readonly #lastDim: number;
  #numClasses: number;

  constructor({ imageSize, dims, channels, numClasses, expansion = 4, kernelSize = 3, patchSize = [2, 2], depths = [2, 4, 3] }: MobileViTOptions) {
    super();
    if (dims.length !== 3) throw new Error('dims must be a tuple of 3');
    if (depths.length !== 3) throw new Error('depths must be a tuple of 3');
    if (channels.length !== 11) throw new Error(`channels must have 11 entries, got ${channels.length}`);
    positiveInteger(numClasses, 'numClasses', 0);
    const [ih, iw] = pair(imageSize, 'imageSize');
    const [ph, pw] = pair(patchSize, 'patchSize');
    if (ih % ph !== 0 || iw % pw !== 0) throw new Error(`imageSize ${ih}x${iw} must be divisible by the patch size ${ph}x${pw}`);
    const c = channels;
    const initDim = c[0]!;
    this.#lastDim = c[10]!;
    this.conv1 = this.addModule('conv1', convNxnBn(3, initDim, 3, 2));
    this.stem = this.addModule('stem', new ModuleList([
      new MV2Block(c[0]!, c[1]!, 1, expansion),
      new MV2Block(c[1]!, c[2]!, 2, expansion),
      new MV2Block(c[2]!, c[3]!, 1, expansion),
      new MV2Block(c[2]!, c[3]!, 1, expansion),
    ]));
    this.#trunk = [
      [new MV2Block(c[3]!, c[4]!, 2, expansion), new MobileViTBlock(dims[0]!, depths[0]!, c[5]!, kernelSize, [ph, pw], Math.trunc(dims[0]! * 2))],
      [new MV2Block(c[5]!, c[6]!, 2, expansion), new MobileViTBlock(dims[1]!, depths[1]!, c[7]!, kernelSize, [ph, pw], Math.trunc(dims[1]! * 4))],
      [new MV2Block(c[7]!, c[8]!, 2, expansion), new MobileViTBlock(dims[2]!, depths[2]!, c[9]!, kernelSize, [ph, pw], Math.trunc(dims[2]! * 4))],
    ];
    this.trunk = this.addModule('trunk', new ModuleList(this.#trunk.map(([conv, attn]) => new ModuleList<Child>([conv, attn]))));
    this.#numClasses = numClasses;
    this.toLogits = this.addModule('to_logits', new SequentialHead(conv1x1Bn(c[9]!, this.#lastDim), new Reduce('b c h w -> b c', 'mean'), this.#classifier(numClasses)));
  }

  get numClasses(): number {
    return this.#numClasses;
  }

  #classifier(numClasses: number): Linear | Identity {
    return numClasses > 0 ? new Linear(this.#lastDim, numClasses, { bias: false }) : new Identity();
  }

  resetClassifier(numClasses: number): void {
    positiveInteger(numClasses, 'numClasses', 0);
    this.toLogits.replace(2, this.#classifier(numClasses));
    this.#numClasses = numClasses;
  }

  /** The feature map after the last 1x1 conv (`to_logits.0`) [b, lastDim, h/32, w/32]. */
  forwardFeatures(img: tf.Tensor): tf.Tensor {
    if (img.rank !== 4 || img.shape[1] !== 3) throw new Error(`MobileViT: expected an image batch [b, 3, h, w], got [${img.shape.join(', ')}]`);
    return tf.tidy(() => {
      let x = this.conv1.forward(img);
      for (const block of this.stem) x = block.forward(x);
      for (const [conv, attn] of this.#trunk) x = attn.forward(conv.forward(x));
      return this.toLogits.forwardUntil(x, 1);
    });
  }

  /** Mean over the spatial axes (`to_logits.1`), then the classifier (`to_logits.2`). */
  forwardHead(features: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return this.toLogits.forwardUntil(features, preLogits ? 2 : 3, 1);
  }

  forward(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(img)));
  }
}
