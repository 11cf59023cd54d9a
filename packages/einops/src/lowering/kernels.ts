/**
 * The few tfjs kernels every plan lowers to, each kept within MAX_RANK dimensions.
 * Functions take ownership of nothing: they return new tensors and never dispose their input.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  isIdentity, MAX_RANK, mergeBroadcast, mergePermutation, product, sameShape, splitBroadcast, splitPermutation, type MergedPermutation,
} from './layout.js';

/** Runs `step` on `x`, disposing `x` afterwards unless it is `keep` (the caller's input). */
export function chain(x: tf.Tensor, keep: tf.Tensor, step: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const y = step(x);
  if (x !== keep && y !== x) x.dispose();
  return y;
}

/**
 * How to permute data of a given shape, decided once per plan: nothing to move, one transpose of
 * the tensor as it comes, or reshapes to merged axes and transposes (several passes beyond MAX_RANK).
 */
export type PermutationProgram =
  | { readonly kind: 'none' }
  | { readonly kind: 'direct'; readonly perm: number[] }
  | { readonly kind: 'passes'; readonly passes: readonly MergedPermutation[] };

/** `inputShape` is the tensor's actual shape; `shape` the (elementary) shape its data has. */
export function planPermutation(inputShape: readonly number[], shape: readonly number[], perm: readonly number[]): PermutationProgram {
  const merged = mergePermutation(shape, perm);
  if (isIdentity(merged.perm)) return { kind: 'none' };
  // A tensor already in the right shape is transposed as it is: a reshape costs a kernel call.
  if (shape.length <= MAX_RANK && sameShape(inputShape, shape)) return { kind: 'direct', perm: [...perm] };
  return { kind: 'passes', passes: merged.shape.length <= MAX_RANK ? [merged] : splitPermutation(merged.shape, merged.perm) };
}

/** Runs a permutation program; returns `x` itself when no data moves (callers reshape as needed). */
export function runPermutation(x: tf.Tensor, program: PermutationProgram): tf.Tensor {
  if (program.kind === 'none') return x;
  if (program.kind === 'direct') return transposeKernel(x, program.perm);
  let t = x;
  for (const pass of program.passes) {
    t = chain(t, x, (cur) => chain(reshapeIfNeeded(cur, pass.shape), cur, (r) => transposeKernel(r, pass.perm)));
  }
  return t;
}

/** `tf.reshape`, or `x` itself when the shape already matches (saves a kernel call). */
export function reshapeIfNeeded(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  return sameShape(x.shape, shape) ? x : tf.reshape(x, shape as number[]);
}

/**
 * tfjs-backend-webgpu 4.22 cannot transpose int32 or bool tensors of rank >= 3: its TransposeProgram
 * emits invalid WGSL for them, and its int32 -> float32 cast only relabels the buffer, so a cast
 * alone does not help. There such tensors are moved as real float32 copies (a multiplication by 1
 * materialises them): bool directly, int32 exactly as two 16-bit halves.
 */
function transposeKernel(x: tf.Tensor, perm: number[]): tf.Tensor {
  if (x.dtype === 'float32' || perm.length < 3 || tf.getBackend() !== 'webgpu') return tf.transpose(x, perm);
  return tf.tidy(() => {
    const moved = (part: tf.Tensor): tf.Tensor => tf.transpose(tf.mul(tf.cast(part, 'float32'), tf.scalar(1)), perm);
    if (x.dtype === 'bool') return tf.cast(moved(x), 'bool');
    const base = tf.scalar(65536, 'int32');
    const high = tf.floorDiv(x, base);
    const low = tf.sub(x, tf.mul(high, base));
    return tf.add(tf.mul(tf.cast(moved(high), 'int32'), base), tf.cast(moved(low), 'int32'));
  });
}

/** How to add the new axes of a repeat, planned once per shape: one broadcast, and passes for when `x` is not in shape `from` or too high a rank. */
export interface BroadcastProgram {
  readonly from: readonly number[];
  readonly to: readonly number[];
  /** Over merged axes, each pass within MAX_RANK. */
  readonly passes: readonly { readonly from: readonly number[]; readonly to: readonly number[] }[];
}

/** `from` is the data's (elementary) shape with 1 where new axes go; `to` has their lengths. */
export function planBroadcast(from: readonly number[], to: readonly number[]): BroadcastProgram {
  const merged = mergeBroadcast(from, to);
  return { from, to, passes: splitBroadcast(merged.from, merged.to) };
}

/**
 * Broadcasts `x` as planned. Small results use one Tile kernel (cheapest to dispatch); larger ones a
 * multiplication by ones that have only the new axes, which every backend broadcasts natively (Tile
 * is a slow per-element loop on WASM). Returns a tensor of the target shape, or of the merged target
 * shape when axes had to merge.
 */
export function runBroadcast(x: tf.Tensor, program: BroadcastProgram): tf.Tensor {
  const { from, to } = program;
  if (from.length <= MAX_RANK && sameShape(x.shape, from)) return broadcastOnce(x, from, to);
  let t = x;
  for (const pass of program.passes) {
    t = chain(t, x, (cur) => chain(reshapeIfNeeded(cur, pass.from), cur, (r) => broadcastOnce(r, pass.from, pass.to)));
  }
  return t;
}

const SMALL_TILE = 4096;

function broadcastOnce(x: tf.Tensor, from: readonly number[], to: readonly number[]): tf.Tensor {
  // Tile is ~10-275x slower than a broadcast multiply on WASM, and WebGPU's Tile of rank >= 5 reads
  // back to the CPU: there keep it to small, low-rank cases. On the cpu backend Tile is the faster one.
  if (tf.getBackend() === 'cpu' || (product(to) <= SMALL_TILE && to.length <= 4)) return tf.tile(x, to.map((len, i) => len / from[i]!));
  const ones = onesForNewAxes(from, to, x.dtype);
  const y = multiplyByOnes(x, ones);
  ones.dispose();
  return y;
}

function onesForNewAxes(from: readonly number[], to: readonly number[], dtype: tf.DataType): tf.Tensor {
  const shape = to.map((len, i) => (from[i] === len ? 1 : len));
  return tf.ones(shape, dtype);
}

function multiplyByOnes(x: tf.Tensor, ones: tf.Tensor): tf.Tensor {
  return x.dtype === 'bool' ? tf.logicalAnd(x, ones) : tf.mul(x, ones);
}
