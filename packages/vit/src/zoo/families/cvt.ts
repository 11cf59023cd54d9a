/**
 * Registry entries for CvT (vit-pytorch cvt.py; its defaults are CvT-13) at the paper's sizes
 * (Wu et al. 2021, Table 2), 224px.
 */
import { CvT, type CvTOptions } from '../../models/cvt.js';
import type { ModelEntry, RegistryModel } from '../entry.js';

function cvt(name: string, stages: Partial<CvTOptions>, description: string): ModelEntry {
  const defaults: CvTOptions = { numClasses: 1000, ...stages };
  return {
    name,
    family: 'cvt',
    description,
    create: (options): RegistryModel => new CvT({ ...defaults, ...(options as Partial<CvTOptions>) }),
  };
}

export const CVT_ENTRIES: readonly ModelEntry[] = [
  cvt('cvt_13', { s1Depth: 1, s2Depth: 2, s3Depth: 10 }, 'CvT-13 (widths 64 / 192 / 384, depths 1 / 2 / 10)'),
  cvt('cvt_21', { s1Depth: 1, s2Depth: 4, s3Depth: 16 }, 'CvT-21 (widths 64 / 192 / 384, depths 1 / 4 / 16)'),
  cvt('cvt_w24', { s1EmbDim: 192, s1Heads: 3, s1Depth: 2, s2EmbDim: 768, s2Heads: 12, s2Depth: 2, s3EmbDim: 1024, s3Heads: 16, s3Depth: 20 },
    'CvT-W24 (widths 192 / 768 / 1024, depths 2 / 2 / 20)'),
];
