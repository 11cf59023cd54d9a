/** Reads ../shared/fixtures/vit: the manifest, raw little-endian .bin arrays and safetensors weights. */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors } from '@vit/core';
import { backendName } from './backend.js';
import { sharedPath } from './shared.js';

/**
 * ../shared/fixtures/README.md's parity rule: |got − ref| <= 1e-5 + 1e-5·|ref| against float64 on
 * cpu and wasm. The README sets no rule for webgpu; there we allow 1e-4 (float32 shaders sum in
 * other orders), and use the same tolerances for our own implementation-against-reference checks.
 */
export const PARITY = backendName === 'webgpu' ? 1e-4 : 1e-5;
/** Outputs recorded in float32 only (attention maps, embeddings, gradients): the same rule at 1e-4. */
export const F32_ONLY = 1e-4;

export interface VitFixtureCase {
  name: string;
  python: { kwargs: Record<string, unknown> };
  weights: { file: string; keys: { name: string; shape: number[]; dtype: string }[] };
  outputs: Record<string, { file?: string; shape?: number[]; f64_reference?: string | number; value?: number } & Record<string, unknown>>;
  inputs: Record<string, { file: string; shape: number[]; dtype: string }>;
  [key: string]: unknown;
}

export function vitCase(name: string): VitFixtureCase {
  const manifest = JSON.parse(readFileSync(sharedPath('fixtures/vit/manifest.json'), 'utf8')) as { cases: VitFixtureCase[] };
  const found = manifest.cases.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no vit fixture case ${name}`);
  return found;
}

/** A raw .bin file (f32, f64 or i32 by its name) as numbers. */
export function readBin(file: string): Float64Array | Float32Array | Int32Array {
  const bytes = readFileSync(sharedPath(`fixtures/vit/${file}`));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  if (file.endsWith('.f64.bin')) return new Float64Array(buffer);
  if (file.endsWith('.i32.bin')) return new Int32Array(buffer);
  return new Float32Array(buffer);
}

export function readTensor(file: string, shape: number[]): tf.Tensor {
  const data = readBin(file);
  return data instanceof Int32Array ? tf.tensor(data, shape, 'int32') : tf.tensor(Float32Array.from(data), shape, 'float32');
}

/** The case's weights as tensors keyed by PyTorch name (the caller disposes them). */
export function readWeights(file: string): Record<string, tf.Tensor> {
  return decodeSafetensors(readFileSync(sharedPath(`fixtures/vit/${file}`))).tensors;
}

/** `|got − ref| <= atol + rtol·|ref|` for every element; returns the first violation or undefined. */
export function closeTo(got: ArrayLike<number>, ref: ArrayLike<number>, atol: number, rtol: number): string | undefined {
  if (got.length !== ref.length) return `length ${got.length} != ${ref.length}`;
  for (let i = 0; i < ref.length; i++) {
    if (!(Math.abs(got[i]! - ref[i]!) <= atol + rtol * Math.abs(ref[i]!))) return `#${i}: got ${got[i]}, expected ${ref[i]}`;
  }
  return undefined;
}
