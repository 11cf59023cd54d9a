/**
 * Registry entries for DeepViT (vit-pytorch deepvit.py). timm has no DeepViT, so the names are ours:
 * `deepvit_<size>_<patch>_<image>`, ViT-Ti / ViT-S widths (dim head 64, MLP 4×), and vit-pytorch's
 * README example. Options override vit-pytorch's keywords in camelCase (`dimHead`, `mlpDim`, ...).
 */
import { DeepViT, type DeepViTOptions } from '../../models/deepvit.js';
import type { ModelEntry, RegistryModel } from '../entry.js';

function deepvit(name: string, defaults: DeepViTOptions, description: string): ModelEntry {
  return { name, family: 'deepvit', description, create: (options): RegistryModel => new DeepViT({ ...defaults, ...(options as Partial<DeepViTOptions>) }) };
}

export const DEEPVIT_ENTRIES: readonly ModelEntry[] = [
  deepvit('deepvit_ti_16_224', { imageSize: 224, patchSize: 16, numClasses: 1000, dim: 192, depth: 12, heads: 3, dimHead: 64, mlpDim: 768 }, 'DeepViT at ViT-Ti/16 size (re-attention)'),
  deepvit('deepvit_s_16_224', { imageSize: 224, patchSize: 16, numClasses: 1000, dim: 384, depth: 12, heads: 6, dimHead: 64, mlpDim: 1536 }, 'DeepViT at ViT-S/16 size (re-attention)'),
  deepvit('deepvit_s_32_224', { imageSize: 224, patchSize: 32, numClasses: 1000, dim: 384, depth: 12, heads: 6, dimHead: 64, mlpDim: 1536 }, 'DeepViT at ViT-S/32 size (re-attention)'),
  deepvit('deepvit_readme_32_256', { imageSize: 256, patchSize: 32, numClasses: 1000, dim: 1024, depth: 6, heads: 16, mlpDim: 2048, dropout: 0.1, embDropout: 0.1 },
    "vit-pytorch's README DeepViT example"),
];
