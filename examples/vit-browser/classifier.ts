/**
 * A checkpoint written by `vit train` / `vit distill`, loaded for classification in the page: the
 * model, its metadata, and a `Recorder` around it when it has vit.py attention layers to record.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  checkpointModel, decodeCheckpoint, imageBatch, topClasses, type CheckpointMeta, type ClassProbability, type ClassifierModule, type RgbImage,
} from '@vit/cli/browser';
import { Recorder, type Module } from '@vit/core';
import { classTokenAttention, type AttentionMode } from './attention.js';

export interface LoadedClassifier {
  name: string;
  model: ClassifierModule;
  meta: CheckpointMeta;
  /** null when the model has no vit.py `Attention` layers (SimpleViT, registry models). */
  recorder: Recorder | null;
  /** Side of the patch grid the attention map covers. */
  grid: number;
  /** Load and first (warm-up) forward pass, which compiles the WebGPU shaders. */
  loadMs: number;
}

export interface Classification {
  probabilities: number[];
  top: ClassProbability[];
  /** [grid][grid] class-token attention, or null. */
  attention: number[][] | null;
  /** One forward pass including reading the results back. */
  ms: number;
}

export async function loadClassifier(bytes: Uint8Array, name: string): Promise<LoadedClassifier> {
  const started = performance.now();
  const { model, meta } = await checkpointModel(decodeCheckpoint(bytes, name));
  model.eval();
  const recorder = hasTransformer(model) ? new Recorder(model) : null;
  const patch = Number(meta.spec.options['patchSize'] ?? meta.spec.options['patch_size']);
  const grid = Number.isFinite(patch) && patch > 0 ? Math.floor(meta.imageSize / patch) : 0;
  const loaded: LoadedClassifier = { name, model, meta, recorder, grid, loadMs: 0 };
  try {
    const blank: RgbImage = { width: meta.imageSize, height: meta.imageSize, data: new Uint8Array(meta.imageSize ** 2 * 3) };
    await classify(loaded, blank, 'last');
  } catch (e) {
    unloadClassifier(loaded);
    throw new Error(`checkpoint ${name} loaded but its model cannot run: ${(e as Error).message}`);
  }
  loaded.loadMs = performance.now() - started;
  return loaded;
}

export function unloadClassifier(loaded: LoadedClassifier): void {
  loaded.recorder?.dispose(); // removes its hooks; the model is ours to free
  loaded.model.dispose();
}

export async function classify(loaded: LoadedClassifier, image: RgbImage, mode: AttentionMode, topK = 5): Promise<Classification> {
  const { meta, recorder } = loaded;
  const started = performance.now();
  const input = imageBatch([image], meta.imageSize, meta.normalization);
  const { probs, attention } = tf.tidy(() => {
    const [logits, attns] = recorder !== null ? recorder.forward(input) : [loaded.model.forward(input), null];
    const result: { probs: tf.Tensor; attention?: tf.Tensor2D } = { probs: tf.softmax(logits) };
    if (attns !== null && loaded.grid > 0) result.attention = classTokenAttention(attns, loaded.grid, mode);
    return result;
  });
  input.dispose();
  try {
    const probabilities = Array.from(await probs.data());
    const map = attention === undefined ? null : await attention.array();
    const ms = performance.now() - started;
    return { probabilities, top: topClasses(probabilities, meta.classNames, topK), attention: map, ms };
  } finally {
    probs.dispose();
    attention?.dispose();
  }
}

function hasTransformer(model: Module): model is Module & { readonly transformer: Module } {
  return 'transformer' in model && (model as { transformer?: unknown }).transformer !== undefined;
}
