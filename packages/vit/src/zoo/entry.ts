/**
 * The contract between the model registry and the model families: each family file exports its
 * entries; the registry (registry.ts) collects them. Keeps the registry ignorant of any one model.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Module } from '../nn/module.js';

/** What every registry model offers, as timm's models do. */
export interface RegistryModel extends Module {
  /** Logits [b, numClasses] (pooled features when numClasses is 0). */
  forward(x: tf.Tensor): tf.Tensor;
  /** timm's forward_features: the representation before pooling and the head. */
  forwardFeatures(x: tf.Tensor): tf.Tensor;
  /** timm's forward_head: pooling (+ fc_norm) and the classifier; `preLogits` stops before the classifier. */
  forwardHead(features: tf.Tensor, options?: { preLogits?: boolean }): tf.Tensor;
  /** A new, freshly initialised classifier for `numClasses` (0 removes it). */
  resetClassifier(numClasses: number): void;
  readonly numClasses: number;
}

export interface ModelEntry {
  /** timm's name where the architecture matches timm's (`vit_tiny_patch16_224`), else ours (`cait_xxs24_32`). */
  readonly name: string;
  /** The family it belongs to, for listModels filters and docs (`vit`, `deit`, `cait`, ...). */
  readonly family: string;
  readonly description?: string;
  /** Builds the model; `options` override the architecture (timm's keyword names in camelCase). */
  create(options: Record<string, unknown>): RegistryModel;
}
