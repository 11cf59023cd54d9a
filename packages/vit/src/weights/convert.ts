/**
 * Checkpoint layout conversions on host arrays (plain typed arrays, no tensors yet):
 *
 * - Google `vit_jax` `.npz` (`ViT-B_16.npz` layout) → timm state dict, exactly as timm's
 *   `_load_weights` (interop README, table A): HWIO patch kernel → OIHW, q/k/v kernels (D, H, hd)
 *   → rows of `qkv.weight`, (H, hd, D) out kernel → `proj.weight`, Dense kernels transposed;
 *   `pre_logits/*` ignored (as timm and jeonsworld do).
 * - timm ⇄ vit-pytorch `ViT` names (table C) for the tensors that have a counterpart.
 */
import type { HostArray } from './npz.js';

export type { HostArray } from './npz.js';
export type HostState = Record<string, HostArray>;

/** Where a checkpoint came from: timm-style safetensors or a Google `.npz`. */
export type CheckpointFormat = 'safetensors' | 'npz';

/** What a model's `filterCheckpoint` returns. */
export interface FilteredCheckpoint {
  readonly state: HostState;
  /** Model keys deliberately left as initialised (e.g. a classifier whose class count differs). */
  readonly keepInitialised?: string[];
}

/**
 * Optional hook of a registry model (timm's `checkpoint_filter_fn`): adapts a checkpoint, already in
 * the model's key names, to the model's configuration. Models without it load checkpoints as they are.
 */
export interface CheckpointFilter {
  filterCheckpoint(state: HostState, format: CheckpointFormat): FilteredCheckpoint;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function float32(array: HostArray, key: string): Float32Array {
  if (array.dtype !== 'float32') throw new Error(`'${key}' must be a floating-point array, got ${array.dtype}`);
  return array.values as Float32Array;
}

/** numpy's `transpose(perm)` of a row-major array. */
export function permute(array: HostArray, perm: number[]): HostArray {
  const { shape, values } = array;
  if (perm.length !== shape.length) throw new Error(`permute: ${perm.length} axes for a rank-${shape.length} array`);
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = shape.map((_, i) => size(shape.slice(i + 1)));
  const n = size(shape);
  const out = new (values.constructor as { new (n: number): HostArray['values'] })(n);
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < n; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += idx[i]! * inStrides[perm[i]!]!;
    out[o] = values[src]!;
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i]! < outShape[i]!) break;
      idx[i] = 0;
    }
  }
  return { shape: outShape, dtype: array.dtype, values: out };
}

export function reshape(array: HostArray, shape: number[]): HostArray {
  if (size(shape) !== size(array.shape)) throw new Error(`cannot reshape (${array.shape.join(', ')}) to (${shape.join(', ')})`);
  return { shape, dtype: array.dtype, values: array.values };
}

function concat0(arrays: HostArray[]): HostArray {
  const rest = arrays[0]!.shape.slice(1);
  const values = new Float32Array(arrays.reduce((n, a) => n + a.values.length, 0));
  let at = 0;
  for (const a of arrays) {
    if (a.shape.slice(1).join() !== rest.join()) throw new Error('concat: shapes differ after the first axis');
    values.set(a.values as Float32Array, at);
    at += a.values.length;
  }
  return { shape: [arrays.reduce((n, a) => n + a.shape[0]!, 0), ...rest], dtype: 'float32', values };
}

export interface NpzConversion {
  /** timm key → array. */
  readonly state: HostState;
  /** npz keys deliberately ignored (`pre_logits/*`). */
  readonly ignored: string[];
  /** npz keys this layout does not know. */
  readonly unexpected: string[];
}

const NPZ_PREFIXES = ['', 'opt/target/', 'params/', 'params/img/'];

/**
 * Google `vit_jax` `.npz` arrays → a timm `VisionTransformer` state dict (timm's `_load_weights`):
 * the `ViT-B_16.npz` layout, with the `opt/target/` prefix too, big_vision's `params/` layout
 * (`MultiHeadDotProductAttention_0`, `MlpBlock_0`, `LayerNorm_1`, `pos_embedding`) and stacked
 * (scanned) `Transformer/encoderblock/` arrays with a leading depth axis.
 */
