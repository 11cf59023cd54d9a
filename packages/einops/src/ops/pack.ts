/**
 * pack / unpack: concatenate tensors of different ranks along the axes a `*` stands for, and split
 * them back. Patterns are whitespace-separated axis names with exactly one `*`: `'b * c'`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EinopsError, show } from '../errors.js';
import { BoundedCache } from '../lowering/cache.js';
import { product } from '../lowering/layout.js';
import { invalidAxisNameReason } from '../parsing/expression.js';
import { commonDtype, requirePattern, requireTensor } from './inputs.js';
import type { PackPattern as PackPatternCheck, PackResult, UnpackPattern } from '../typed/checks.js';

interface PackPattern {
  readonly before: number;
  readonly after: number;
}

const patterns = new BoundedCache<string, PackPattern>(128);

function analyzePattern(pattern: string, opname: 'pack' | 'unpack'): PackPattern {
  const key = `${opname}\u0000${pattern}`;
  const cached = patterns.get(key);
  if (cached !== undefined) return cached;
  const axes = pattern.split(/\s+/).filter((a) => a.length > 0);
  if (new Set(axes).size !== axes.length) throw new EinopsError(`Duplicates in axes names in ${opname}(..., "${pattern}")`);
  if (!axes.includes('*')) throw new EinopsError(`No *-axis in ${opname}(..., "${pattern}")`);
  for (const axis of axes) {
    if (axis !== '*' && invalidAxisNameReason(axis) !== undefined) {
      throw new EinopsError(`Invalid axis name ${axis} in ${opname}(..., "${pattern}")`);
    }
  }
  const before = axes.indexOf('*');
  const result = { before, after: axes.length - before - 1 };
  patterns.set(key, result);
  return result;
}

/**
 * Packs tensors into one: `const [packed, ps] = pack([a, b], 'b * c')`. `ps` holds, per input, the
 * shape that `*` covered; `unpack` needs it. Returns a new tensor the caller owns.
 * A literal pattern is checked (and the inputs' ranks, when known) and types the packed tensor.
 */
export function pack<T extends readonly tf.Tensor[], P extends string>(tensors: T, pattern: PackPatternCheck<P, T>): [PackResult<P, T>, number[][]];
export function pack(tensors: readonly tf.Tensor[], pattern: string): [tf.Tensor, number[][]] {
  requirePattern(pattern);
  if (!Array.isArray(tensors)) throw new EinopsError('pack takes an array of tensors');
  const { before, after } = analyzePattern(pattern, 'pack');
  if (tensors.length === 0) throw new EinopsError(`pack(..., "${pattern}") needs at least one tensor`);
  const inputs = tensors.map((t, i) => requireTensor(t, `packed tensor #${i}`));
  const packedShapes: number[][] = [];
  const pieces = inputs.map((t, i) => {
    const shape = t.shape;
    if (shape.length < before + after) {
      throw new EinopsError(`packed tensor #${i} (enumeration starts with 0) has shape ${show(shape)}, while pattern ${pattern} assumes at least ${before + after} axes`);
    }
    const end = shape.length - after;
    packedShapes.push(shape.slice(before, end));
    return [...shape.slice(0, before), product(shape.slice(before, end)), ...shape.slice(end)];
  });
  const first = pieces[0]!;
  pieces.forEach((p, i) => {
    p.forEach((len, d) => {
      if (d !== before && len !== first[d]) {
        throw new EinopsError(`pack(..., "${pattern}"): tensor #${i} has shape ${show(inputs[i]!.shape)}, whose non-packed axes differ from tensor #0's ${show(inputs[0]!.shape)}`);
      }
    });
  });
  const dtype = commonDtype(inputs);
  const packed = tf.tidy(() => {
    const parts = inputs.map((t, i) => tf.reshape(t.dtype === dtype ? t : tf.cast(t, dtype), pieces[i]!));
    // Concatenating along the packed axis of [before, *, after] merged to rank 3 keeps any rank safe.
    const pre = product(first.slice(0, before));
    const post = product(first.slice(before + 1));
    const flat = parts.map((p, i) => tf.reshape(p, [pre, pieces[i]![before]!, post]));
    const total = pieces.reduce((s, p) => s + p[before]!, 0);
    const joined = flat.length === 1 ? tf.clone(flat[0]!) : tf.concat(flat, 1);
    return tf.reshape(joined, [...first.slice(0, before), total, ...first.slice(before + 1)]);
  });
  return [packed, packedShapes];
}

