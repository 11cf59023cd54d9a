// backends: cpu, wasm
/**
 * timm ViT semantics beyond the recorded fixtures, against an independent float64 forward written
 * here from timm's code (vision_transformer.py / deit.py at aa4b585): 'avg' pooling without the
 * prefix tokens and fc_norm after pooling, no class token (gap), DeiT-III (noEmbedClass +
 * LayerScale), the distilled DeiT, globalPool '' and qkvBias false. Random weights of fixture-like
 * magnitude (kernels N(0, 1/fan_in), 1-D parameters perturbed), tolerance 1e-5 + 1e-5·|ref|.
 */
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, VisionTransformer, VisionTransformerDistilled } from '@vit/core';
import { useTestBackend } from '../support/backend.js';
import { gelu64 } from '../vit/helpers.js';
import { assertCloseTo, seededFloats } from './helpers.js';

before(async () => { await useTestBackend(); });

type State = Record<string, { shape: number[]; v: Float32Array }>;
const B = 2;
const BASE = { imgSize: 16, patchSize: 4, embedDim: 16, depth: 2, numHeads: 4, mlpRatio: 2, numClasses: 5 };

function linear(x: Float64Array, rows: number, w: State[string], b: State[string] | undefined): Float64Array {
  const [o, i] = w.shape as [number, number];
  const y = new Float64Array(rows * o);
  for (let r = 0; r < rows; r++) for (let j = 0; j < o; j++) {
    let acc = b === undefined ? 0 : b.v[j]!;
    for (let k = 0; k < i; k++) acc += x[r * i + k]! * w.v[j * i + k]!;
    y[r * o + j] = acc;
  }
  return y;
}

function layerNorm(x: Float64Array, rows: number, d: number, w: State[string], b: State[string]): Float64Array {
  const y = new Float64Array(x.length);
  for (let r = 0; r < rows; r++) {
    let mean = 0;
    for (let k = 0; k < d; k++) mean += x[r * d + k]! / d;
    let variance = 0;
    for (let k = 0; k < d; k++) variance += (x[r * d + k]! - mean) ** 2 / d;
    for (let k = 0; k < d; k++) y[r * d + k] = ((x[r * d + k]! - mean) / Math.sqrt(variance + 1e-6)) * w.v[k]! + b.v[k]!;
  }
  return y;
}

interface Config { classToken: boolean; distilled: boolean; noEmbedClass: boolean; globalPool: string; fcNorm: boolean; numHeads: number; patch: number }

/** timm's forward in float64 for one image: returns features [T, D], pre-logits and logits. */
function reference(s: State, c: Config, img: Float32Array, size: number): { features: Float64Array; pre: Float64Array; logits: Float64Array } {
  const d = s['patch_embed.proj.weight']!.shape[0]!;
  const p = c.patch;
  const g = size / p;
  const n = g * g;
  const patches = new Float64Array(n * d);
  const w = s['patch_embed.proj.weight']!.v;
  for (let gy = 0; gy < g; gy++) for (let gx = 0; gx < g; gx++) for (let o = 0; o < d; o++) {
    let acc = s['patch_embed.proj.bias']!.v[o]!;
    for (let ch = 0; ch < 3; ch++) for (let ky = 0; ky < p; ky++) for (let kx = 0; kx < p; kx++) {
      acc += img[(ch * size + gy * p + ky) * size + gx * p + kx]! * w[((o * 3 + ch) * p + ky) * p + kx]!;
    }
    patches[(gy * g + gx) * d + o] = acc;
  }
  const prefix: Float32Array[] = [];
  if (c.classToken) prefix.push(s['cls_token']!.v);
  if (c.distilled) prefix.push(s['dist_token']!.v);
  const np = prefix.length;
  const t = np + n;
  let x = new Float64Array(t * d);
  const pos = s['pos_embed']!.v;
  prefix.forEach((tok, i) => tok.forEach((v, k) => { x[i * d + k] = v + (c.noEmbedClass ? 0 : pos[i * d + k]!); }));
  for (let i = 0; i < n * d; i++) x[np * d + i] = patches[i]! + pos[(c.noEmbedClass ? 0 : np * d) + i]!;
  const h = c.numHeads;
  const hd = d / h;
  for (let blk = 0; s[`blocks.${blk}.norm1.weight`] !== undefined; blk++) {
    const k = (name: string) => s[`blocks.${blk}.${name}`];
    const qkv = linear(layerNorm(x, t, d, k('norm1.weight')!, k('norm1.bias')!), t, k('attn.qkv.weight')!, k('attn.qkv.bias'));
    const o = new Float64Array(t * d);
    for (let head = 0; head < h; head++) for (let i = 0; i < t; i++) {
      const logits = new Float64Array(t);
      for (let j = 0; j < t; j++) {
        let acc = 0;
        for (let e = 0; e < hd; e++) acc += qkv[i * 3 * d + head * hd + e]! * hd ** -0.5 * qkv[j * 3 * d + d + head * hd + e]!;
        logits[j] = acc;
      }
      const m = Math.max(...logits);
      const ex = logits.map((v) => Math.exp(v - m));
      const z = ex.reduce((a, b2) => a + b2, 0);
      for (let e = 0; e < hd; e++) {
        let acc = 0;
        for (let j = 0; j < t; j++) acc += (ex[j]! / z) * qkv[j * 3 * d + 2 * d + head * hd + e]!;
        o[i * d + head * hd + e] = acc;
      }
    }
    let a = linear(o, t, k('attn.proj.weight')!, k('attn.proj.bias'));
    if (k('ls1.gamma') !== undefined) a = a.map((v, i) => v * k('ls1.gamma')!.v[i % d]!);
    x = x.map((v, i) => v + a[i]!);
    let m = linear(linear(layerNorm(x, t, d, k('norm2.weight')!, k('norm2.bias')!), t, k('mlp.fc1.weight')!, k('mlp.fc1.bias')).map(gelu64), t, k('mlp.fc2.weight')!, k('mlp.fc2.bias'));
    if (k('ls2.gamma') !== undefined) m = m.map((v, i) => v * k('ls2.gamma')!.v[i % d]!);
    x = x.map((v, i) => v + m[i]!);
  }
  const features = s['norm.weight'] !== undefined ? layerNorm(x, t, d, s['norm.weight']!, s['norm.bias']!) : x;
  if (c.distilled) {
    const pre = new Float64Array(d).map((_, k) => (features[k]! + features[d + k]!) / 2);
    const a = linear(features.subarray(0, d), 1, s['head.weight']!, s['head.bias']);
    const b2 = linear(features.subarray(d, 2 * d), 1, s['head_dist.weight']!, s['head_dist.bias']);
    return { features, pre, logits: a.map((v, i) => (v + b2[i]!) / 2) };
  }
  let pre: Float64Array;
  let rows = 1;
  if (c.globalPool === 'token') pre = features.slice(0, d);
  else if (c.globalPool === 'avg') {
    pre = new Float64Array(d);
    for (let i = np; i < t; i++) for (let k2 = 0; k2 < d; k2++) pre[k2]! += features[i * d + k2]! / n;
  } else {
    pre = features.slice();
    rows = t;
  }
  if (c.fcNorm) pre = layerNorm(pre, rows, d, s['fc_norm.weight']!, s['fc_norm.bias']!);
  return { features, pre, logits: linear(pre, rows, s['head.weight']!, s['head.bias']) };
}