export function googleNpzToTimm(npz: HostState): NpzConversion {
  const prefix = NPZ_PREFIXES.find((p) => `${p}embedding/kernel` in npz);
  if (prefix === undefined) {
    const sample = Object.keys(npz).slice(0, 5).join(', ');
    throw new Error(`npz: not a Google ViT checkpoint: no 'embedding/kernel' (keys: ${sample}${Object.keys(npz).length > 5 ? ', ...' : ''})`);
  }
  const used = new Set<string>();
  const get = (key: string, index?: number): HostArray => {
    const full = prefix + key;
    const a = npz[full];
    if (a === undefined) throw new Error(`npz: missing '${full}'`);
    float32(a, full);
    used.add(full);
    if (index === undefined) return a;
    if (a.shape.length === 0 || index >= a.shape[0]!) throw new Error(`npz: stacked '${full}' (${a.shape.join(', ')}) has no layer ${index}`);
    const inner = size(a.shape.slice(1));
    return { shape: a.shape.slice(1), dtype: a.dtype, values: a.values.subarray(index * inner, (index + 1) * inner) };
  };
  const has = (key: string): boolean => prefix + key in npz;
  const expectRank = (a: HostArray, rank: number, key: string): void => {
    if (a.shape.length !== rank) throw new Error(`npz: '${prefix}${key}' has shape (${a.shape.join(', ')}), expected rank ${rank}`);
  };
  const state: HostState = {};
  const kernel = get('embedding/kernel');
  expectRank(kernel, 4, 'embedding/kernel');
  state['patch_embed.proj.weight'] = permute(kernel, [3, 2, 0, 1]);
  state['patch_embed.proj.bias'] = get('embedding/bias');
  if (has('cls')) state['cls_token'] = get('cls');
  const bigVision = prefix.startsWith('params/');
  state['pos_embed'] = get(bigVision ? 'pos_embedding' : 'Transformer/posembed_input/pos_embedding');
  state['norm.weight'] = get('Transformer/encoder_norm/scale');
  state['norm.bias'] = get('Transformer/encoder_norm/bias');
  if (has('head/kernel') || has('head/bias')) {
    const head = get('head/kernel');
    expectRank(head, 2, 'head/kernel');
    state['head.weight'] = permute(head, [1, 0]);
    state['head.bias'] = get('head/bias');
  }
  const [mhaSub, mlpSub, ln2Sub] = bigVision ? [0, 0, 1] : [1, 3, 2];
  const stacked = has('Transformer/encoderblock/LayerNorm_0/scale');
  const depth = stacked ? npz[`${prefix}Transformer/encoderblock/LayerNorm_0/scale`]!.shape[0]! : Infinity;
  for (let i = 0; stacked ? i < depth : has(`Transformer/encoderblock_${i}/LayerNorm_0/scale`); i++) {
    const b = stacked ? 'Transformer/encoderblock/' : `Transformer/encoderblock_${i}/`;
    const idx = stacked ? i : undefined;
    const mha = `${b}MultiHeadDotProductAttention_${mhaSub}/`;
    const t = `blocks.${i}.`;
    state[`${t}norm1.weight`] = get(`${b}LayerNorm_0/scale`, idx);
    state[`${t}norm1.bias`] = get(`${b}LayerNorm_0/bias`, idx);
    const qkv = ['query', 'key', 'value'].map((n) => {
      const k = get(`${mha}${n}/kernel`, idx);
      expectRank(k, 3, `${mha}${n}/kernel`);
      return permute(reshape(k, [k.shape[0]!, k.shape[1]! * k.shape[2]!]), [1, 0]);
    });
    state[`${t}attn.qkv.weight`] = concat0(qkv);
    state[`${t}attn.qkv.bias`] = concat0(['query', 'key', 'value'].map((n) => {
      const v = get(`${mha}${n}/bias`, idx);
      return reshape(v, [size(v.shape)]);
    }));
    const out = get(`${mha}out/kernel`, idx);
    expectRank(out, 3, `${mha}out/kernel`);
    state[`${t}attn.proj.weight`] = permute(reshape(out, [out.shape[0]! * out.shape[1]!, out.shape[2]!]), [1, 0]);
    state[`${t}attn.proj.bias`] = get(`${mha}out/bias`, idx);
    state[`${t}norm2.weight`] = get(`${b}LayerNorm_${ln2Sub}/scale`, idx);
    state[`${t}norm2.bias`] = get(`${b}LayerNorm_${ln2Sub}/bias`, idx);
    for (const r of [0, 1]) {
      const k = get(`${b}MlpBlock_${mlpSub}/Dense_${r}/kernel`, idx);
      expectRank(k, 2, `${b}MlpBlock_${mlpSub}/Dense_${r}/kernel`);
      state[`${t}mlp.fc${r + 1}.weight`] = permute(k, [1, 0]);
      state[`${t}mlp.fc${r + 1}.bias`] = get(`${b}MlpBlock_${mlpSub}/Dense_${r}/bias`, idx);
    }
  }
  const ignored: string[] = [];
  const unexpected: string[] = [];
  for (const key of Object.keys(npz)) {
    if (used.has(key)) continue;
    if (key.startsWith(`${prefix}pre_logits/`)) ignored.push(key);
    else unexpected.push(key);
  }
  return { state, ignored, unexpected };
}

