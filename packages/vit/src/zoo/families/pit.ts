/**
 * Registry entries for PiT (vit-pytorch pit.py) at the paper's sizes (Heo et al. 2021: base dims
 * 32 / 48 / 48 / 64 per head, heads doubling per stage, patch 16 with stride 8). vit-pytorch's PiT
 * has one `mlp_dim` for all stages; it is 4 × the first stage's width here.
 */
import { PiT, type PiTOptions } from '../../models/pit.js';
import type { ModelEntry, RegistryModel } from '../entry.js';

function pit(name: string, baseDim: number, depth: number[], heads: number[], description: string): ModelEntry {
  const dim = baseDim * heads[0]!;
  const defaults: PiTOptions = { imageSize: 224, patchSize: 16, numClasses: 1000, dim, depth, heads, dimHead: baseDim, mlpDim: 4 * dim };
  return {
    name,
    family: 'pit',
    description,
    create: (options): RegistryModel => new PiT({ ...defaults, ...(options as Partial<PiTOptions>) }),
  };
}

export const PIT_ENTRIES: readonly ModelEntry[] = [
  pit('vitp_pit_ti_224', 32, [2, 6, 4], [2, 4, 8], 'PiT-Ti (widths 64 / 128 / 256)'),
  pit('vitp_pit_xs_224', 48, [2, 6, 4], [2, 4, 8], 'PiT-XS (widths 96 / 192 / 384)'),
  pit('vitp_pit_s_224', 48, [2, 6, 4], [3, 6, 12], 'PiT-S (widths 144 / 288 / 576)'),
  pit('vitp_pit_b_224', 64, [3, 6, 4], [4, 8, 16], 'PiT-B (widths 256 / 512 / 1024)'),
];
