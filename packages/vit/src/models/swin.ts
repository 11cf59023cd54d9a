/**
 * timm's Swin Transformer (`timm/models/swin_transformer.py` at aa4b585; Liu et al. 2021), with
 * timm's module names, so timm checkpoints (e.g. `swin_tiny_patch4_window7_224`) load as they are:
 * `patch_embed.proj/norm`, `layers.{i}.downsample.{norm,reduction}`, `layers.{i}.blocks.{j}.{norm1,
 * attn.{relative_position_bias_table,qkv,proj},norm2,mlp.{fc1,fc2}}`, `norm`, `head.fc`.
 * `relative_position_index` and `attn_mask` are non-persistent buffers, as in timm (no keys).
 *
 * Activations are NHWC [b, h, w, c] between stages, as timm's. Shifted-window partitioning
 * (torch.roll + padding + window_partition, and back) is one token reordering each way
 * (`reorderTokens`: a Gather whose gradient is the inverse Gather), and the bias-table lookup has a
 * gradient that runs on WASM (`gatherRows`). Supported: timm's default fixed input size
 * (strict_img_size=True); not: `set_input_size`, `head_dim` per stage, fused attention (the
 * reference is timm's non-fused path: q·scale, q·kᵀ + bias + mask).
 */
import * as tf from '@tensorflow/tfjs-core';
import { rearrange, reduce } from '@vit/einops';
import { Sequential } from '../nn/containers.js';
import { Dropout } from '../nn/dropout.js';
import { GELU } from '../nn/gelu.js';
import { Identity } from '../nn/identity.js';
import { DropPath } from '../nn/drop-path.js';
import { truncNormal } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import type { CheckpointFormat, FilteredCheckpoint, HostState } from '../weights/convert.js';
import { Softmax } from '../nn/softmax.js';
import { chunk } from '../ops/chunk.js';
import { gatherRows, reorderTokens, tokenIndex, type TokenIndex } from '../ops/gather-grad.js';
import { matmul } from '../ops/matmul.js';
import { pair, positiveInteger } from './pair.js';
import { PatchConv } from './timm-vit.js';

type Size = [number, number];

/** timm's get_relative_position_index: [wh·ww · wh·ww] indices into the (2wh−1)(2ww−1) table. */
export function relativePositionIndex([wh, ww]: Size): Int32Array {
  const n = wh * ww;
  const out = new Int32Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const dh = Math.floor(a / ww) - Math.floor(b / ww) + wh - 1;
      const dw = (a % ww) - (b % ww) + ww - 1;
      out[a * n + b] = dh * (2 * ww - 1) + dw;
    }
  }
  return out;
}

/**
 * Where each token of the shifted, padded, window-partitioned grid comes from: `forward[m]` is the
 * row-major index into the h×w grid of window-order position m (h·w for padding), `inverse` the
 * reverse map. Window order is timm's: windows row-major, then positions row-major in a window.
 */
export function windowOrder([h, w]: Size, [wh, ww]: Size, [sh, sw]: Size): { forward: number[]; inverse: number[] } {
  const hp = Math.ceil(h / wh) * wh;
  const wp = Math.ceil(w / ww) * ww;
  const forward: number[] = [];
  const inverse = new Array<number>(h * w);
  for (let bh = 0; bh < hp / wh; bh++) {
    for (let bw = 0; bw < wp / ww; bw++) {
      for (let i = 0; i < wh; i++) {
        for (let j = 0; j < ww; j++) {
          const r = bh * wh + i;
          const c = bw * ww + j;
          if (r < h && c < w) {
            // torch.roll(x, -shift): rolled[r, c] = x[(r + sh) mod h, (c + sw) mod w]
            const src = ((r + sh) % h) * w + ((c + sw) % w);
            inverse[src] = forward.length;
            forward.push(src);
          } else {
            forward.push(h * w);
          }
        }
      }
    }
  }
  return { forward, inverse };
}

