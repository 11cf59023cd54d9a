/**
 * Registry entries for vit-pytorch's CrossViT (cross_vit.py) at the paper's Ti / S / B widths
 * (Chen et al. 2021: small branch patch 12, large branch patch 16, image 240, 3 multi-scale blocks
 * of 1 small + 4 large encoder layers and one cross-attention layer, MLP 4×).
 *
 * Naming: `vitp_crossvit_<size>_240`, `vitp_` for vit-pytorch's architecture: timm's `crossvit_*`
 * differ (conv patch embedding, other key names), so their names and checkpoints are not claimed.
 * Dropout defaults to 0 here (vit-pytorch's class defaults to 0.1); override with `dropout`, `embDropout`.
 */
import { CrossViT, type CrossViTOptions } from '../../models/crossvit.js';
import type { ModelEntry, RegistryModel } from '../entry.js';

function crossvit(name: string, smDim: number, heads: number, description: string): ModelEntry {
  const lgDim = 2 * smDim;
  const defaults: CrossViTOptions = {
    imageSize: 240, numClasses: 1000, smDim, lgDim,
    smPatchSize: 12, smEncDepth: 1, smEncHeads: heads, smEncMlpDim: 4 * smDim, smEncDimHead: smDim / heads,
    lgPatchSize: 16, lgEncDepth: 4, lgEncHeads: heads, lgEncMlpDim: 4 * lgDim, lgEncDimHead: lgDim / heads,
    crossAttnDepth: 1, crossAttnHeads: heads, crossAttnDimHead: lgDim / heads, depth: 3, dropout: 0, embDropout: 0,
  };
  return { name, family: 'crossvit', description, create: (options): RegistryModel => new CrossViT({ ...defaults, ...(options as Partial<CrossViTOptions>) }) };
}

export const CROSSVIT_ENTRIES: readonly ModelEntry[] = [
  crossvit('vitp_crossvit_tiny_240', 96, 3, "vit-pytorch CrossViT at CrossViT-Ti's widths (96 / 192)"),
  crossvit('vitp_crossvit_small_240', 192, 6, "vit-pytorch CrossViT at CrossViT-S's widths (192 / 384)"),
  crossvit('vitp_crossvit_base_240', 384, 12, "vit-pytorch CrossViT at CrossViT-B's widths (384 / 768)"),
];
