/**
 * vit-pytorch 1.23.6 `levit.py` (Graham et al., "LeViT"): a 4-conv stem (stride 16, no activations
 * in vit-pytorch), then stages of convolutional attention (1x1 conv + BatchNorm projections, a learned
 * per-head bias indexed by the relative offset of query and key pixels) and 1x1-conv feed-forwards
 * with Hardswish, with shrinking attention blocks between stages. Keys as levit.py:
 * `conv_embedding.0.weight`, `backbone.0.layers.0.0.pos_indices` (a persistent int buffer),
 * `backbone.0.layers.0.0.to_q.0.weight`, `backbone.0.layers.0.0.pos_bias.weight`, `mlp_head.weight`.
 * The position-bias lookup has a gradient on WASM (gatherRows: a one-hot matMul there).
 */
import * as tf from '@tensorflow/tfjs-core';
import { rearrange } from '@vit/einops';
import { Hardswish } from '../nn/activations.js';
import { BatchNorm2d } from '../nn/batch-norm.js';
import { ModuleList, Sequential } from '../nn/containers.js';
import { Conv2d } from '../nn/conv2d.js';
import { Dropout } from '../nn/dropout.js';
import { GELU } from '../nn/gelu.js';
import { Identity } from '../nn/identity.js';
import { randn, reinit } from '../nn/init.js';
import { Linear } from '../nn/linear.js';
import { Module, type Child } from '../nn/module.js';
import { Softmax } from '../nn/softmax.js';
import { gatherRows } from '../ops/gather-grad.js';
import { matmul } from '../ops/matmul.js';
import { positiveInteger } from './pair.js';

/** levit.py's cast_tuple(val, l): a number or a shorter list padded with its last value to length l. */
function castTuple(val: number | number[], l: number): number[] {
  const v = typeof val === 'number' ? [val] : [...val];
  return [...v, ...Array.from({ length: Math.max(l - v.length, 0) }, () => v[v.length - 1]!)];
}

/** levit.py's FeedForward: 1x1 Conv2d → Hardswish → Dropout → 1x1 Conv2d → Dropout (`net.0`, `net.3`). */
export class LeViTFeedForward extends Module {
  readonly net: Sequential;

  constructor(dim: number, mult: number, dropout = 0) {
    super();
    this.net = this.addModule('net', new Sequential(new Conv2d(dim, dim * mult, 1), new Hardswish(), new Dropout(dropout), new Conv2d(dim * mult, dim, 1), new Dropout(dropout)));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return this.net.forward(x);
  }
}

/**
 * levit.py's `pos_indices` for a fmap × fmap grid (queries every `step` pixels): |Δrow|·fmap + |Δcol|,
 * [nq, nk] row-major over (query, key) pixels.
 */
export function levitPosIndices(fmapSize: number, step: number): Int32Array {
  const q: [number, number][] = [];
  for (let i = 0; i < fmapSize; i += step) for (let j = 0; j < fmapSize; j += step) q.push([i, j]);
  const out = new Int32Array(q.length * fmapSize * fmapSize);
  let o = 0;
  for (const [qi, qj] of q) for (let ki = 0; ki < fmapSize; ki++) for (let kj = 0; kj < fmapSize; kj++) out[o++] = Math.abs(qi - ki) * fmapSize + Math.abs(qj - kj);
  return out;
}

export interface LeViTAttentionOptions {
  heads?: number;
  dimKey?: number;
  dimValue?: number;
  dropout?: number;
  dimOut?: number;
  downsample?: boolean;
}

/** levit.py's Attention on NCHW feature maps (queries at stride 2 when `downsample`). */
export class LeViTAttention extends Module {
  readonly heads: number;
  readonly scale: number;
  readonly posIndices: tf.Variable;
  readonly toQ: Sequential;
  readonly toK: Sequential;
  readonly toV: Sequential;
  readonly attend: Softmax;
  readonly dropout: Dropout;
  readonly toOut: Sequential;
  /** nn.Embedding(fmap², heads): `pos_bias.weight`. */
  readonly posBias: LeViTEmbedding;

