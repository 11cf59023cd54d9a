/**
 * Registry entries for MaxViT (vit-pytorch max_vit.py) at the paper's sizes (Tu et al. 2022,
 * Table 1: stem width, first-stage width doubling per stage, depths), window 7, head dim 32, 224px.
 */
import { MaxViT, type MaxViTOptions } from '../../models/maxvit.js';
import type { ModelEntry, RegistryModel } from '../entry.js';

function maxvit(name: string, dimConvStem: number, dim: number, depth: number[]): ModelEntry {
  const defaults: MaxViTOptions = { numClasses: 1000, dim, depth, dimConvStem, dimHead: 32, windowSize: 7, mbconvExpansionRate: 4, mbconvShrinkageRate: 0.25, dropout: 0.1 };
  return {
    name,
    family: 'maxvit',
    description: `MaxViT (stem ${dimConvStem}, widths ${depth.map((_, i) => 2 ** i * dim).join(' / ')}, depths ${depth.join(' / ')})`,
    create: (options): RegistryModel => new MaxViT({ ...defaults, ...(options as Partial<MaxViTOptions>) }),
  };
}

export const MAXVIT_ENTRIES: readonly ModelEntry[] = [
  maxvit('vitp_maxvit_tiny', 64, 64, [2, 2, 5, 2]),
  maxvit('vitp_maxvit_small', 64, 96, [2, 2, 5, 2]),
  maxvit('vitp_maxvit_base', 64, 96, [2, 6, 14, 2]),
  maxvit('vitp_maxvit_large', 128, 128, [2, 6, 14, 2]),
];
