/**
 * Registry entries for timm's ViT, DeiT, distilled DeiT and DeiT-III (timm's names and default
 * configurations at aa4b585; `options` override them with timm's keyword names in camelCase).
 */
import { VisionTransformer, VisionTransformerDistilled, type VisionTransformerOptions } from '../models/timm-vit.js';
import type { ModelEntry, RegistryModel } from './entry.js';

function vit(name: string, family: string, defaults: VisionTransformerOptions, description: string, distilled = false): ModelEntry {
  return {
    name,
    family,
    description,
    create: (options) => {
      const merged = { ...defaults, ...options } as VisionTransformerOptions;
      return (distilled ? new VisionTransformerDistilled(merged) : new VisionTransformer(merged)) as RegistryModel;
    },
  };
}

const TI = { embedDim: 192, depth: 12, numHeads: 3 };
const S = { embedDim: 384, depth: 12, numHeads: 6 };
const M = { embedDim: 512, depth: 12, numHeads: 8 };
const B = { embedDim: 768, depth: 12, numHeads: 12 };
const L = { embedDim: 1024, depth: 24, numHeads: 16 };
const H = { embedDim: 1280, depth: 32, numHeads: 16 };

export const VIT_ENTRIES: readonly ModelEntry[] = [
  vit('vit_tiny_patch16_224', 'vit', { patchSize: 16, ...TI }, 'ViT-Ti/16 (AugReg)'),
  vit('vit_tiny_patch16_384', 'vit', { imgSize: 384, patchSize: 16, ...TI }, 'ViT-Ti/16 @ 384'),
  vit('vit_small_patch32_224', 'vit', { patchSize: 32, ...S }, 'ViT-S/32'),
  vit('vit_small_patch32_384', 'vit', { imgSize: 384, patchSize: 32, ...S }, 'ViT-S/32 @ 384'),
  vit('vit_small_patch16_224', 'vit', { patchSize: 16, ...S }, 'ViT-S/16'),
  vit('vit_small_patch16_384', 'vit', { imgSize: 384, patchSize: 16, ...S }, 'ViT-S/16 @ 384'),
  vit('vit_small_patch8_224', 'vit', { patchSize: 8, ...S }, 'ViT-S/8'),
  vit('vit_base_patch32_224', 'vit', { patchSize: 32, ...B }, 'ViT-B/32'),
  vit('vit_base_patch32_384', 'vit', { imgSize: 384, patchSize: 32, ...B }, 'ViT-B/32 @ 384'),
  vit('vit_base_patch16_224', 'vit', { patchSize: 16, ...B }, 'ViT-B/16 (the original ViT-B_16.npz architecture)'),
  vit('vit_base_patch16_384', 'vit', { imgSize: 384, patchSize: 16, ...B }, 'ViT-B/16 @ 384'),
  vit('vit_base_patch8_224', 'vit', { patchSize: 8, ...B }, 'ViT-B/8'),
  vit('vit_large_patch32_224', 'vit', { patchSize: 32, ...L }, 'ViT-L/32'),
  vit('vit_large_patch32_384', 'vit', { imgSize: 384, patchSize: 32, ...L }, 'ViT-L/32 @ 384'),
  vit('vit_large_patch16_224', 'vit', { patchSize: 16, ...L }, 'ViT-L/16'),
  vit('vit_large_patch16_384', 'vit', { imgSize: 384, patchSize: 16, ...L }, 'ViT-L/16 @ 384'),
  vit('vit_huge_patch14_224', 'vit', { patchSize: 14, ...H }, 'ViT-H/14'),
  vit('vit_base_patch16_gap_224', 'vit', { patchSize: 16, embedDim: 768, depth: 12, numHeads: 16, classToken: false, globalPool: 'avg', fcNorm: false },
    'ViT-B/16 without class token, global average pooling'),
  vit('vit_medium_patch16_gap_256', 'vit', { imgSize: 256, patchSize: 16, embedDim: 512, depth: 12, numHeads: 8, classToken: false, globalPool: 'avg', qkvBias: false, initValues: 1e-6, fcNorm: false },
    'ViT-M/16 without class token, LayerScale, global average pooling'),
];

export const DEIT_ENTRIES: readonly ModelEntry[] = [
  vit('deit_tiny_patch16_224', 'deit', { patchSize: 16, ...TI }, 'DeiT-Ti'),
  vit('deit_small_patch16_224', 'deit', { patchSize: 16, ...S }, 'DeiT-S'),
  vit('deit_base_patch16_224', 'deit', { patchSize: 16, ...B }, 'DeiT-B'),
  vit('deit_base_patch16_384', 'deit', { imgSize: 384, patchSize: 16, ...B }, 'DeiT-B @ 384'),
  vit('deit_tiny_distilled_patch16_224', 'deit', { patchSize: 16, ...TI }, 'DeiT-Ti distilled (class + distillation tokens, two heads)', true),
  vit('deit_small_distilled_patch16_224', 'deit', { patchSize: 16, ...S }, 'DeiT-S distilled', true),
  vit('deit_base_distilled_patch16_224', 'deit', { patchSize: 16, ...B }, 'DeiT-B distilled', true),
  vit('deit_base_distilled_patch16_384', 'deit', { imgSize: 384, patchSize: 16, ...B }, 'DeiT-B distilled @ 384', true),
  vit('deit3_small_patch16_224', 'deit3', { patchSize: 16, ...S, noEmbedClass: true, initValues: 1e-6 }, 'DeiT-III S (LayerScale, no pos-embed on the class token)'),
  vit('deit3_medium_patch16_224', 'deit3', { patchSize: 16, ...M, noEmbedClass: true, initValues: 1e-6 }, 'DeiT-III M'),
  vit('deit3_base_patch16_224', 'deit3', { patchSize: 16, ...B, noEmbedClass: true, initValues: 1e-6 }, 'DeiT-III B'),
  vit('deit3_base_patch16_384', 'deit3', { imgSize: 384, patchSize: 16, ...B, noEmbedClass: true, initValues: 1e-6 }, 'DeiT-III B @ 384'),
  vit('deit3_large_patch16_224', 'deit3', { patchSize: 16, ...L, noEmbedClass: true, initValues: 1e-6 }, 'DeiT-III L'),
  vit('deit3_huge_patch14_224', 'deit3', { patchSize: 14, ...H, noEmbedClass: true, initValues: 1e-6 }, 'DeiT-III H'),
];