/** timm's SW-MSA mask: [nW, N, N], 0 within a region, −100 across regions of the shifted grid. */
export function shiftedWindowMask([h, w]: Size, [wh, ww]: Size, [sh, sw]: Size): Float32Array {
  const hp = Math.ceil(h / wh) * wh;
  const wp = Math.ceil(w / ww) * ww;
  // Python's slices (0, -ws), (-ws, -s), (-s, None): with s = 0 the last one covers everything.
  const region = (r: number, size: number, win: number, shift: number): number => (shift === 0 ? 2 : r < size - win ? 0 : r < size - shift ? 1 : 2);
  const n = wh * ww;
  const windows = (hp / wh) * (wp / ww);
  const out = new Float32Array(windows * n * n);
  let k = 0;
  for (let bh = 0; bh < hp / wh; bh++) {
    for (let bw = 0; bw < wp / ww; bw++) {
      const ids: number[] = [];
      for (let i = 0; i < wh; i++) for (let j = 0; j < ww; j++) ids.push(region(bh * wh + i, hp, wh, sh) * 3 + region(bw * ww + j, wp, ww, sw));
      for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) out[k++] = ids[a] === ids[b] ? 0 : -100;
    }
  }
  return out;
}

/** timm's PatchEmbed with output_fmt='NHWC' and a norm layer: `proj`, `norm`. */
export class SwinPatchEmbed extends Module {
  readonly proj: PatchConv;
  readonly norm: LayerNorm;

  constructor(readonly imgSize: Size, readonly patchSize: Size, inChans: number, embedDim: number) {
    super();
    this.proj = this.addModule('proj', new PatchConv(inChans, embedDim, patchSize));
    this.norm = this.addModule('norm', new LayerNorm(embedDim));
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank !== 4 || x.shape[2] !== this.imgSize[0] || x.shape[3] !== this.imgSize[1]) {
      throw new Error(`SwinTransformer: input [${x.shape.join(', ')}] does not match the model's image size ${this.imgSize[0]}x${this.imgSize[1]}`);
    }
    // The projection's tokens [b, h·w, d], viewed as NHWC (timm's output_fmt='NHWC').
    const [ph, pw] = this.patchSize;
    return tf.tidy(() => tf.reshape(this.norm.forward(this.proj.forward(x)), [x.shape[0]!, this.imgSize[0] / ph, this.imgSize[1] / pw, -1]));
  }
}

/** Window multi-head self-attention with a relative position bias (W-MSA / SW-MSA). */
export class WindowAttention extends Module<[tf.Tensor, tf.Tensor?]> {
  readonly numHeads: number;
  readonly scale: number;
  readonly windowArea: number;
  /** [(2wh−1)(2ww−1), numHeads] */
  readonly relativePositionBiasTable: tf.Variable;
  /** The non-persistent buffer `relative_position_index`, flattened: int32 [N·N]. */
  readonly relativePositionIndex: tf.Tensor1D;
  readonly qkv: Linear;
  readonly attnDrop: Dropout;
  readonly proj: Linear;
  readonly projDrop: Dropout;
  readonly softmax: Softmax;

  constructor(dim: number, { numHeads, headDim, windowSize, qkvBias = true, attnDrop = 0, projDrop = 0 }:
    { numHeads: number; headDim?: number; windowSize: Size; qkvBias?: boolean; attnDrop?: number; projDrop?: number }) {
    super();
    positiveInteger(numHeads, 'numHeads');
    const hd = headDim ?? Math.floor(dim / numHeads);
    const attnDim = hd * numHeads;
    const [wh, ww] = windowSize;
    this.numHeads = numHeads;
    this.scale = hd ** -0.5;
    this.windowArea = wh * ww;
    this.relativePositionBiasTable = this.addParameter('relative_position_bias_table',
      () => truncNormal([(2 * wh - 1) * (2 * ww - 1), numHeads], 0.02));
    this.relativePositionIndex = this.own(tf.tensor1d(relativePositionIndex(windowSize), 'int32'));
    this.qkv = this.addModule('qkv', new Linear(dim, attnDim * 3, { bias: qkvBias }));
    this.attnDrop = this.addModule('attn_drop', new Dropout(attnDrop));
    this.proj = this.addModule('proj', new Linear(attnDim, dim));
    this.projDrop = this.addModule('proj_drop', new Dropout(projDrop));
    this.softmax = this.addModule('softmax', new Softmax(-1));
  }