export interface StateConversion {
  readonly state: HostState;
  /** Source keys with no counterpart in the target layout (left out of `state`). */
  readonly unmapped: string[];
}

/**
 * timm ViT names → vit-pytorch `ViT` names (interop README, table C) for every tensor with a
 * counterpart: `cls_token` (1,1,D) → (1,D), `pos_embed` (1,T,D) → (T,D), the OIHW patch kernel →
 * the `(p1 p2 c)`-ordered `to_patch_embedding.2.weight`, blocks → `transformer.layers.{i}.{0,1}`,
 * `norm` → `transformer.norm`, `head` → `mlp_head`; a DeiT's `dist_token` becomes DistillWrapper's
 * `distillation_token` with timm's pos row 1 folded in (pos rows [0, 2, 3, ...] remain) and `head_dist`
 * becomes `distill_mlp.1` (mlp_layernorm=False): same logits. Tensors vit-pytorch has no place for
 * (`qkv.bias`, LayerScale, `fc_norm`) are listed in `unmapped`; so are
 * vit-pytorch's patch LayerNorms, which timm lacks, in the other direction. Note the LayerNorm eps
 * also differs (timm 1e-6, vit-pytorch 1e-5): the numbers match only approximately.
 */
export function timmToVitPytorch(timm: HostState): StateConversion {
  const state: HostState = {};
  const unmapped: string[] = [];
  const dist = timm['dist_token'];
  if (dist !== undefined && timm['pos_embed'] !== undefined && timm['cls_token'] !== undefined) {
    // DeiT: vit-pytorch's DistillWrapper appends its token last, with no position row; folding timm's
    // pos row 1 into the token gives the same logits (attention without a mask is permutation-equivariant).
    const pos = timm['pos_embed'];
    const d = pos.shape[2]!;
    const rows = pos.shape[1]!;
    const posValues = pos.values as Float32Array;
    const token = Float32Array.from(dist.values as Float32Array, (v, i) => v + posValues[d + i]!);
    state['distillation_token'] = { shape: [1, d], dtype: 'float32', values: token };
    const kept = new Float32Array((rows - 1) * d);
    kept.set(posValues.subarray(0, d));
    kept.set(posValues.subarray(2 * d), d);
    state['pos_embedding'] = { shape: [rows - 1, d], dtype: 'float32', values: kept };
    for (const p of ['weight', 'bias']) if (timm[`head_dist.${p}`] !== undefined) state[`distill_mlp.1.${p}`] = timm[`head_dist.${p}`]!;
  }
  for (const [key, a] of Object.entries(timm)) {
    if ('distillation_token' in state && (key === 'dist_token' || key === 'pos_embed' || key.startsWith('head_dist.'))) continue;
    const target = timmKeyToVitPytorch(key);
    if (target === undefined) {
      unmapped.push(key);
    } else if (key === 'cls_token' || key === 'pos_embed') {
      state[target] = reshape(a, a.shape.slice(1));
    } else if (key === 'patch_embed.proj.weight') {
      const [d, c, ph, pw] = a.shape as [number, number, number, number];
      state[target] = reshape(permute(a, [0, 2, 3, 1]), [d, ph * pw * c]);
    } else {
      state[target] = a;
    }
  }
  return { state, unmapped };
}

