/**
 * Checkpoints are plain safetensors files with PyTorch state-dict keys (so PyTorch and `vit info`
 * read them) whose `__metadata__` records what is needed to rebuild and use the model: the model
 * spec, class names, input normalisation and training step. The optimizer state sits beside it in
 * `<name>.optim.safetensors`, for `--resume`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors, encodeSafetensors } from '@vit/core';
import type { GroupedAdamW } from './train/optimizer.js';
import type { Normalization } from './data/augment.js';
import { buildModel, type ClassifierModule, type ModelSpec } from './models.js';

export const CHECKPOINT_FORMAT = 'vit-tfjs-checkpoint/1';

export interface CheckpointMeta {
  spec: ModelSpec;
  classNames: string[];
  normalization: Normalization;
  imageSize: number;
  step: number;
  dataset?: string;
  /** Anything else worth keeping (training options, accuracy). */
  extra?: Record<string, unknown>;
}

export async function saveCheckpoint(file: string, model: { stateDict(): Record<string, tf.Tensor> }, meta: CheckpointMeta, optimizer?: GroupedAdamW): Promise<void> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const state = model.stateDict();
  try {
    const bytes = await encodeSafetensors(state, {
      format: CHECKPOINT_FORMAT,
      spec: JSON.stringify(meta.spec),
      classes: JSON.stringify(meta.classNames),
      normalization: JSON.stringify(meta.normalization),
      image_size: String(meta.imageSize),
      step: String(meta.step),
      ...(meta.dataset === undefined ? {} : { dataset: meta.dataset }),
      ...(meta.extra === undefined ? {} : { extra: JSON.stringify(meta.extra) }),
    });
    writeAtomically(file, bytes);
  } finally {
    tf.dispose(Object.values(state));
  }
  if (optimizer !== undefined) {
    const { tensors, steps } = optimizer.stateDict();
    try {
      writeAtomically(optimizerFile(file), await encodeSafetensors(tensors, { format: CHECKPOINT_FORMAT, steps: JSON.stringify(steps), lr: String(optimizer.lr) }));
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }
}

/** A temporary file renamed into place: an interrupted save never leaves a half-written checkpoint. */
function writeAtomically(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file); // atomic on one file system
}

export function optimizerFile(checkpoint: string): string {
  return checkpoint.replace(/\.safetensors$/, '') + '.optim.safetensors';
}

export interface LoadedCheckpoint {
  meta: CheckpointMeta;
  tensors: Record<string, tf.Tensor>;
}

/** Reads a checkpoint written by saveCheckpoint; a clear error for a missing, corrupt or foreign file. */
export function readCheckpoint(file: string): LoadedCheckpoint {
  if (!existsSync(file)) throw new Error(`checkpoint ${file} does not exist`);
  let decoded: ReturnType<typeof decodeSafetensors>;
  try {
    decoded = decodeSafetensors(readFileSync(file));
  } catch (e) {
    throw new Error(`checkpoint ${file} is not a valid safetensors file: ${(e as Error).message}`);
  }
  const m = decoded.metadata;
  try {
    if (m['format'] !== CHECKPOINT_FORMAT) throw new Error(`no ${CHECKPOINT_FORMAT} metadata (format: ${m['format'] ?? 'none'})`);
    const meta: CheckpointMeta = {
      spec: JSON.parse(m['spec']!) as ModelSpec,
      classNames: JSON.parse(m['classes']!) as string[],
      normalization: JSON.parse(m['normalization']!) as Normalization,
      imageSize: Number(m['image_size']),
      step: Number(m['step']),
      dataset: m['dataset'],
      extra: m['extra'] === undefined ? undefined : JSON.parse(m['extra']) as Record<string, unknown>,
    };
    return { meta, tensors: decoded.tensors };
  } catch (e) {
    tf.dispose(Object.values(decoded.tensors));
    throw new Error(`checkpoint ${file} was not written by vit (train / distill): ${(e as Error).message}`);
  }
}

/** Restores the optimizer state saved beside `checkpoint`. */
export function readOptimizerState(checkpoint: string, optimizer: GroupedAdamW): void {
  const file = optimizerFile(checkpoint);
  if (!existsSync(file)) throw new Error(`cannot resume: ${file} (optimizer state) is missing`);
  const { tensors, metadata } = decodeSafetensors(readFileSync(file));
  try {
    optimizer.loadStateDict({ tensors, steps: JSON.parse(metadata['steps'] ?? '{}') as Record<string, number> });
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** The model a checkpoint describes, with its weights loaded (freed again if loading fails). */
export async function loadCheckpointModel(file: string): Promise<{ model: ClassifierModule; meta: CheckpointMeta }> {
  const { meta, tensors } = readCheckpoint(file);
  try {
    const model = await buildModel(meta.spec);
    try {
      model.loadStateDict(tensors);
    } catch (e) {
      model.dispose();
      throw e;
    }
    return { model, meta };
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
