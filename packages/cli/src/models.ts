/** Builds the model a checkpoint or the command line describes. */
import { createModel, isModel, manualSeed, SimpleViT, ViT, type Module, type SimpleViTOptions, type ViTOptions } from '@vit/core';
import type { Classifier } from './train/classifier.js';

/**
 * `arch` names the model: `vit` / `simple_vit` (vit-pytorch classes, constructor options) or a
 * registry name such as `vit_tiny_patch16_224` (timm's option names, as `createModel` takes them).
 */
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
    default:
      if (!isModel(spec.arch)) throw new Error(`unknown model '${spec.arch}' (vit, simple_vit, or a registry name: see listModels())`);
      return await createModel(spec.arch, spec.options) as unknown as ClassifierModule;
  }
}

/** The image side length and class count a spec implies. */
export function isRegistryModel(arch: string): boolean {
  return !(ARCHITECTURES as readonly string[]).includes(arch);
}

export function specImageSize(spec: ModelSpec): number {
  const size = spec.options['imageSize'] ?? spec.options['imgSize'];
  return Array.isArray(size) ? Number(size[0]) : Number(size);
}

export function specNumClasses(spec: ModelSpec): number {
  return Number(spec.options['numClasses']);
}