  /** The bias [numHeads, N, N] (timm's _get_rel_pos_bias without the leading 1). */
  relativePositionBias(): tf.Tensor {
    return tf.tidy(() => {
      const n = this.windowArea;
      return rearrange(tf.reshape(gatherRows(this.relativePositionBiasTable, this.relativePositionIndex), [n, n, this.numHeads]), 'i j h -> h i j');
    });
  }

  /** x [b·nW, N, C]; mask [nW, N, N] (0 / −100) or none. */
  forward(x: tf.Tensor, mask?: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [q0, k, v] = chunk(this.qkv.forward(x), 3).map((t) => rearrange(t, 'b n (h d) -> b h n d', { h: this.numHeads })) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const q = tf.mul(q0, this.scale);
      let attn = tf.add(matmul(q, k, { transposeB: true }), this.relativePositionBias());
      if (mask !== undefined) {
        const [nW, n] = mask.shape as [number, number, number];
        const grouped = tf.reshape(attn, [-1, nW, this.numHeads, n, n]);
        attn = tf.reshape(tf.add(grouped, tf.reshape(mask, [1, nW, 1, n, n])), [-1, this.numHeads, n, n]);
      }
      attn = this.attnDrop.forward(this.softmax.forward(attn));
      const out = rearrange(matmul(attn, v), 'b h n d -> b n (h d)');
      return this.projDrop.forward(this.proj.forward(out));
    });
  }
}

/** timm's Mlp: `fc1`, GELU, drop, `fc2`, drop. */
export class SwinMlp extends Module {
  readonly fc1: Linear;
  readonly act: GELU;
  readonly drop1: Dropout;
  readonly norm: Identity;
  readonly fc2: Linear;
  readonly drop2: Dropout;

  constructor(inFeatures: number, hiddenFeatures: number, drop = 0) {
    super();
    this.fc1 = this.addModule('fc1', new Linear(inFeatures, hiddenFeatures));
    this.act = this.addModule('act', new GELU());
    this.drop1 = this.addModule('drop1', new Dropout(drop));
    this.norm = this.addModule('norm', new Identity());
    this.fc2 = this.addModule('fc2', new Linear(hiddenFeatures, inFeatures));
    this.drop2 = this.addModule('drop2', new Dropout(drop));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.drop2.forward(this.fc2.forward(this.norm.forward(this.drop1.forward(this.act.forward(this.fc1.forward(x)))))));
  }
}

export interface SwinBlockOptions {
  dim: number;
  inputResolution: Size;
  numHeads: number;
  headDim?: number;
  windowSize: Size;
  /** 0 for W-MSA; window/2 for SW-MSA. */
  shiftSize: Size;
  alwaysPartition?: boolean;
  mlpRatio?: number;
  qkvBias?: boolean;
  projDrop?: number;
  attnDrop?: number;
  dropPath?: number;
}

/** timm's SwinTransformerBlock on NHWC [b, h, w, c]. */
export class SwinTransformerBlock extends Module {
  readonly inputResolution: Size;
  readonly windowSize: Size;
  readonly shiftSize: Size;
  readonly norm1: LayerNorm;
  readonly attn: WindowAttention;
  readonly dropPath1: Identity | DropPath;
  readonly norm2: LayerNorm;
  readonly mlp: SwinMlp;
  readonly dropPath2: Identity | DropPath;
  /** Non-persistent `attn_mask` [nW, N, N], or undefined without a shift. */
  readonly attnMask: tf.Tensor | undefined;
  readonly #order: TokenIndex;
  readonly #inverse: TokenIndex;