  constructor(dim: number, readonly fmapSize: number, { heads = 8, dimKey = 32, dimValue = 64, dropout = 0, dimOut, downsample = false }: LeViTAttentionOptions = {}) {
    super();
    const innerDimKey = dimKey * heads;
    const innerDimValue = dimValue * heads;
    const out = dimOut ?? dim;
    this.heads = positiveInteger(heads, 'heads');
    this.scale = dimKey ** -0.5;
    const step = downsample ? 2 : 1;
    const q = Math.ceil(fmapSize / step) ** 2;
    // Registered first: PyTorch's state dict lists a module's own buffers before its children.
    this.posIndices = this.addBuffer('pos_indices', () => tf.tensor2d(levitPosIndices(fmapSize, step), [q, fmapSize * fmapSize], 'int32'));
    this.toQ = this.addModule('to_q', new Sequential(new Conv2d(dim, innerDimKey, 1, { stride: step, bias: false }), new BatchNorm2d(innerDimKey)));
    this.toK = this.addModule('to_k', new Sequential(new Conv2d(dim, innerDimKey, 1, { bias: false }), new BatchNorm2d(innerDimKey)));
    this.toV = this.addModule('to_v', new Sequential(new Conv2d(dim, innerDimValue, 1, { bias: false }), new BatchNorm2d(innerDimValue)));
    this.attend = this.addModule('attend', new Softmax(-1));
    this.dropout = this.addModule('dropout', new Dropout(dropout));
    const outBatchNorm = new BatchNorm2d(out);
    reinit(outBatchNorm.weight!, () => tf.zeros([out]));
    this.toOut = this.addModule('to_out', new Sequential(new GELU(), new Conv2d(innerDimValue, out, 1), outBatchNorm, new Dropout(dropout)));
    this.posBias = this.addModule('pos_bias', new LeViTEmbedding(fmapSize * fmapSize, heads));
  }

  /** fmap + bias / scale, bias = pos_bias(pos_indices) as [1, h, i, j]. */
  applyPosBias(fmap: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const [nq, nk] = this.posIndices.shape as [number, number];
      const bias = tf.reshape(this.posBias.lookup(tf.reshape(this.posIndices, [nq * nk]) as tf.Tensor1D), [nq, nk, this.heads]);
      return tf.add(fmap, tf.div(rearrange(bias, 'i j h -> 1 h i j'), this.scale));
    });
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const q0 = this.toQ.forward(x);
      const y = q0.shape[3]!;
      const [q, k, v] = [q0, this.toK.forward(x), this.toV.forward(x)].map((t) => rearrange(t, 'b (h d) x y -> b h (x y) d', { h: this.heads })) as [tf.Tensor, tf.Tensor, tf.Tensor];
      const dots = this.applyPosBias(tf.mul(matmul(q, k, { transposeB: true }), this.scale));
      const attn = this.dropout.forward(this.attend.forward(dots));
      const out = rearrange(matmul(attn, v), 'b h (x y) d -> b (h d) x y', { h: this.heads, y });
      return this.toOut.forward(out);
    });
  }
}

/** nn.Embedding(num, dim) with N(0, 1) init (`weight` [num, dim]); lookups train on every backend. */
export class LeViTEmbedding extends Module {
  readonly weight: tf.Variable;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number) {
    super();
    this.weight = this.addParameter('weight', () => randn([numEmbeddings, embeddingDim]));
  }

  lookup(ids: tf.Tensor1D): tf.Tensor {
    return gatherRows(this.weight, ids);
  }

  forward(ids: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.reshape(this.lookup(tf.reshape(ids, [-1]) as tf.Tensor1D), [...ids.shape, this.embeddingDim]));
  }
}

/** levit.py's Transformer: (attention [+ x unless it downsamples or changes width], feed-forward + x) per layer. */
export class LeViTTransformer extends Module {
  readonly attnResidual: boolean;
  readonly layers: ModuleList<ModuleList>;
  readonly #blocks: [LeViTAttention, LeViTFeedForward][];

  constructor(dim: number, fmapSize: number, depth: number, heads: number, dimKey: number, dimValue: number,
    { mlpMult = 2, dropout = 0, dimOut, downsample = false }: { mlpMult?: number; dropout?: number; dimOut?: number; downsample?: boolean } = {}) {
    super();
    const out = dimOut ?? dim;
    this.attnResidual = !downsample && dim === out;
    this.#blocks = Array.from({ length: depth }, () => [
      new LeViTAttention(dim, fmapSize, { heads, dimKey, dimValue, dropout, downsample, dimOut: out }),
      new LeViTFeedForward(out, mlpMult, dropout),
    ]);
    this.layers = this.addModule('layers', new ModuleList(this.#blocks.map(([a, f]) => new ModuleList<Child>([a, f]))));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.#blocks.reduce((h, [attn, ff]) => {
      const a = this.attnResidual ? tf.add(attn.forward(h), h) : attn.forward(h);
      return tf.add(ff.forward(a), a);
    }, x));
  }
}

export interface LeViTOptions {
  imageSize: number;
  /** 0: no `mlp_head` (forward returns the pooled features). */
  numClasses: number;
  /** Per-stage widths (a number or a shorter list: padded with the last value). */
  dim: number | number[];
  depth: number | number[];
  heads: number | number[];
  mlpMult: number;
  stages?: number;
  dimKey?: number;
  dimValue?: number;
  dropout?: number;
  /** Adds `distill_head`; `forwardWithDistill` returns both outputs (levit.py's tuple). */
  numDistillClasses?: number;
}

