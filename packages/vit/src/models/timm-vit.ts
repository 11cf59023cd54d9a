/**
 * timm's `VisionTransformer` (timm/models/vision_transformer.py) and DeiT's
 * `VisionTransformerDistilled` (timm/models/deit.py), with timm's module names, so the state-dict
 * keys are timm's (`patch_embed.proj.weight`, `blocks.0.attn.qkv.weight`, `blocks.0.ls1.gamma`,
 * `norm.weight`, `fc_norm.weight`, `head.weight`, `dist_token`, `head_dist.weight`) and timm
 * checkpoints load with a plain strict `loadStateDict`.
 *
 * Semantics follow timm at aa4b585: LayerNorm eps 1e-6, exact-erf GELU, qkv bias, pre-norm blocks
 * with optional LayerScale, the `(1, prefix + N, D)` position table (`(1, N, D)` with
 * `noEmbedClass`, added before the prefix tokens are prepended), 'token' / 'avg' / '' pooling where
 * 'avg' leaves the prefix tokens out and `fc_norm` (if used) comes after pooling, and the strict
 * input size of timm's PatchEmbed.
 */
import * as tf from '@tensorflow/tfjs-core';
import { rearrange } from '@vit/einops';
import { Dropout } from '../nn/dropout.js';
import { GELU } from '../nn/gelu.js';
import { Identity } from '../nn/identity.js';
import { DropPath } from '../nn/drop-path.js';
import { fanInUniform, kaimingUniformA5, truncNormal } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import type { Layout } from '../nn/layout.js';
import { Linear } from '../nn/linear.js';
import { ModuleList } from '../nn/containers.js';
import { Module } from '../nn/module.js';
import { Softmax } from '../nn/softmax.js';
import { chunk } from '../ops/chunk.js';
import { linear2d } from '../ops/linear.js';
import { matmul } from '../ops/matmul.js';
import type { CheckpointFilter, CheckpointFormat, FilteredCheckpoint, HostState } from '../weights/convert.js';
import { resampleAbsPosEmbed } from '../weights/resample.js';
import { pair, positiveInteger } from './pair.js';

/** timm's LayerNorm for ViTs: `partial(nn.LayerNorm, eps=1e-6)`. */
export const TIMM_LN_EPS = 1e-6;

export type GlobalPool = 'token' | 'avg' | '';

/**
 * timm's patch convolution (kernel = stride = patch) computed as unfold + one 2-D matMul: exactly
 * the convolution (each output is one dot product of a patch vector in (c, ky, kx) order with the
 * flattened OIHW filter), on WASM's fast matMul path, and with gradients on every backend (tfjs-wasm
 * has no Conv2DBackpropFilter). The variable holds the filter as [C·ph·pw, D]; the state dict shows
 * PyTorch's (D, C, ph, pw).
 */
