/** Reads ../shared/fixtures/einops/cases.json and rebuilds inputs exactly as its README says. */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { einsum, pack, parseShape, rearrange, reduce, repeat, unpack } from '@vit/einops';
import { sharedPath } from '../support/shared.js';

export interface TensorSpec {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
}
export interface ExpectedTensor extends TensorSpec {
  values: Array<number | boolean | null>;
}
export interface EinopsCase {
  id: string;
  op: 'rearrange' | 'reduce' | 'repeat' | 'einsum' | 'pack' | 'unpack' | 'parse_shape';
  pattern: string;
  inputs: TensorSpec[];
  axes_lengths: Record<string, number>;
  reduction?: string;
  ps?: number[][];
  list_input?: boolean;
  tags?: string[];
  expect: ExpectedTensor & { error?: boolean; why?: string; ps?: number[][]; outputs?: ExpectedTensor[]; dict?: Record<string, number> };
}

/** The shared corpus, or another file in the same format named by VIT_EINOPS_CASES. */
export function loadEinopsCases(): EinopsCase[] {
  const file = process.env['VIT_EINOPS_CASES'] ?? sharedPath('fixtures/einops/cases.json');
  return JSON.parse(readFileSync(file, 'utf8')) as EinopsCase[];
}

/** Input number `k`: base = [0..n-1] + 1000k; bool is true where floor(base / 3) is even. */
export function buildInput(spec: TensorSpec, k: number): tf.Tensor {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const base = Array.from({ length: n }, (_, i) => i + 1000 * k);
  if (spec.dtype === 'bool') return tf.tensor(base.map((v) => Math.floor(v / 3) % 2 === 0), spec.shape, 'bool');
  return tf.tensor(base, spec.shape, spec.dtype);
}

/** Runs a case's operation; returns the output tensors (one, or several for pack / unpack). */
export function runCase(c: EinopsCase, inputs: tf.Tensor[]): { tensors: tf.Tensor[]; ps?: number[][]; dict?: Record<string, number> } {
  const x = c.list_input ? inputs : inputs[0]!;
  switch (c.op) {
    case 'rearrange': return { tensors: [rearrange(x, c.pattern, c.axes_lengths)] };
    case 'reduce': return { tensors: [reduce(x, c.pattern, c.reduction as 'sum', c.axes_lengths)] };
    case 'repeat': return { tensors: [repeat(x, c.pattern, c.axes_lengths)] };
    case 'einsum': return { tensors: [einsum(...inputs, c.pattern)] };
    case 'pack': {
      const [packed, ps] = pack(inputs, c.pattern);
      return { tensors: [packed], ps };
    }
    case 'unpack': return { tensors: unpack(inputs[0]!, c.ps!, c.pattern) };
    case 'parse_shape': return { tensors: [], dict: parseShape(inputs[0]!, c.pattern) };
  }
}

/** Float32 values within a relative tolerance of 1e-5; ints and bools exactly. */
export function valuesMismatch(got: ArrayLike<number>, expected: ExpectedTensor): string | undefined {
  if (got.length !== expected.values.length) return `got ${got.length} values, expected ${expected.values.length}`;
  for (let i = 0; i < got.length; i++) {
    const ref = expected.values[i];
    const g = got[i]!;
    if (expected.dtype === 'bool') {
      if ((g !== 0) !== ref) return `value #${i}: got ${g !== 0}, expected ${String(ref)}`;
    } else if (expected.dtype === 'int32') {
      if (g !== ref) return `value #${i}: got ${g}, expected ${String(ref)}`;
    } else {
      const r = ref === null ? NaN : Number(ref);
      if (Number.isNaN(r) ? !Number.isNaN(g) : !(Math.abs(g - r) <= 1e-5 * Math.abs(r))) {
        return `value #${i}: got ${g}, expected ${r}`;
      }
    }
  }
  return undefined;
}
