/**
 * Pretrained weights for registry models: safetensors (timm key names) or Google `.npz`, recognised
 * by content, converted to the model's state dict on the host, filtered by the model (timm's
 * `checkpoint_filter_fn`: position-table resampling, classifier dropped when the class count
 * differs) and loaded all-or-nothing: every key and shape is checked before anything is written.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AnyModule } from '../nn/module.js';
import { googleNpzToTimm, type CheckpointFilter, type CheckpointFormat, type HostState } from '../weights/convert.js';
import { decode } from '../weights/dtypes.js';
import { decodeNpzHost } from '../weights/npz.js';
import { parseSafetensors } from '../weights/safetensors.js';

export type { CheckpointFormat, CheckpointFilter, FilteredCheckpoint } from '../weights/convert.js';

export interface PretrainedLoadResult {
  readonly format: CheckpointFormat;
  /** Checkpoint keys ignored by design (`pre_logits/*` in 21k `.npz` files). */
  readonly ignoredKeys: string[];
  /** Model keys left freshly initialised (the classifier when its class count differs from the file). */
  readonly initialisedKeys: string[];
}

/** 'npz' (ZIP signature) or 'safetensors' (u64 header length, then '{'); an error otherwise. */
export function detectCheckpointFormat(input: Uint8Array | ArrayBuffer): CheckpointFormat {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (bytes.byteLength >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'npz';
  if (bytes.byteLength >= 9 && bytes[8] === 0x7b) return 'safetensors';
  if (bytes.byteLength >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b) return 'npz';
  throw new Error(`unrecognised checkpoint: expected safetensors (8-byte header length, then '{') or .npz (a ZIP archive), ` +
    `got ${bytes.byteLength} bytes starting ${[...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
}

/** A checkpoint's arrays on the host, in timm key names (`.npz` converted as timm's `_load_weights`). */
export function readCheckpoint(input: Uint8Array | ArrayBuffer): { format: CheckpointFormat; state: HostState; ignoredKeys: string[] } {
  const format = detectCheckpointFormat(input);
  if (format === 'npz') {
    const { state, ignored, unexpected } = googleNpzToTimm(decodeNpzHost(input));
    if (unexpected.length > 0) throw new Error(`npz: unexpected key(s) for a Google ViT checkpoint: ${unexpected.map((k) => `'${k}'`).join(', ')}`);
    return { format, state, ignoredKeys: ignored };
  }
  const { entries } = parseSafetensors(input);
  const state: HostState = {};
  for (const [name, entry] of Object.entries(entries)) {
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const { dtype, values } = decode(new DataView(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength), entry.dtype, count, name);
    state[name] = { shape: entry.shape, dtype, values };
  }
  return { format, state, ignoredKeys: [] };
}

function hasFilter(model: unknown): model is CheckpointFilter {
  return typeof (model as Partial<CheckpointFilter>).filterCheckpoint === 'function';
}

/**
 * Loads a checkpoint (bytes) into `model`. Missing and unexpected keys and shape mismatches are
 * errors that list them; on any error the model is unchanged.
 */
export function loadPretrained(model: AnyModule, input: Uint8Array | ArrayBuffer): PretrainedLoadResult {
  const { format, state: raw, ignoredKeys } = readCheckpoint(input);
  const { state, keepInitialised = [] } = hasFilter(model) ? model.filterCheckpoint(raw, format) : { state: raw };
  const buffers = (model as { namedBuffers?: () => Record<string, unknown> }).namedBuffers?.() ?? {};
  const expected = [...Object.keys(model.namedParameters()), ...Object.keys(buffers)];
  const expectedSet = new Set(expected);
  const keep = new Set(keepInitialised);
  const missing = expected.filter((k) => !(k in state) && !keep.has(k));
  const unexpected = Object.keys(state).filter((k) => !expectedSet.has(k));
  const errors: string[] = [];
  if (unexpected.length > 0) errors.push(`Unexpected key(s) in checkpoint: ${unexpected.map((k) => `"${k}"`).join(', ')}.`);
  if (missing.length > 0) errors.push(`Missing key(s) in checkpoint: ${missing.map((k) => `"${k}"`).join(', ')}.`);
  if (errors.length > 0) throw new Error(`Error(s) in loading ${format} checkpoint into ${model.constructor.name}:\n\t${errors.join('\n\t')}`);
  const tensors: Record<string, tf.Tensor> = {};
  try {
    for (const [k, a] of Object.entries(state)) tensors[k] = tf.tensor(a.values, a.shape, a.dtype);
    model.loadStateDict(tensors, { strict: false }); // keys checked above; shapes checked before any write
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return { format, ignoredKeys, initialisedKeys: expected.filter((k) => keep.has(k) && !(k in state)) };
}
