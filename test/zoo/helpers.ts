/** Shared helpers for the registry / checkpoint tests: ../shared/fixtures/interop files and comparisons. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { sharedPath } from '../support/shared.js';

export interface InteropOutput {
  file: string;
  shape: number[];
  f64_reference?: string;
  meaning?: string;
}

export interface InteropCase {
  name: string;
  python: { kwargs: Record<string, unknown>; class: string };
  weights: { file: string; format: string; same_arrays_as_safetensors?: string; in21k_style_variant?: { file: string; extra_keys: string[] }; keys: { name: string; shape: number[] }[] };
  inputs: { img: { file: string; shape: number[] } };
  outputs: Record<string, InteropOutput>;
  np_ref: { compare: Record<string, string> };
}

export const INTEROP = 'fixtures/interop';

export function interopManifest(): { cases: InteropCase[]; conventions: { tolerance: { abs: number; rel: number } } } {
  return JSON.parse(readFileSync(sharedPath(`${INTEROP}/manifest.json`), 'utf8'));
}

export function interopCase(name: string): InteropCase {
  const c = interopManifest().cases.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no interop case ${name}`);
  return c;
}

export function interopBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(sharedPath(`${INTEROP}/${file}`)));
}

export function interopArray(file: string): Float32Array | Float64Array {
  const bytes = readFileSync(sharedPath(`${INTEROP}/${file}`));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return file.endsWith('.f64.bin') ? new Float64Array(buffer) : new Float32Array(buffer);
}

export function interopInput(c: InteropCase): tf.Tensor {
  return tf.tensor(Float32Array.from(interopArray(c.inputs.img.file)), c.inputs.img.shape);
}

/** Asserts `|got − ref| <= atol + rtol·|ref|` elementwise and equal shapes. */
export async function assertCloseTo(got: tf.Tensor, ref: ArrayLike<number>, shape: number[], atol: number, rtol: number, what: string): Promise<void> {
  assert.deepEqual(got.shape, shape, `${what}: shape`);
  const values = await got.data();
  assert.equal(values.length, ref.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(values[i]! - ref[i]!);
    const allowed = atol + rtol * Math.abs(ref[i]!);
    if (!(d <= allowed)) assert.fail(`${what}: #${i} got ${values[i]}, expected ${ref[i]} (|d| = ${d.toExponential(2)} > ${allowed.toExponential(2)})`);
    worst = Math.max(worst, d);
  }
}

/** Deterministic pseudo-random floats in [-1, 1). */
export function seededFloats(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    out[i] = (s / 0x100000000) * 2 - 1;
  }
  return out;
}