  constructor({ dim, inputResolution, numHeads, headDim, windowSize, shiftSize, alwaysPartition = false, mlpRatio = 4, qkvBias = true, projDrop = 0, attnDrop = 0, dropPath = 0 }: SwinBlockOptions) {
    super();
    this.inputResolution = inputResolution;
    // timm's _calc_window_shift: a window no larger than the feature map, and no shift when it covers it.
    if (alwaysPartition) {
      this.windowSize = windowSize;
      this.shiftSize = shiftSize;
    } else {
      this.windowSize = inputResolution.map((r, i) => (r <= windowSize[i]! ? r : windowSize[i]!)) as Size;
      this.shiftSize = inputResolution.map((r, i) => (r <= this.windowSize[i]! ? 0 : shiftSize[i]!)) as Size;
    }
    this.norm1 = this.addModule('norm1', new LayerNorm(dim));
    this.attn = this.addModule('attn', new WindowAttention(dim, { numHeads, headDim, windowSize: this.windowSize, qkvBias, attnDrop, projDrop }));
    this.dropPath1 = this.addModule('drop_path1', dropPath > 0 ? new DropPath(dropPath) : new Identity());
    this.norm2 = this.addModule('norm2', new LayerNorm(dim));
    this.mlp = this.addModule('mlp', new SwinMlp(dim, Math.floor(dim * mlpRatio), projDrop));
    this.dropPath2 = this.addModule('drop_path2', dropPath > 0 ? new DropPath(dropPath) : new Identity());
    const [wh, ww] = this.windowSize;
    const [h, w] = inputResolution;
    const hasShift = this.shiftSize.some((s) => s > 0);
    this.attnMask = hasShift
      ? this.own(tf.tensor3d(shiftedWindowMask(inputResolution, this.windowSize, this.shiftSize), [(Math.ceil(h / wh) * Math.ceil(w / ww)), wh * ww, wh * ww]))
      : undefined;
    const { forward, inverse } = windowOrder(inputResolution, this.windowSize, this.shiftSize);
    this.#order = tokenIndex(forward, h * w);
    this.#inverse = tokenIndex(inverse, forward.length);
    this.own(this.#order.ids);
    this.own(this.#inverse.ids);
  }

  /** Shift, pad, partition into windows, attend, and put every token back. x [b, h·w, c]. */
  #windowAttention(x: tf.Tensor): tf.Tensor {
    const [b, , c] = x.shape as [number, number, number];
    const windows = reorderTokens(x, this.#order, this.#inverse);
    const n = this.windowSize[0] * this.windowSize[1];
    const attended = this.attn.forward(tf.reshape(windows, [-1, n, c]), this.attnMask);
    return reorderTokens(tf.reshape(attended, [b, -1, c]), this.#inverse, this.#order);
  }

  forward(x: tf.Tensor): tf.Tensor {
    const [h, w] = this.inputResolution;
    if (x.rank !== 4 || x.shape[1] !== h || x.shape[2] !== w) throw new Error(`SwinTransformerBlock: expected [b, ${h}, ${w}, c], got [${x.shape.join(', ')}]`);
    return tf.tidy(() => {
      const [b, , , c] = x.shape as [number, number, number, number];
      let tokens = tf.reshape(x, [b, h * w, c]);
      tokens = tf.add(tokens, this.dropPath1.forward(this.#windowAttention(this.norm1.forward(tokens))));
      tokens = tf.add(tokens, this.dropPath2.forward(this.mlp.forward(this.norm2.forward(tokens))));
      return tf.reshape(tokens, [b, h, w, c]);
    });
  }
}

/** timm's PatchMerging: 2×2 neighbours concatenated (timm's order), LayerNorm(4c), `reduction` to outDim. */
export class PatchMerging extends Module {
  readonly norm: LayerNorm;
  readonly reduction: Linear;

  constructor(dim: number, outDim = 2 * dim) {
    super();
    this.norm = this.addModule('norm', new LayerNorm(4 * dim));
    this.reduction = this.addModule('reduction', new Linear(4 * dim, outDim, { bias: false }));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [, h, w] = x.shape as [number, number, number, number];
      const padded = h % 2 || w % 2 ? tf.pad(x, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]]) : x;
      // x.reshape(B, H/2, 2, W/2, 2, C).permute(0, 1, 3, 4, 2, 5).flatten(3)
      const merged = rearrange(padded, 'b (h p1) (w p2) c -> b h w (p2 p1 c)', { p1: 2, p2: 2 });
      return this.reduction.forward(this.norm.forward(merged));
    });
  }
}

/** timm's SwinTransformerStage: `downsample` (PatchMerging or Identity), then `blocks`. */
export class SwinTransformerStage extends Module {
  readonly downsample: PatchMerging | Identity;
  readonly blocks: Sequential;

