/**
 * Registry entries for T2T-ViT (vit-pytorch t2t.py) at the paper's backbone sizes (Yuan et al.
 * 2021, Table 1: T2T-ViT-7 ... -24, head dim 64), with vit-pytorch's default soft splits
 * ((7, 4), (3, 2), (3, 2)) at 224px.
 */
import { T2TViT, type T2TViTOptions } from '../../models/t2t.js';
import type { ModelEntry, RegistryModel } from '../entry.js';

function t2t(depth: number, dim: number, heads: number, mlpDim: number): ModelEntry {
  const defaults: T2TViTOptions = { imageSize: 224, numClasses: 1000, dim, depth, heads, dimHead: dim / heads, mlpDim };
  return {
    name: `t2t_vit_${depth}`,
    family: 't2t',
    description: `T2T-ViT-${depth} (dim ${dim}, ${heads} heads, MLP ${mlpDim})`,
    create: (options): RegistryModel => new T2TViT({ ...defaults, ...(options as Partial<T2TViTOptions>) }),
  };
}

export const T2T_ENTRIES: readonly ModelEntry[] = [
  t2t(7, 256, 4, 512),
  t2t(10, 256, 4, 512),
  t2t(12, 256, 4, 512),
  t2t(14, 384, 6, 1152),
  t2t(19, 448, 7, 1344),
  t2t(24, 512, 8, 1536),
];
