/**
 * Registry entries for MobileViT (vit-pytorch mobile_vit.py) at the paper's sizes (Mehta &
 * Rastegari 2022; dims / channels as chinhsuanwu/mobilevit-pytorch, which mobile_vit.py follows:
 * XXS uses expansion 2), 256x256 input.
 */
import { MobileViT, type MobileViTOptions } from '../../models/mobilevit.js';
import type { ModelEntry, RegistryModel } from '../entry.js';

function mobilevit(name: string, dims: number[], channels: number[], expansion: number, description: string): ModelEntry {
  const defaults: MobileViTOptions = { imageSize: [256, 256], dims, channels, numClasses: 1000, expansion };
  return {
    name,
    family: 'mobilevit',
    description,
    create: (options): RegistryModel => new MobileViT({ ...defaults, ...(options as Partial<MobileViTOptions>) }),
  };
}

export const MOBILEVIT_ENTRIES: readonly ModelEntry[] = [
  mobilevit('vitp_mobilevit_xxs', [64, 80, 96], [16, 16, 24, 24, 48, 48, 64, 64, 80, 80, 320], 2, 'MobileViT-XXS (1.3 M parameters)'),
  mobilevit('vitp_mobilevit_xs', [96, 120, 144], [16, 32, 48, 48, 64, 64, 80, 80, 96, 96, 384], 4, 'MobileViT-XS (2.3 M parameters)'),
  mobilevit('vitp_mobilevit_s', [144, 192, 240], [16, 32, 64, 64, 96, 96, 128, 128, 160, 160, 640], 4, 'MobileViT-S (5.6 M parameters)'),
];