/** vit-pytorch `ViT` names → timm names (the inverse of `timmToVitPytorch`); needs the patch size and channels. */
export function vitPytorchToTimm(vit: HostState, { patchSize, channels = 3 }: { patchSize: number | [number, number]; channels?: number }): StateConversion {
  const [ph, pw] = typeof patchSize === 'number' ? [patchSize, patchSize] : patchSize;
  const state: HostState = {};
  const unmapped: string[] = [];
  const inverse = new Map<string, string>();
  for (const key of Object.keys(vit)) {
    const timmKey = vitPytorchKeyToTimm(key);
    if (timmKey === undefined) unmapped.push(key);
    else inverse.set(key, timmKey);
  }
  const token = vit['distillation_token'];
  if (token !== undefined) {
    // DistillWrapper's token (no position row) → timm's dist_token at index 1 with a zero pos row.
    const pos = vit['pos_embedding'];
    if (pos === undefined || vit['cls_token'] === undefined || vit['cls_token'].shape[0] !== 1) {
      throw new Error("'distillation_token' needs 'cls_token' (1, D) and 'pos_embedding' to become timm's DeiT layout");
    }
    const d = pos.shape[1]!;
    const values = new Float32Array((pos.shape[0]! + 1) * d);
    values.set((pos.values as Float32Array).subarray(0, d));
    values.set((pos.values as Float32Array).subarray(d), 2 * d);
    state['dist_token'] = { shape: [1, 1, d], dtype: 'float32', values: token.values as Float32Array };
    state['pos_embed'] = { shape: [1, pos.shape[0]! + 1, d], dtype: 'float32', values };
    inverse.delete('pos_embedding');
    unmapped.splice(unmapped.indexOf('distillation_token'), 1);
    for (const p of ['weight', 'bias']) {
      if (vit[`distill_mlp.1.${p}`] === undefined) continue;
      state[`head_dist.${p}`] = vit[`distill_mlp.1.${p}`]!;
      unmapped.splice(unmapped.indexOf(`distill_mlp.1.${p}`), 1);
    }
  }
  for (const [key, timmKey] of inverse) {
    const a = vit[key]!;
    if (key === 'cls_token' || key === 'pos_embedding') {
      if (key === 'cls_token' && a.shape[0] === 0) continue; // pool='mean': no class token
      state[timmKey] = reshape(a, [1, ...a.shape]);
    } else if (key === 'to_patch_embedding.2.weight') {
      const d = a.shape[0]!;
      if (a.shape[1] !== ph * pw * channels) throw new Error(`'${key}' has ${a.shape[1]} inputs, not ${ph}·${pw}·${channels}`);
      state[timmKey] = permute(reshape(a, [d, ph, pw, channels]), [0, 3, 1, 2]);
    } else {
      state[timmKey] = a;
    }
  }
  return { state, unmapped };
}

const BLOCK_KEYS: [string, string][] = [
  ['norm1', '0.norm'], ['attn.qkv.weight', '0.to_qkv.weight'], ['attn.proj', '0.to_out.0'],
  ['norm2', '1.net.0'], ['mlp.fc1', '1.net.1'], ['mlp.fc2', '1.net.4'],
];

function timmKeyToVitPytorch(key: string): string | undefined {
  const simple: Record<string, string> = {
    cls_token: 'cls_token', pos_embed: 'pos_embedding', 'patch_embed.proj.weight': 'to_patch_embedding.2.weight',
    'patch_embed.proj.bias': 'to_patch_embedding.2.bias', 'norm.weight': 'transformer.norm.weight', 'norm.bias': 'transformer.norm.bias',
    'head.weight': 'mlp_head.weight', 'head.bias': 'mlp_head.bias',
  };
  if (key in simple) return simple[key];
  const m = /^blocks\.(\d+)\.(.*)$/.exec(key);
  if (m === null) return undefined;
  for (const [t, v] of BLOCK_KEYS) {
    if (m[2] === t) return `transformer.layers.${m[1]}.${v}`;
    if (m[2]!.startsWith(`${t}.`)) return `transformer.layers.${m[1]}.${v}${m[2]!.slice(t.length)}`;
  }
  return undefined;
}

function vitPytorchKeyToTimm(key: string): string | undefined {
  const simple: Record<string, string> = {
    cls_token: 'cls_token', pos_embedding: 'pos_embed', 'to_patch_embedding.2.weight': 'patch_embed.proj.weight',
    'to_patch_embedding.2.bias': 'patch_embed.proj.bias', 'transformer.norm.weight': 'norm.weight', 'transformer.norm.bias': 'norm.bias',
    'mlp_head.weight': 'head.weight', 'mlp_head.bias': 'head.bias',
  };
  if (key in simple) return simple[key];
  const m = /^transformer\.layers\.(\d+)\.(.*)$/.exec(key);
  if (m === null) return undefined;
  for (const [t, v] of BLOCK_KEYS) {
    if (m[2] === v) return `blocks.${m[1]}.${t}`;
    if (m[2]!.startsWith(`${v}.`)) return `blocks.${m[1]}.${t}${m[2]!.slice(v.length)}`;
  }
  return undefined;
}
