/**
 * Registry entries for LeViT (vit-pytorch levit.py) at the paper's stage widths, heads, depths and
 * key dims (Graham et al. 2021, Table 2), 224px. vit-pytorch's LeViT has one value dim for all
 * attention blocks (2 × the key dim here, the paper's ratio for the stage blocks), MLP ratio 2, and
 * doubles the heads in its shrinking blocks.
 */
import { LeViT, type LeViTOptions } from '../../models/levit.js';
import type { ModelEntry, RegistryModel } from '../entry.js';

function levit(name: string, dim: number[], heads: number[], depth: number[], dimKey: number): ModelEntry {
  const defaults: LeViTOptions = { imageSize: 224, numClasses: 1000, dim, depth, heads, mlpMult: 2, stages: 3, dimKey, dimValue: 2 * dimKey };
  return {
    name,
    family: 'levit',
    description: `LeViT (widths ${dim.join(' / ')}, heads ${heads.join(' / ')}, depths ${depth.join(' / ')}, key dim ${dimKey})`,
    create: (options): RegistryModel => new LeViT({ ...defaults, ...(options as Partial<LeViTOptions>) }),
  };
}

export const LEVIT_ENTRIES: readonly ModelEntry[] = [
  levit('vitp_levit_128s', [128, 256, 384], [4, 6, 8], [2, 3, 4], 16),
  levit('vitp_levit_128', [128, 256, 384], [4, 8, 12], [4, 4, 4], 16),
  levit('vitp_levit_192', [192, 288, 384], [3, 5, 6], [4, 4, 4], 32),
  levit('vitp_levit_256', [256, 384, 512], [4, 6, 8], [4, 4, 4], 32),
  levit('vitp_levit_384', [384, 512, 768], [6, 9, 12], [4, 4, 4], 32),
];
