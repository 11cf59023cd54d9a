/**
 * The checkpoint format itself, without the file system, so a browser can read what `vit train`
 * writes: a safetensors file with PyTorch state-dict keys whose `__metadata__` records the model
 * spec, class names, input normalisation and training step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors, encodeSafetensors, parseSafetensors } from '@vit/core';
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

export interface DecodedCheckpoint {
  meta: CheckpointMeta;
  tensors: Record<string, tf.Tensor>;
}

/** The safetensors bytes of a model's state dict with `meta` in the header. */
export async function encodeCheckpoint(model: { stateDict(): Record<string, tf.Tensor> }, meta: CheckpointMeta): Promise<Uint8Array> {
  const state = model.stateDict();
  try {
    return await encodeSafetensors(state, {
      format: CHECKPOINT_FORMAT,
      spec: JSON.stringify(meta.spec),
      classes: JSON.stringify(meta.classNames),
      normalization: JSON.stringify(meta.normalization),
      image_size: String(meta.imageSize),
      step: String(meta.step),
      ...(meta.dataset === undefined ? {} : { dataset: meta.dataset }),
      ...(meta.extra === undefined ? {} : { extra: JSON.stringify(meta.extra) }),
    });
  } finally {
    tf.dispose(Object.values(state));
  }
}

/** The metadata of a checkpoint, from its header alone (no tensor is created). */
export function decodeCheckpointMeta(bytes: Uint8Array, name: string): CheckpointMeta {
  return checkpointMeta(safetensors(name, () => parseSafetensors(bytes)).metadata, name);
}

/** Reads checkpoint bytes; `name` (a file name or URL) makes the errors say which input was bad. */
export function decodeCheckpoint(bytes: Uint8Array, name: string): DecodedCheckpoint {
  const decoded = safetensors(name, () => decodeSafetensors(bytes));
  try {
    return { meta: checkpointMeta(decoded.metadata, name), tensors: decoded.tensors };
  } catch (e) {
    tf.dispose(Object.values(decoded.tensors));
    throw e;
  }
}

function safetensors<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new Error(`checkpoint ${name} is not a valid safetensors file: ${(e as Error).message}`);
  }
}

function checkpointMeta(m: Record<string, string>, name: string): CheckpointMeta {
  try {
    if (m['format'] !== CHECKPOINT_FORMAT) throw new Error(`no ${CHECKPOINT_FORMAT} metadata (format: ${m['format'] ?? 'none'})`);
    return {
      spec: JSON.parse(m['spec']!) as ModelSpec,
      classNames: JSON.parse(m['classes']!) as string[],
      normalization: JSON.parse(m['normalization']!) as Normalization,
      imageSize: Number(m['image_size']),
      step: Number(m['step']),
      dataset: m['dataset'],
      extra: m['extra'] === undefined ? undefined : JSON.parse(m['extra']) as Record<string, unknown>,
    };
  } catch (e) {
    throw new Error(`checkpoint ${name} was not written by vit (train / distill): ${(e as Error).message}`);
  }
}

/** Builds the model a decoded checkpoint describes and loads its weights; frees the tensors either way. */
export async function checkpointModel({ meta, tensors }: DecodedCheckpoint): Promise<{ model: ClassifierModule; meta: CheckpointMeta }> {
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
