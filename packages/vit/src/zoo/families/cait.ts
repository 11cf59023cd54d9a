/**
 * Registry entries for vit-pytorch's CaiT (cait.py) at the paper's sizes (Touvron et al. 2021:
 * XXS/XS/S widths 192/288/384, 48 per head, MLP 4×, 2 class-attention layers, patch 16).
 *
 * Naming: `vitp_cait_<size><depth>_<image>`. The `vitp_` prefix says "vit-pytorch's architecture":
 * it is not timm's `cait_*` (timm uses a conv patch embedding, a final norm, LayerScale values from
 * `init_values`, class attention without talking heads, and other key names), so timm's names and
 * checkpoints are left to a timm CaiT port.
 */
import { CaiT, type CaiTOptions } from '../../models/cait.js';
import type { ModelEntry, RegistryModel } from '../entry.js';

function cait(name: string, dim: number, depth: number, description: string): ModelEntry {
  const defaults: CaiTOptions = { imageSize: 224, patchSize: 16, numClasses: 1000, dim, depth, clsDepth: 2, heads: dim / 48, dimHead: 48, mlpDim: 4 * dim };
  return { name, family: 'cait', description, create: (options): RegistryModel => new CaiT({ ...defaults, ...(options as Partial<CaiTOptions>) }) };
}

export const CAIT_ENTRIES: readonly ModelEntry[] = [
  cait('vitp_cait_xxs24_224', 192, 24, "vit-pytorch CaiT at CaiT-XXS24's size"),
  cait('vitp_cait_xxs36_224', 192, 36, "vit-pytorch CaiT at CaiT-XXS36's size"),
  cait('vitp_cait_xs24_224', 288, 24, "vit-pytorch CaiT at CaiT-XS24's size"),
  cait('vitp_cait_s24_224', 384, 24, "vit-pytorch CaiT at CaiT-S24's size"),
];