export class PatchConv extends Module {
  readonly weight: tf.Variable;
  readonly bias: tf.Variable | undefined;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly patchSize: [number, number], { bias = true } = {}) {
    super();
    const [ph, pw] = patchSize;
    const k = inChannels * ph * pw;
    const layout: Layout = {
      torchShape: ([, d]) => [d!, inChannels, ph, pw],
      toTorch: (v) => tf.reshape(tf.transpose(v), [outChannels, inChannels, ph, pw]),
      fromTorch: (v) => tf.transpose(tf.reshape(v, [outChannels, k])),
    };
    this.weight = this.addParameter('weight', () => tf.transpose(tf.reshape(kaimingUniformA5([outChannels, inChannels, ph, pw], k), [outChannels, k])), layout);
    this.bias = bias ? this.addParameter('bias', () => fanInUniform([outChannels], k)) : undefined;
  }

  /** NCHW image [b, C, H, W] → tokens [b, (H/ph)·(W/pw), D] in row-major grid order. */
  forward(x: tf.Tensor): tf.Tensor {
    const [ph, pw] = this.patchSize;
    return tf.tidy(() => {
      const [b, , h, w] = x.shape as [number, number, number, number];
      const patches = rearrange(x, 'b c (h p1) (w p2) -> (b h w) (c p1 p2)', { p1: ph, p2: pw });
      const y = linear2d(patches as tf.Tensor2D, this.weight as tf.Tensor2D, this.bias as tf.Tensor1D | undefined);
      return tf.reshape(y, [b, (h / ph) * (w / pw), this.outChannels]);
    });
  }

  protected override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.patchSize.join(', ')}), stride=(${this.patchSize.join(', ')})`;
  }
}

/** timm's PatchEmbed (`proj` + flatten, no norm), strict about the input size. */
export class PatchEmbed extends Module {
  readonly gridSize: [number, number];
  readonly numPatches: number;
  readonly proj: PatchConv;

  constructor(readonly imgSize: [number, number], readonly patchSize: [number, number], readonly inChans: number, embedDim: number, { bias = true } = {}) {
    super();
    if (imgSize[0] % patchSize[0] !== 0 || imgSize[1] % patchSize[1] !== 0) {
      throw new Error(`PatchEmbed: image size ${imgSize.join('x')} is not divisible by the patch size ${patchSize.join('x')}`);
    }
    this.gridSize = [imgSize[0] / patchSize[0], imgSize[1] / patchSize[1]];
    this.numPatches = this.gridSize[0] * this.gridSize[1];
    this.proj = this.addModule('proj', new PatchConv(inChans, embedDim, patchSize, { bias }));
  }

  forward(x: tf.Tensor): tf.Tensor {
    const shape = `[${x.shape.join(', ')}]`;
    if (x.rank !== 4 || x.shape[1] !== this.inChans) throw new Error(`PatchEmbed: expected an image batch [b, ${this.inChans}, h, w], got ${shape}`);
    if (x.shape[2] !== this.imgSize[0] || x.shape[3] !== this.imgSize[1]) {
      throw new Error(`PatchEmbed: input size ${x.shape[2]}x${x.shape[3]} doesn't match the model (${this.imgSize.join('x')}); ` +
        'build the model with imgSize set to the input size (a pretrained position table is resampled on load)');
    }
    return this.proj.forward(x);
  }
}

/** timm's LayerScale: x · gamma (`gamma` initialised to `initValues`). */
export class LayerScale extends Module {
  readonly gamma: tf.Variable;

  constructor(dim: number, initValues: number) {
    super();
    this.gamma = this.addParameter('gamma', () => tf.fill([dim], initValues));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.mul(x, this.gamma);
  }
}

/** timm's Attention: fused qkv (bias by default), softmax((q·hd^-0.5)·kᵀ)·v per head, `proj`. */
export class Attention extends Module {
  readonly headDim: number;
  readonly scale: number;
  readonly qkv: Linear;
  /** The softmax (no parameters): hooks on it see the attention maps, as vit-pytorch's Recorder does. */
  readonly attend: Softmax;
  readonly attnDrop: Dropout;
  readonly proj: Linear;
  readonly projDrop: Dropout;

  constructor(dim: number, readonly numHeads: number, { qkvBias = true, attnDrop = 0, projDrop = 0 } = {}) {
    super();
    if (dim % numHeads !== 0) throw new Error(`Attention: dim ${dim} should be divisible by numHeads ${numHeads}`);
    this.headDim = dim / numHeads;
    this.scale = this.headDim ** -0.5;
    this.qkv = this.addModule('qkv', new Linear(dim, dim * 3, { bias: qkvBias }));
    this.attend = this.addModule('attend', new Softmax(-1));
    this.attnDrop = this.addModule('attn_drop', new Dropout(attnDrop));
    this.proj = this.addModule('proj', new Linear(dim, dim));
    this.projDrop = this.addModule('proj_drop', new Dropout(projDrop));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [q, k, v] = chunk(this.qkv.forward(x), 3).map((t) => rearrange(t, 'b n (h d) -> b h n d', { h: this.numHeads })) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const attn = this.attnDrop.forward(this.attend.forward(matmul(tf.mul(q, this.scale), k, { transposeB: true })));
      return this.projDrop.forward(this.proj.forward(rearrange(matmul(attn, v), 'b h n d -> b n (h d)')));
    });
  }
}

