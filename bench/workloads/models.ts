/**
 * The models the bench runs: vit-pytorch configs, where their weights, reference logits and ONNX
 * graphs are (asset names, see Platform.assets), and loading them into our ViT.
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadSafetensors, parseSafetensors, ViT, type ViTOptions } from '@vit/core';
import type { Assets } from '../lib/platform.js';

export type ModelName = 'vit_ti16' | 'vit_s16' | 'vit_b16';

export interface ModelSpec {
  name: ModelName;
  label: string;
  config: ViTOptions & { dimHead: number };
  weights: string;
  /** Reference logits `logits_b1`, `logits_b8` for `inputs.safetensors`. */
  logits: string;
  /** Where the reference logits come from. */
  reference: string;
  /** The peers' graph. */
  onnx: string;
  onnxSource: string;
  /** Our generated graph, when the peers' graph is another one (shown for context). */
  generatedOnnx?: string;
}

const vit224 = (dim: number, heads: number): ModelSpec['config'] =>
  ({ imageSize: 224, patchSize: 16, numClasses: 1000, dim, depth: 12, heads, mlpDim: 4 * dim, dimHead: 64 });

export const MODELS: Record<ModelName, ModelSpec> = {
  vit_ti16: {
    name: 'vit_ti16', label: 'ViT-Ti/16', config: vit224(192, 3),
    weights: 'peers/vit_ti16.safetensors', logits: 'peers/vit_ti16_logits.safetensors', reference: 'torch logits',
    onnx: 'peers/vit_ti16.onnx', onnxSource: 'PyTorch export', generatedOnnx: 'cache/vit_ti16.onnx',
  },
  vit_s16: {
    name: 'vit_s16', label: 'ViT-S/16', config: vit224(384, 6),
    weights: 'cache/vit_s16.safetensors', logits: 'cache/vit_s16_logits.safetensors', reference: 'ours (tfjs-wasm, at preparation)',
    onnx: 'cache/vit_s16.onnx', onnxSource: 'our ONNX writer',
  },
  vit_b16: {
    name: 'vit_b16', label: 'ViT-B/16', config: vit224(768, 12),
    weights: 'cache/vit_b16.safetensors', logits: 'cache/vit_b16_logits.safetensors', reference: 'ours (tfjs-wasm, at preparation)',
    onnx: 'cache/vit_b16.onnx', onnxSource: 'our ONNX writer',
  },
};

/** The tiny ViT of the training and distillation steps (CIFAR-sized). */
export const TINY: ViTOptions = { imageSize: 32, patchSize: 4, numClasses: 10, dim: 192, depth: 6, heads: 3, mlpDim: 384, dimHead: 64 };

/** A float32 tensor's values from a safetensors file, as a Float32Array of its own. */
export function floats(bytes: Uint8Array, name: string): { data: Float32Array; shape: number[] } {
  const entry = parseSafetensors(bytes).entries[name];
  if (entry === undefined || entry.dtype !== 'F32') throw new Error(`no F32 tensor '${name}' in the safetensors file`);
  return { data: new Float32Array(Uint8Array.prototype.slice.call(entry.data).buffer), shape: entry.shape };
}

/** Our ViT in eval mode with the model's weights, on the current tfjs backend. */
export async function loadViT(spec: ModelSpec, assets: Assets): Promise<ViT> {
  const model = new ViT(spec.config).eval();
  try {
    loadSafetensors(model, await assets.bytes(spec.weights));
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

export function inputTensor(input: { data: Float32Array; shape: number[] }): tf.Tensor {
  return tf.tensor(input.data, input.shape, 'float32');
}
