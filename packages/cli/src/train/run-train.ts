/** Training a classifier from scratch or from pretrained weights, with checkpoints: `vit train` and `vit start`. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { crossEntropy, decodeSafetensors, loadPretrained as loadEcosystemCheckpoint } from '@vit/core';
import { readCheckpoint, readOptimizerState, saveCheckpoint, type CheckpointMeta } from '../checkpoint.js';
import { HALF_NORMALIZATION, standardAugmentation, type Normalization } from '../data/augment.js';
import type { ImageDataset } from '../data/dataset.js';
import { buildModel, isRegistryModel, specImageSize, specNumClasses, type ClassifierModule, type ModelSpec } from '../models.js';
import { countCorrect } from './classifier.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { trainLoop, type LoopResult } from './loop.js';
import { GroupedAdamW } from './optimizer.js';

export interface TrainSettings {
  spec: ModelSpec;
  train: ImageDataset;
  test: ImageDataset;
  out: string;
  steps: number;
  batchSize: number;
  accumulate: number;
  lr: number;
  minLr: number;
  warmupSteps: number;
  weightDecay: number;
  clip: number;
  augment: boolean;
  evalEvery?: number;
  evalLimit?: number;
  checkpointEvery?: number;
  resume: boolean;
  /** Stop at this step (checkpointed), as if interrupted; `--resume` continues the same run. */
  stopAt?: number;
  pretrained?: string;
  seed: number;
  quiet: boolean;
  normalization?: Normalization;
  label?: string;
}

export interface TrainOutcome {
  model: ClassifierModule;
  meta: CheckpointMeta;
  loop: LoopResult;
  evaluation: Evaluation;
  modelFile: string;
}

export const checkpointPath = (out: string): string => path.join(out, 'checkpoint.safetensors');
export const modelPath = (out: string): string => path.join(out, 'model.safetensors');

export async function runTraining(s: TrainSettings): Promise<TrainOutcome> {
  const numClasses = specNumClasses(s.spec);
  if (numClasses !== s.train.classNames.length) {
    throw new Error(`head size mismatch: the model has ${numClasses} classes, the dataset ${s.train.classNames.length}`);
  }
  const imageSize = specImageSize(s.spec);
  const normalization = s.normalization ?? HALF_NORMALIZATION;
  const model = await buildModel(s.spec, s.seed);
  const params = model.namedParameters();
  const optimizer = new GroupedAdamW(params, { lr: s.lr, weightDecay: s.weightDecay });
  let startStep = 0;
  try {
    if (s.resume) {
      const file = checkpointPath(s.out);
      const { meta, tensors } = readCheckpoint(file);
      try {
        if (JSON.stringify(meta.spec) !== JSON.stringify(s.spec)) {
          throw new Error(`cannot resume: ${file} holds ${JSON.stringify(meta.spec)}, not ${JSON.stringify(s.spec)}`);
        }
        model.loadStateDict(tensors);
      } finally {
        tf.dispose(Object.values(tensors));
      }
      readOptimizerState(file, optimizer);
      startStep = meta.step;
      console.log(`resuming ${file} at step ${startStep}`);
    } else if (s.pretrained !== undefined) {
      if (isRegistryModel(s.spec.arch)) loadRegistryPretrained(model, s.pretrained, s.quiet);
      else loadPretrained(model, s.pretrained, s.quiet);
    }
    const meta = (step: number): CheckpointMeta => ({
      spec: s.spec, classNames: [...s.train.classNames], normalization, imageSize, step, dataset: s.train.name,
      extra: { steps: s.steps, batchSize: s.batchSize, lr: s.lr, seed: s.seed },
    });
    const loop = await trainLoop(params, (images, labels) => {
      const logits = model.forward(images);
      return { loss: crossEntropy(logits, labels), correct: countCorrect(logits, labels) };
    }, model, s.train, optimizer, startStep, {
      totalSteps: s.steps, batchSize: s.batchSize, accumulate: s.accumulate, lr: s.lr, minLr: s.minLr, warmupSteps: s.warmupSteps,
      clipNorm: s.clip, seed: s.seed, normalization, augment: s.augment ? standardAugmentation(imageSize) : undefined,
      evalEvery: s.evalEvery, evalSet: s.test, evalLimit: s.evalLimit, checkpointEvery: s.checkpointEvery,
      onCheckpoint: (step) => saveCheckpoint(checkpointPath(s.out), model, meta(step), optimizer),
      onEval: (step, e) => { if (!s.quiet) console.log(`  step ${step}: test accuracy ${(e.accuracy * 100).toFixed(2)}%, loss ${e.loss.toFixed(4)}`); },
      label: s.label ?? 'train', quiet: s.quiet, stopAt: s.stopAt,
    });
    const reached = Math.min(s.steps, s.stopAt ?? s.steps);
    await saveCheckpoint(checkpointPath(s.out), model, meta(reached), optimizer);
    await saveCheckpoint(modelPath(s.out), model, meta(reached));
    const evaluation = await evaluate(model, s.test, normalization, { label: 'test', quiet: s.quiet });
    return { model, meta: meta(reached), loop, evaluation, modelFile: modelPath(s.out) };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    optimizer.dispose();
  }
}

