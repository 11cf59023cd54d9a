/** safetensors files on disk (Node only). */
import { readFile, writeFile } from 'node:fs/promises';
import type * as tf from '@tensorflow/tfjs-core';
import type { AnyModule, LoadResult } from '../nn/module.js';
import { loadSafetensors, saveSafetensors } from '../weights/model-weights.js';
import { decodeSafetensors, encodeSafetensors, type DecodedSafetensors } from '../weights/safetensors.js';

/** Reads a safetensors file into new tensors the caller owns. */
export async function readSafetensorsFile(path: string): Promise<DecodedSafetensors> {
  return decodeSafetensors(await readFile(path));
}

export async function writeSafetensorsFile(path: string, tensors: Record<string, tf.Tensor>, metadata: Record<string, string> = {}): Promise<void> {
  await writeFile(path, await encodeSafetensors(tensors, metadata));
}

/** Loads a safetensors state dict into `model`; on any error the model is unchanged. */
export async function loadSafetensorsFile(model: AnyModule, path: string, options: { strict?: boolean } = {}): Promise<LoadResult> {
  return loadSafetensors(model, await readFile(path), options);
}

export async function saveSafetensorsFile(model: AnyModule, path: string, metadata: Record<string, string> = {}): Promise<void> {
  await writeFile(path, await saveSafetensors(model, metadata));
}
