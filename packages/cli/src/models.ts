/** Builds the model a checkpoint or the command line describes. */
import { manualSeed, SimpleViT, ViT, type Module, type SimpleViTOptions, type ViTOptions } from '@vit/core';
import type { Classifier } from './train/classifier.js';

/** `arch` names the model; `options` are its constructor options (camelCase, as in @vit/core). */
export interface ModelSpec {
  arch: string;
  options: Record<string, unknown>;
}

export type ClassifierModule = Module & Classifier;

export const ARCHITECTURES = ['vit', 'simple_vit'] as const;

/** Builds the model; with `seed`, its initial weights are reproducible. */
export async function buildModel(spec: ModelSpec, seed?: number): Promise<ClassifierModule> {
  if (seed !== undefined) manualSeed(seed);
  switch (spec.arch) {
    case 'vit': return new ViT(spec.options as unknown as ViTOptions) as ClassifierModule;
    case 'simple_vit': return new SimpleViT(spec.options as unknown as SimpleViTOptions) as unknown as ClassifierModule;
    default: throw new Error(`unknown model '${spec.arch}' (known: ${ARCHITECTURES.join(', ')})`);
  }
}

/** The image side length and class count a spec implies. */
export function specImageSize(spec: ModelSpec): number {
  const size = spec.options['imageSize'] ?? spec.options['imgSize'];
  return Array.isArray(size) ? Number(size[0]) : Number(size);
}

export function specNumClasses(spec: ModelSpec): number {
  return Number(spec.options['numClasses']);
}
