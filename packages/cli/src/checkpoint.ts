/**
 * Checkpoint files: plain safetensors files with PyTorch state-dict keys (so PyTorch and `vit info`
 * read them) in the format of checkpoint-format.ts. The optimizer state sits beside it in
 * `<name>.optim.safetensors`, for `--resume`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors, encodeSafetensors } from '@vit/core';
import {
  CHECKPOINT_FORMAT, checkpointModel, decodeCheckpoint, decodeCheckpointMeta, encodeCheckpoint, type CheckpointMeta, type DecodedCheckpoint,
} from './checkpoint-format.js';
import type { ClassifierModule } from './models.js';
import type { GroupedAdamW } from './train/optimizer.js';

export { CHECKPOINT_FORMAT, type CheckpointMeta, type DecodedCheckpoint } from './checkpoint-format.js';

export async function saveCheckpoint(file: string, model: { stateDict(): Record<string, tf.Tensor> }, meta: CheckpointMeta, optimizer?: GroupedAdamW): Promise<void> {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeAtomically(file, await encodeCheckpoint(model, meta));
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

/** Reads a checkpoint written by saveCheckpoint; a clear error for a missing, corrupt or foreign file. */
export function readCheckpoint(file: string): DecodedCheckpoint {
  if (!existsSync(file)) throw new Error(`checkpoint ${file} does not exist`);
  return decodeCheckpoint(readFileSync(file), file);
}

/** A checkpoint's metadata, reading no tensor. */
export function readCheckpointMeta(file: string): CheckpointMeta {
  if (!existsSync(file)) throw new Error(`checkpoint ${file} does not exist`);
  return decodeCheckpointMeta(readFileSync(file), file);
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
  return await checkpointModel(readCheckpoint(file));
}
