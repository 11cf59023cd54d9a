/** Checkpoint files on disk for the registry (Node only): `.npz` and timm / Google checkpoints. */
import { readFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs-core';
import type { AnyModule } from '../nn/module.js';
import type { HostState } from '../weights/convert.js';
import { decodeNpz } from '../weights/npz.js';
import { loadPretrained, readCheckpoint, type CheckpointFormat, type PretrainedLoadResult } from '../zoo/pretrained.js';

/** Reads an `.npz` into new tensors the caller owns, keyed by array name. */
export async function readNpzFile(path: string): Promise<Record<string, tf.Tensor>> {
  return decodeNpz(await readFile(path));
}

/** A checkpoint file's arrays on the host in timm key names (safetensors as is; Google `.npz` converted). */
export async function readCheckpointFile(path: string): Promise<{ format: CheckpointFormat; state: HostState; ignoredKeys: string[] }> {
  return readCheckpoint(await readFile(path));
}

/** Loads a safetensors or `.npz` checkpoint file into a registry model; on any error the model is unchanged. */
export async function loadPretrainedFile(model: AnyModule, path: string): Promise<PretrainedLoadResult> {
  return loadPretrained(model, await readFile(path));
}