/** timm's Mlp: fc1 → GELU → drop → fc2 → drop. */
export class Mlp extends Module {
  readonly fc1: Linear;
  readonly act: GELU;
  readonly drop1: Dropout;
  readonly fc2: Linear;
  readonly drop2: Dropout;

  constructor(dim: number, hidden: number, drop = 0) {
    super();
    this.fc1 = this.addModule('fc1', new Linear(dim, hidden));
    this.act = this.addModule('act', new GELU());
    this.drop1 = this.addModule('drop1', new Dropout(drop));
    this.fc2 = this.addModule('fc2', new Linear(hidden, dim));
    this.drop2 = this.addModule('drop2', new Dropout(drop));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.drop2.forward(this.fc2.forward(this.drop1.forward(this.act.forward(this.fc1.forward(x))))));
  }
}

export interface BlockOptions {
  mlpRatio?: number;
  qkvBias?: boolean;
  initValues?: number | undefined;
  projDrop?: number;
  attnDrop?: number;
  dropPath?: number;
}

/** x = x + drop_path(ls1(attn(norm1(x)))); x = x + drop_path(ls2(mlp(norm2(x)))). */
export class Block extends Module {
  readonly norm1: LayerNorm;
  readonly attn: Attention;
  readonly ls1: LayerScale | undefined;
  readonly dropPath1: DropPath;
  readonly norm2: LayerNorm;
  readonly mlp: Mlp;
  readonly ls2: LayerScale | undefined;
  readonly dropPath2: DropPath;

  constructor(dim: number, numHeads: number, { mlpRatio = 4, qkvBias = true, initValues, projDrop = 0, attnDrop = 0, dropPath = 0 }: BlockOptions = {}) {
    super();
    this.norm1 = this.addModule('norm1', new LayerNorm(dim, { eps: TIMM_LN_EPS }));
    this.attn = this.addModule('attn', new Attention(dim, numHeads, { qkvBias, attnDrop, projDrop }));
    this.ls1 = initValues === undefined ? undefined : this.addModule('ls1', new LayerScale(dim, initValues));
    this.dropPath1 = this.addModule('drop_path1', new DropPath(dropPath));
    this.norm2 = this.addModule('norm2', new LayerNorm(dim, { eps: TIMM_LN_EPS }));
    this.mlp = this.addModule('mlp', new Mlp(dim, Math.trunc(dim * mlpRatio), projDrop));
    this.ls2 = initValues === undefined ? undefined : this.addModule('ls2', new LayerScale(dim, initValues));
    this.dropPath2 = this.addModule('drop_path2', new DropPath(dropPath));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let a = this.attn.forward(this.norm1.forward(x));
      if (this.ls1 !== undefined) a = this.ls1.forward(a);
      const h = tf.add(x, this.dropPath1.forward(a));
      let m = this.mlp.forward(this.norm2.forward(h));
      if (this.ls2 !== undefined) m = this.ls2.forward(m);
      return tf.add(h, this.dropPath2.forward(m));
    });
  }
}

/** timm's VisionTransformer keyword arguments, camelCase. */
export interface VisionTransformerOptions {
  imgSize?: number | [number, number];
  patchSize?: number | [number, number];
  inChans?: number;
  numClasses?: number;
  globalPool?: GlobalPool;
  embedDim?: number;
  depth?: number;
  numHeads?: number;
  mlpRatio?: number;
  qkvBias?: boolean;
  /** LayerScale init (DeiT-III: 1e-6); undefined / null: no LayerScale. */
  initValues?: number | null;
  classToken?: boolean;
  /** DeiT-III: the position table covers the patches only. */
  noEmbedClass?: boolean;
  /** undefined / null: used exactly when globalPool is 'avg' (timm's default). */
  fcNorm?: boolean | null;
  dropRate?: number;
  posDropRate?: number;
  projDropRate?: number;
  attnDropRate?: number;
  dropPathRate?: number;
}

