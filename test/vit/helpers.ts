/** Shared helpers for the @vit/core tests: fixture files, tolerances, deterministic data, leak checks. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors } from '@vit/core';
import { sharedPath } from '../support/shared.js';
import { vitCase } from '../support/vit-fixtures.js';

export { F32_ONLY, PARITY, readBin } from '../support/vit-fixtures.js';

export interface ManifestCase {
  name: string;
  python: { kwargs: Record<string, unknown> };
  inputs: Record<string, { file: string; shape: number[] }>;
  outputs: Record<string, { file: string; shape: number[]; f64_reference?: string }>;
  weights: { file: string; keys: { name: string; shape: number[]; dtype: string }[] };
}

export function manifestCase(name: string): ManifestCase {
  return vitCase(name) as unknown as ManifestCase;
}

export function fixtureBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(sharedPath(`fixtures/vit/${file}`)));
}

/** The fixture's weights as new tensors (the caller disposes them). */
export function fixtureWeights(c: ManifestCase): Record<string, tf.Tensor> {
  return decodeSafetensors(fixtureBytes(c.weights.file)).tensors;
}

/** Asserts |got - ref| <= tol + tol·|ref| element-wise, reporting the worst element. */
export function assertClose(got: ArrayLike<number>, ref: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(got.length, ref.length, `${what}: length`);
  let worst = -1;
  let ratio = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = Math.abs(got[i]! - ref[i]!) / (tol + tol * Math.abs(ref[i]!));
    if (!(r <= ratio)) {
      ratio = r;
      worst = i;
    }
  }
  if (!(ratio <= 1)) assert.fail(`${what}: element ${worst}: got ${got[worst]}, expected ${ref[worst]} (tolerance ${tol} abs + rel)`);
}

export async function values(t: tf.Tensor): Promise<Float32Array> {
  return Float32Array.from(await t.data() as Float32Array);
}

/** Deterministic values in [-1, 1)·scale (an LCG). */
export function seededArray(n: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return out;
}

export function seeded(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tensor(seededArray(shape.reduce((a, b) => a * b, 1), seed, scale), shape);
}

/** Runs `fn` and asserts that the number of live tensors is unchanged afterwards. */
export async function withoutLeaks<T>(fn: () => Promise<T>, what = 'tensors'): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  assert.equal(tf.memory().numTensors, before, `leaked ${what}`);
  return result;
}

/** erf in float64 (Taylor series below 3, continued fraction for erfc above): ~1e-15. */
export function erf64(x: number): number {
  const ax = Math.abs(x);
  let r: number;
  if (ax < 3) {
    let sum = ax;
    let term = ax;
    const x2 = ax * ax;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= -x2 / n;
      sum += term / (2 * n + 1);
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    let t = 0;
    for (let k = 80; k >= 1; k--) t = k / 2 / (ax + t);
    r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + t);
  }
  return x < 0 ? -r : r;
}

export function gelu64(x: number): number {
  return 0.5 * x * (1 + erf64(x / Math.SQRT2));
}

/** Reads a tensor's values and disposes it. */
export async function take(t: tf.Tensor): Promise<Float32Array> {
  const v = await values(t);
  t.dispose();
  return v;
}