/**
 * Splits `x` back into tensors: `unpack(packed, ps, 'b * c')`. At most one entry of `ps` may hold a
 * `-1`, inferred from the length of the packed axis. Returns new tensors the caller owns.
 */
export function unpack<X extends tf.Tensor, P extends string>(x: X, packedShapes: readonly (readonly number[])[],
  pattern: UnpackPattern<P, X>): tf.Tensor[];
export function unpack(x: tf.Tensor, packedShapes: readonly (readonly number[])[], pattern: string): tf.Tensor[] {
  requirePattern(pattern);
  const input = requireTensor(x, 'unpacked tensor');
  const { before, after } = analyzePattern(pattern, 'unpack');
  const shape = input.shape;
  if (shape.length !== before + 1 + after) {
    throw new EinopsError(`unpack(..., ${pattern}) received input of wrong dim with shape ${show(shape)}`);
  }
  const fail = (why: string): never => {
    throw new EinopsError(`Error during unpack(..., "${pattern}"): could not split axis of size ${shape[before]} into requested ${show(packedShapes)}: ${why}`);
  };
  if (!Array.isArray(packedShapes) || packedShapes.some((p) => !Array.isArray(p))) fail('packed shapes must be an array of arrays');
  for (const p of packedShapes) {
    for (const d of p) if (!Number.isSafeInteger(d) || d < -1) fail(`${show(p)} has an invalid length ${String(d)}`);
    if (p.filter((d) => d === -1).length > 1) fail(`${show(p)} has more than one -1`);
  }
  const unknown = packedShapes.map((p, i) => (p.includes(-1) ? i : -1)).filter((i) => i >= 0);
  if (unknown.length > 1) fail('more than one shape has a -1, so the lengths cannot be inferred');
  const axisLength = shape[before]!;
  const lengths = packedShapes.map((p) => (p.includes(-1) ? -1 : product(p)));
  const knownTotal = lengths.reduce((s, l) => s + (l === -1 ? 0 : l), 0);
  const shapes = packedShapes.map((p) => [...p]);
  if (unknown.length === 1) {
    const i = unknown[0]!;
    const rest = axisLength - knownTotal;
    const others = product(shapes[i]!.filter((d) => d !== -1));
    if (rest < 0) fail(`the other shapes already take ${knownTotal} elements`);
    if (others === 0 ? rest !== 0 : rest % others !== 0) fail(`${rest} elements do not fit ${show(packedShapes[i]!)}`);
    if (others === 0) fail(`${show(packedShapes[i]!)} has a zero length beside its -1, so the -1 cannot be inferred`);
    shapes[i] = shapes[i]!.map((d) => (d === -1 ? rest / others : d));
    lengths[i] = rest;
  } else if (knownTotal !== axisLength) {
    fail(`the shapes hold ${knownTotal} elements`);
  }
  const pre = product(shape.slice(0, before));
  const post = product(shape.slice(before + 1));
  return tf.tidy(() => {
    const flat = tf.reshape(input, [pre, axisLength, post]);
    let offset = 0;
    return shapes.map((s, i) => {
      const piece = tf.slice(flat, [0, offset, 0], [pre, lengths[i]!, post]);
      offset += lengths[i]!;
      return tf.reshape(piece, [...shape.slice(0, before), ...s, ...shape.slice(before + 1)]);
    });
  });
}