/** The option names VisionTransformer accepts (for error messages). */
export const VISION_TRANSFORMER_OPTIONS = ['imgSize', 'patchSize', 'inChans', 'numClasses', 'globalPool', 'embedDim', 'depth', 'numHeads',
  'mlpRatio', 'qkvBias', 'initValues', 'classToken', 'noEmbedClass', 'fcNorm', 'dropRate', 'posDropRate', 'projDropRate', 'attnDropRate', 'dropPathRate'] as const;

/** The resolved configuration of a VisionTransformer (what `config` reports and checkpoints record). */
export interface VisionTransformerConfig {
  imgSize: [number, number];
  patchSize: [number, number];
  inChans: number;
  numClasses: number;
  globalPool: GlobalPool;
  embedDim: number;
  depth: number;
  numHeads: number;
  mlpRatio: number;
  qkvBias: boolean;
  initValues: number | null;
  classToken: boolean;
  noEmbedClass: boolean;
  fcNorm: boolean;
  dropRate: number;
  posDropRate: number;
  projDropRate: number;
  attnDropRate: number;
  dropPathRate: number;
  distilled: boolean;
}

function rate(value: number, name: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) throw new Error(`VisionTransformer: ${name} must be a number in [0, 1), got ${JSON.stringify(value)}`);
  return value;
}

