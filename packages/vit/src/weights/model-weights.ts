/** safetensors in and out of a Module's state dict (PyTorch key names and layouts). */
import * as tf from '@tensorflow/tfjs-core';
import type { AnyModule, LoadResult } from '../nn/module.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';

/**
 * Loads a safetensors file (e.g. a vit-pytorch `state_dict` saved with safetensors.torch.save_file)
 * into `model`. A malformed file, or a state dict that does not fit, throws and leaves the model unchanged.
 */
export function loadSafetensors(model: AnyModule, bytes: Uint8Array | ArrayBuffer, options: { strict?: boolean } = {}): LoadResult {
  const { tensors } = decodeSafetensors(bytes);
  try {
    return model.loadStateDict(tensors, options);
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

/** The model's state dict as a safetensors file. */
export async function saveSafetensors(model: AnyModule, metadata: Record<string, string> = {}): Promise<Uint8Array> {
  const state = model.stateDict();
  try {
    return await encodeSafetensors(state, metadata);
  } finally {
    tf.dispose(Object.values(state));
  }
}
