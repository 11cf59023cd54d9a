/**
 * Registry entries for timm's Swin Transformer, with timm's names and options (timm's
 * swin_transformer.py at aa4b585), so timm checkpoints load: `createModel('swin_tiny_patch4_window7_224',
 * { pretrained: 'model.safetensors' })`. Options override timm's keywords in camelCase
 * (`numClasses`, `dropPathRate`, `windowSize`, ...).
 */
import { SwinTransformer, type SwinTransformerOptions } from '../../models/swin.js';
import type { ModelEntry, RegistryModel } from '../entry.js';

function swin(name: string, defaults: SwinTransformerOptions, description: string): ModelEntry {
  return { name, family: 'swin', description, create: (options): RegistryModel => new SwinTransformer({ ...defaults, ...(options as SwinTransformerOptions) }) };
}

export const SWIN_ENTRIES: readonly ModelEntry[] = [
  swin('swin_tiny_patch4_window7_224', { patchSize: 4, windowSize: 7, embedDim: 96, depths: [2, 2, 6, 2], numHeads: [3, 6, 12, 24] }, 'Swin-T @ 224'),
  swin('swin_small_patch4_window7_224', { patchSize: 4, windowSize: 7, embedDim: 96, depths: [2, 2, 18, 2], numHeads: [3, 6, 12, 24] }, 'Swin-S @ 224'),
  swin('swin_base_patch4_window7_224', { patchSize: 4, windowSize: 7, embedDim: 128, depths: [2, 2, 18, 2], numHeads: [4, 8, 16, 32] }, 'Swin-B @ 224'),
  swin('swin_base_patch4_window12_384', { imgSize: 384, patchSize: 4, windowSize: 12, embedDim: 128, depths: [2, 2, 18, 2], numHeads: [4, 8, 16, 32] }, 'Swin-B @ 384'),
];
