/**
 * The few tfjs kernels every plan lowers to, each kept within MAX_RANK dimensions.
 * Functions take ownership of nothing: they return new tensors and never dispose their input.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  isIdentity, MAX_RANK, mergeBroadcast, mergePermutation, sameShape, splitBroadcast, splitPermutation,
} from './layout.js';

/** `tf.reshape`, skipped (as a clone) when the shape already matches. */
export function reshapeTo(x: tf.Tensor, shape: readonly number[]): tf.Tensor {
  return sameShape(x.shape, shape) ? tf.clone(x) : tf.reshape(x, shape as number[]);
}

/** Runs `step` on `x`, disposing `x` afterwards unless it is `keep` (the caller's input). */
export function chain(x: tf.Tensor, keep: tf.Tensor, step: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  const y = step(x);
  if (x !== keep && y !== x) x.dispose();
  return y;
}

/**
 * Permutes the axes of `x`, whose data has the (elementary) `shape`, by `perm`. The result has the
 * merged output shape: callers reshape it to whatever they need next. Returns `x` itself when no
 * data moves.
 */
export function permute(x: tf.Tensor, shape: readonly number[], perm: readonly number[]): tf.Tensor {
  const merged = mergePermutation(shape, perm);
  if (isIdentity(merged.perm)) return x;
  const passes = merged.shape.length <= MAX_RANK ? [merged] : splitPermutation(merged.shape, merged.perm);
  let t = x;
  for (const pass of passes) {
    t = chain(t, x, (cur) => chain(tf.reshape(cur, pass.shape), cur, (r) => transposeKernel(r, pass.perm)));
  }
  return t;
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

/**
 * Broadcasts `x` (data of shape `from`, with 1 where new axes go) to `to` without the Tile kernel:
 * a multiplication by ones that have only the new axes, which every backend broadcasts natively.
 * Returns a tensor with the merged target shape.
 */
export function broadcastNewAxes(x: tf.Tensor, from: readonly number[], to: readonly number[]): tf.Tensor {
  const merged = mergeBroadcast(from, to);
  let t = x;
  for (const pass of splitBroadcast(merged.from, merged.to)) {
    const ones = onesForNewAxes(pass.from, pass.to, x.dtype);
    t = chain(t, x, (cur) => chain(tf.reshape(cur, pass.from), cur, (r) => multiplyByOnes(r, ones)));
    ones.dispose();
  }
  return t;
}

function onesForNewAxes(from: readonly number[], to: readonly number[], dtype: tf.DataType): tf.Tensor {
  const shape = to.map((len, i) => (from[i] === len ? 1 : len));
  return tf.ones(shape, dtype === 'bool' ? 'bool' : dtype);
}

function multiplyByOnes(x: tf.Tensor, ones: tf.Tensor): tf.Tensor {
  return x.dtype === 'bool' ? tf.logicalAnd(x, ones) : tf.mul(x, ones);
}

/**
 * `[B, M, K] x [B, K, N] -> [B, M, N]`. On WASM only un-batched, un-transposed matMuls take the
 * XNNPACK fast path (the batched kernel is a scalar loop ~10x slower), so there the batch is split
 * into 2-D products when they are big enough to pay for the slices.
 */
export function batchedMatMul(a: tf.Tensor, b: tf.Tensor, batch: number, m: number, k: number, n: number): tf.Tensor {
  return tf.tidy(() => {
    if (batch === 1) return tf.reshape(tf.matMul(tf.reshape(a, [m, k]) as tf.Tensor2D, tf.reshape(b, [k, n]) as tf.Tensor2D), [1, m, n]);
    const a3 = tf.reshape(a, [batch, m, k]) as tf.Tensor3D;
    const b3 = tf.reshape(b, [batch, k, n]) as tf.Tensor3D;
    if (splitsBatchedMatMul() && batch <= PER_BATCH_MAX && m * k * n >= PER_BATCH_MIN_WORK) {
      const as = tf.split(a3, batch, 0);
      const bs = tf.split(b3, batch, 0);
      return tf.stack(as.map((ai, i) => tf.matMul(tf.reshape(ai, [m, k]) as tf.Tensor2D, tf.reshape(bs[i]!, [k, n]) as tf.Tensor2D)));
    }
    return tf.matMul(a3, b3);
  });
}

const PER_BATCH_MAX = 256;
const PER_BATCH_MIN_WORK = 32 * 32 * 32;

function splitsBatchedMatMul(): boolean {
  return tf.getBackend() === 'wasm';
}