export class LeViT extends Module {
  readonly convEmbedding: Sequential;
  readonly backbone: Sequential;
  readonly distillHead: Linear | undefined;
  readonly lastDim: number;
  #mlpHead: Linear | Identity;
  #numClasses: number;

  constructor({ imageSize, numClasses, dim, depth, heads, mlpMult, stages = 3, dimKey = 32, dimValue = 64, dropout = 0, numDistillClasses }: LeViTOptions) {
    super();
    positiveInteger(imageSize, 'imageSize');
    positiveInteger(numClasses, 'numClasses', 0);
    positiveInteger(stages, 'stages');
    const dims = castTuple(dim, stages);
    const depths = castTuple(depth, stages);
    const layerHeads = castTuple(heads, stages);
    if (![dims, depths, layerHeads].every((t) => t.length === stages)) {
      throw new Error('dimensions, depths, and heads must be a tuple that is less than the designated number of stages');
    }
    this.convEmbedding = this.addModule('conv_embedding', new Sequential(
      new Conv2d(3, 32, 3, { stride: 2, padding: 1 }),
      new Conv2d(32, 64, 3, { stride: 2, padding: 1 }),
      new Conv2d(64, 128, 3, { stride: 2, padding: 1 }),
      new Conv2d(128, dims[0]!, 3, { stride: 2, padding: 1 }),
    ));
    let fmapSize = Math.floor(imageSize / 2 ** 4);
    const layers: Module[] = [];
    for (let ind = 0; ind < stages; ind++) {
      layers.push(new LeViTTransformer(dims[ind]!, fmapSize, depths[ind]!, layerHeads[ind]!, dimKey, dimValue, { mlpMult, dropout }));
      if (ind < stages - 1) {
        layers.push(new LeViTTransformer(dims[ind]!, fmapSize, 1, layerHeads[ind]! * 2, dimKey, dimValue, { dimOut: dims[ind + 1]!, downsample: true }));
        fmapSize = Math.ceil(fmapSize / 2);
      }
    }
    this.backbone = this.addModule('backbone', new Sequential(...layers));
    // levit.py's heads take the loop's last `dim`: the last stage's width.
    this.lastDim = dims[stages - 1]!;
    this.distillHead = numDistillClasses === undefined ? undefined : this.addModule('distill_head', new Linear(this.lastDim, numDistillClasses));
    this.#numClasses = numClasses;
    this.#mlpHead = this.addModule('mlp_head', this.#newHead(numClasses));
  }

  get numClasses(): number {
    return this.#numClasses;
  }

  #newHead(numClasses: number): Linear | Identity {
    return numClasses > 0 ? new Linear(this.lastDim, numClasses) : new Identity();
  }

  resetClassifier(numClasses: number): void {
    positiveInteger(numClasses, 'numClasses', 0);
    this.#mlpHead = this.replaceModule('mlp_head', this.#newHead(numClasses));
    this.#numClasses = numClasses;
  }

  /** The last stage's feature map [b, lastDim, f, f]. */
  forwardFeatures(img: tf.Tensor): tf.Tensor {
    if (img.rank !== 4 || img.shape[1] !== 3) throw new Error(`LeViT: expected an image batch [b, 3, h, w], got [${img.shape.join(', ')}]`);
    return tf.tidy(() => this.backbone.forward(this.convEmbedding.forward(img)));
  }

  /** `pool` (global average: AdaptiveAvgPool2d(1) + flatten), then `mlp_head`. */
  forwardHead(features: tf.Tensor, { preLogits = false }: { preLogits?: boolean } = {}): tf.Tensor {
    return tf.tidy(() => {
      const pooled = tf.mean(features, [2, 3]);
      return preLogits ? pooled : this.#mlpHead.forward(pooled);
    });
  }

  /** img [b, 3, h, w] → logits [b, numClasses] (levit.py's `out`; see forwardWithDistill for the distillation head). */
  forward(img: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.forwardHead(this.forwardFeatures(img)));
  }

  /** levit.py's forward with `num_distill_classes`: [out, distill] (the caller disposes both). */
  forwardWithDistill(img: tf.Tensor): [tf.Tensor, tf.Tensor] {
    if (this.distillHead === undefined) throw new Error('LeViT: built without numDistillClasses, so there is no distill_head');
    const result = tf.tidy(() => {
      const pooled = this.forwardHead(this.forwardFeatures(img), { preLogits: true });
      return [this.#mlpHead.forward(pooled), this.distillHead!.forward(pooled)];
    });
    return [result[0]!, result[1]!];
  }
}