  constructor({ dim, outDim, inputResolution, depth, downsample, numHeads, headDim, windowSize, alwaysPartition = false, mlpRatio = 4, qkvBias = true, projDrop = 0, attnDrop = 0, dropPath }: {
    dim: number; outDim: number; inputResolution: Size; depth: number; downsample: boolean; numHeads: number; headDim?: number; windowSize: Size;
    alwaysPartition?: boolean; mlpRatio?: number; qkvBias?: boolean; projDrop?: number; attnDrop?: number; dropPath: number[];
  }) {
    super();
    if (!downsample && dim !== outDim) throw new Error(`SwinTransformerStage: without downsampling dim (${dim}) must equal outDim (${outDim})`);
    const outputResolution: Size = downsample ? [Math.floor(inputResolution[0] / 2), Math.floor(inputResolution[1] / 2)] : inputResolution;
    this.downsample = this.addModule('downsample', downsample ? new PatchMerging(dim, outDim) : new Identity());
    const shift: Size = [Math.floor(windowSize[0] / 2), Math.floor(windowSize[1] / 2)];
    this.blocks = this.addModule('blocks', new Sequential(...Array.from({ length: depth }, (_, i) => new SwinTransformerBlock({
      dim: outDim, inputResolution: outputResolution, numHeads, headDim, windowSize, shiftSize: i % 2 === 0 ? [0, 0] : shift,
      alwaysPartition, mlpRatio, qkvBias, projDrop, attnDrop, dropPath: dropPath[i] ?? 0,
    }))));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.blocks.forward(this.downsample.forward(x)));
  }
}

/** timm's ClassifierHead for NHWC input: global average pool ('avg' or ''), dropout, `fc`. */
export class SwinClassifierHead extends Module {
  readonly drop: Dropout;
  #fc: Linear | Identity;

  constructor(readonly inFeatures: number, numClasses: number, readonly poolType: 'avg' | '' = 'avg', dropRate = 0) {
    super();
    this.drop = this.addModule('drop', new Dropout(dropRate));
    this.#fc = this.addModule('fc', numClasses > 0 ? new Linear(inFeatures, numClasses) : new Identity());
  }

  get numClasses(): number {
    return this.#fc instanceof Linear ? this.#fc.outFeatures : 0;
  }

  reset(numClasses: number): void {
    positiveInteger(numClasses, 'numClasses', 0);
    this.#fc = this.replaceModule('fc', numClasses > 0 ? new Linear(this.inFeatures, numClasses) : new Identity());
  }

  forward(x: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      const pooled = this.drop.forward(this.poolType === 'avg' ? reduce(x, 'b h w c -> b c', 'mean') : x);
      return preLogits ? pooled : this.#fc.forward(pooled);
    });
  }
}

export interface SwinTransformerOptions {
  imgSize?: number | Size;
  patchSize?: number;
  inChans?: number;
  numClasses?: number;
  globalPool?: 'avg' | '';
  embedDim?: number;
  depths?: number[];
  numHeads?: number[];
  headDim?: number;
  windowSize?: number | Size;
  alwaysPartition?: boolean;
  mlpRatio?: number;
  qkvBias?: boolean;
  dropRate?: number;
  projDropRate?: number;
  attnDropRate?: number;
  /** Stochastic depth, rising linearly from 0 to this over all blocks (timm's default 0.1). */
  dropPathRate?: number;
}

/** timm's SwinTransformer (defaults: Swin-T's `swin_tiny_patch4_window7_224` minus the patch/window/depths it passes). */
export class SwinTransformer extends Module {
  readonly numFeatures: number;
  readonly patchEmbed: SwinPatchEmbed;
  readonly layers: Sequential;
  readonly norm: LayerNorm;
  readonly head: SwinClassifierHead;