async function randomise(model: VisionTransformer, seed: number): Promise<State> {
  const state = model.stateDict();
  const out: Record<string, tf.Tensor> = {};
  const host: State = {};
  let k = 0;
  for (const [name, t] of Object.entries(state)) {
    const r = seededFloats(t.size, seed * 1000 + k++);
    let v: Float32Array;
    if (t.rank >= 2 && !/token|pos_embed/.test(name)) v = r.map((x) => x * Math.sqrt(3 / (t.size / t.shape[0]!)));
    else if (/norm\d?\.weight|norm\.weight/.test(name)) v = r.map((x) => 1 + 0.2 * x);
    else if (/gamma/.test(name)) v = r.map((x) => 0.5 + 0.3 * x);
    else v = r.map((x) => 0.2 * x);
    out[name] = tf.tensor(v, t.shape);
    host[name] = { shape: t.shape, v };
  }
  model.loadStateDict(out);
  tf.dispose([...Object.values(state), ...Object.values(out)]);
  return host;
}

const CASES: [string, string, Record<string, unknown>, Partial<Config>][] = [
  ['token pooling', 'vit_base_patch16_224', {}, {}],
  ["'avg': class token excluded from the mean, fc_norm after pooling", 'vit_base_patch16_224', { globalPool: 'avg' }, { globalPool: 'avg', fcNorm: true }],
  ["'avg' with fcNorm false and a class token", 'vit_base_patch16_224', { globalPool: 'avg', fcNorm: false }, { globalPool: 'avg' }],
  ['no class token, gap (vit_base_patch16_gap_224)', 'vit_base_patch16_gap_224', {}, { classToken: false, globalPool: 'avg' }],
  ['DeiT-III: noEmbedClass + LayerScale', 'deit3_small_patch16_224', {}, { noEmbedClass: true }],
  ['distilled DeiT', 'deit_tiny_distilled_patch16_224', {}, { distilled: true }],
  ["globalPool '' (head on every token), no qkv bias", 'vit_small_patch16_224', { globalPool: '', qkvBias: false }, { globalPool: '' }],
  ['LayerScale + noEmbedClass + avg without class token', 'vit_medium_patch16_gap_256', { imgSize: 16 }, { classToken: false, globalPool: 'avg', noEmbedClass: false }],
];

describe('timm semantics against a float64 reference', () => {
  CASES.forEach(([title, name, options, partial], i) => {
    it(title, async () => {
      const model = await createModel(name, { ...BASE, ...options }) as VisionTransformer;
      model.eval();
      const state = await randomise(model, i + 1);
      const c: Config = { classToken: true, distilled: false, noEmbedClass: false, globalPool: 'token', fcNorm: false, numHeads: BASE.numHeads, patch: 4, ...partial };
      const img = seededFloats(B * 3 * 16 * 16, 99 + i);
      const x = tf.tensor(img, [B, 3, 16, 16]);
      const refs = [0, 1].map((b) => reference(state, c, img.subarray(b * 768, (b + 1) * 768), 16));
      const cat = (key: 'features' | 'pre' | 'logits'): Float64Array => {
        const parts = refs.map((r) => r[key]);
        const all = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const p of parts) { all.set(p, at); at += p.length; }
        return all;
      };
      const features = model.forwardFeatures(x);
      const pre = model.forwardHead(features, { preLogits: true });
      const logits = model.forward(x);
      const t = features.shape[1]!;
      await assertCloseTo(features, cat('features'), [B, t, 16], 1e-5, 1e-5, 'features');
      await assertCloseTo(pre, cat('pre'), c.globalPool === '' && !c.distilled ? [B, t, 16] : [B, 16], 1e-5, 1e-5, 'pre-logits');
      await assertCloseTo(logits, cat('logits'), c.globalPool === '' && !c.distilled ? [B, t, 5] : [B, 5], 1e-5, 1e-5, 'logits');
      if (c.distilled) if (!(model instanceof VisionTransformerDistilled)) throw new Error('expected a distilled model');
      tf.dispose([x, features, pre, logits]);
      model.dispose();
    });
  });
});