export function resolveVisionTransformerConfig(options: VisionTransformerOptions, distilled = false): VisionTransformerConfig {
  const unknown = Object.keys(options).filter((k) => !(VISION_TRANSFORMER_OPTIONS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new Error(`VisionTransformer: unknown option(s) ${unknown.map((k) => `'${k}'`).join(', ')} (known: ${VISION_TRANSFORMER_OPTIONS.join(', ')})`);
  }
  const {
    imgSize = 224, patchSize = 16, inChans = 3, numClasses = 1000, globalPool = 'token', embedDim = 768, depth = 12, numHeads = 12,
    mlpRatio = 4, qkvBias = true, initValues = null, classToken = true, noEmbedClass = false, fcNorm = null,
    dropRate = 0, posDropRate = 0, projDropRate = 0, attnDropRate = 0, dropPathRate = 0,
  } = options;
  if (globalPool !== 'token' && globalPool !== 'avg' && globalPool !== '') {
    throw new Error(`VisionTransformer: globalPool must be 'token', 'avg' or '', got ${JSON.stringify(globalPool)}`);
  }
  if (globalPool === 'token' && !classToken) throw new Error("VisionTransformer: globalPool 'token' needs classToken: true");
  if (distilled && (!classToken || globalPool !== 'token')) throw new Error('VisionTransformerDistilled: needs the class token and token pooling');
  positiveInteger(numClasses, 'numClasses', 0);
  positiveInteger(embedDim, 'embedDim');
  positiveInteger(depth, 'depth', 0);
  positiveInteger(numHeads, 'numHeads');
  positiveInteger(inChans, 'inChans');
  if (embedDim % numHeads !== 0) throw new Error(`VisionTransformer: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
  if (typeof mlpRatio !== 'number' || !(mlpRatio > 0) || Math.trunc(embedDim * mlpRatio) < 1) throw new Error(`VisionTransformer: mlpRatio must be > 0, got ${mlpRatio}`);
  if (initValues !== null && initValues !== undefined && typeof initValues !== 'number') throw new Error(`VisionTransformer: initValues must be a number or null, got ${JSON.stringify(initValues)}`);
  for (const [name, v] of Object.entries({ qkvBias, classToken, noEmbedClass })) {
    if (typeof v !== 'boolean') throw new Error(`VisionTransformer: ${name} must be a boolean, got ${JSON.stringify(v)}`);
  }
  if (fcNorm !== null && fcNorm !== undefined && typeof fcNorm !== 'boolean') throw new Error(`VisionTransformer: fcNorm must be a boolean or null, got ${JSON.stringify(fcNorm)}`);
  return {
    imgSize: pair(imgSize, 'imgSize'), patchSize: pair(patchSize, 'patchSize'), inChans, numClasses, globalPool, embedDim, depth, numHeads,
    mlpRatio, qkvBias, initValues: initValues ?? null, classToken, noEmbedClass, fcNorm: fcNorm ?? globalPool === 'avg',
    dropRate: rate(dropRate, 'dropRate'), posDropRate: rate(posDropRate, 'posDropRate'), projDropRate: rate(projDropRate, 'projDropRate'),
    attnDropRate: rate(attnDropRate, 'attnDropRate'), dropPathRate: rate(dropPathRate, 'dropPathRate'), distilled,
  };
}

export class VisionTransformer extends Module implements CheckpointFilter {
  readonly config: VisionTransformerConfig;
  readonly numPrefixTokens: number;
  readonly patchEmbed: PatchEmbed;
  readonly clsToken: tf.Variable | undefined;
  readonly distToken: tf.Variable | undefined;
  /** [1, prefix + N, D], or [1, N, D] with noEmbedClass. */
  readonly posEmbed: tf.Variable;
  readonly posDrop: Dropout;
  readonly blocks: ModuleList<Block>;
  readonly norm: LayerNorm | undefined;
  readonly fcNorm: LayerNorm | undefined;
  readonly headDrop: Dropout;
  // Identity (no parameters, as timm's nn.Identity) when numClasses is 0.
  #head: Linear | Identity;
  #headDist: Linear | Identity | undefined;
  #numClasses: number;

  constructor(options: VisionTransformerOptions = {}) {
    super();
    const config = (this.config = resolveVisionTransformerConfig(options, this.isDistilled()));
    const { embedDim: d } = config;
    this.#numClasses = config.numClasses;
    this.numPrefixTokens = (config.classToken ? 1 : 0) + (config.distilled ? 1 : 0);
    this.patchEmbed = this.addModule('patch_embed', new PatchEmbed(config.imgSize, config.patchSize, config.inChans, d));
    // timm's order: cls_token, pos_embed (then dist_token, registered by the distilled subclass's init in timm).
    this.clsToken = config.classToken ? this.addParameter('cls_token', () => tf.mul(tf.randomNormal([1, 1, d]), 1e-6)) : undefined;
    const posLen = this.patchEmbed.numPatches + (config.noEmbedClass ? 0 : this.numPrefixTokens);
    this.posEmbed = this.addParameter('pos_embed', () => truncNormal([1, posLen, d], 0.02));
    this.distToken = config.distilled ? this.addParameter('dist_token', () => truncNormal([1, 1, d], 0.02)) : undefined;
    this.posDrop = this.addModule('pos_drop', new Dropout(config.posDropRate));
    const blocks: Block[] = [];
    for (let i = 0; i < config.depth; i++) {
      const dropPath = config.depth > 1 ? (config.dropPathRate * i) / (config.depth - 1) : 0; // timm's linspace(0, rate, depth)
      blocks.push(new Block(d, config.numHeads, {
        mlpRatio: config.mlpRatio, qkvBias: config.qkvBias, initValues: config.initValues ?? undefined,
        projDrop: config.projDropRate, attnDrop: config.attnDropRate, dropPath,
      }));
    }
    this.blocks = this.addModule('blocks', new ModuleList(blocks));
    this.norm = config.fcNorm ? undefined : this.addModule('norm', new LayerNorm(d, { eps: TIMM_LN_EPS }));
    this.fcNorm = config.fcNorm ? this.addModule('fc_norm', new LayerNorm(d, { eps: TIMM_LN_EPS })) : undefined;
    this.headDrop = this.addModule('head_drop', new Dropout(config.dropRate));
    this.#head = this.addModule('head', this.#newHead(config.numClasses));
    this.#headDist = config.distilled ? this.addModule('head_dist', this.#newHead(config.numClasses)) : undefined;
  }

  /** Overridden by VisionTransformerDistilled (read during construction). */
  protected isDistilled(): boolean {
    return false;
  }

  get numClasses(): number {
    return this.#numClasses;
  }

  /** The classifier (`head`); undefined when numClasses is 0. */
  get head(): Linear | undefined {
    return this.#head instanceof Linear ? this.#head : undefined;
  }

  /** DeiT's `head_dist`; undefined without distillation or when numClasses is 0. */
  get headDist(): Linear | undefined {
    return this.#headDist instanceof Linear ? this.#headDist : undefined;
  }

  /** The position-table grid (patches per side). */
  get gridSize(): [number, number] {
    return this.patchEmbed.gridSize;
  }

  /** timm's forward_features: tokens after the blocks and `norm` ([b, prefix + N, D]; `norm` is absent with fc_norm). */
  forwardFeatures(x: tf.Tensor): tf.Tensor {
    if (x.dtype !== 'float32') throw new Error(`VisionTransformer: expected a float32 image batch, got ${x.dtype}`);
    return tf.tidy(() => {
      let h = this.patchEmbed.forward(x);
      const b = h.shape[0]!;
      const prefix: tf.Tensor[] = [];
      const expand = (t: tf.Variable): tf.Tensor => tf.tile(t, [b, 1, 1]);
      if (this.clsToken !== undefined) prefix.push(expand(this.clsToken));
      if (this.distToken !== undefined) prefix.push(expand(this.distToken));
      if (this.config.noEmbedClass) {
        h = tf.add(h, this.posEmbed);
        if (prefix.length > 0) h = tf.concat([...prefix, h], 1);
      } else {
        if (prefix.length > 0) h = tf.concat([...prefix, h], 1);
        h = tf.add(h, this.posEmbed);
      }
      h = this.posDrop.forward(h);
      for (const block of this.blocks) h = block.forward(h);
      return this.norm === undefined ? h : this.norm.forward(h);
    });
  }

  /** timm's pool: 'token' → x[:, 0]; 'avg' → mean over the non-prefix tokens; '' → x. */
  protected pool(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (this.config.globalPool === 'token') return tf.squeeze(tf.slice(x, [0, 0, 0], [-1, 1, -1]), [1]);
      if (this.config.globalPool === 'avg') return tf.mean(tf.slice(x, [0, this.numPrefixTokens, 0], [-1, -1, -1]), 1);
      return tf.reshape(x, x.shape);
    });
  }

  /** timm's forward_head: pool → fc_norm → head_drop → head (`preLogits` stops before the head). */
  forwardHead(x: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      let h = this.pool(x);
      if (this.fcNorm !== undefined) h = this.fcNorm.forward(h);
      h = this.headDrop.forward(h);
      return preLogits ? h : this.#head.forward(h);
    });
  }

  /** Logits [b, numClasses]; pooled features [b, D] when numClasses is 0. */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(x)));
  }

  /** A new, freshly initialised classifier for `numClasses` (0 removes it), as timm's reset_classifier. */
  resetClassifier(numClasses: number): void {
    positiveInteger(numClasses, 'numClasses', 0);
    this.#head = this.replaceModule('head', this.#newHead(numClasses));
    if (this.config.distilled) this.#headDist = this.replaceModule('head_dist', this.#newHead(numClasses));
    this.#numClasses = numClasses;
  }

  #newHead(numClasses: number): Linear | Identity {
    return numClasses > 0 ? new Linear(this.config.embedDim, numClasses) : new Identity();
  }

  /**
   * timm's checkpoint_filter_fn (and the pos-embed part of `_load_weights` for `.npz`): a 2-D patch
   * weight (early timm) is reshaped to OIHW; raw DeiT-III
   * `gamma_1` / `gamma_2` become `ls1.gamma` / `ls2.gamma`; a position table for another grid is
   * resampled (bicubic with antialias for safetensors, as timm's filter; bilinear without antialias for
   * Google `.npz`, as timm's npz loader); `.npz` `encoder_norm` goes to `fc_norm` when the model
   * has no `norm`; a classifier whose class count differs, or that the file lacks, is left initialised
   * (and one the model lacks, numClasses 0, is dropped).
   */
  filterCheckpoint(input: HostState, format: CheckpointFormat): FilteredCheckpoint {
    const state: HostState = {};
    for (const [key, value] of Object.entries(input)) {
      state[key.replace(/^(blocks\.\d+\.)gamma_([12])$/, '$1ls$2.gamma')] = value;
    }
    const proj = state['patch_embed.proj.weight'];
    const [ph, pw] = this.config.patchSize;
    if (proj !== undefined && proj.shape.length === 2 && proj.shape[1]! % (ph * pw) === 0) {
      // timm's early checkpoints (manual patchify + Linear): (D, C·ph·pw) → (D, C, ph, pw).
      state['patch_embed.proj.weight'] = { ...proj, shape: [proj.shape[0]!, proj.shape[1]! / (ph * pw), ph, pw] };
    }
    const pos = state['pos_embed'];
    const own = this.posEmbed.shape;
    if (pos !== undefined && pos.dtype === 'float32' && pos.shape.length === 3 && pos.shape[2] === own[2] && pos.shape[1] !== own[1]) {
      state['pos_embed'] = {
        dtype: 'float32',
        ...resampleAbsPosEmbed(pos.values as Float32Array, pos.shape, this.gridSize, {
          numPrefixTokens: this.config.noEmbedClass ? 0 : this.numPrefixTokens,
          interpolation: format === 'npz' ? 'bilinear' : 'bicubic',
          antialias: format !== 'npz',
        }),
      };
    }
    if (format === 'npz' && this.norm === undefined && this.fcNorm !== undefined) {
      for (const p of ['weight', 'bias']) {
        if (state[`norm.${p}`] !== undefined) {
          state[`fc_norm.${p}`] = state[`norm.${p}`]!;
          delete state[`norm.${p}`];
        }
      }
    }
    const keepInitialised: string[] = [];
    for (const head of ['head', 'head_dist']) {
      const w = state[`${head}.weight`];
      const mine = head === 'head' ? this.head : this.headDist;
      if (w === undefined) {
        // A headless checkpoint (num_classes=0): the classifier stays initialised, as for fine-tuning.
        if (mine !== undefined && state[`${head}.bias`] === undefined) keepInitialised.push(`${head}.weight`, `${head}.bias`);
        continue;
      }
      if (mine === undefined || w.shape[0] !== mine.outFeatures) {
        delete state[`${head}.weight`];
        delete state[`${head}.bias`];
        if (mine !== undefined) keepInitialised.push(`${head}.weight`, `${head}.bias`);
      }
    }
    return { state, keepInitialised };
  }

  protected override extraRepr(): string {
    const c = this.config;
    return `img_size=(${c.imgSize.join(', ')}), patch_size=(${c.patchSize.join(', ')}), embed_dim=${c.embedDim}, depth=${c.depth}, ` +
      `num_heads=${c.numHeads}, num_classes=${this.#numClasses}, global_pool='${c.globalPool}'`;
  }
}

/**
 * timm's DeiT `VisionTransformerDistilled`: `[cls, dist, patches]`, `pos_embed` covering both tokens,
 * `head` on the class token and `head_dist` on the distillation token. `forward` averages the two
 * heads, unless distilled training is on (`setDistilledTraining(true)`) and the model is in train
 * mode: then it returns both logits stacked as [2, b, numClasses] (`tf.unstack` gives timm's tuple).
 * `forwardDistilled` always returns `[headLogits, headDistLogits]`.
 */
export class VisionTransformerDistilled extends VisionTransformer {
  distilledTraining = false;

  protected override isDistilled(): boolean {
    return true;
  }

  setDistilledTraining(enable = true): void {
    this.distilledTraining = enable;
  }

  /** `[head(x[:, 0]), head_dist(x[:, 1])]` from forward_features' output (pre-logits tokens when numClasses is 0). */
  forwardHeads(features: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const [a, b] = tf.tidy(() => {
      const cls = tf.squeeze(tf.slice(features, [0, 0, 0], [-1, 1, -1]), [1]);
      const dist = tf.squeeze(tf.slice(features, [0, 1, 0], [-1, 1, -1]), [1]);
      return [this.head?.forward(cls) ?? tf.clone(cls), this.headDist?.forward(dist) ?? tf.clone(dist)];
    });
    return [a!, b!];
  }

  forwardDistilled(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    const features = this.forwardFeatures(x);
    try {
      return this.forwardHeads(features);
    } finally {
      features.dispose();
    }
  }

  override forwardHead(x: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      if (preLogits) {
        const [cls, dist] = [tf.slice(x, [0, 0, 0], [-1, 1, -1]), tf.slice(x, [0, 1, 0], [-1, 1, -1])];
        return tf.squeeze(tf.div(tf.add(cls, dist), 2), [1]);
      }
      const [a, b] = this.forwardHeads(x);
      if (this.distilledTraining && this.training) return tf.stack([a, b]);
      return tf.div(tf.add(a, b), 2);
    });
  }
}