  constructor({
    imgSize = 224, patchSize = 4, inChans = 3, numClasses = 1000, globalPool = 'avg', embedDim = 96, depths = [2, 2, 6, 2],
    numHeads = [3, 6, 12, 24], headDim, windowSize = 7, alwaysPartition = false, mlpRatio = 4, qkvBias = true,
    dropRate = 0, projDropRate = 0, attnDropRate = 0, dropPathRate = 0.1,
  }: SwinTransformerOptions = {}) {
    super();
    if (globalPool !== 'avg' && globalPool !== '') throw new Error(`SwinTransformer: globalPool must be 'avg' or '', got ${String(globalPool)}`);
    if (depths.length === 0 || numHeads.length !== depths.length) throw new Error(`SwinTransformer: depths and numHeads need one entry per stage, got ${depths.length} and ${numHeads.length}`);
    positiveInteger(numClasses, 'numClasses', 0);
    const img = pair(imgSize, 'imgSize');
    const patch = pair(patchSize, 'patchSize');
    const window = pair(windowSize, 'windowSize');
    const grid: Size = [Math.floor(img[0] / patch[0]), Math.floor(img[1] / patch[1])];
    const dims = depths.map((_, i) => embedDim * 2 ** i);
    this.numFeatures = dims[dims.length - 1]!;
    this.patchEmbed = this.addModule('patch_embed', new SwinPatchEmbed(img, patch, inChans, embedDim));
    // torch.linspace(0, drop_path_rate, sum(depths)).split(depths)
    const total = depths.reduce((a, b) => a + b, 0);
    const rates = Array.from({ length: total }, (_, i) => (total > 1 ? (dropPathRate * i) / (total - 1) : 0));
    let offset = 0;
    let resolution = grid;
    let inDim = dims[0]!;
    const stages: SwinTransformerStage[] = [];
    depths.forEach((depth, i) => {
      stages.push(new SwinTransformerStage({
        dim: inDim, outDim: dims[i]!, inputResolution: resolution, depth, downsample: i > 0, numHeads: numHeads[i]!, headDim, windowSize: window,
        alwaysPartition, mlpRatio, qkvBias, projDrop: projDropRate, attnDrop: attnDropRate, dropPath: rates.slice(offset, offset + depth),
      }));
      offset += depth;
      inDim = dims[i]!;
      if (i > 0) resolution = [Math.floor(resolution[0] / 2), Math.floor(resolution[1] / 2)];
    });
    this.layers = this.addModule('layers', new Sequential(...stages));
    this.norm = this.addModule('norm', new LayerNorm(this.numFeatures));
    this.head = this.addModule('head', new SwinClassifierHead(this.numFeatures, numClasses, globalPool, dropRate));
  }

  get numClasses(): number {
    return this.head.numClasses;
  }

  /** img NCHW [b, c, h, w] → logits [b, numClasses]. */
  forward(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(img)));
  }

  /** NHWC features after the final norm: [b, h/32, w/32, numFeatures] for patch 4 and 4 stages. */
  forwardFeatures(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.norm.forward(this.layers.forward(this.patchEmbed.forward(img))));
  }

  /** Average pool over h, w (globalPool 'avg'), dropout, `head.fc`; `preLogits` stops before `fc`. */
  forwardHead(features: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return this.head.forward(features, { preLogits });
  }

  resetClassifier(numClasses: number): void {
    this.head.reset(numClasses);
  }

  /**
   * timm's checkpoint_filter_fn for the registry's `pretrained` loading: drops the non-persistent
   * buffers (`relative_position_index`, `attn_mask`) that older checkpoints carry, renames the
   * original Microsoft layout (`layers.{i}.downsample` → `layers.{i+1}.downsample`, `head.` →
   * `head.fc.`), and leaves the classifier initialised when its class count differs. (timm's
   * resampling of patch kernels and bias tables of other sizes is not ported: a shape mismatch is an error.)
   */
  filterCheckpoint(input: HostState, _format: CheckpointFormat): FilteredCheckpoint {
    const oldLayout = !('head.fc.weight' in input);
    const state: HostState = {};
    for (const [key, value] of Object.entries(input)) {
      if (key.includes('relative_position_index') || key.includes('attn_mask')) continue;
      let k = key;
      if (oldLayout) {
        k = k.replace(/layers\.(\d+)\.downsample/, (_, i: string) => `layers.${Number(i) + 1}.downsample`);
        k = k.replace(/^head\./, 'head.fc.');
      }
      state[k] = value;
    }
    const keepInitialised: string[] = [];
    const w = state['head.fc.weight'];
    if (w !== undefined && w.shape[0] !== this.numClasses) {
      delete state['head.fc.weight'];
      delete state['head.fc.bias'];
      if (this.numClasses > 0) keepInitialised.push('head.fc.weight', 'head.fc.bias');
    }
    return { state, keepInitialised };
  }

  /** timm's no_weight_decay(): the relative position bias tables. */
  noWeightDecay(): string[] {
    return Object.keys(this.namedParameters()).filter((k) => k.includes('relative_position_bias_table'));
  }
}
