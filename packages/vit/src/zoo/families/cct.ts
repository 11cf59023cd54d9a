/**
 * Registry entries for CCT (vit-pytorch cct.py; names as the CCT paper / SHI-Labs repository:
 * cct_<layers>_<kernel>x<conv layers>_<image size>, sizes from vit-pytorch's cct_2 ... cct_16).
 * `options` override the defaults with CCT's keyword names in camelCase.
 */
import { CCT, type CCTOptions } from '../../models/cct.js';
import type { ModelEntry, RegistryModel } from '../entry.js';

const SIZES = {
  2: { numLayers: 2, numHeads: 2, mlpRatio: 1, embeddingDim: 128 },
  4: { numLayers: 4, numHeads: 2, mlpRatio: 1, embeddingDim: 128 },
  6: { numLayers: 6, numHeads: 4, mlpRatio: 2, embeddingDim: 256 },
  7: { numLayers: 7, numHeads: 4, mlpRatio: 2, embeddingDim: 256 },
  8: { numLayers: 8, numHeads: 4, mlpRatio: 2, embeddingDim: 256 },
  14: { numLayers: 14, numHeads: 6, mlpRatio: 3, embeddingDim: 384 },
  16: { numLayers: 16, numHeads: 6, mlpRatio: 3, embeddingDim: 384 },
} as const;

/** cct.py's _cct: stride = max(1, k // 2 − 1), padding = max(1, k // 2). */
function cct(layers: keyof typeof SIZES, kernelSize: number, nConvLayers: number, imgSize: number, numClasses: number,
  positionalEmbedding: 'learnable' | 'sine' = 'learnable'): ModelEntry {
  const suffix = positionalEmbedding === 'sine' ? '_sine' : '';
  const defaults: CCTOptions = {
    ...SIZES[layers], kernelSize, stride: Math.max(1, Math.floor(kernelSize / 2) - 1), padding: Math.max(1, Math.floor(kernelSize / 2)),
    nConvLayers, imgSize, numClasses, positionalEmbedding,
  };
  return {
    name: `cct_${layers}_${kernelSize}x${nConvLayers}_${imgSize}${suffix}`,
    family: 'cct',
    description: `CCT-${layers}/${kernelSize}x${nConvLayers} at ${imgSize}px (${positionalEmbedding} positional embedding, ${numClasses} classes)`,
    create: (options): RegistryModel => new CCT({ ...defaults, ...(options as CCTOptions) }),
  };
}

export const CCT_ENTRIES: readonly ModelEntry[] = [
  cct(2, 3, 2, 32, 10),
  cct(4, 3, 2, 32, 10),
  cct(6, 3, 1, 32, 10),
  cct(6, 3, 2, 32, 10),
  cct(7, 3, 1, 32, 10),
  cct(7, 3, 1, 32, 10, 'sine'),
  cct(7, 3, 2, 32, 10),
  cct(7, 7, 2, 224, 102),
  cct(14, 7, 2, 224, 1000),
  cct(14, 7, 2, 384, 1000),
  cct(16, 7, 2, 224, 1000),
];