/**
 * The VisionTransformer options a timm-named state dict implies (everything the weights determine:
 * patch size, channels, embedDim, depth, mlpRatio, numClasses, class / distillation tokens, qkv bias,
 * LayerScale, fc_norm pooling, and imgSize for a square grid). `numHeads` is not in the weights.
 * `noEmbedClass` is inferred as false unless the table has exactly a square number of rows while a
 * class token exists. Keys that are not there are left out.
 */
export function inferVisionTransformerOptions(state: HostState): VisionTransformerOptions & { distilled: boolean } {
  const proj = state['patch_embed.proj.weight'];
  const pos = state['pos_embed'];
  if (proj === undefined || proj.shape.length !== 4 || pos === undefined || pos.shape.length !== 3) {
    throw new Error("not a timm VisionTransformer checkpoint: needs 'patch_embed.proj.weight' (D, C, ph, pw) and 'pos_embed' (1, T, D)");
  }
  const [embedDim, inChans, ph, pw] = proj.shape as [number, number, number, number];
  let depth = 0;
  while (state[`blocks.${depth}.norm1.weight`] !== undefined) depth++;
  const fc1 = state['blocks.0.mlp.fc1.weight'];
  const classToken = state['cls_token'] !== undefined;
  const distilled = state['dist_token'] !== undefined;
  const prefix = (classToken ? 1 : 0) + (distilled ? 1 : 0);
  const rows = pos.shape[1]!;
  const isSquare = (n: number): boolean => n >= 0 && Math.round(Math.sqrt(n)) ** 2 === n;
  const noEmbedClass = prefix > 0 && isSquare(rows) && !isSquare(rows - prefix);
  const grid = Math.round(Math.sqrt(rows - (noEmbedClass ? 0 : prefix)));
  const fcNorm = state['fc_norm.weight'] !== undefined;
  const gamma = state['blocks.0.ls1.gamma'] ?? state['blocks.0.gamma_1'];
  return {
    imgSize: [grid * ph, grid * pw], patchSize: [ph, pw], inChans, embedDim, depth,
    ...(fc1 === undefined ? {} : { mlpRatio: fc1.shape[0]! / embedDim }),
    numClasses: state['head.weight']?.shape[0] ?? 0,
    classToken, noEmbedClass, distilled,
    qkvBias: state['blocks.0.attn.qkv.bias'] !== undefined,
    ...(gamma === undefined ? {} : { initValues: 1e-6 }),
    ...(fcNorm ? { globalPool: 'avg' as const, fcNorm: true } : classToken ? {} : { globalPool: 'avg' as const, fcNorm: false }),
  };
}