/**
 * Fine-tuning: every weight from `file` (our checkpoint or a plain PyTorch state-dict safetensors)
 * except a classification head of another size, which stays freshly initialised (as the jeonsworld
 * ViT-pytorch script replaces ViT-B_16's head for CIFAR-10). Any other mismatch is an error.
 */
export function loadPretrained(model: ClassifierModule, file: string, quiet: boolean): void {
  if (!existsSync(file)) throw new Error(`pretrained weights ${file} do not exist`);
  let tensors: Record<string, tf.Tensor>;
  try {
    tensors = decodeSafetensors(readFileSync(file)).tensors;
  } catch (e) {
    throw new Error(`pretrained weights ${file}: ${(e as Error).message}`);
  }
  try {
    const own = model.stateDict();
    const shapes = Object.fromEntries(Object.entries(own).map(([k, t]) => [k, t.shape.join(',')]));
    tf.dispose(Object.values(own));
    const isHead = (k: string): boolean => /(^|\.)(mlp_head|linear_head|head)\.(weight|bias)$/.test(k);
    const skipped = Object.keys(tensors).filter((k) => isHead(k) && shapes[k] !== undefined && shapes[k] !== tensors[k]!.shape.join(','));
    const load = Object.fromEntries(Object.entries(tensors).filter(([k]) => !skipped.includes(k)));
    const { missingKeys, unexpectedKeys } = model.loadStateDict(load, { strict: false });
    const notHead = missingKeys.filter((k) => !skipped.includes(k));
    if (notHead.length > 0 || unexpectedKeys.length > 0) {
      throw new Error(`pretrained weights ${file} do not fit the model: missing ${notHead.join(', ') || 'none'}; unexpected ${unexpectedKeys.join(', ') || 'none'}`);
    }
    console.log(`loaded ${file}${skipped.length > 0 ? `; new head (${skipped.join(', ')} freshly initialised)` : ''}`);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/**
 * Fine-tuning a registry model from an ecosystem checkpoint (timm safetensors or a Google `.npz`,
 * recognised by content), as @vit/core's loader does it: a head of another size stays fresh.
 */
function loadRegistryPretrained(model: ClassifierModule, file: string, quiet: boolean): void {
  if (!existsSync(file)) throw new Error(`pretrained weights ${file} do not exist`);
  const result = loadEcosystemCheckpoint(model, readFileSync(file));
  const fresh = result.initialisedKeys.length > 0 ? `; new head (${result.initialisedKeys.join(', ')} freshly initialised)` : '';
  console.log(`loaded ${file} (${result.format})${fresh}`);
}
